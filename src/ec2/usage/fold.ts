/**
 * How minute samples become hourly rows. The store keeps one open hour: the minute figures taken
 * so far in the current UTC hour, and the counters of the latest sample (with its boot id), so
 * that the next sample, from this process or another, a minute or a daemon restart later, gets
 * its figures from the difference. When a sample falls in a later hour, the open hour is folded
 * into one HourUsage row and a new one is opened.
 *
 * - A sample counts when it is in a later calendar minute than the latest counted one and at
 *   least MIN_INTERVAL_S after it: several long-lived processes (tmux daemon, exporter,
 *   dashboard) sample every minute, and only one sample per minute counts, so an hour has at most
 *   60 figures; the 30 s floor keeps two processes' samples a second apart across a minute's
 *   edge from making a figure of a second's noise.
 * - A new boot (another boot id), or the first sample ever, gives no figure: the counters start
 *   again at boot and there is nothing to subtract. It sets the counters for the next minute.
 * - A sample more than MAX_INTERVAL_S after the latest (shoji was not running) gives no figure
 *   either: a rate over hours is not a minute figure and would flatten the hour's p95 and max.
 *   Those hours are missing, not zero: a row's `samples` says how much of its hour was seen.
 * - A figure belongs to the hour its sample was taken in, though its minute may have begun in
 *   the hour before: at most a minute of sixty is placed an hour late.
 */
import { type RaplSample, raplEnergyBetween } from '../../core/power.js';
import { CLOCK_STEP_S, type HostSample } from '../ledger/types.js';
import type { UsageReading } from './sample.js';
import type { HourUsage } from './types.js';

export const HOUR_S = 3600;
/** A sample this soon after the latest counted one does not count (see above). */
export const MIN_INTERVAL_S = 30;
/** A sample this long after the latest one gives no figure: shoji was not sampling in between. */
export const MAX_INTERVAL_S = 5 * 60;
/** At most one figure per calendar minute. */
export const MAX_MINUTES = 60;

/** One minute's figures: the sample's time, the seconds it covers, and what the host did in them. */
export interface Minute {
  at: number;
  seconds: number;
  /** CPU busy in vCPU-equivalents over those seconds. */
  cpu: number;
  vcpus: number;
  memUsedBytes: number;
  memTotalBytes: number;
  /** Bytes sent on the counted interfaces over those seconds. */
  txBytes: number;
  /** RAPL energy over those seconds (CPU packages and DRAM), joules, where both ends were readable. */
  joules?: number;
  /** The batteries' draw at the sample, watts, while discharging. */
  batteryWatts?: number;
}

/** The latest sample's counters: what the next sample's figures are differences from. */
export interface LastCounters {
  bootId: string;
  /**
   * The boot's start by the wall clock (/proc/stat's btime) when these were read. The kernel
   * moves btime when the clock is set, so a different btime within one boot is a clock step.
   * Absent in an open hour written before shoji kept it.
   */
  bootTime?: number;
  at: number;
  busyTicks: number;
  totalTicks: number;
  /** Sent-byte counters of the counted interfaces (64-bit), with the ifindex where known. */
  tx: Record<string, { tx: bigint; ifindex?: number }>;
  /** RAPL's counters, where readable. */
  rapl?: RaplSample;
}

export interface OpenHour {
  /** The hour's start (a multiple of HOUR_S). */
  hour: number;
  minutes: Minute[];
  last: LastCounters | null;
}

export type StepResult =
  /** A minute figure was added. */
  | 'counted'
  /**
   * No figure (first sample, a new boot, a long gap, counters that went back, a clock set
   * back); the counters were kept for the next.
   */
  | 'counters'
  /** Too soon after the latest counted sample (same minute, or under MIN_INTERVAL_S): nothing changes. */
  | 'recent'
  /** No later than the latest sample of its boot, the clock not set back (a replay, a sampler behind another): nothing changes. */
  | 'older';

export function hourOf(t: number): number {
  return Math.floor(t / HOUR_S) * HOUR_S;
}

/** Four decimal places: a ten-thousandth of a CPU is well below what a minute's counters resolve. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** The 95th percentile by nearest rank: the smallest figure that at least 95% of the figures do not exceed. */
export function p95(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1];
}

/**
 * The hour's row from its minute figures. The mean weights each figure by the seconds it covers,
 * so it is the busy time the counters measured divided by the time covered: exact, not an average
 * of averages.
 */
/**
 * The hour's mean watts: from RAPL's energy over the minutes it covered (a floor: the CPU
 * packages and DRAM, not the whole box), else the batteries' draw averaged over the minutes on
 * battery (the whole machine, but only while it ran on battery); none when neither was readable.
 */
function hourWatts(minutes: Minute[]): Pick<HourUsage, 'watts' | 'wattsSource'> {
  let joules = 0;
  let raplSeconds = 0;
  let batteryJoules = 0;
  let batterySeconds = 0;
  for (const m of minutes) {
    if (m.joules !== undefined) {
      joules += m.joules;
      raplSeconds += m.seconds;
    }
    if (m.batteryWatts !== undefined) {
      batteryJoules += m.batteryWatts * m.seconds;
      batterySeconds += m.seconds;
    }
  }
  if (raplSeconds > 0) return { watts: Math.round((joules / raplSeconds) * 1000) / 1000, wattsSource: 'rapl' };
  if (batterySeconds > 0) return { watts: Math.round((batteryJoules / batterySeconds) * 1000) / 1000, wattsSource: 'battery' };
  return {};
}

export function foldHour(hour: number, minutes: Minute[]): HourUsage {
  let busySeconds = 0;
  let seconds = 0;
  let peak = minutes[0];
  let vcpus = 0;
  let txBytes = 0;
  for (const m of minutes) {
    busySeconds += m.cpu * m.seconds;
    seconds += m.seconds;
    if (m.memUsedBytes > peak.memUsedBytes) peak = m;
    vcpus = Math.max(vcpus, m.vcpus);
    txBytes += m.txBytes;
  }
  const cpus = minutes.map((m) => m.cpu);
  return {
    hour,
    samples: minutes.length,
    vcpus,
    cpuMean: round4(seconds > 0 ? busySeconds / seconds : 0),
    cpuP95: round4(p95(cpus)),
    cpuMax: round4(Math.max(...cpus)),
    memPeakBytes: peak.memUsedBytes,
    memTotalBytes: peak.memTotalBytes,
    txBytes,
    ...hourWatts(minutes),
  };
}

function countersOf(sample: HostSample, r: UsageReading): LastCounters {
  const tx: LastCounters['tx'] = {};
  for (const [name, c] of sample.counters) tx[name] = c.ifindex === undefined ? { tx: c.tx } : { tx: c.tx, ifindex: c.ifindex };
  const last: LastCounters = { bootId: sample.bootId, bootTime: sample.bootTime, at: sample.at, busyTicks: r.busyTicks, totalTicks: r.totalTicks, tx };
  return r.rapl ? { ...last, rapl: r.rapl } : last;
}

/**
 * Bytes sent since the latest counters, as the month ledger counts them: a counter that went
 * backwards (a driver reset, a wrapped 32-bit counter, the interface made again: another ifindex)
 * counts its current value; an interface not seen before counts from its next sample.
 */
function sentSince(last: LastCounters, sample: HostSample): number {
  let sent = 0n;
  for (const [name, cur] of sample.counters) {
    const prev = last.tx[name];
    if (prev === undefined) continue;
    const sameDevice = prev.ifindex === undefined || cur.ifindex === undefined || prev.ifindex === cur.ifindex;
    sent += sameDevice && cur.tx >= prev.tx ? cur.tx - prev.tx : cur.tx;
  }
  return Number(sent);
}

/** The minute figure between the latest counters and this sample, or null when they give none. */
function minuteFigure(last: LastCounters, sample: HostSample, r: UsageReading): Minute | null {
  // To the hundredth, as /proc/uptime gives it (btime + uptime leaves float noise in the last digits).
  const seconds = Math.round((sample.at - last.at) * 100) / 100;
  const busy = r.busyTicks - last.busyTicks;
  const total = r.totalTicks - last.totalTicks;
  if (seconds > MAX_INTERVAL_S || total <= 0 || busy < 0 || busy > total) return null;
  // raplEnergyBetween unwraps a counter that passed its range; a zone that came, went or could
  // not be read gives no total (null), and then the minute has no RAPL figure.
  const joules = last.rapl && r.rapl ? raplEnergyBetween(last.rapl, r.rapl)?.joules : null;
  const figure: Minute = {
    at: sample.at,
    seconds,
    // The share of all CPUs' time that was work, times the CPUs: USER_HZ cancels out.
    cpu: round4((busy / total) * r.vcpus),
    vcpus: r.vcpus,
    memUsedBytes: r.memUsedBytes,
    memTotalBytes: r.memTotalBytes,
    txBytes: sentSince(last, sample),
  };
  if (typeof joules === 'number') figure.joules = Math.round(joules * 1000) / 1000;
  if (r.batteryWatts !== null) figure.batteryWatts = Math.round(r.batteryWatts * 1000) / 1000;
  return figure;
}

/**
 * Take one sample into the open hour. Returns the new open hour, the completed hour's row when
 * the sample falls in a later hour than the open one, and what became of the sample. Pure: the
 * store reads and writes.
 */
export function step(open: OpenHour | null, sample: HostSample, r: UsageReading): { open: OpenHour; completed: HourUsage | null; result: StepResult } {
  const last = open?.last ?? null;
  const sameBoot = last !== null && last.bootId === sample.bootId;
  if (open && sameBoot && sample.at <= last.at) {
    // The clock was stepped back (set right after running ahead): the boot's start by the wall
    // clock moved with it. Waiting for the clock to catch up would record nothing until then;
    // the open hour's minutes carry the wrong clock's times and cannot be placed, so start afresh
    // from here. Otherwise an older sample is a replay, or a sampler that fell behind another.
    const stepped = last.bootTime !== undefined && Math.abs(sample.bootTime - last.bootTime) > CLOCK_STEP_S;
    if (!stepped) return { open, completed: null, result: 'older' };
    return { open: { hour: hourOf(sample.at), minutes: [], last: countersOf(sample, r) }, completed: null, result: 'counters' };
  }
  if (open && sameBoot && (Math.floor(sample.at / 60) === Math.floor(last.at / 60) || sample.at - last.at < MIN_INTERVAL_S)) {
    return { open, completed: null, result: 'recent' };
  }
  const hour = hourOf(sample.at);
  const moved = open !== null && open.hour !== hour;
  const completed = moved && open.minutes.length > 0 ? foldHour(open.hour, open.minutes) : null;
  const minutes = open && !moved ? open.minutes : [];
  const figure = sameBoot ? minuteFigure(last, sample, r) : null;
  const next: OpenHour = {
    hour,
    minutes: figure && minutes.length < MAX_MINUTES ? [...minutes, figure] : minutes,
    last: countersOf(sample, r),
  };
  return { open: next, completed, result: figure ? 'counted' : 'counters' };
}
