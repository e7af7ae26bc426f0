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
}

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
export function transferRates(region: string): TransferRates {
  if (region === 'us-east-1') return { region, tiers: US_EAST_1_TIERS };
  const first = FIRST_TIER.get(region);
  if (first) {
    return {
      region,
      tiers: [{ upToGb: null, usdPerGb: dec(first) }],
      note: `${region}'s rates above the first 10 TB are not known to shoji: its first-tier rate is applied to all volume`,
    };
  }
  const why = region.startsWith('cn-') ? 'China regions are priced in CNY' : `no data-transfer rate is known for ${region}`;
  return { region: 'us-east-1', tiers: US_EAST_1_TIERS, note: `${why}: us-east-1 rates used instead` };
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
