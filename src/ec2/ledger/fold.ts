/**
 * Folding one sample of the host into the ledger's record of its boot: pure, no files.
 *
 * The kernel's counters count from zero at boot, so the first sample of a boot counts everything
 * it reads, from bootTime. A later sample adds, per interface, what the counter moved since the
 * boot's last sample, and spreads that traffic over the UTC months the stretch between the two
 * samples spans, in proportion to time (shoji cannot know when within the stretch it was sent).
 *
 * The rules that keep a byte from being counted negative or twice:
 * - a counter that went backwards (driver reset, a 32-bit counter that wrapped, the interface
 *   deleted and created again) counts its current value as the traffic since the reset;
 * - an interface renamed within a boot keeps its counters (and its ifindex): a new name with the
 *   ifindex of a name seen before carries on from that name's last counters;
 * - a name first seen after the boot's first sample, with no ifindex to match, counts from its
 *   value at first sight (it may be a renamed interface whose traffic is already counted, or one
 *   that only now carries the default route): what it sent before that sample is not counted, a
 *   lower bound rather than a double count;
 * - the same name with another ifindex is another interface (deleted and created again): its
 *   counters started at zero, so its current value is new traffic;
 * - a sample no later than the boot's last one (a replay, a slower writer) adds nothing;
 * - a clock that was set (btime moved by more than CLOCK_STEP_S within the boot) re-expresses the
 *   boot's times in the clock as it now reads (see shiftedBoot), so a clock set back keeps
 *   counting from the next sample instead of answering "older" until it catches up.
 */
import { sameBoot } from '../../core/boot-id.js';
import { type BootRecord, CLOCK_STEP_S, type Gap, type HostSample, type MonthTraffic } from './types.js';

/** A stretch without a sample longer than this is kept as a gap. */
export const GAP_THRESHOLD_S = 15 * 60;

/**
 * How far a sample's time may read behind the wall clock: it is the boot's start (btime, whole
 * seconds) plus the uptime. The store does not take a write this soon after the last for a later
 * one, and the month bill does not call a stretch this short after the latest sample unseen.
 */
export const SAMPLE_CLOCK_SLACK_S = 2;
/** Gaps kept per boot (the most recent): enough for any month of a host that sleeps nightly. */
export const MAX_GAPS = 64;
/** Interfaces remembered per boot: a host with more counted interfaces than this is not one shoji is for. */
export const MAX_INTERFACES = 32;

/** An interface's counters at the boot's last sample, as the next sample needs them. */
export interface LastCounters {
  rx: bigint;
  tx: bigint;
  ifindex?: number;
}

/** What the store keeps per boot: the shared BootRecord plus the last counters seen, by interface name. */
export interface LedgerBoot extends BootRecord {
  last: Record<string, LastCounters>;
}

export type FoldResult =
  | { kind: 'folded'; boot: LedgerBoot; newBoot: boolean }
  /** The sample is not later than the boot's last one: nothing changed. */
  | { kind: 'older'; boot: LedgerBoot };

/** The UTC month ("YYYY-MM") of a time in seconds since the epoch. */
export function monthOf(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 7);
}

/** The start of the UTC month after the one holding t, in seconds. */
function nextMonthStart(t: number): number {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

/**
 * `bytes` sent between `from` and `to`, spread over the UTC months of that stretch in proportion
 * to the time in each (to the millisecond). Exact: the parts add up to `bytes`, the remainder of
 * the division going to the last month. An empty or backwards stretch puts it all in to's month.
 */
export function splitByMonth(from: number, to: number, bytes: bigint): [string, bigint][] {
  if (bytes === 0n) return [];
  if (!(to > from)) return [[monthOf(to), bytes]];
  const parts: { month: string; ms: bigint }[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(nextMonthStart(start), to);
    parts.push({ month: monthOf(start), ms: BigInt(Math.round(end * 1000) - Math.round(start * 1000)) });
    start = end;
  }
  const total = parts.reduce((sum, p) => sum + p.ms, 0n);
  if (total === 0n) return [[monthOf(to), bytes]];
  const out: [string, bigint][] = [];
  let given = 0n;
  parts.forEach((p, i) => {
    const share = i === parts.length - 1 ? bytes - given : (bytes * p.ms) / total;
    given += share;
    if (share > 0n) out.push([p.month, share]);
  });
  return out;
}

function addTraffic(months: Record<string, MonthTraffic>, from: number, to: number, tx: bigint, rx: bigint): void {
  const add = (parts: [string, bigint][], key: keyof MonthTraffic) => {
    for (const [month, n] of parts) {
      months[month] ??= { txBytes: 0n, rxBytes: 0n };
      months[month][key] += n;
    }
  };
  add(splitByMonth(from, to, tx), 'txBytes');
  add(splitByMonth(from, to, rx), 'rxBytes');
}

/** Counter movement from `prev` to `cur`: a counter that went backwards restarted from zero. */
function moved(prev: bigint, cur: bigint): { bytes: bigint; reset: boolean } {
  return cur >= prev ? { bytes: cur - prev, reset: false } : { bytes: cur, reset: true };
}

function noteGap(gaps: Gap[], from: number, to: number): Gap[] {
  if (to - from <= GAP_THRESHOLD_S) return gaps;
  return [...gaps, { from, to }].slice(-MAX_GAPS);
}

function lastOf(counters: HostSample['counters']): Record<string, LastCounters> {
  const last: Record<string, LastCounters> = {};
  for (const [name, c] of counters) last[name] = c.ifindex === undefined ? { rx: c.rx, tx: c.tx } : { rx: c.rx, tx: c.tx, ifindex: c.ifindex };
  return last;
}

/** The record a boot's first sample starts: everything its counters say, counted from bootTime. */
export function startBoot(sample: HostSample): LedgerBoot {
  const months: Record<string, MonthTraffic> = {};
  let tx = 0n;
  let rx = 0n;
  for (const c of sample.counters.values()) {
    tx += c.tx;
    rx += c.rx;
  }
  addTraffic(months, sample.bootTime, sample.at, tx, rx);
  return {
    bootId: sample.bootId,
    bootTime: sample.bootTime,
    firstSeen: sample.at,
    lastSeen: sample.at,
    interfaces: [...sample.counters.keys()].slice(0, MAX_INTERFACES),
    months,
    counterResets: 0,
    samples: 1,
    gaps: noteGap([], sample.bootTime, sample.at),
    last: lastOf(sample.counters),
  };
}

/**
 * The boot's record with its times moved by `step` seconds: the wall clock was set within the
 * boot, and a sample's time is btime plus the uptime, so the record's first and last sightings and
 * its gaps read in the new clock as they would have had it been right all along. The traffic
 * already placed in months stays where it was placed (it was sent then, by the clock of then);
 * the next stretch is placed by the new clock. A sampler that read before the step and writes
 * after shifts the record back for one sample, and it is then older than the record: nothing changes.
 */
export function shiftedBoot(boot: LedgerBoot, step: number): LedgerBoot {
  return {
    ...boot,
    bootTime: boot.bootTime + step,
    firstSeen: boot.firstSeen + step,
    lastSeen: boot.lastSeen + step,
    gaps: boot.gaps.map((g) => ({ ...g, from: g.from + step, to: g.to + step })),
  };
}

/**
 * Fold a sample into its boot's record (undefined: the boot's first sample). Returns a new record;
 * the one passed in is not changed.
 */
export function foldSample(recorded: LedgerBoot | undefined, sample: HostSample): FoldResult {
  if (!recorded) return { kind: 'folded', boot: startBoot(sample), newBoot: true };
  const step = sample.bootTime - recorded.bootTime;
  const boot = Math.abs(step) > CLOCK_STEP_S ? shiftedBoot(recorded, step) : recorded;
  if (!(sample.at > boot.lastSeen)) return { kind: 'older', boot: recorded };

  const old = boot.last;
  const byIndex = new Map<number, string>();
  for (const [name, c] of Object.entries(old)) if (c.ifindex !== undefined) byIndex.set(c.ifindex, name);
  const renamedFrom = new Set<string>();
  let tx = 0n;
  let rx = 0n;
  let resets = 0;
  for (const [name, cur] of sample.counters) {
    let prev: LastCounters | undefined = old[name];
    const sameDevice = prev !== undefined && (prev.ifindex === undefined || cur.ifindex === undefined || prev.ifindex === cur.ifindex);
    if (!sameDevice) {
      const formerName = cur.ifindex === undefined ? undefined : byIndex.get(cur.ifindex);
      if (formerName !== undefined && formerName !== name && !renamedFrom.has(formerName)) {
        // Renamed: the kernel kept its counters; carry on from its last ones under the old name.
        prev = old[formerName];
        renamedFrom.add(formerName);
      } else if (prev !== undefined) {
        // The name now belongs to another interface (deleted and created again): from zero.
        prev = { rx: 0n, tx: 0n };
        resets++;
      } else {
        // First seen now, no index to match: counted from here on (see the file's comment).
        prev = cur;
      }
    }
    const t = moved(prev.tx, cur.tx);
    const r = moved(prev.rx, cur.rx);
    if (t.reset || r.reset) resets++;
    tx += t.bytes;
    rx += r.bytes;
  }

  const months: Record<string, MonthTraffic> = {};
  for (const [m, v] of Object.entries(boot.months)) months[m] = { ...v };
  addTraffic(months, boot.lastSeen, sample.at, tx, rx);
  const last: Record<string, LastCounters> = {};
  for (const [name, c] of Object.entries(old)) if (!renamedFrom.has(name) && !sample.counters.has(name)) last[name] = c;
  Object.assign(last, lastOf(sample.counters));
  const interfaces = [...boot.interfaces];
  for (const name of sample.counters.keys()) if (!interfaces.includes(name) && interfaces.length < MAX_INTERFACES) interfaces.push(name);
  // Names no longer read and not renamed are kept for when they come back, within the bound.
  const kept = Object.keys(last);
  if (kept.length > MAX_INTERFACES) for (const name of kept.slice(0, kept.length - MAX_INTERFACES)) delete last[name];

  return {
    kind: 'folded',
    newBoot: false,
    boot: {
      ...boot,
      lastSeen: sample.at,
      interfaces,
      months,
      counterResets: boot.counterResets + resets,
      samples: boot.samples + 1,
      gaps: noteGap(boot.gaps, boot.lastSeen, sample.at),
      last,
    },
  };
}

/** How long a boot is kept after its last sample: 14 months of 31 days, so 13 whole months and the current one. */
export const KEEP_S = 14 * 31 * 24 * 3600;
/** Boots kept at most (the most recently seen): a host that reboots every 15 minutes for a month still fits. */
export const MAX_BOOTS = 3000;

/** The boots worth keeping at `now`, sorted by bootTime. */
export function pruneBoots(boots: LedgerBoot[], now: number): LedgerBoot[] {
  let kept = boots.filter((b) => b.lastSeen >= now - KEEP_S);
  if (kept.length > MAX_BOOTS) kept = [...kept].sort((a, b) => b.lastSeen - a.lastSeen).slice(0, MAX_BOOTS);
  return [...kept].sort((a, b) => a.bootTime - b.bootTime || a.firstSeen - b.firstSeen);
}

/**
 * The ledger with a sample folded in: into its boot's record (by boot id), or a new record for a
 * new boot id; then pruned at the sample's time.
 */
export function foldIntoLedger(boots: LedgerBoot[], sample: HostSample): { boots: LedgerBoot[]; result: FoldResult } {
  // Off Linux a boot's id is its start to the second, which may read one second off (src/core/boot-id.ts).
  let i = boots.findIndex((b) => sameBoot(b.bootId, sample.bootId));
  const stepped = i < 0 ? steppedBootIndex(boots, sample) : -1;
  if (stepped >= 0) i = stepped;
  const result = foldSample(i < 0 ? undefined : boots[i], sample);
  if (result.kind === 'older') return { boots, result };
  // A boot found again under a stepped clock goes on under the id the clock now gives it.
  const boot = stepped >= 0 ? { ...result.boot, bootId: sample.bootId } : result.boot;
  const next = i < 0 ? [...boots, boot] : boots.map((b, j) => (j === i ? boot : b));
  return { boots: pruneBoots(next, sample.at), result: { ...result, boot } };
}

/**
 * Off Linux a boot is named by the clock less the uptime (`boottime-SECONDS`), so a step of the
 * clock (ntpd, a resumed VM) renames it; counted as a new boot, its bytes since boot and its
 * hours would count twice. The latest `boottime-` boot is this one's when this "boot" began before
 * that boot was last seen running (a real reboot begins after) and no interface's counters went
 * backwards (a reboot starts them from zero). Its index, or -1.
 */
function steppedBootIndex(boots: LedgerBoot[], sample: HostSample): number {
  if (!sample.bootId.startsWith('boottime-')) return -1;
  let latest = -1;
  for (let j = 0; j < boots.length; j++) {
    if (boots[j].bootId.startsWith('boottime-') && (latest < 0 || boots[j].lastSeen > boots[latest].lastSeen)) latest = j;
  }
  if (latest < 0) return -1;
  const boot = boots[latest];
  if (!(sample.bootTime < boot.lastSeen)) return -1;
  for (const [name, cur] of sample.counters) {
    const last = boot.last[name];
    if (last !== undefined && (cur.tx < last.tx || cur.rx < last.rx)) return -1;
  }
  return latest;
}
