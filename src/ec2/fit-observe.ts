/**
 * What the host used over a window of hourly rows (usage/types.ts), in the figures right-sizing
 * sizes to. Pure: rows in, figures out.
 *
 * - p95 CPU: the 95th percentile (nearest rank) of the hours' own p95s, each hour weighted by the
 *   minutes it saw. The minutes themselves are not kept, so this stands in for the window's p95
 *   of minutes; an hour is a better unit for sizing anyway (a type must carry a busy hour, not
 *   just a busy minute).
 * - mean CPU: over every minute seen (each hour's mean weighted by its minutes).
 * - busiest day's mean: the highest mean over any 24 hours of the window holding at least 12
 *   hours of data (a burstable type's credits last about a day: AWS bills or throttles on the
 *   24-hour average); the window's mean when no 24 hours hold that much.
 * - peak memory: the largest hourly peak.
 * CPU figures are vCPU-equivalents (1.5 = one and a half vCPUs busy).
 */
import type { HourUsage } from './usage/types.js';

/** Less than a day of data is no basis for advice: a day's cycle has not been seen once. */
export const MIN_HOURS_OF_DATA = 24;
const DAY_S = 86_400;
/** A 24-hour stretch counts toward the busiest day only with at least this many hours of data in it. */
const MIN_DAY_HOURS = 12;

export interface Observed {
  /** Hourly rows used, and the hours of data they hold (minutes seen / 60). */
  rows: number;
  hoursOfData: number;
  /** The first row's hour and the end of the last row's hour (Unix seconds). */
  from: number;
  to: number;
  /** The most vCPUs the host had online in the window. */
  vcpus: number;
  cpuP95: number;
  cpuMean: number;
  busiestDayMean: number;
  cpuMax: number;
  memPeakBytes: number;
  /** MemTotal in the hour of the peak. */
  memTotalBytes: number;
}

/** The window's figures; null when no row holds a sample. Rows may come in any order. */
export function observe(all: readonly HourUsage[]): Observed | null {
  const rows = all.filter((r) => r.samples > 0);
  // The store gives them in order; sorting 9,500 rows with a comparator costs milliseconds in a one-shot process.
  if (!rows.every((r, i) => i === 0 || rows[i - 1].hour <= r.hour)) rows.sort((a, b) => a.hour - b.hour);
  if (rows.length === 0) return null;
  let minutes = 0;
  let busy = 0;
  let vcpus = 0;
  let cpuMax = 0;
  let peak = rows[0];
  for (const r of rows) {
    minutes += r.samples;
    busy += r.cpuMean * r.samples;
    vcpus = Math.max(vcpus, r.vcpus);
    cpuMax = Math.max(cpuMax, r.cpuMax);
    if (r.memPeakBytes > peak.memPeakBytes) peak = r;
  }
  const cpuMean = busy / minutes;
  return {
    rows: rows.length,
    hoursOfData: minutes / 60,
    from: rows[0].hour,
    to: rows[rows.length - 1].hour + 3600,
    vcpus,
    cpuP95: weightedP95(rows, minutes),
    cpuMean,
    busiestDayMean: busiestDay(rows) ?? cpuMean,
    cpuMax,
    memPeakBytes: peak.memPeakBytes,
    memTotalBytes: peak.memTotalBytes,
  };
}

/**
 * Nearest rank over the hours' p95s, each counted once per minute its hour saw: the minutes at
 * each p95 summed in one pass, then the distinct p95s walked in numeric order (a typed array's own
 * sort) until 95% of the minutes are at or below one: a comparator sort of 13 months of rows
 * cost milliseconds in a one-shot process, which runs this once, before the JIT (measured).
 */
function weightedP95(rows: readonly HourUsage[], total: number): number {
  const minutesAt = new Map<number, number>();
  for (const r of rows) minutesAt.set(r.cpuP95, (minutesAt.get(r.cpuP95) ?? 0) + r.samples);
  const values = Float64Array.from(minutesAt.keys()).sort();
  const rank = Math.ceil(0.95 * total);
  let seen = 0;
  for (const v of values) {
    seen += minutesAt.get(v)!;
    if (seen >= rank) return v;
  }
  return values[values.length - 1];
}

/** The highest mean of any 24 hours starting at a row, among those with enough data; rows sorted by hour. */
function busiestDay(rows: readonly HourUsage[]): number | null {
  let best: number | null = null;
  let end = 0;
  let minutes = 0;
  let busy = 0;
  for (let start = 0; start < rows.length; start++) {
    while (end < rows.length && rows[end].hour < rows[start].hour + DAY_S) {
      minutes += rows[end].samples;
      busy += rows[end].cpuMean * rows[end].samples;
      end++;
    }
    if (minutes >= MIN_DAY_HOURS * 60) best = Math.max(best ?? 0, busy / minutes);
    minutes -= rows[start].samples;
    busy -= rows[start].cpuMean * rows[start].samples;
  }
  return best;
}
