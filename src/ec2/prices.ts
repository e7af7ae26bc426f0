/**
 * Which hourly price applies, and where it came from. In order:
 * 1. prices refreshed for the region (an offer file or the Query API, cached with their date);
 * 2. the shipped catalogue, when the region is its region (us-east-1);
 * 3. the shipped catalogue's us-east-1 price for another region, labelled as such;
 * 4. for a type with no price at all, the nearest priced type of the same size, labelled.
 * Every fallback is said in `notes`; a report never shows a blank or an unlabelled guess.
 */
import { sizeOf, type Catalog } from './catalog.js';
import { dec, type Q } from './money.js';
import type { RefreshedPrices } from './price-cache.js';
import { editDistance } from './suggest.js';

export interface PriceQuote {
  /** The type whose price is used (differs from the one asked for only in case 4). */
  pricedType: string;
  /** The region whose price is used. */
  pricedRegion: string;
  usdPerHour: Q;
  /** Short, for JSON and the status module: "shoji catalogue" or "offer file index.json". */
  source: string;
  /** The date of the prices (YYYY-MM-DD). */
  asOf: string;
  notes: string[];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function fromCatalogue(catalog: Catalog, type: string): string | null {
  return catalog.get(type)?.usdPerHour ?? null;
}

/** The priced type nearest by name with the same size ("m9i.large" -> "m8i.large"). */
function nearestPriced(catalog: Catalog, refreshed: RefreshedPrices | null, type: string): string | null {
  const size = sizeOf(type);
  let best: string | null = null;
  let bestD = Infinity;
  const names = new Set([...catalog.names, ...(refreshed?.prices.keys() ?? [])]);
  for (const name of names) {
    if (name === type || sizeOf(name) !== size) continue;
    if (!refreshed?.prices.has(name) && !fromCatalogue(catalog, name)) continue;
    const d = editDistance(type, name);
    if (d < bestD || (d === bestD && best !== null && name < best)) {
      best = name;
      bestD = d;
    }
  }
  return best;
}

export function quotePrice(type: string, region: string, catalog: Catalog, refreshed: RefreshedPrices | null): PriceQuote | null {
  const notes: string[] = [];
  let priced = type;
  const have = (t: string) => Boolean(refreshed?.prices.get(t) ?? fromCatalogue(catalog, t));
  if (!have(type)) {
    const near = nearestPriced(catalog, refreshed, type);
    if (!near) return null;
    notes.push(`no price is known for ${type}: priced as ${near}, the nearest known type of the same size`);
    priced = near;
  }
  const fresh = refreshed?.prices.get(priced);
  if (fresh) {
    return { pricedType: priced, pricedRegion: region, usdPerHour: dec(fresh), source: refreshed!.source, asOf: day(refreshed!.pricesAsOf), notes };
  }
  const price = fromCatalogue(catalog, priced)!;
  if (region !== catalog.region) {
    notes.push(
      refreshed
        ? `${priced} is not in the prices refreshed for ${region}: the ${catalog.region} price is used`
        : `no ${region} prices have been refreshed: the ${catalog.region} price is used (see ec2-cost --refresh-prices)`,
    );
  }
  return { pricedType: priced, pricedRegion: catalog.region, usdPerHour: dec(price), source: 'shoji catalogue', asOf: day(catalog.pricesAsOf), notes };
}
