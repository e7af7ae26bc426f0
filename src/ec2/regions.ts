/**
 * AWS region codes shoji knows. A code not in this list is refused (with the nearest names
 * suggested) rather than priced silently: a typo such as "us-east1" must not fall back to
 * anything. Local Zones ("us-west-2-lax-1") are not regions; IMDS reports their parent region.
 */
import { closest } from './suggest.js';

export const REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-north-1', 'eu-south-1', 'eu-south-2',
  'af-south-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'us-gov-east-1', 'us-gov-west-1',
  'cn-north-1', 'cn-northwest-1',
];

export function isKnownRegion(region: string): boolean {
  return REGIONS.includes(region);
}

/** One line for an unknown region, with the closest codes. */
export function unknownRegionMessage(region: string): string {
  const near = closest(region, REGIONS, 3);
  return `unknown region "${region}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}`;
}
