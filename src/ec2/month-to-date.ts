/**
 * The UTC month to date for the ec2-cost status module: its `show: month` segment, the month
 * fields of its data, and so the exporter's month series. The same bill as `ec2-cost --month`
 * (month.ts's monthBill, priced as the since-boot estimate prices the instance), read from the
 * ledger as it stands: one small JSON file read and the month priced, a fraction of a
 * millisecond (docs/ec2-cost.md gives the measured figure). Loaded with the module's collect,
 * never on the start-up path.
 */
import type { DetailLine } from '../core/contract.js';
import { escapeControl } from '../render/sanitize.js';
import type { Estimate } from './estimate.js';
import { readLedger } from './ledger/store.js';
import { monthBill, monthOf, monthPricing, type MonthBill } from './month.js';
import { toNumber, usd } from './money.js';
import { approxUsd } from './report.js';

/** The month's bill, or why the ledger could not be read (then there is no month figure). */
export type MonthToDate = { bill: MonthBill; problem: null } | { bill: null; problem: string };

/** The month of `now` (Unix seconds) from the ledger under env's state folder, priced as the estimate prices the instance. */
export function monthToDate(env: NodeJS.ProcessEnv, e: Estimate, now: number): MonthToDate {
  const ledger = readLedger(env);
  if (ledger.problem !== null) return { bill: null, problem: ledger.problem };
  return { bill: monthBill(ledger.boots, monthOf(now), now, monthPricing(e)), problem: null };
}

// Written out rather than asked of Intl: the segment reads the same whatever the locale.
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-11" -> "Nov". */
export function monthName(month: string): string {
  return MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month;
}

/**
 * The segment: "~$41.20 Nov" (the month to date, what shoji saw), or "≥$41.20 Nov" when the time
 * between boots may have been billed too (a reboot rather than a stop): the figure is then the
 * lower bound. "≥" is ">=" under a locale that is not UTF-8 (the renderer's toAscii).
 */
export function monthSegment(bill: MonthBill): string {
  const lower = bill.lower.cost.totalUsd;
  // Rounded to the cent as `ec2-cost --month` rounds it, so that both show the same figure.
  const figure = bill.boundsDiffer ? `≥${usd(lower, 2)}` : approxUsd(lower);
  return `${figure} ${monthName(bill.month)}`;
}

/** The detail line that says what the month figure is. */
export function monthDetail(month: MonthToDate): DetailLine {
  if (month.bill === null) return { label: 'This month', value: `not available: ${escapeControl(month.problem)}` };
  const bill = month.bill;
  const upper = bill.boundsDiffer ? `, up to ${approxUsd(bill.upper.cost.totalUsd)} if the time between boots was billed (a reboot, not a stop)` : '';
  return {
    label: 'This month',
    value: `${approxUsd(bill.lower.cost.totalUsd)} in ${bill.month} (UTC) to date${upper}, from what shoji recorded across boots; \`ec2-cost --month\` explains it`,
  };
}

/** The month fields of the module's data (data.ts); all null when the month was not worked out. */
export interface MonthData {
  month: string | null;
  monthToDateUsd: number | null;
  monthToDateUpperUsd: number | null;
  monthComputeUsd: number | null;
  monthEgressUsd: number | null;
  monthPublicIpv4Usd: number | null;
  monthEbsUsd: number | null;
}

export const NO_MONTH: MonthData = {
  month: null,
  monthToDateUsd: null,
  monthToDateUpperUsd: null,
  monthComputeUsd: null,
  monthEgressUsd: null,
  monthPublicIpv4Usd: null,
  monthEbsUsd: null,
};

export function monthData(month: MonthToDate | null): MonthData {
  const bill = month?.bill;
  if (!bill) return NO_MONTH;
  const c = bill.lower.cost;
  return {
    month: bill.month,
    monthToDateUsd: toNumber(c.totalUsd),
    monthToDateUpperUsd: toNumber(bill.upper.cost.totalUsd),
    monthComputeUsd: toNumber(c.computeUsd),
    monthEgressUsd: toNumber(c.egress.usd),
    monthPublicIpv4Usd: toNumber(c.publicIpv4Usd),
    monthEbsUsd: toNumber(c.ebsUsd),
  };
}
