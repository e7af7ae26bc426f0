/**
 * Refreshed instance prices (and the region's internet egress tiers when the price list had
 * usable ones), one file per region under cacheDir()/ec2/, with their date and where they came from. Written atomically and only after a whole price list was read, so a
 * reader never sees half a refresh.
 *
 * The file is no more trusted than the price list it came from: a region that is not one shoji
 * knows never becomes a file name, and what is read back is checked as strictly as a fresh
 * refresh (type names, prices, dates). A file that fails is ignored, and the report says so.
 */
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { cacheDir } from '../core/paths.js';
import { readText } from '../core/read.js';
import { folderProblem, isTrustedFolder } from '../core/trust.js';
import { isTypeName, usablePrice } from './names.js';
import { egressTiers, type EgressBand, type RefreshedEgress, type StoredTier } from './rates.js';
import { isKnownRegion } from './regions.js';

export interface RefreshedPrices {
  format: 1;
  region: string;
  /** The price list's own publication date (ISO 8601). */
  pricesAsOf: string;
  /** e.g. "AWS Price List offer file index.json" or "AWS Price List Query API". */
  source: string;
  /** When shoji read it (ISO 8601). */
  refreshedAt: string;
  /** Instance type -> USD per hour, decimal strings as published (a Map: the names come from a file). */
  prices: ReadonlyMap<string, string>;
  /**
   * The region's internet egress tiers from the same price list, when it had usable ones;
   * absent in files written before shoji kept them (the shipped tiers are used then).
   */
  egressTiers?: StoredTier[];
}

export interface CachedPrices {
  prices: RefreshedPrices | null;
  /** Why a cache file that exists was not used. */
  problem?: string;
}

/** The region's cache file; only for a region shoji knows, so a name can never leave the folder. */
export function priceCacheFile(env: NodeJS.ProcessEnv, region: string): string {
  if (!isKnownRegion(region)) throw new Error(`not a region shoji knows: "${region.slice(0, 40)}"`);
  return join(cacheDir(env), 'ec2', `prices-${region}.json`);
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;
const MAX_SOURCE = 200;

/** The region's refreshed prices; none when never refreshed, or when the file is unusable. */
export function readRefreshedPrices(env: NodeJS.ProcessEnv, region: string): CachedPrices {
  if (!isKnownRegion(region)) return { prices: null };
  const file = priceCacheFile(env, region);
  const text = readText(file); // null in the usual case: never refreshed
  if (text === null) return { prices: null };
  const problem = (why: string): CachedPrices => ({
    prices: null,
    problem: `the refreshed prices in ${file} are not usable (${why}): run ec2-cost --refresh-prices again`,
  });
  // A price file is only as good as the folder it is in: one another user can write is not read.
  if (!isTrustedFolder(dirname(file))) return problem(`its folder is not yours alone: ${folderProblem(dirname(file))}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return problem('not JSON');
  }
  const p = (parsed ?? {}) as Record<string, unknown>;
  if (p.format !== 1 || p.region !== region) return problem(`not a price file for ${region}`);
  for (const key of ['pricesAsOf', 'refreshedAt'] as const) {
    const v = p[key];
    if (typeof v !== 'string' || !ISO_DATE.test(v) || Number.isNaN(Date.parse(v))) return problem(`${key} is not a date`);
  }
  // A refresh writes its source with control characters escaped; this one is shown in reports.
  if (typeof p.source !== 'string' || p.source.length > MAX_SOURCE || /[\u0000-\u001f\u007f-\u009f]/.test(p.source)) return problem('no source');
  if (!p.prices || typeof p.prices !== 'object' || Array.isArray(p.prices)) return problem('no prices');
  const prices = new Map<string, string>();
  for (const [type, usd] of Object.entries(p.prices)) {
    const price = typeof usd === 'string' ? usablePrice(usd) : null;
    if (!isTypeName(type) || price === null) return problem(`an entry is not an instance type and a price: "${type.slice(0, 40)}"`);
    prices.set(type, price);
  }
  if (prices.size === 0) return problem('no prices');
  const refreshed: RefreshedPrices = { format: 1, region, pricesAsOf: p.pricesAsOf as string, source: p.source, refreshedAt: p.refreshedAt as string, prices };
  if (p.egressTiers !== undefined) {
    const tiers = storedTiers(p.egressTiers);
    if ('problem' in tiers) return problem(`egressTiers: ${tiers.problem}`);
    refreshed.egressTiers = tiers.tiers;
  }
  return { prices: refreshed };
}

/** Stored tiers checked as strictly as the price list's bands were. */
function storedTiers(v: unknown): { tiers: StoredTier[] } | { problem: string } {
  if (!Array.isArray(v)) return { problem: 'not a list' };
  const bands: EgressBand[] = [];
  let begin = '0';
  for (const t of v as unknown[]) {
    const { upToGb, usdPerGb } = (t ?? {}) as Record<string, unknown>;
    if ((upToGb !== null && typeof upToGb !== 'number') || typeof usdPerGb !== 'string') return { problem: 'an entry is not a bound and a price' };
    const end = upToGb === null ? 'Inf' : String(upToGb);
    bands.push({ beginGb: begin, endGb: end, usdPerGb });
    begin = end;
  }
  return egressTiers(bands);
}

/** The cached egress tiers as the estimate uses them, or null (never refreshed, or none kept). */
export function refreshedEgress(prices: RefreshedPrices | null): RefreshedEgress | null {
  if (!prices?.egressTiers) return null;
  return { tiers: prices.egressTiers, source: prices.source, asOf: prices.pricesAsOf.slice(0, 10) };
}

export function writeRefreshedPrices(env: NodeJS.ProcessEnv, prices: RefreshedPrices): string {
  const file = priceCacheFile(env, prices.region);
  const sorted = [...prices.prices].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  writeFileAtomic(file, `${JSON.stringify({ ...prices, prices: Object.fromEntries(sorted) })}\n`, 0o644);
  return file;
}
