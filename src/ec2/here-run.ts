/**
 * The "here versus EC2" comparison for one `ec2-cost --detail` or `--json` run: the flags over
 * the config (here-inputs.ts), the watts shoji measured, the EC2 side the estimate priced, and
 * the comparison (here-report.ts). Loaded by run.ts only when a report that shows it is asked for.
 */
import { EstimateError } from './errors.js';
import type { Estimate } from './estimate.js';
import { hereAsked, hereCost } from './here.js';
import { hereGiven, measuredWatts, readHereConfig, type ConfigLoader } from './here-inputs.js';
import { hereFlagsGiven } from './here-wanted.js';
import { compareHere, type Ec2Side, type HereComparison } from './here-report.js';

export { hereJson, renderHere } from './here-report.js';
import { readUsageHours } from './usage/store.js';

/** A --here-* flag where no comparison is shown is refused rather than ignored. */
export function checkHereFlags(args: Readonly<Record<string, unknown>>): void {
  const given = hereFlagsGiven(args);
  if (given.length === 0) return;
  if (args.month !== undefined) throw new EstimateError(`--${given[0]} compares a month of use, not the month to date: give it without --month`, 'usage');
  if (!args.detail && !args.json) throw new EstimateError(`--${given[0]} is shown with --detail or --json (here versus EC2)`, 'usage');
}

/** The EC2 side: this instance, the type named, or the cheapest type of this host's size. */
export function ec2Side(e: Estimate): Ec2Side {
  const m = e.main;
  const side = { instanceType: m.instanceType, region: m.region, usdPerHour: m.usdPerHour };
  if (e.mode === 'ec2') return { ...side, basis: 'current', note: null };
  if (e.mode === 'what-if') return { ...side, basis: 'what-if', note: null };
  return { ...side, basis: 'size', note: "sized to this host's vCPUs and memory, not to what it used" };
}

/** The window the measured watts are averaged over: right-sizing's default, the last 14 days. */
export const WATTS_WINDOW_S = 14 * 24 * 3600;

export interface HereRun {
  env: NodeJS.ProcessEnv;
  loadConfig?: ConfigLoader;
  /** Seconds since the epoch (tests fix it); default: the clock. */
  now?: number;
}

/**
 * The comparison, or null when the user gave nothing about here (the report then leaves it out,
 * and the usage records are not read).
 */
export async function hereFor(args: Readonly<Record<string, unknown>>, e: Estimate, run: HereRun): Promise<HereComparison | null> {
  const config = await readHereConfig(run.env, run.loadConfig);
  const given = hereGiven(args, config.here);
  if (!hereAsked(given) && !config.problem) return null;
  const notes = config.problem ? [config.problem] : [];
  const to = run.now ?? Math.floor(Date.now() / 1000);
  const usage = readUsageHours(run.env, to - WATTS_WINDOW_S, to);
  for (const p of usage.problems) notes.push(`usage records: ${p}`);
  return compareHere(e, ec2Side(e), hereCost(given, measuredWatts(usage.hours)), notes);
}
