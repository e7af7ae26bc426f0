/**
 * AWS region codes shoji knows. A code not in this list is refused (with the nearest names
 * suggested) rather than priced silently: a typo such as "us-east1" must not fall back to
 * anything. Local Zones ("us-west-2-lax-1") are not regions; IMDS reports their parent region.
 */
import { closest } from './suggest.js';

export const REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'ca-west-1',
  'mx-central-1',
  'sa-east-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'af-south-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
];

export function isKnownRegion(region: string): boolean {
  return REGIONS.includes(region);
}

/** Why a region is outside what shoji models, and what was used instead. */
export interface NotModelled {
  /** What the figures are at: "us-east-1 rates". */
  basis: string;
  /** One short clause: "China regions are priced in CNY". */
  why: string;
}

/**
 * Whether an estimate for this region is more than a rough guess. Commercial regions are
 * modelled: their transfer rates are known or overstated, and their instance prices are
 * us-east-1's until refreshed, which the report notes. China (priced in CNY) and GovCloud
 * (priced apart, unless refreshed) are not, nor is a region shoji has never heard of (a new one
 * the metadata service reports): for those the one-line report says so beside the figure.
 */
export function notModelled(region: string, refreshed: boolean): NotModelled | null {
  if (region.startsWith('cn-')) return { basis: 'us-east-1 rates', why: 'China regions are priced in CNY' };
  if (!isKnownRegion(region)) return { basis: 'us-east-1 rates', why: 'a region shoji has no data for' };
  if (region.startsWith('us-gov-') && !refreshed) {
    return { basis: 'us-east-1 instance prices', why: 'GovCloud prices are not in the catalogue (see ec2-cost --refresh-prices)' };
  }
  return null;
}

/** One line for an unknown region, with the closest codes. */
export function unknownRegionMessage(region: string): string {
  const near = closest(region, REGIONS, 3);
  return `unknown region "${region}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}`;
}
