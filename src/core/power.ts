/**
 * How much power the machine draws, from the two sources Linux offers without extra hardware:
 *
 * - RAPL energy counters (<sysRoot>/class/powercap/intel-rapl:N and its intel-rapl:N:M
 *   subzones; AMD's are listed under the same names by the rapl driver on recent kernels). Each
 *   zone counts microjoules since some point; watts are the energy between two readings over the
 *   time between them, so RAPL needs two readings. They see the CPU packages and DRAM only, not
 *   the disks, fans, GPU or power supply losses: a floor for the machine's draw, not its total.
 * - A battery's own figure (<sysRoot>/class/power_supply/BAT*): power_now, or current_now ×
 *   voltage_now, while it is discharging. Then it is the whole machine's draw; on AC it is the
 *   battery's charging, not the machine's, and is not used.
 *
 * Used by the power module (plugins/power) and by the hourly usage record (src/ec2/usage).
 * Everything here is a few small synchronous sysfs reads, and every value it returns is plain
 * JSON (a one-shot `shoji status` keeps the previous RAPL sample in its state file).
 *
 * Which RAPL zones are counted. Top-level zones named package-N are the CPU packages; their
 * core (pp0) and uncore (pp1, the integrated GPU) subzones are inside the package's energy, so
 * they are read but never added. DRAM is a separate domain whose energy is not in the package's:
 * a zone named dram is added wherever it is listed (a subzone of its package on most servers, a
 * top-level zone on some). psys (the whole SoC platform on recent laptops) overlaps the packages,
 * so it is left out too; so are intel-rapl-mmio zones, the same package domain read another way.
 *
 * energy_uj is read as a double: counters stay below max_energy_range_uj, about 2^38 µJ on Intel
 * (262 143 328 850) and 2^36 on AMD, far below 2^53, so every value is exact; anything larger
 * or not an integer is refused as not a counter.
 */
import { join } from 'node:path';
import { listDir, readLine, readLineOrWhy, readNumber } from './read.js';

/** Why RAPL shows nothing to a user who is not root: what `shoji modules` says. */
export const RAPL_UNREADABLE_WHY =
  'RAPL energy counters (/sys/class/powercap/intel-rapl*/energy_uj) are readable by root only since Linux 5.10 (CVE-2020-8694, "PLATYPUS"): ' +
  'run as root, or let your user read them (chmod o+r, or a udev rule: SUBSYSTEM=="powercap", RUN+="/bin/chmod o+r /sys%p/energy_uj")';

/**
 * The most one zone is believed to draw, in watts: above what any current server socket is rated
 * for (500 W). A counter read longer ago than it takes to wrap at this draw may have wrapped more
 * than once, so its difference is not trusted (a one-shot memo from an hour ago).
 */
export const RAPL_ZONE_CEILING_WATTS = 500;

/** One RAPL zone as read. */
export interface RaplZone {
  /** The sysfs directory name: `intel-rapl:0`, `intel-rapl:0:0`. */
  dir: string;
  /** Its name, with its package's for a subzone: `package-0`, `package-0/dram`, `psys`. */
  zone: string;
  /** Whether it is added into the total (packages and DRAM; see the file's comment). */
  counted: boolean;
  /** The counter in µJ; absent when it could not be read (see `unreadable`). */
  energyUj?: number;
  /** The value after which the counter wraps to 0, in µJ, when readable. */
  maxEnergyRangeUj?: number;
  /** energy_uj is there but cannot be read (root-only since Linux 5.10). */
  unreadable?: true;
}

/** Every RAPL zone read at one moment. Plain JSON. */
export interface RaplSample {
  /** When it was read: a monotonic clock in ms (ModuleContext.now). */
  at: number;
  zones: RaplZone[];
}

/** What RAPL offers here: no zones, zones whose counters cannot be read, or counters. */
export type RaplAccess = 'absent' | 'unreadable' | 'readable';

/** One zone's energy between two samples. */
export interface ZoneEnergy {
  zone: string;
  counted: boolean;
  joules: number;
}

/** The energy between two RAPL samples. */
export interface RaplEnergy {
  /** Seconds between the samples. */
  seconds: number;
  /** The counted zones' energy in joules; null when one of them has no difference (`missing`). */
  joules: number | null;
  /** joules / seconds; null with joules. */
  watts: number | null;
  /** Each zone with a difference, counted or not, in sample order. */
  zones: ZoneEnergy[];
  /**
   * Zones with no difference and why: one that came or went between the samples, one unreadable
   * in either, one that went backwards with no known range, or one read too long ago to trust.
   */
  missing: { zone: string; counted: boolean; why: string }[];
}

const RAPL_DIR = /^intel-rapl:(\d+)(?::(\d+))?$/;

/** An energy counter: a non-negative integer a double holds exactly. */
function counterValue(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Read every RAPL zone under sysRoot; `at` is the monotonic time to stamp it with. No zones: no RAPL. */
export function readRapl(sysRoot: string, at: number): RaplSample {
  const base = join(sysRoot, 'class/powercap');
  const dirs = listDir(base)
    .map((dir) => ({ dir, m: RAPL_DIR.exec(dir) }))
    .filter((d): d is { dir: string; m: RegExpExecArray } => d.m !== null)
    // Top-level zones first, in number order, each followed by its subzones.
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2] ?? -1) - Number(b.m[2] ?? -1));
  const names = new Map<string, string>();
  const zones: RaplZone[] = [];
  const seen = new Set<string>();
  for (const { dir, m } of dirs) {
    const path = join(base, dir);
    const name = readLine(join(path, 'name')) || dir;
    const sub = m[2] !== undefined;
    if (!sub) names.set(m[1], name);
    let zone = sub ? `${names.get(m[1]) ?? `intel-rapl:${m[1]}`}/${name}` : name;
    // Two zones of one name (a second "dram" at the top level): the directory tells them apart.
    if (seen.has(zone)) zone = `${zone} (${dir})`;
    seen.add(zone);
    const counted = (!sub && name.startsWith('package-')) || name === 'dram';
    const energy = readLineOrWhy(join(path, 'energy_uj'));
    // A zone without energy_uj (a constraint-only zone) has nothing to count.
    if ('missing' in energy && energy.missing === 'absent') continue;
    const range = readNumber(join(path, 'max_energy_range_uj'));
    const energyUj = 'line' in energy ? counterValue(energy.line) : undefined;
    zones.push({
      dir,
      zone,
      counted,
      ...(energyUj !== undefined ? { energyUj } : {}),
      ...(range !== null && Number.isSafeInteger(range) && range > 0 ? { maxEnergyRangeUj: range } : {}),
      ...('missing' in energy ? { unreadable: true as const } : {}),
    });
  }
  return { at, zones };
}

/** Whether RAPL is there and readable; 'unreadable' when it is there and no counted zone can be read. */
export function raplAccess(sample: RaplSample): RaplAccess {
  if (sample.zones.length === 0) return 'absent';
  const counted = sample.zones.filter((z) => z.counted);
  const considered = counted.length > 0 ? counted : sample.zones;
  return considered.some((z) => z.energyUj !== undefined) ? 'readable' : considered.some((z) => z.unreadable) ? 'unreadable' : 'absent';
}

/** Whether a value (a memo read back from JSON) is a RaplSample. */
export function isRaplSample(x: unknown): x is RaplSample {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as RaplSample;
  return (
    typeof s.at === 'number' &&
    Array.isArray(s.zones) &&
    s.zones.every((z) => typeof z === 'object' && z !== null && typeof z.dir === 'string' && typeof z.zone === 'string' && typeof z.counted === 'boolean')
  );
}

/**
 * The energy each zone counted between two samples. A counter that went backwards wrapped:
 * it counted up to max_energy_range_uj, then from 0 to its new value. Null when there is no time
 * between the samples (or they are out of order).
 */
export function raplEnergyBetween(before: RaplSample, after: RaplSample): RaplEnergy | null {
  const seconds = (after.at - before.at) / 1000;
  if (!(seconds > 0)) return null;
  const old = new Map(before.zones.map((z) => [z.dir, z]));
  const zones: ZoneEnergy[] = [];
  const missing: RaplEnergy['missing'] = [];
  for (const z of after.zones) {
    const prev = old.get(z.dir);
    old.delete(z.dir);
    const why = zoneDelta(prev, z, seconds);
    if (typeof why === 'number') zones.push({ zone: z.zone, counted: z.counted, joules: why / 1e6 });
    else missing.push({ zone: z.zone, counted: z.counted, why });
  }
  for (const gone of old.values()) missing.push({ zone: gone.zone, counted: gone.counted, why: 'gone since the previous reading' });
  // A total without one of its zones would read as a drop in power: none rather than a wrong one.
  const counted = zones.filter((z) => z.counted);
  const joules = !missing.some((m) => m.counted) && counted.length > 0 ? counted.reduce((sum, z) => sum + z.joules, 0) : null;
  return { seconds, joules, watts: joules === null ? null : joules / seconds, zones, missing };
}

/** A zone's µJ between two readings, or why there is none. */
function zoneDelta(prev: RaplZone | undefined, now: RaplZone, seconds: number): number | string {
  if (prev === undefined) return 'new since the previous reading';
  if (prev.energyUj === undefined || now.energyUj === undefined) return now.unreadable || prev.unreadable ? 'unreadable' : 'not a counter';
  const range = now.maxEnergyRangeUj;
  if (range !== undefined && seconds > range / 1e6 / RAPL_ZONE_CEILING_WATTS) return 'read too long ago (the counter may have wrapped more than once)';
  if (now.energyUj >= prev.energyUj) return now.energyUj - prev.energyUj;
  if (range === undefined || prev.energyUj > range) return 'went backwards (no max_energy_range_uj to unwrap it)';
  return range + 1 - prev.energyUj + now.energyUj;
}

// Batteries.

/**
 * The power_supply folders of the machine's own batteries: type Battery, present, and not a
 * device's (scope Device: a mouse's, a headset's). In name order. The battery module reads the
 * same ones.
 */
export function batteryDirs(sysRoot: string): string[] {
  const base = join(sysRoot, 'class/power_supply');
  return listDir(base)
    .sort()
    .map((name) => join(base, name))
    .filter((dir) => readLine(join(dir, 'type'))?.toLowerCase() === 'battery')
    .filter((dir) => readLine(join(dir, 'scope'))?.toLowerCase() !== 'device' && readLine(join(dir, 'present')) !== '0');
}

/** One battery's draw. */
export interface BatteryDraw {
  /** Its power_supply name (`BAT0`). */
  name: string;
  /** The kernel's status as it is (`Discharging`, `Charging`, `Not charging`, `Full`). */
  status: string;
  /** Watts it gives the machine: only while discharging, and only when it reports a non-zero rate. */
  watts?: number;
}

/** The batteries' draw together. */
export interface BatteryPower {
  batteries: BatteryDraw[];
  /** The discharging batteries' watts summed; null when none is discharging with a figure (on AC). */
  watts: number | null;
}

/** µW from power_now, else µA × µV / 10^6 from current_now and voltage_now; null without either. */
function microwatts(dir: string): number | null {
  const power = readNumber(join(dir, 'power_now'));
  if (power !== null) return power;
  const current = readNumber(join(dir, 'current_now'));
  // The voltage now, not the design minimum the battery module may fall back on for charge:
  // a draw computed from a voltage the battery is not at would be off by 10 % or more.
  const volts = readNumber(join(dir, 'voltage_now'));
  return current !== null && volts !== null ? (current * volts) / 1e6 : null;
}

/** What the batteries give the machine now. */
export function readBatteryPower(sysRoot: string): BatteryPower {
  const batteries = batteryDirs(sysRoot).map((dir): BatteryDraw => {
    const name = dir.slice(dir.lastIndexOf('/') + 1);
    const status = readLine(join(dir, 'status')) ?? 'Unknown';
    if (status.toLowerCase() !== 'discharging') return { name, status };
    const uw = microwatts(dir);
    // Some drivers report the rate negative while discharging; 0 is a firmware still settling.
    return uw === null || uw === 0 ? { name, status } : { name, status, watts: Math.abs(uw) / 1e6 };
  });
  const drawing = batteries.filter((b) => b.watts !== undefined);
  return { batteries, watts: drawing.length > 0 ? drawing.reduce((sum, b) => sum + b.watts!, 0) : null };
}
