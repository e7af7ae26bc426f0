/**
 * What shoji's ledger remembers of this host across boots, for `ec2-cost --month`: the store
 * (store.ts) writes it from the samples shoji takes whenever it runs, and the month bill
 * (../month.ts) reads it. AWS bills by UTC calendar month while the kernel's counters start
 * again at every boot, so the ledger keeps, per boot, when it ran and what it sent in each month.
 *
 * Times are whole or fractional seconds since the Unix epoch (UTC); byte counts are bigints, as
 * the kernel's 64-bit counters can pass Number.MAX_SAFE_INTEGER.
 */

/** One reading of the host, as a recorder takes it (from /proc, or a fixture tree in tests). */
/**
 * A boot's start (btime) that moved more than this within the boot: the wall clock was set. The
 * kernel keeps btime as the wall clock less the uptime, so a step of the clock moves it by as
 * much; NTP's slewing moves it by well under a second.
 */
export const CLOCK_STEP_S = 60;

export interface HostSample {
  /** /proc/sys/kernel/random/boot_id: a new value at every boot. */
  bootId: string;
  /** The boot's start: /proc/stat's btime, or the sample's time minus the uptime. */
  bootTime: number;
  /** When the sample was taken: bootTime + /proc/uptime. */
  at: number;
  /**
   * Byte counters of the counted interfaces (the default-route ones, or those configured), with
   * each one's ifindex where /sys says it: the kernel keeps an interface's counters and index when
   * it is renamed, so the index tells a rename from a new interface.
   */
  counters: Map<string, { rx: bigint; tx: bigint; ifindex?: number }>;
}

/** A boot's traffic within one UTC month ("YYYY-MM"), resets and wraps already accounted for. */
export interface MonthTraffic {
  txBytes: bigint;
  rxBytes: bigint;
}

/** A stretch within a boot when shoji took no sample: traffic in it was split by time between the months it spans. */
export interface Gap {
  from: number;
  to: number;
}

/** Everything the ledger keeps about one boot. */
export interface BootRecord {
  bootId: string;
  bootTime: number;
  /** The first and the latest sample of this boot. The instance ran at least from bootTime to lastSeen. */
  firstSeen: number;
  lastSeen: number;
  /** Interfaces counted at some point in this boot, in the order first seen. */
  interfaces: string[];
  /** Traffic per UTC month; traffic before the first sample counts from the boot (counters start at zero). */
  months: Record<string, MonthTraffic>;
  /** Times a counter went backwards (reset, wrap, interface re-created): never counted negative or twice. */
  counterResets: number;
  /** Samples folded into this record. */
  samples: number;
  /** Stretches longer than the ledger's gap threshold with no sample (most recent kept when there are many). */
  gaps: Gap[];
}
