/**
 * What keeping this host where it is costs a month, beside what EC2 would, and where the two
 * cross: pure functions of exact quantities (money.ts), for `ec2-cost --detail` and `--json`.
 *
 * Here, a month of h hours on costs
 *   electricity  watts / 1000 x h x price per kWh   (scales with the hours the host is on)
 *   hardware     purchase price / months            (fixed)
 *   bandwidth    the monthly bandwidth or hosting bill (fixed)
 * and on EC2
 *   the instance's hourly rate x h                  (billed only while it runs)
 *   + IPv4 and EBS for the whole month              (AWS bills both while an instance is stopped)
 *   + internet egress for the month's traffic, at the tiers the report prices with.
 *
 * USD only: nothing here converts a currency. Watts are never made up: with neither a measured
 * nor a configured figure, electricity is left out of the total, and the report says so.
 */
import { egressCost } from './model.js';
import { add, cmp, div, int, isZero, mul, sub, ZERO, type Q } from './money.js';
import { FREE_EGRESS_GB_PER_MONTH, HOURS_PER_MONTH, type TransferRates } from './rates.js';
import type { PowerSource } from './usage/types.js';

/** The mean of the hourly usage rows' watts over a window, and how many hours had a figure. */
export interface MeasuredWatts {
  watts: number;
  source: PowerSource;
  hours: number;
}

/** What the user gave: a what-if flag, else the config's `modules.ec2-cost.here`; each may be absent. */
export interface HereGiven {
  watts: { value: Q; from: 'flag' | 'config' } | null;
  kwhPriceUsd: Q | null;
  hardwareUsd: Q | null;
  hardwareMonths: Q | null;
  bandwidthUsdMonth: Q | null;
}

export type WattsFrom = PowerSource | 'flag' | 'config';

export interface HereCost {
  /** The watts used and where they came from; null when none is known. */
  watts: { value: Q; from: WattsFrom; hours?: number } | null;
  /** Electricity for a whole month on (HOURS_PER_MONTH); null when the watts or the kWh price is missing. */
  electricityUsd: Q | null;
  /** The price of a kWh given; null when none was. */
  kwhPriceUsd: Q | null;
  /** USD per hour the host is on: watts x price; null as electricityUsd. */
  electricityUsdPerHour: Q | null;
  /** What electricity lacks, for the report to say how to give it. */
  electricityMissing: ('watts' | 'kwh-price')[];
  /** Hardware price over months; null when either is missing. */
  hardwareUsd: Q | null;
  /** What it is amortised from. */
  hardwarePrice: { usd: Q; months: Q } | null;
  /** The hardware price was given without months, or months without a price. */
  hardwareMissing: 'hardware-months' | 'hardware-usd' | null;
  bandwidthUsd: Q | null;
  /** Everything known, for a month on; leaves out what is null above. */
  totalUsd: Q;
  /** What does not change with the hours on: hardware and bandwidth. */
  fixedUsd: Q;
  /**
   * The configured watts when shoji measured its own and so did not use them, with the month's
   * total had they been used (null without a kWh price); null when the config gave none or they
   * were used. A RAPL figure is a floor (CPU and DRAM only), so the report shows both.
   */
  configWattsUnused: { value: Q; totalUsd: Q | null } | null;
}

/**
 * Whether the user said anything about here (a flag or a config key): the report shows the
 * comparison only then. Measured watts alone do not bring it: without a kWh price they price nothing.
 */
export function hereAsked(given: HereGiven): boolean {
  return given.watts !== null || given.kwhPriceUsd !== null || given.hardwareUsd !== null || given.hardwareMonths !== null || given.bandwidthUsdMonth !== null;
}

/**
 * Which watts: a --here-watts flag (a what-if, so it wins), else what shoji measured, else the
 * configured figure. A measurement beats the config: it is this host's, the config a guess.
 */
export function chooseWatts(given: HereGiven['watts'], measured: MeasuredWatts | null): HereCost['watts'] {
  if (given?.from === 'flag') return { value: given.value, from: 'flag' };
  if (measured) return { value: dec6(measured.watts), from: measured.source, hours: measured.hours };
  return given ? { value: given.value, from: 'config' } : null;
}

/** A measured float as an exact decimal of at most six places (a microwatt is far below any meter). */
function dec6(x: number): Q {
  return div(int(Math.round(x * 1e6)), int(1_000_000));
}

const THOUSAND = int(1000);

export function hereCost(given: HereGiven, measured: MeasuredWatts | null): HereCost {
  const watts = chooseWatts(given.watts, measured);
  const missing: HereCost['electricityMissing'] = [];
  if (!watts) missing.push('watts');
  if (!given.kwhPriceUsd) missing.push('kwh-price');
  const perHour = watts && given.kwhPriceUsd ? div(mul(watts.value, given.kwhPriceUsd), THOUSAND) : null;
  const electricityUsd = perHour ? mul(perHour, int(HOURS_PER_MONTH)) : null;
  const hw = given.hardwareUsd && given.hardwareMonths ? div(given.hardwareUsd, given.hardwareMonths) : null;
  const hardwareMissing = given.hardwareUsd && !given.hardwareMonths ? 'hardware-months' : !given.hardwareUsd && given.hardwareMonths ? 'hardware-usd' : null;
  const fixedUsd = add(hw ?? ZERO, given.bandwidthUsdMonth ?? ZERO);
  const unused = given.watts?.from === 'config' && watts?.from !== 'config' ? given.watts.value : null;
  const unusedTotal = unused && given.kwhPriceUsd ? add(fixedUsd, div(mul(unused, given.kwhPriceUsd, int(HOURS_PER_MONTH)), THOUSAND)) : null;
  return {
    watts,
    electricityUsd,
    electricityUsdPerHour: perHour,
    kwhPriceUsd: given.kwhPriceUsd,
    electricityMissing: missing,
    hardwareUsd: hw,
    hardwarePrice: hw ? { usd: given.hardwareUsd!, months: given.hardwareMonths! } : null,
    hardwareMissing,
    bandwidthUsd: given.bandwidthUsdMonth,
    totalUsd: add(fixedUsd, electricityUsd ?? ZERO),
    fixedUsd,
    configWattsUnused: unused ? { value: unused, totalUsd: unusedTotal } : null,
  };
}

/** A month's cost as a line in the hours on: fixed + perHour x h. */
export interface Linear {
  perHour: Q;
  fixed: Q;
}

export function at(l: Linear, hours: Q): Q {
  return add(l.fixed, mul(l.perHour, hours));
}

export type Side = 'ec2' | 'here';

/**
 * Where two monthly costs cross as the hours of use go from 0 to a month (HOURS_PER_MONTH):
 * `at` the hours where they are equal, with the side that is cheaper below them; or `never`
 * within a month, with the side that is cheaper throughout ('equal' when they always are).
 */
export type Crossing = { kind: 'at'; hours: Q; cheaperBelow: Side } | { kind: 'never'; cheaper: Side | 'equal' };

export function breakEvenHours(ec2: Linear, here: Linear, monthHours: Q = int(HOURS_PER_MONTH)): Crossing {
  // d(h) = EC2(h) - here(h), a line: its sign at 0 and at a whole month says everything.
  const d0 = sub(ec2.fixed, here.fixed);
  const slope = sub(ec2.perHour, here.perHour);
  const dEnd = add(d0, mul(slope, monthHours));
  const s0 = cmp(d0, ZERO);
  const sEnd = cmp(dEnd, ZERO);
  const cheaper = (sign: number): Side => (sign < 0 ? 'ec2' : 'here');
  if (s0 === 0 && sEnd === 0) return { kind: 'never', cheaper: 'equal' };
  // Equal at no use at all is no break-even: one side is cheaper at every hour of use.
  if (s0 === 0) return { kind: 'never', cheaper: cheaper(sEnd) };
  if (s0 === sEnd) return { kind: 'never', cheaper: cheaper(s0) };
  return { kind: 'at', hours: div(sub(ZERO, d0), slope), cheaperBelow: cheaper(s0) };
}

/**
 * The monthly traffic (GB sent) at which EC2 for a whole month, compute plus egress, costs what
 * here does: `at` that many GB (EC2 cheaper below, here above), or `never` with the side that is
 * cheaper at any traffic (here, when EC2's compute alone costs as much; EC2, when egress is free
 * past some point and never makes up the difference).
 */
export type TrafficCrossing = { kind: 'at'; gb: Q } | { kind: 'never'; cheaper: Side };

export function breakEvenTraffic(ec2Fixed: Q, hereUsd: Q, rates: TransferRates, freeTier: boolean): TrafficCrossing {
  const gap = sub(hereUsd, ec2Fixed);
  if (cmp(gap, ZERO) <= 0) return { kind: 'never', cheaper: 'here' };
  const gb = egressVolumeFor(gap, rates, freeTier);
  return gb ? { kind: 'at', gb } : { kind: 'never', cheaper: 'ec2' };
}

/**
 * The inverse of egressCost: the least volume whose egress costs `usd` (> 0), walking the same
 * tiers after the same free allowance; null when no volume costs that much (a free open tier).
 */
export function egressVolumeFor(usd: Q, rates: TransferRates, freeTier: boolean): Q | null {
  let gb = freeTier ? int(FREE_EGRESS_GB_PER_MONTH) : ZERO;
  let left = usd;
  let from = 0;
  for (const tier of rates.tiers) {
    const width = tier.upToGb === null ? null : int(tier.upToGb - from);
    const bandUsd = width === null ? null : mul(width, tier.usdPerGb);
    if (!isZero(tier.usdPerGb) && (bandUsd === null || cmp(left, bandUsd) <= 0)) return add(gb, div(left, tier.usdPerGb));
    if (width === null || bandUsd === null) return null;
    left = sub(left, bandUsd);
    gb = add(gb, width);
    from = tier.upToGb!;
  }
  return null;
}

/** EC2's egress for a month's volume (the report's own tier computation). */
export function egressUsd(gb: Q, rates: TransferRates, freeTier: boolean): Q {
  return egressCost(gb, rates, freeTier).usd;
}
