/**
 * The month to date as the bill shows it, from what the ledger remembers of each boot (pure: the
 * records, the month and the clock in, exact figures out).
 *
 * AWS bills by UTC calendar month, per second of running time, with the egress tiers and the
 * free 100 GB counted afresh each month. shoji only sees a boot while it runs on it, so:
 *
 * - instance time is each boot's seen stretch (boot time to its latest sample) clipped to the
 *   month, up to `now`;
 * - between the latest sample of one boot and the start of the next, the instance was either
 *   rebooting (billing goes on) or stopped (it does not): shoji cannot tell them apart, so the
 *   figure counts that time as stopped (the lower bound) and also gives the upper bound, with that
 *   time billed as running;
 * - time in the month before the ledger's first boot or after its latest sample is time shoji has
 *   no record of at all: in neither bound, and said;
 * - traffic is what the ledger counted for the month over its boots; whenever part of the month
 *   was not seen, it is a lower bound of what the host sent.
 *
 * Both bounds are priced by model.ts's computeCost, the since-boot estimate's own function, given
 * the month's seconds and bytes: the tiers, the allowance, IPv4 and EBS are worked out once.
 */
import type { Estimate } from './estimate.js';
import { SAMPLE_CLOCK_SLACK_S } from './ledger/fold.js';
import type { BootRecord, Gap } from './ledger/types.js';
import { computeCost, type Cost, type CostInput } from './model.js';
import { add, cmp, dec, int, isZero, max, min, sub, ZERO, type Q } from './money.js';
import type { EbsType, TransferRates } from './rates.js';

/** What prices a month: the estimate's rates for this instance (or the type and region asked for). */
export interface MonthPricing {
  usdPerHour: Q;
  transfer: TransferRates;
  freeTier: boolean;
  publicIpv4: boolean;
  ebs: { gb: Q; type: EbsType } | null;
}

/** The month's prices: the estimate's own, for the type it priced (the cheapest fit off EC2). */
export function monthPricing(e: Estimate): MonthPricing {
  const input = e.main.input;
  return { usdPerHour: e.main.usdPerHour, transfer: e.transfer, freeTier: e.freeTier, publicIpv4: input.publicIpv4, ebs: input.ebs };
}

/** A boot counted in the month. */
export interface MonthBoot {
  bootId: string;
  bootTime: number;
  lastSeen: number;
  /** Seconds of this boot within the month, up to now (never counted twice with another boot). */
  seconds: Q;
  txBytes: bigint;
  rxBytes: bigint;
  interfaces: string[];
  counterResets: number;
  /** The boot began before the month: only its part in the month is counted. */
  beganBefore: boolean;
}

/**
 * A stretch of the month shoji did not see. 'between-boots': one boot's latest sample to the
 * next boot (a reboot or a stop); 'unrecorded': before the ledger's first boot or after its latest
 * sample (shoji not running, not yet installed, or the instance stopped).
 */
export interface Unseen {
  from: number;
  to: number;
  kind: 'between-boots' | 'unrecorded';
}

export interface MonthFigure {
  /** Instance seconds counted. */
  seconds: Q;
  input: CostInput;
  cost: Cost;
}

export interface MonthBill {
  month: string;
  /** The month's first second and the first second of the next (Unix seconds, UTC). */
  start: number;
  end: number;
  now: number;
  /** The end of what is counted: the month's end, or now within it. */
  until: number;
  when: 'past' | 'current' | 'future';
  boots: MonthBoot[];
  unseen: Unseen[];
  txBytes: bigint;
  rxBytes: bigint;
  /** Between-boots time counted as stopped: only what shoji saw running. */
  lower: MonthFigure;
  /** Between-boots time billed as running (reboots). */
  upper: MonthFigure;
  boundsDiffer: boolean;
  /** Part of the month was not seen: the host may have sent more than is counted. */
  trafficLowerBound: boolean;
  /** Stretches inside a counted boot with no sample that span the month's start or end: their traffic was split between the months by time. */
  splitGaps: Gap[];
  /** A counted boot was seen after `now` (a what-if clock in the past): its traffic in the month is counted whole. */
  seenAfterNow: boolean;
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** "2026-11" -> its bounds in Unix seconds, or null when it is not a month (2026-13, 2026-1, 26-11). */
export function monthBounds(month: string): { start: number; end: number } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  if (year < 1970 || index < 0 || index > 11) return null;
  return { start: Date.UTC(year, index, 1) / 1000, end: Date.UTC(year, index + 1, 1) / 1000 };
}

/** The UTC month ("YYYY-MM") an instant (Unix seconds) falls in. */
export function monthOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 7);
}

/** Exact seconds from a record's time (read through its shortest decimal form, as prices are). */
const q = (seconds: number): Q => dec(seconds);

/** The length of [from, to) ∩ [lo, hi), zero when they do not meet. */
function overlap(from: Q, to: Q, lo: Q, hi: Q): Q {
  const a = max(from, lo);
  const b = min(to, hi);
  return cmp(b, a) > 0 ? sub(b, a) : ZERO;
}

/** [from, to) clipped to [lo, hi), or null when nothing is left. */
function clip(from: number, to: number, lo: number, hi: number): { from: number; to: number } | null {
  const a = Math.max(from, lo);
  const b = Math.min(to, hi);
  return b > a ? { from: a, to: b } : null;
}

/**
 * The month priced as the since-boot estimate is, from its seconds and bytes. A month with no
 * running time costs nothing for the instance (computeCost would bill a start's 60-second minimum).
 */
export function priceMonth(seconds: Q, txBytes: bigint, rxBytes: bigint, pricing: MonthPricing): MonthFigure {
  const input: CostInput = { ...pricing, uptimeSeconds: seconds, txBytes: int(txBytes), rxBytes: int(rxBytes) };
  const cost = computeCost(input);
  if (!isZero(seconds)) return { seconds, input, cost };
  return { seconds, input, cost: { ...cost, billedSeconds: 0n, computeUsd: ZERO, totalUsd: sub(cost.totalUsd, cost.computeUsd) } };
}

export function monthBill(records: readonly BootRecord[], month: string, now: number, pricing: MonthPricing): MonthBill {
  const bounds = monthBounds(month);
  if (!bounds) throw new RangeError(`not a month: "${month}"`);
  const { start, end } = bounds;
  const until = Math.min(end, Math.max(start, now));
  const when = now >= end ? 'past' : now <= start ? 'future' : 'current';
  const lo = q(start);
  const hi = q(until);

  // In boot order; a boot that claims to begin before the previous one's latest sample (a clock
  // step) starts where that one ended, so no second is counted twice.
  const sorted = [...records].sort((a, b) => a.bootTime - b.bootTime || a.lastSeen - b.lastSeen);
  const boots: MonthBoot[] = [];
  const unseen: Unseen[] = [];
  const splitGaps: Gap[] = [];
  let seen = ZERO;
  let between = ZERO;
  let txBytes = 0n;
  let rxBytes = 0n;
  let seenAfterNow = false;
  let previousEnd: number | null = null;

  const addUnseen = (from: number, to: number, kind: Unseen['kind']) => {
    const part = clip(from, to, start, until);
    if (part) unseen.push({ ...part, kind });
  };

  for (const r of sorted) {
    const from: number = previousEnd === null ? r.bootTime : Math.max(r.bootTime, previousEnd);
    const to = Math.max(from, r.lastSeen);
    if (previousEnd === null) addUnseen(start, r.bootTime, 'unrecorded');
    else if (r.bootTime > previousEnd) {
      addUnseen(previousEnd, r.bootTime, 'between-boots');
      between = add(between, overlap(q(previousEnd), q(r.bootTime), lo, hi));
    }
    previousEnd = Math.max(previousEnd ?? to, to);

    // Counted: the boot ran within the month up to now, or the ledger has traffic for it in the month.
    const traffic = r.months[month];
    const ranInMonth = r.bootTime < until && r.lastSeen > start;
    if (when === 'future' || (!ranInMonth && !traffic)) continue;
    const seconds = overlap(q(from), q(to), lo, hi);
    seen = add(seen, seconds);
    txBytes += traffic?.txBytes ?? 0n;
    rxBytes += traffic?.rxBytes ?? 0n;
    if (r.lastSeen > now) seenAfterNow = true;
    for (const g of r.gaps) if ((g.from < start && g.to > start) || (g.from < end && g.to > end)) splitGaps.push(g);
    boots.push({
      bootId: r.bootId,
      bootTime: r.bootTime,
      lastSeen: r.lastSeen,
      seconds,
      txBytes: traffic?.txBytes ?? 0n,
      rxBytes: traffic?.rxBytes ?? 0n,
      interfaces: r.interfaces,
      counterResets: r.counterResets,
      beganBefore: r.bootTime < start,
    });
  }
  // After the latest sample: unseen only beyond a sample's clock slack (a sample taken now, then the report).
  if (previousEnd === null || until - previousEnd > SAMPLE_CLOCK_SLACK_S) addUnseen(previousEnd ?? start, until, 'unrecorded');

  const lower = priceMonth(seen, txBytes, rxBytes, pricing);
  const upper = isZero(between) ? lower : priceMonth(add(seen, between), txBytes, rxBytes, pricing);
  return {
    month,
    start,
    end,
    now,
    until,
    when,
    boots,
    unseen,
    txBytes,
    rxBytes,
    lower,
    upper,
    boundsDiffer: cmp(lower.cost.totalUsd, upper.cost.totalUsd) !== 0,
    trafficLowerBound: unseen.length > 0,
    splitGaps,
    seenAfterNow,
  };
}
