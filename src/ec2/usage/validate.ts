/**
 * The usage files' text, both ways, and what a row must be to be believed. The files are the
 * user's own, but an editor, a half-failed disk or a bug can leave anything in them, and
 * `ec2-cost --fit` sizes an instance from what they hold: a row that does not check out is dropped
 * alone (with a line saying so); a file that is not shoji's (not JSON, another format) is skipped
 * whole, and set aside by the next writer.
 *
 * Month files (hours-YYYY-MM.json) hold one row per line as a JSON array, in HOUR_FIELDS order:
 * about 80 bytes an hour, 60 KB a month, one JSON.parse to read.
 */
import type { RaplSample, RaplZone } from '../../core/power.js';
import { validInterfaceName } from '../ledger/validate.js';
import { HOUR_S, type LastCounters, MAX_MINUTES, type Minute, type OpenHour } from './fold.js';
import type { HourUsage, PowerSource } from './types.js';

export const USAGE_FORMAT = 1;
const MONTH_KIND = 'shoji-usage-hours';
const OPEN_KIND = 'shoji-usage-open-hour';

/** Times shoji believes: after 2000-01-01 and before 2200-01-01, in seconds (as the ledger). */
const EARLIEST = 946_684_800;
const LATEST = 7_258_118_400;
const BOOT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_VCPUS = 8192;
/** 64 TiB: more memory than any host shoji will meet, less than a corrupt number. */
const MAX_MEMORY_BYTES = 2 ** 46;
/** Watts no single host draws (a rack is ~20 kW). */
const MAX_WATTS = 100_000;
const POWER_SOURCES: readonly PowerSource[] = ['rapl', 'battery'];
const MAX_TRACKED_INTERFACES = 32;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= EARLIEST && v <= LATEST;
const isFiniteIn = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

/** "YYYY-MM" of a time, UTC. */
export function monthOf(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 7);
}

/**
 * Why a row cannot be believed, or null. Rounding may put the mean a hair above the max: allowed
 * up to 1e-4. Plain comparisons, nothing allocated unless it fails: it runs for every row read.
 */
export function hourProblem(h: HourUsage): string | null {
  if (!isTime(h.hour) || h.hour % HOUR_S !== 0) return `hour ${h.hour} is not the start of a UTC hour`;
  if (!Number.isSafeInteger(h.samples) || h.samples < 1 || h.samples > MAX_MINUTES) return `samples ${h.samples} is not 1 to ${MAX_MINUTES}`;
  if (!Number.isSafeInteger(h.vcpus) || h.vcpus < 1 || h.vcpus > MAX_VCPUS) return `vcpus ${h.vcpus} is not 1 to ${MAX_VCPUS}`;
  if (!isFiniteIn(h.cpuMean, 0, h.vcpus)) return `cpuMean ${h.cpuMean} is not 0 to the ${h.vcpus} vCPUs`;
  if (!isFiniteIn(h.cpuP95, 0, h.vcpus)) return `cpuP95 ${h.cpuP95} is not 0 to the ${h.vcpus} vCPUs`;
  if (!isFiniteIn(h.cpuMax, 0, h.vcpus)) return `cpuMax ${h.cpuMax} is not 0 to the ${h.vcpus} vCPUs`;
  if (h.cpuP95 > h.cpuMax || h.cpuMean > h.cpuMax + 1e-4) return `the CPU figures (mean ${h.cpuMean}, p95 ${h.cpuP95}, max ${h.cpuMax}) are out of order`;
  if (!isCount(h.memTotalBytes) || h.memTotalBytes < 1 || h.memTotalBytes > MAX_MEMORY_BYTES) return `memTotalBytes ${h.memTotalBytes} is not a memory size`;
  if (!isCount(h.memPeakBytes) || h.memPeakBytes > h.memTotalBytes) return `memPeakBytes ${h.memPeakBytes} is not 0 to memTotalBytes`;
  if (!isCount(h.txBytes)) return `txBytes ${h.txBytes} is not a byte count`;
  if ((h.watts === undefined) !== (h.wattsSource === undefined)) return 'watts and wattsSource come together';
  if (h.watts !== undefined && !isFiniteIn(h.watts, 0, MAX_WATTS)) return `watts ${h.watts} is not 0 to ${MAX_WATTS}`;
  if (h.wattsSource !== undefined && h.wattsSource !== 'rapl' && h.wattsSource !== 'battery') {
    return `wattsSource "${String(h.wattsSource).slice(0, 20)}" is not one of ${POWER_SOURCES.join(', ')}`;
  }
  return null;
}

/** A row as a line's array: the order HOUR_FIELDS says; watts and its source last, when there. */
export const HOUR_FIELDS = [
  'hour',
  'samples',
  'vcpus',
  'cpuMean',
  'cpuP95',
  'cpuMax',
  'memPeakBytes',
  'memTotalBytes',
  'txBytes',
  'watts',
  'wattsSource',
] as const;

/** A line's row, or why it is not one. Written for speed: `ec2-cost --fit` reads 9,500 of these at start-up. */
function rowOf(v: unknown): HourUsage | string {
  if (!Array.isArray(v) || (v.length !== 9 && v.length !== 11)) return 'not a row of 9 or 11 fields';
  const h: HourUsage = {
    hour: v[0],
    samples: v[1],
    vcpus: v[2],
    cpuMean: v[3],
    cpuP95: v[4],
    cpuMax: v[5],
    memPeakBytes: v[6],
    memTotalBytes: v[7],
    txBytes: v[8],
  };
  if (v.length === 11) {
    h.watts = v[9];
    h.wattsSource = v[10];
  }
  return hourProblem(h) ?? h;
}

function lineOf(h: HourUsage): string {
  const core = [h.hour, h.samples, h.vcpus, h.cpuMean, h.cpuP95, h.cpuMax, h.memPeakBytes, h.memTotalBytes, h.txBytes];
  return JSON.stringify(h.watts === undefined ? core : [...core, h.watts, h.wattsSource]);
}

export interface ParsedMonth {
  hours: HourUsage[];
  /** Why the file is not a month file of shoji's (then hours is empty), or null. */
  problem: string | null;
  /** Rows dropped, each with why ("row 3: ..."). */
  dropped: string[];
}

/** A month file's rows that check out, sorted by hour, one per hour (the later line wins). */
export function parseMonth(text: string, month: string): ParsedMonth {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { hours: [], problem: 'not JSON', dropped: [] };
  }
  if (!isObject(doc) || doc.kind !== MONTH_KIND || doc.format !== USAGE_FORMAT || !Array.isArray(doc.hours)) {
    return { hours: [], problem: `not a format-${USAGE_FORMAT} usage file`, dropped: [] };
  }
  if (doc.month !== month) return { hours: [], problem: `it says it is for ${String(doc.month).slice(0, 10)}, not ${month}`, dropped: [] };
  const [y, m] = month.split('-').map(Number);
  const start = Date.UTC(y, m - 1, 1) / 1000;
  const end = Date.UTC(y, m, 1) / 1000;
  const hours: HourUsage[] = [];
  const dropped: string[] = [];
  let ordered = true;
  for (let i = 0; i < doc.hours.length; i++) {
    const row = rowOf(doc.hours[i]);
    if (typeof row === 'string') dropped.push(`row ${i + 1}: ${row}`);
    else if (row.hour < start || row.hour >= end) dropped.push(`row ${i + 1}: hour ${row.hour} is not in ${month}`);
    else {
      if (hours.length > 0 && row.hour <= hours[hours.length - 1].hour) ordered = false;
      hours.push(row);
    }
  }
  if (ordered) return { hours, problem: null, dropped };
  // Written in order by shoji; a hand-edited file: one row per hour, the later line winning.
  const byHour = new Map(hours.map((h) => [h.hour, h]));
  return { hours: [...byHour.values()].sort((a, b) => a.hour - b.hour), problem: null, dropped };
}

export function monthText(month: string, hours: HourUsage[]): string {
  return `{"format":${USAGE_FORMAT},"kind":"${MONTH_KIND}","month":"${month}","hours":[\n${hours.map(lineOf).join(',\n')}\n]}\n`;
}

/** A minute as a line's array: at, seconds, cpu, vcpus, memUsedBytes, memTotalBytes, txBytes, then joules and batteryWatts (null when none) when either is there. */
function minuteOf(v: unknown, hour: number): Minute | null {
  if (!Array.isArray(v) || (v.length !== 7 && v.length !== 9)) return null;
  const [at, seconds, cpu, vcpus, memUsedBytes, memTotalBytes, txBytes, joules = null, batteryWatts = null] = v;
  if (!isTime(at) || at < hour || at >= hour + HOUR_S || !isFiniteIn(seconds, 0, 3600) || seconds === 0) return null;
  if (!Number.isSafeInteger(vcpus) || vcpus < 1 || vcpus > MAX_VCPUS || !isFiniteIn(cpu, 0, vcpus)) return null;
  if (!isCount(memTotalBytes) || memTotalBytes > MAX_MEMORY_BYTES || !isCount(memUsedBytes) || memUsedBytes > memTotalBytes || !isCount(txBytes)) return null;
  const m: Minute = { at, seconds, cpu, vcpus, memUsedBytes, memTotalBytes, txBytes };
  // A power figure out of range is dropped alone: the minute's CPU and memory still stand.
  if (isFiniteIn(joules, 0, MAX_WATTS * seconds)) m.joules = joules;
  if (isFiniteIn(batteryWatts, 0, MAX_WATTS)) m.batteryWatts = batteryWatts;
  return m;
}

const RAPL_DIR = /^intel-rapl:\d{1,4}(?::\d{1,4})?$/;
const MAX_RAPL_ZONES = 64;

/** RAPL counters as kept in the open hour, or undefined when they do not check out (the next minute then has no RAPL figure). */
function raplOf(v: unknown): RaplSample | undefined {
  if (!isObject(v) || !isFiniteIn(v.at, 0, LATEST * 1000) || !Array.isArray(v.zones) || v.zones.length > MAX_RAPL_ZONES) return undefined;
  const zones: RaplZone[] = [];
  for (const z of v.zones) {
    if (!isObject(z) || typeof z.dir !== 'string' || !RAPL_DIR.test(z.dir) || typeof z.zone !== 'string' || typeof z.counted !== 'boolean') return undefined;
    if (z.zone.length > 100 || /[\u0000-\u001f\u007f-\u009f]/.test(z.zone)) return undefined;
    const zone: RaplZone = { dir: z.dir, zone: z.zone, counted: z.counted };
    if (z.energyUj !== undefined) {
      if (!isCount(z.energyUj)) return undefined;
      zone.energyUj = z.energyUj;
    }
    if (z.maxEnergyRangeUj !== undefined) {
      if (!isCount(z.maxEnergyRangeUj) || z.maxEnergyRangeUj === 0) return undefined;
      zone.maxEnergyRangeUj = z.maxEnergyRangeUj;
    }
    zones.push(zone);
  }
  return { at: v.at as number, zones };
}

function lastOf(v: unknown): LastCounters | null {
  if (!isObject(v)) return null;
  const { bootId, at, busyTicks, totalTicks, tx } = v;
  if (typeof bootId !== 'string' || !BOOT_ID.test(bootId) || !isTime(at) || !isCount(busyTicks) || !isCount(totalTicks) || busyTicks > totalTicks) return null;
  if (!isObject(tx)) return null;
  const out: LastCounters['tx'] = {};
  for (const [name, c] of Object.entries(tx).slice(0, MAX_TRACKED_INTERFACES)) {
    if (!validInterfaceName(name) || !isObject(c) || typeof c.tx !== 'string' || !/^\d{1,30}$/.test(c.tx)) continue;
    if (c.ifindex !== undefined && !(Number.isSafeInteger(c.ifindex) && (c.ifindex as number) > 0)) continue;
    out[name] = c.ifindex === undefined ? { tx: BigInt(c.tx) } : { tx: BigInt(c.tx), ifindex: c.ifindex as number };
  }
  const last: LastCounters = { bootId, at, busyTicks, totalTicks, tx: out };
  // Kept since shoji tells a clock step by it; a bad one is left out (no step is then seen).
  if (isTime(v.bootTime)) last.bootTime = v.bootTime;
  const rapl = raplOf(v.rapl);
  return rapl ? { ...last, rapl } : last;
}

/**
 * The open hour as read back, or why the file is not one. A bad minute is dropped alone; bad
 * counters are dropped (the next sample then only sets them: one minute without a figure).
 */
export function parseOpenHour(text: string): { open: OpenHour | null; problem: string | null } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { open: null, problem: 'not JSON' };
  }
  if (!isObject(doc) || doc.kind !== OPEN_KIND || doc.format !== USAGE_FORMAT || !Array.isArray(doc.minutes)) {
    return { open: null, problem: `not a format-${USAGE_FORMAT} open-hour file` };
  }
  const hour = doc.hour;
  if (!isTime(hour) || hour % HOUR_S !== 0) return { open: null, problem: `hour ${String(hour).slice(0, 20)} is not the start of a UTC hour` };
  const minutes: Minute[] = [];
  for (const raw of doc.minutes.slice(0, MAX_MINUTES)) {
    const m = minuteOf(raw, hour);
    if (m && (minutes.length === 0 || m.at > minutes[minutes.length - 1].at)) minutes.push(m);
  }
  return { open: { hour, minutes, last: lastOf(doc.last) }, problem: null };
}

export function openHourText(open: OpenHour): string {
  const last = open.last && {
    ...open.last,
    tx: Object.fromEntries(
      Object.entries(open.last.tx).map(([n, c]) => [n, c.ifindex === undefined ? { tx: c.tx.toString() } : { tx: c.tx.toString(), ifindex: c.ifindex }]),
    ),
  };
  const minutes = open.minutes.map((m) => {
    const core = [m.at, m.seconds, m.cpu, m.vcpus, m.memUsedBytes, m.memTotalBytes, m.txBytes];
    return JSON.stringify(m.joules === undefined && m.batteryWatts === undefined ? core : [...core, m.joules ?? null, m.batteryWatts ?? null]);
  });
  return `{"format":${USAGE_FORMAT},"kind":"${OPEN_KIND}","hour":${open.hour},"last":${JSON.stringify(last)},"minutes":[\n${minutes.join(',\n')}\n]}\n`;
}
