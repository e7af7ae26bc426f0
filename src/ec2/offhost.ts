/**
 * Off EC2, the question the original tool was for: what would this machine cost there?
 * The cheapest current-generation types with at least this host's vCPUs and memory, of the
 * same architecture unless the user allows any, without GPUs (they are never the cheapest
 * fit and the host's GPUs are not looked at).
 */
import type { Arch, Catalog, InstanceType, Row } from './catalog.js';
import { cmp } from './money.js';
import type { RefreshedPrices } from './price-cache.js';
import { quotePrice, type PriceQuote } from './prices.js';

export interface Fit {
  vcpus: number;
  memoryMiB: number;
  /** null: any architecture. */
  arch: Arch | null;
}

export interface Candidate {
  type: InstanceType;
  quote: PriceQuote;
}

/**
 * `accept`, when given, is asked last about each type that fits (right-sizing uses it to leave out
 * accelerated types and burstable ones whose baseline is too low).
 */
export function cheapestFits(
  catalog: Catalog,
  fit: Fit,
  region: string,
  refreshed: RefreshedPrices | null,
  count = 3,
  accept?: (row: Row) => boolean,
): Candidate[] {
  // One pass keeping the cheapest few by the float value of the price string; only those are
  // then priced exactly. Exact arithmetic, objects or a sort for all ~1,400 types would cost
  // more than Node's own start-up (measured). The catalogue lists current types cheapest
  // first, so with its own prices the pass stops at the first row dearer than all it keeps;
  // refreshed prices order them differently, and then every row is looked at.
  const best: { row: Row; approx: number }[] = [];
  const keep = count + 4; // room for near-ties, settled exactly below
  let inOrder = refreshed === null;
  let previous = -Infinity;
  for (const row of refreshed ? catalog.allRows() : catalog.currentByPrice()) {
    const price = refreshed?.prices.get(row[0]) ?? row[7];
    if (price === null) continue;
    const approx = parseFloat(price);
    if (approx < previous) inOrder = false; // a hand-edited catalogue: no early stop
    previous = approx;
    if (best.length === keep && approx >= best[keep - 1].approx) {
      if (inOrder) break;
      continue;
    }
    if (row[6] !== 1 || row[1] === null || row[2] === null) continue;
    if (row[1] < fit.vcpus || row[2] < fit.memoryMiB) continue;
    if (fit.arch !== null && row[3] !== fit.arch) continue;
    if ((row[4] ?? 0) > 0) continue;
    if (accept && !accept(row)) continue;
    let i = best.length;
    while (i > 0 && best[i - 1].approx > approx) i--;
    best.splice(i, 0, { row, approx });
    if (best.length > keep) best.pop();
  }
  const out: Candidate[] = [];
  for (const { row } of best) {
    const quote = quotePrice(row[0], region, catalog, refreshed);
    if (quote && quote.pricedType === row[0]) out.push({ type: catalog.get(row[0])!, quote });
  }
  // Plain string order for ties: localeCompare's first call loads ICU (~10 ms measured).
  out.sort((a, b) => cmp(a.quote.usdPerHour, b.quote.usdPerHour) || (a.type.type < b.type.type ? -1 : 1));
  return out.slice(0, count);
}
