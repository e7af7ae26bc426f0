/**
 * What the user says keeping this host here costs: the what-if flags (--here-watts, --kwh-price,
 * --hardware-usd, --hardware-months, --bandwidth-usd-month), each over the config's
 * `modules.ec2-cost.here` key of the same meaning; and the watts shoji measured (the hourly usage
 * rows), averaged over a window.
 *
 * The config is read through the caller's loader (src/cli passes one that loads the app), that is
 * through core/config.ts's loadConfig: it takes the validated copy the status line left in its cache
 * only when that copy is for this file, this text and this set of modules (a plugin added, removed
 * or refused changes what is valid), and validates afresh otherwise. Only a config that mentions
 * `here:` costs that load. Each value taken is checked again against the bounds the flags have
 * (here-limits.ts): a cached copy is a file like any other.
 */
import { existsSync } from 'node:fs';
import { configFile, formatProblem, type ConfigProblem } from '../core/config.js';
import type { HereGiven, MeasuredWatts } from './here.js';
import { HERE_BOUNDS } from './here-limits.js';
import { configMentionsHere, configText } from './here-wanted.js';
import { quantity, type QuantityOption } from './inputs.js';
import { dec, type Q } from './money.js';
import type { Ec2CostOptions } from './options.js';
import type { HourUsage, PowerSource } from './usage/types.js';

export type HereOptions = NonNullable<Ec2CostOptions['here']>;

/** The config's here options, or why they could not be read (a broken config: its problems, located). */
export interface HereConfig {
  here: HereOptions | undefined;
  problem: string | null;
}

/** A full load of the config (validated against every module): its ec2-cost options, or the problems. */
export type ConfigLoader = (env: NodeJS.ProcessEnv) => Promise<{ ec2Cost: Record<string, unknown> | undefined; problems: ConfigProblem[] | null }>;

const problemText = (problems: ConfigProblem[]) => `the config has problems, so modules.ec2-cost.here was not read: ${problems.map(formatProblem).join('; ')}`;

/** modules.ec2-cost.here from the config as the loader validated it, each value within its bounds. */
export async function readHereConfig(env: NodeJS.ProcessEnv, load?: ConfigLoader): Promise<HereConfig> {
  const file = configFile(env);
  const text = configText(env);
  if (text === null && existsSync(file)) return { here: undefined, problem: `${file} cannot be read, so modules.ec2-cost.here was not read` };
  // No config, or none that mentions here: nothing to read from it, and nothing to validate.
  if (!configMentionsHere(text) || text === null) return { here: undefined, problem: null };
  if (!load) return { here: undefined, problem: `${file} was not validated here, so modules.ec2-cost.here was not read: run ec2-cost as a command` };
  const loaded = await load(env);
  if (loaded.problems) return { here: undefined, problem: problemText(loaded.problems) };
  const here = loaded.ec2Cost?.here;
  const bad = outOfBounds(here);
  if (bad) return { here: undefined, problem: `modules.ec2-cost.here was not read: ${bad}; shoji config check names its line` };
  return { here: here as HereOptions | undefined, problem: null };
}

/** The first here value outside the bounds its flag has, in words; null when all are within. */
export function outOfBounds(here: unknown): string | null {
  if (here === undefined) return null;
  if (typeof here !== 'object' || here === null || Array.isArray(here)) return `it is ${JSON.stringify(here)}, not a mapping`;
  const values = here as Record<string, unknown>;
  for (const b of Object.values(HERE_BOUNDS)) {
    const v = values[b.key];
    if (v === undefined) continue;
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= b.min && v <= b.max && (!b.whole || Number.isInteger(v));
    if (!ok)
      return `${b.key} is ${typeof v === 'number' ? String(v) : JSON.stringify(v)}, not ${b.whole ? 'a whole number' : 'a number'} from ${b.min} to ${b.max} ${b.unit}`;
  }
  return null;
}

/** A flag's value, read as the other numeric options are (inputs.ts). */
function flag(args: Readonly<Record<string, unknown>>, name: QuantityOption): Q | null {
  const v = args[name];
  return typeof v === 'string' ? quantity(name, v) : null;
}

/** A config number (already validated against its schema) as an exact decimal. */
const fromConfig = (v: number | undefined): Q | null => (typeof v === 'number' && Number.isFinite(v) ? dec(v) : null);

/** The flags over the config, key by key. */
export function hereGiven(args: Readonly<Record<string, unknown>>, config: HereOptions | undefined): HereGiven {
  const watts = flag(args, 'here-watts');
  const configWatts = fromConfig(config?.watts);
  const months = flag(args, 'hardware-months') ?? fromConfig(config?.hardware_months);
  return {
    watts: watts ? { value: watts, from: 'flag' } : configWatts ? { value: configWatts, from: 'config' } : null,
    kwhPriceUsd: flag(args, 'kwh-price') ?? fromConfig(config?.kwh_price_usd),
    hardwareUsd: flag(args, 'hardware-usd') ?? fromConfig(config?.hardware_usd),
    hardwareMonths: months,
    bandwidthUsdMonth: flag(args, 'bandwidth-usd-month') ?? fromConfig(config?.bandwidth_usd_month),
  };
}

/**
 * The mean of the rows' watts over the time they cover: each hour weighs as many minute samples as
 * it holds, so an hour shoji saw for a minute counts a sixtieth of one it saw whole. Rows without
 * a figure are left out. When both sources appear (a laptop on battery some hours, on mains with
 * RAPL readable others), the one with more minutes is used alone: a whole-box battery figure and a
 * CPU-and-DRAM RAPL floor do not average to anything.
 */
export function measuredWatts(rows: readonly HourUsage[]): MeasuredWatts | null {
  const by = new Map<PowerSource, { wattMinutes: number; minutes: number; hours: number }>();
  for (const r of rows) {
    if (r.watts === undefined || !r.wattsSource || !Number.isFinite(r.watts) || r.watts < 0) continue;
    if (!Number.isFinite(r.samples) || r.samples <= 0) continue;
    const sum = by.get(r.wattsSource) ?? { wattMinutes: 0, minutes: 0, hours: 0 };
    sum.wattMinutes += r.watts * r.samples;
    sum.minutes += r.samples;
    sum.hours += 1;
    by.set(r.wattsSource, sum);
  }
  let best: [PowerSource, { wattMinutes: number; minutes: number; hours: number }] | null = null;
  for (const entry of by) if (!best || entry[1].minutes > best[1].minutes) best = entry;
  if (!best) return null;
  const [source, sum] = best;
  return { watts: sum.wattMinutes / sum.minutes, source, hours: sum.hours };
}
