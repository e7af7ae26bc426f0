/**
 * `ec2-cost --fit [--window 14d] [--headroom 20] [--arch any]`, and the right-sizing section of
 * `--detail`: the options read strictly, the hourly usage read from the store for the window, and
 * the fit made in the estimate's region, with its prices, against the estimate's instance (on
 * EC2, or the --instance-type asked about). Loaded only for --fit and --detail, so nothing here
 * weighs on the one-line report's start-up.
 */
import { archOf } from './host.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { EstimateError } from './errors.js';
import type { Estimate } from './estimate.js';
import { bestFitOf, DEFAULT_HEADROOM_PCT, MIN_HOURS_OF_DATA, rightSize, type BestFit, type FitAsk, type FitContext, type FitResult } from './fit.js';
import { fitJson, renderFitReport, renderFitSection, type FitMeta } from './fit-report.js';
import { quantity } from './inputs.js';
import { parseNow } from './month-args.js';
import { toNumber } from './money.js';
import { readRefreshedPrices } from './price-cache.js';
import { readUsageHours } from './usage/store.js';
import type { HourUsage } from './usage/types.js';

/** The command's parsed options (src/cli/spec.ts's ParsedArgs, which only run.ts may name). */
type Args = Readonly<Record<string, unknown>>;

export const DEFAULT_WINDOW = '14d';
const WINDOW = /^([1-9][0-9]{0,3})([dw])$/;
/** The shortest --window: a shorter one holds less than the day of data the fit needs. */
export const MIN_WINDOW_DAYS = 2;

export interface FitOptions extends FitAsk {
  /** As given: "14d", "12w", "all". */
  window: string;
  /** The window's length in seconds; null for everything recorded. */
  windowSeconds: number | null;
  /** The clock (Unix seconds), from --now; null: the time of the run. */
  now: number | null;
}

const given = (args: Args, name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);

/** --window, --headroom, --arch and --now as given for the fit; bad values are usage errors. */
export function fitOptions(args: Args): FitOptions {
  const window = (given(args, 'window') ?? DEFAULT_WINDOW).trim().toLowerCase();
  const m = WINDOW.exec(window);
  if (window !== 'all' && !m) {
    throw new EstimateError(`--window must be a number of days or weeks (7d, 30d, 12w) or "all" (got "${given(args, 'window')}")`, 'usage');
  }
  const windowSeconds = m ? Number(m[1]) * (m[2] === 'w' ? 7 : 1) * 86_400 : null;
  // A day's window holds less than a day of data (its first and last hours are only partly in it,
  // and an hour counts only whole), and the fit wants at least MIN_HOURS_OF_DATA: it could never advise.
  if (windowSeconds !== null && windowSeconds < MIN_WINDOW_DAYS * 86_400) {
    throw new EstimateError(
      `--window must be at least ${MIN_WINDOW_DAYS} days (got "${given(args, 'window')}"): the fit needs ${MIN_HOURS_OF_DATA} hours of data, and a window's partly covered first and last hours are left out`,
      'usage',
    );
  }
  const headroomText = given(args, 'headroom');
  // "20" or "20%": a percent either way.
  const headroomPct = headroomText === undefined ? DEFAULT_HEADROOM_PCT : toNumber(quantity('headroom', headroomText.trim().replace(/%$/, '')), 4);
  const arch = given(args, 'arch');
  const nowText = given(args, 'now');
  return {
    window,
    windowSeconds,
    headroomPct,
    arch: arch === 'any' ? 'any' : arch === 'x86_64' || arch === 'arm64' ? arch : null,
    now: nowText === undefined ? null : parseNow(nowText),
  };
}

/** The fit's inputs that the estimate settled: region, prices, architecture and the type to compare. */
function contextOf(est: Estimate, env: NodeJS.ProcessEnv, catalog: Catalog): FitContext {
  const onType = est.mode !== 'off-ec2';
  const typeArch = onType ? (catalog.get(est.main.instanceType)?.arch ?? null) : null;
  return {
    catalog,
    region: est.region,
    refreshed: readRefreshedPrices(env, est.region).prices,
    // On EC2 the instance's type says it; off EC2 (a what-if included), the machine this runs on.
    hostArch: est.mode === 'ec2' && typeArch ? typeArch : archOf(process.arch),
    current: onType ? { type: est.main.instanceType, quote: est.main.quote, onEc2: est.mode === 'ec2' } : null,
  };
}

/**
 * The fit for this estimate over the window, with what was asked, any problem reading the store,
 * and the hours it read (here-versus-EC2 averages their watts: the store is read once).
 */
export function fitFor(
  est: Estimate,
  opts: FitOptions,
  env: NodeJS.ProcessEnv,
  catalog: Catalog = loadCatalog(),
): { result: FitResult; meta: FitMeta; hours: HourUsage[] } {
  const now = opts.now ?? Date.now() / 1000;
  const from = opts.windowSeconds === null ? 0 : now - opts.windowSeconds;
  const read = readUsageHours(env, from, now);
  // An hour counts when it ended by `now` (a --now in the past must not see later hours).
  const hours = read.hours.filter((h) => h.hour + 3600 <= now);
  const result = rightSize(hours, opts, contextOf(est, env, catalog));
  // Nothing read because files were skipped is not "nothing recorded": say which.
  if (result.kind === 'refused' && !result.observed && read.problems.length > 0) {
    result.cause = 'unreadable';
    result.why = `no usage could be read in the window (${read.problems.length} problem${read.problems.length === 1 ? '' : 's'} reading the usage store: see below)`;
  }
  return { result, meta: { window: opts.window, problems: read.problems }, hours };
}

/**
 * The best fit for this estimate with the defaults (the last 14 days, 20% headroom, the host's
 * architecture), or null when there is none or too little data: the report's "here versus there".
 */
export function bestFitFor(est: Estimate, env: NodeJS.ProcessEnv, now?: number, catalog: Catalog = loadCatalog()): BestFit | null {
  const opts: FitOptions = { window: DEFAULT_WINDOW, windowSeconds: 14 * 86_400, headroomPct: DEFAULT_HEADROOM_PCT, arch: null, now: now ?? null };
  return bestFitOf(fitFor(est, opts, env, catalog).result);
}

/** `ec2-cost --fit`: the report, or its JSON. */
export function fitReport(est: Estimate, args: Args, env: NodeJS.ProcessEnv, catalog: Catalog = loadCatalog()): { format: 'json' | 'text'; text: string } {
  const { result, meta } = fitFor(est, fitOptions(args), env, catalog);
  if (args.json) return { format: 'json', text: `${JSON.stringify(fitJson(result, meta), null, 2)}\n` };
  return { format: 'text', text: renderFitReport(result, meta) };
}

/** The lines --detail adds for the fit (fitFor's answer, which the here-versus-EC2 section shares). */
export function detailSection(fitted: { result: FitResult; meta: FitMeta }): string[] {
  return renderFitSection(fitted.result, fitted.meta);
}
