/**
 * The cost model: pure functions from exact quantities to exact dollars.
 *
 * - Instance hours: per-second billing with a 60-second minimum (Linux on-demand and spot);
 *   a started second counts as a whole one.
 * - Internet egress: tiered by source region. The free 100 GB a month is optional (off by
 *   default, so the figure is an upper bound). When on, it comes first and the tiers are
 *   counted after it ("first 10 TB beyond the global free tier", as AWS bills word it).
 * - Inbound traffic: free.
 * - Public IPv4: per IP-hour of uptime. EBS: GB-months prorated by hours of uptime.
 * Every byte count is treated as one billing month: a since-boot counter cannot be split at
 * month boundaries, and the report says so.
 */
import { add, ceil, cmp, div, int, min, mul, sub, ZERO, type Q } from './money.js';
import { EBS_USD_PER_GB_MONTH, FREE_EGRESS_GB_PER_MONTH, HOURS_PER_MONTH, PUBLIC_IPV4_USD_PER_HOUR, type EbsType, type TransferRates } from './rates.js';

export const BYTES_PER_GB = int(2 ** 30);
export const MINIMUM_BILLED_SECONDS = 60n;
export const SECONDS_PER_30_DAYS = 30 * 24 * 3600;

export interface CostInput {
  usdPerHour: Q;
  uptimeSeconds: Q;
  txBytes: Q;
  rxBytes: Q;
  transfer: TransferRates;
  freeTier: boolean;
  publicIpv4: boolean;
  ebs: { gb: Q; type: EbsType } | null;
}

export interface TierLine {
  /** Where the band starts and ends in chargeable GB (end null = open). */
  fromGb: number;
  toGb: number | null;
  gb: Q;
  usdPerGb: Q;
  usd: Q;
}

export interface Egress {
  outGb: Q;
  /** Part of outGb covered by the free allowance (zero when the allowance is off). */
  freeGb: Q;
  tiers: TierLine[];
  usd: Q;
}

export interface Cost {
  uptimeSeconds: Q;
  billedSeconds: bigint;
  computeUsd: Q;
  egress: Egress;
  inGb: Q;
  networkInUsd: Q;
  ipv4Hours: Q;
  publicIpv4Usd: Q;
  ebsGbMonths: Q;
  ebsUsdPerGbMonth: Q | null;
  ebsUsd: Q;
  totalUsd: Q;
}

export function billedSeconds(uptimeSeconds: Q): bigint {
  const whole = ceil(uptimeSeconds);
  return whole < MINIMUM_BILLED_SECONDS ? MINIMUM_BILLED_SECONDS : whole;
}

/** Internet egress for one month's volume. */
export function egressCost(outGb: Q, rates: TransferRates, freeTier: boolean): Egress {
  const freeGb = freeTier ? min(outGb, int(FREE_EGRESS_GB_PER_MONTH)) : ZERO;
  let left = sub(outGb, freeGb);
  const tiers: TierLine[] = [];
  let from = 0;
  for (const tier of rates.tiers) {
    if (cmp(left, ZERO) <= 0) break;
    const width = tier.upToGb === null ? left : min(left, int(tier.upToGb - from));
    tiers.push({ fromGb: from, toGb: tier.upToGb, gb: width, usdPerGb: tier.usdPerGb, usd: mul(width, tier.usdPerGb) });
    left = sub(left, width);
    if (tier.upToGb === null) break;
    from = tier.upToGb;
  }
  return { outGb, freeGb, tiers, usd: add(ZERO, ...tiers.map((t) => t.usd)) };
}

export function computeCost(input: CostInput): Cost {
  const billed = billedSeconds(input.uptimeSeconds);
  const computeUsd = div(mul(int(billed), input.usdPerHour), int(3600));
  const egress = egressCost(div(input.txBytes, BYTES_PER_GB), input.transfer, input.freeTier);
  const uptimeHours = div(input.uptimeSeconds, int(3600));
  const ipv4Hours = input.publicIpv4 ? uptimeHours : ZERO;
  const publicIpv4Usd = mul(ipv4Hours, PUBLIC_IPV4_USD_PER_HOUR);
  const ebsRate = input.ebs ? EBS_USD_PER_GB_MONTH[input.ebs.type] : null;
  const ebsGbMonths = input.ebs ? div(mul(input.ebs.gb, uptimeHours), int(HOURS_PER_MONTH)) : ZERO;
  const ebsUsd = ebsRate ? mul(ebsGbMonths, ebsRate) : ZERO;
  return {
    uptimeSeconds: input.uptimeSeconds,
    billedSeconds: billed,
    computeUsd,
    egress,
    inGb: div(input.rxBytes, BYTES_PER_GB),
    networkInUsd: ZERO,
    ipv4Hours,
    publicIpv4Usd,
    ebsGbMonths,
    ebsUsdPerGbMonth: ebsRate,
    ebsUsd,
    totalUsd: add(computeUsd, egress.usd, publicIpv4Usd, ebsUsd),
  };
}

/**
 * What 30 days would cost at the same rates: instance, IPv4 and EBS for 720 hours, and
 * egress at the since-boot average traffic rate, priced as one month (tiers and allowance).
 */
export function projectThirtyDays(input: CostInput): Q {
  const seconds = int(SECONDS_PER_30_DAYS);
  const hours = int(720);
  const scaled = cmp(input.uptimeSeconds, ZERO) > 0 ? div(mul(input.txBytes, seconds), input.uptimeSeconds) : ZERO;
  const egress = egressCost(div(scaled, BYTES_PER_GB), input.transfer, input.freeTier);
  const ipv4 = input.publicIpv4 ? mul(hours, PUBLIC_IPV4_USD_PER_HOUR) : ZERO;
  const ebs = input.ebs ? div(mul(input.ebs.gb, hours, EBS_USD_PER_GB_MONTH[input.ebs.type]), int(HOURS_PER_MONTH)) : ZERO;
  return add(mul(hours, input.usdPerHour), egress.usd, ipv4, ebs);
}

/** Dollars per hour of everything that accrues by the hour (instance, IPv4, EBS). */
export function hourlyTotal(input: CostInput): Q {
  const ipv4 = input.publicIpv4 ? PUBLIC_IPV4_USD_PER_HOUR : ZERO;
  const ebs = input.ebs ? div(mul(input.ebs.gb, EBS_USD_PER_GB_MONTH[input.ebs.type]), int(HOURS_PER_MONTH)) : ZERO;
  return add(input.usdPerHour, ipv4, ebs);
}
