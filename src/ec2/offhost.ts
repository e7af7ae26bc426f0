/**
 * Off EC2, the question the original tool was for: what would this machine cost there?
 * The cheapest current-generation types with at least this host's vCPUs and memory, of the
 * same architecture unless the user allows any, without GPUs (they are never the cheapest
 * fit and the host's GPUs are not looked at).
 */
import type { Arch, Catalog, InstanceType } from './catalog.js';
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

export function cheapestFits(catalog: Catalog, fit: Fit, region: string, refreshed: RefreshedPrices | null, count = 3): Candidate[] {
  const out: Candidate[] = [];
  for (const t of catalog.types.values()) {
    if (!t.current || t.vcpu === null || t.memoryMiB === null) continue;
    if (t.vcpu < fit.vcpus || t.memoryMiB < fit.memoryMiB) continue;
    if (fit.arch !== null && t.arch !== fit.arch) continue;
    if ((t.gpus ?? 0) > 0) continue;
    const quote = quotePrice(t.type, region, catalog, refreshed);
    if (!quote || quote.pricedType !== t.type) continue;
    out.push({ type: t, quote });
  }
  out.sort((a, b) => cmp(a.quote.usdPerHour, b.quote.usdPerHour) || a.type.type.localeCompare(b.type.type));
  return out.slice(0, count);
}
