/**
 * Download a region's offer file and cache its prices, for `ec2-cost --refresh-prices` and for
 * the background refresh of the long-lived processes alike: under the region's refresh lock
 * (lock.ts), streamed through the offer-file reader, checked to be the region asked for, and
 * cached (atomically) only when all of it was read. Anything short of that throws, and the
 * prices cached before stay as they were.
 */
import { escapeControl } from '../../render/sanitize.js';
import { writeRefreshedPrices, type RefreshedPrices } from '../price-cache.js';
import { isKnownRegion } from '../regions.js';
import { fetchBody, LIMITS, pricingEndpoint, regionOfferUrl, type Limits } from './download.js';
import { acquireRefreshLock, type LockOwner } from './lock.js';
import type { OfferRead } from './offer-json.js';
import { progressFor } from './progress.js';
import { PriceFileError } from './select.js';

export interface FetchOptions {
  env: NodeJS.ProcessEnv;
  /** Draw a progress bar (stderr is a terminal). */
  terminal: boolean;
  /** In a long-lived process: its sockets never keep it alive. */
  background?: boolean;
  limits?: Limits;
  now?: () => Date;
}

/** `egress`: what became of the file's data-transfer rates, for the summary line. */
export type Fetched = { ok: true; prices: RefreshedPrices; file: string; egress: string } | { ok: false; busy: LockOwner };

export async function fetchRegionPrices(region: string, o: FetchOptions): Promise<Fetched> {
  const base = pricingEndpoint(o.env);
  const lock = acquireRefreshLock(o.env, region);
  if (!lock.ok) return { ok: false, busy: lock.holder };
  try {
    const limits = o.limits ?? LIMITS;
    const offerUrl = await regionOfferUrl(base, region, limits, o.background);
    const got = await fetchBody(base, offerUrl, limits, o.background);
    const name = escapeControl(got.url.href);
    const progress = await progressFor(`ec2-cost: downloading ${region} prices`, got.size, o.terminal, o.env);
    got.onBytes((n) => progress.add(n));
    let read: OfferRead;
    try {
      const { readOfferJson } = await import('./offer-json.js');
      read = await readOfferJson(got.stream, name, progress.stream);
    } finally {
      progress.stop();
    }
    const prices = pricesFor(read, region, name, (o.now ?? (() => new Date()))());
    const egress = read.egress.outcome(region);
    if (egress.tiers) prices.egressTiers = egress.tiers;
    return { ok: true, prices, file: writeRefreshedPrices(o.env, prices), egress: escapeControl(egress.said) };
  } finally {
    lock.release();
  }
}

/** The region's prices from a whole offer file, or why there are none. */
function pricesFor(read: OfferRead, region: string, name: string, now: Date): RefreshedPrices {
  if (!read.publicationDate || Number.isNaN(Date.parse(read.publicationDate))) {
    throw new PriceFileError(`${name} has no publication date: not an AWS price list offer file`);
  }
  // Products name their region: a file for another one is the wrong file, whatever it holds.
  const others = [...read.productRegions.keys()].filter((r) => r !== region && isKnownRegion(r)).sort();
  if (!read.productRegions.has(region) && others.length > 0) {
    throw new PriceFileError(`${name} is the offer file for ${others.slice(0, 3).join(', ')}, not ${region}`);
  }
  const found = new Map([...(read.prices.byRegion.get('') ?? []), ...(read.prices.byRegion.get(region) ?? [])]);
  if (found.size === 0) throw new PriceFileError(`${name} has no usable Linux on-demand instance prices for ${region}`);
  return {
    format: 1,
    region,
    pricesAsOf: new Date(read.publicationDate).toISOString(),
    source: `AWS Price List bulk offer file, downloaded ${now.toISOString().slice(0, 10)}`,
    refreshedAt: now.toISOString(),
    prices: found,
  };
}
