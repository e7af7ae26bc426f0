/**
 * The "here versus EC2" comparison for one `ec2-cost --detail` or `--json` run: the flags over
 * the config (here-inputs.ts), the watts shoji measured, the EC2 side (the fit sized to use, else
 * the estimate's type), and the comparison (here-report.ts). Loaded by run.ts only when a --here-*
 * flag is given or the config mentions here (here-wanted.ts).
 */
import { EstimateError } from './errors.js';
import type { Estimate } from './estimate.js';
import { hereAsked, hereCost } from './here.js';
import { hereGiven, measuredWatts, readHereConfig, type ConfigLoader } from './here-inputs.js';
import { hereFlagsGiven } from './here-wanted.js';
import { compareHere, type Ec2Side, type HereComparison } from './here-report.js';
import type { FitResult } from './fit.js';
import { fitFor, fitOptions } from './fit-run.js';

export { hereJson, renderHere } from './here-report.js';

/** A --here-* flag where no comparison is shown is refused rather than ignored. */
export function checkHereFlags(args: Readonly<Record<string, unknown>>): void {
  const given = hereFlagsGiven(args);
  if (given.length === 0) return;
  if (args.month !== undefined) throw new EstimateError(`--${given[0]} compares a month of use, not the month to date: give it without --month`, 'usage');
  if (!args.detail && !args.json) throw new EstimateError(`--${given[0]} is shown with --detail or --json (here versus EC2)`, 'usage');
}

/**
 * The EC2 side: the cheapest type sized to what the host used over the fit's window (fit-run.ts,
 * as `ec2-cost --fit` finds it) when there is one; else this instance, the type named, or the
 * cheapest type of this host's size, saying why it is not sized to use.
 */
export function ec2Side(e: Estimate, fit: FitResult | null): Ec2Side {
  const best = fit?.kind === 'advice' ? fit.best : null;
  if (fit?.kind === 'advice' && best) {
    const hours = fit.observed.hoursOfData.toFixed(1);
    // Priced in another region than asked (no refreshed prices for it): said, as --fit says it.
    const pricedElsewhere = best.quote.pricedRegion !== fit.region ? `; priced at ${best.quote.pricedRegion}'s prices` : '';
    return {
      instanceType: best.type,
      region: fit.region,
      usdPerHour: best.usdPerHour,
      basis: 'use',
      note: `${hours} h recorded, ${fit.headroomPct}% headroom: ec2-cost --fit${pricedElsewhere}`,
    };
  }
  // The fit's reason without its parenthesis (which names the recording processes): --fit says it whole.
  const why = fit?.kind === 'refused' ? fit.why.replace(/ \(.*\)$/, '') : fit ? 'no current type fits what it used' : null;
  const m = e.main;
  const side = { instanceType: m.instanceType, region: m.region, usdPerHour: m.usdPerHour };
  const notSized = why ? `not sized to use: ${why}` : null;
  if (e.mode === 'ec2') return { ...side, basis: 'current', note: notSized };
  if (e.mode === 'what-if') return { ...side, basis: 'what-if', note: null };
  return { ...side, basis: 'size', note: notSized ?? "sized to this host's vCPUs and memory, not to what it used" };
}

export interface HereRun {
  env: NodeJS.ProcessEnv;
  loadConfig?: ConfigLoader;
}

/**
 * The comparison, or null when the user gave nothing about here (the report then leaves it out,
 * and the usage records are not read). The watts measured are averaged over the fit's window
 * (--window, default the last 14 days, up to --now).
 */
export async function hereFor(
  args: Readonly<Record<string, unknown>>,
  e: Estimate,
  run: HereRun,
  fitted?: ReturnType<typeof fitFor>,
): Promise<HereComparison | null> {
  const config = await readHereConfig(run.env, run.loadConfig);
  const given = hereGiven(args, config.here);
  if (!hereAsked(given) && !config.problem) return null;
  const notes = config.problem ? [config.problem] : [];
  // The fit --detail already made, else this run's own: one read of the usage store either way.
  const { result, meta, hours } = fitted ?? fitFor(e, fitOptions(args), run.env);
  for (const p of meta.problems) notes.push(`usage records: ${p}`);
  // What-if (--instance-type) compares the type named: the fit does not replace it.
  return compareHere(e, ec2Side(e, e.mode === 'what-if' ? null : result), hereCost(given, measuredWatts(hours)), notes);
}
