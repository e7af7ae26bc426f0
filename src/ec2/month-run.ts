/**
 * `ec2-cost --month [YYYY-MM] [--now ISO-8601]`: the options checked before anything is read; then,
 * once the command has made its estimate (and recorded this boot), the month priced as that
 * estimate prices the instance (same type, region, prices, allowance, IPv4 and EBS), from the
 * ledger as it stands. Loaded only for --month, so nothing here weighs on the since-boot
 * report's start-up.
 */
import { EstimateError } from './errors.js';
import type { Estimate } from './estimate.js';
import { runSample } from './ledger/record.js';
import { readLedger } from './ledger/store.js';
import type { BootRecord } from './ledger/types.js';
import { parseMonth, parseNow, WHAT_IF_QUANTITIES } from './month-args.js';
import { renderMonthDetail, renderMonthJson, renderMonthOneLine } from './month-report.js';
import { monthBill, type MonthBill, monthPricing } from './month.js';

/** The ledger's boots, and why it could not be read when it could not (ledger/store.ts's readLedger). */
/** The command's parsed options (src/cli/spec.ts's ParsedArgs, which only run.ts may name). */
type Args = Readonly<Record<string, unknown>>;

export type LedgerReader = (env: NodeJS.ProcessEnv) => { boots: BootRecord[]; problem: string | null };

/**
 * The ledger as it stands, with this host as it is now folded in (not written) when the report is
 * for now: the run's own write may have been skipped (the ledger written a few seconds before, or
 * another writer holding the lock), and the month should not show those seconds as unseen.
 */
export function ledgerUpToNow(asked: MonthAsked, interfaces: string[]): LedgerReader {
  return (env) => readLedger(env, asked.now === null ? (runSample(env, interfaces) ?? undefined) : undefined);
}

export interface MonthOutput {
  format: 'json' | 'detail' | 'line';
  text: string;
}

const wallClock = () => Date.now() / 1000;

/** What --month and --now ask for: the month, and the clock (Unix seconds) when --now gives one. */
export interface MonthAsked {
  month: string;
  /** null: the time the report is made (after this run's own sample is recorded, so it is never "after now"). */
  now: number | null;
}

/** --month and --now as given. Bad values are usage errors. */
export function monthOptions(args: Args, clock: () => number = wallClock): MonthAsked {
  const given = (name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  const month = given('month');
  const nowText = given('now');
  if (month === undefined) {
    throw new EstimateError(
      '--now goes with --month: it sets the clock of the month report (the since-boot estimate is read from /proc/uptime as it is now)',
      'usage',
    );
  }
  const whatIf = WHAT_IF_QUANTITIES.filter((name) => args[name] !== undefined);
  if (whatIf.length > 0) {
    throw new EstimateError(
      `${whatIf.map((n) => `--${n}`).join(', ')} cannot be combined with --month: the month is read from what shoji recorded across boots, not from one boot's quantities`,
      'usage',
    );
  }
  const now = nowText === undefined ? null : parseNow(nowText);
  return { month: parseMonth(month, now ?? clock()), now };
}

/** The month report for an estimate made (and recorded) by the command, from the ledger as it now stands. */
export function monthReport(
  est: Estimate,
  asked: MonthAsked,
  args: Args,
  env: NodeJS.ProcessEnv,
  read: LedgerReader,
  clock: () => number = wallClock,
): MonthOutput {
  const ledger = read(env);
  // A ledger that cannot be read is said, beside a month of nothing seen, rather than failing the report.
  const e: Estimate = ledger.problem ? { ...est, notes: [...est.notes, `the ledger was not read: ${ledger.problem}`] } : est;
  const bill: MonthBill = monthBill(ledger.boots, asked.month, asked.now ?? clock(), monthPricing(est));
  if (args.json) return { format: 'json', text: renderMonthJson(e, bill) };
  if (args.detail) return { format: 'detail', text: renderMonthDetail(e, bill) };
  return { format: 'line', text: renderMonthOneLine(e, bill) };
}
