/**
 * Rates other than instance hours: data transfer out, public IPv4, EBS storage. USD list
 * prices as of 2026-09, with where they come from; docs/ec2-cost.md cites the sources in full.
 * "GB" here is 2^30 bytes (GiB), for data transfer and for EBS alike (see docs/ec2-cost.md).
 */
import { dec, type Q } from './money.js';

/** One band of a tiered rate: `upToGb` is the band's upper boundary (null = no limit). */
export interface Tier {
  upToGb: number | null;
  usdPerGb: Q;
}

export interface TransferRates {
  region: string;
  tiers: Tier[];
  /** Set when the rates are not exactly this region's: said in the report. */
  note?: string;
  /** Where the tiers come from, for --detail and --json. */
  from: EgressSource;
}

/** Shipped with shoji (below), or read from a refreshed offer file (price-cache.ts). */
export interface EgressSource {
  kind: 'shipped' | 'refreshed';
  /** e.g. "shipped with shoji" or the refreshed file's source. */
  source: string;
  /** The prices' date: the offer file's publication date, or the month the shipped ones were read. */
  asOf: string;
}

const SHIPPED: EgressSource = { kind: 'shipped', source: 'shipped with shoji', asOf: '2026-09' };

/** us-east-1 internet egress per month, after the free allowance (AWS price list, via infracost's golden tests). */
const US_EAST_1_TIERS: Tier[] = [
  { upToGb: 10_240, usdPerGb: dec('0.09') },
  { upToGb: 51_200, usdPerGb: dec('0.085') },
  { upToGb: 153_600, usdPerGb: dec('0.07') },
  { upToGb: null, usdPerGb: dec('0.05') },
];

/** First-tier (first 10 TB) internet egress $/GB by source region (a Map: regions come from outside). */
const FIRST_TIER = new Map<string, string>(
  Object.entries({
    'us-east-1': '0.09',
    'us-east-2': '0.09',
    'us-west-1': '0.09',
    'us-west-2': '0.09',
    'ca-central-1': '0.09',
    'ca-west-1': '0.09',
    'eu-central-1': '0.09',
    'eu-west-1': '0.09',
    'eu-west-2': '0.09',
    'eu-west-3': '0.09',
    'eu-north-1': '0.09',
    'eu-south-1': '0.09',
    'ap-southeast-5': '0.108',
    'ap-south-1': '0.1093',
    'ap-south-2': '0.1093',
    'il-central-1': '0.11',
    'ap-northeast-1': '0.114',
    'ap-northeast-3': '0.114',
    'ap-southeast-2': '0.114',
    'me-south-1': '0.117',
    'ap-southeast-1': '0.12',
    'ap-east-1': '0.12',
    'ap-northeast-2': '0.126',
    'sa-east-1': '0.15',
    'af-south-1': '0.154',
    'us-gov-east-1': '0.155',
    'us-gov-west-1': '0.155',
  }),
);

/** The account-wide monthly allowance of internet egress, all services and regions together. */
export const FREE_EGRESS_GB_PER_MONTH = 100;

/**
 * Outbound rates for a source region. Inbound from the internet is free everywhere.
 * Only us-east-1's higher tiers are known; elsewhere the first-tier rate is applied to all
 * volume, which can only overstate (higher tiers are cheaper).
 */
export function transferRates(region: string, refreshed?: RefreshedEgress | null): TransferRates {
  if (refreshed) {
    const tiers = refreshed.tiers.map((t) => ({ upToGb: t.upToGb, usdPerGb: dec(t.usdPerGb) }));
    return { region, tiers, from: { kind: 'refreshed', source: refreshed.source, asOf: refreshed.asOf } };
  }
  if (region === 'us-east-1') return { region, tiers: US_EAST_1_TIERS, from: SHIPPED };
  const first = FIRST_TIER.get(region);
  if (first) {
    return {
      region,
      tiers: [{ upToGb: null, usdPerGb: dec(first) }],
      note: `${region}'s rates above the first 10 TB are not known to shoji: its first-tier rate is applied to all volume`,
      from: SHIPPED,
    };
  }
  const why = region.startsWith('cn-') ? 'China regions are priced in CNY' : `no data-transfer rate is known for ${region}`;
  return { region: 'us-east-1', tiers: US_EAST_1_TIERS, note: `${why}: us-east-1 rates used instead`, from: SHIPPED };
}

/** A region's egress tiers as a refresh keeps them: decimal strings as published. */
export interface StoredTier {
  /** The band's upper boundary in GB (null = no limit). */
  upToGb: number | null;
  usdPerGb: string;
}

/** The region's refreshed tiers with where they came from (price-cache.ts reads them). */
export interface RefreshedEgress {
  tiers: StoredTier[];
  source: string;
  asOf: string;
}

/** One price dimension of an egress product, as the price list writes it ("0", "10240", "Inf"). */
export interface EgressBand {
  beginGb: string;
  endGb: string;
  usdPerGb: string;
}

/** The dearest internet egress shoji believes: real ones are $0.05-$0.16/GB. */
export const MAX_USD_PER_GB = 1;
/** Real lists have four bands; more than this is not an egress tier set. */
const MAX_BANDS = 12;
const GB_BOUND = /^\d{1,12}(?:\.\d{1,6})?$/;
const USD = /^\d{1,6}(?:\.\d{1,16})?$/;

/**
 * A price list's egress bands as tiers, or why they are not usable: the bands must start at
 * 0 GB, each begin where the last ended, end with an open band ("Inf"), and each price be a
 * plain non-negative USD amount of at most MAX_USD_PER_GB. Anything else is refused whole:
 * half a tier set would misprice every byte past the gap.
 */
export function egressTiers(bands: readonly EgressBand[]): { tiers: StoredTier[] } | { problem: string } {
  if (bands.length === 0) return { problem: 'no bands' };
  if (bands.length > MAX_BANDS) return { problem: `${bands.length} bands, more than ${MAX_BANDS}` };
  const shown = (s: string) => JSON.stringify(String(s).slice(0, 20));
  for (const b of bands) {
    if (!GB_BOUND.test(b.beginGb)) return { problem: `a band begins at ${shown(b.beginGb)}, not a number of GB` };
    if (b.endGb !== 'Inf' && !GB_BOUND.test(b.endGb)) return { problem: `a band ends at ${shown(b.endGb)}, not a number of GB or "Inf"` };
    if (!USD.test(b.usdPerGb) || Number(b.usdPerGb) > MAX_USD_PER_GB) {
      return { problem: `a band's price ${shown(b.usdPerGb)} is not a USD amount of at most $${MAX_USD_PER_GB}/GB` };
    }
  }
  const sorted = [...bands].sort((a, b) => Number(a.beginGb) - Number(b.beginGb));
  const tiers: StoredTier[] = [];
  let at = 0;
  for (const [i, b] of sorted.entries()) {
    if (Number(b.beginGb) !== at) return { problem: `a band begins at ${b.beginGb} GB where ${at} GB was expected (a gap or an overlap)` };
    const last = i === sorted.length - 1;
    if (b.endGb === 'Inf' && !last) return { problem: `the band from ${b.beginGb} GB is open but another follows it` };
    if (b.endGb !== 'Inf' && last) return { problem: `the last band ends at ${b.endGb} GB rather than being open ("Inf")` };
    const end = b.endGb === 'Inf' ? null : Number(b.endGb);
    if (end !== null && end <= at) return { problem: `the band from ${b.beginGb} GB ends at ${b.endGb} GB` };
    tiers.push({ upToGb: end, usdPerGb: plainDecimal(b.usdPerGb) });
    if (end !== null) at = end;
  }
  return { tiers };
}

/** "0.0900000000" -> "0.09", "000" -> "0". */
function plainDecimal(s: string): string {
  const trimmed = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return trimmed.replace(/^0+(?=\d)/, '');
}

/** Public IPv4 address, in use or idle, per IP-hour, since 2024-02-01. */
export const PUBLIC_IPV4_USD_PER_HOUR = dec('0.005');

export const EBS_TYPES = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'] as const;
export type EbsType = (typeof EBS_TYPES)[number];

/**
 * EBS storage $/GB-month in us-east-1 (storage only: provisioned IOPS and throughput, and
 * magnetic I/O requests, are not modelled): AWS's published us-east-1 list prices, as
 * docs/ec2-cost.md lists them.
 */
export const EBS_USD_PER_GB_MONTH: Record<EbsType, Q> = {
  gp3: dec('0.08'),
  gp2: dec('0.10'),
  io1: dec('0.125'),
  io2: dec('0.125'),
  st1: dec('0.045'),
  sc1: dec('0.015'),
  standard: dec('0.05'),
};

/** Hours in the "GB-month" used for proration: the average month (8760 / 12). */
export const HOURS_PER_MONTH = 730;
