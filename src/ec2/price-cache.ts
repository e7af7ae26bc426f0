/**
 * Refreshed instance prices, one file per region under cacheDir()/ec2/, with their date and
 * where they came from. Written atomically and only after a whole price list was read, so a
 * reader never sees half a refresh.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { cacheDir } from '../core/paths.js';
import { readText } from '../core/read.js';

export interface RefreshedPrices {
  format: 1;
  region: string;
  /** The price list's own publication date (ISO 8601). */
  pricesAsOf: string;
  /** e.g. "AWS Price List offer file index.json" or "AWS Price List Query API". */
  source: string;
  /** When shoji read it (ISO 8601). */
  refreshedAt: string;
  /** Instance type -> USD per hour, decimal strings as published. */
  prices: Record<string, string>;
}

export function priceCacheFile(env: NodeJS.ProcessEnv, region: string): string {
  return join(cacheDir(env), 'ec2', `prices-${region}.json`);
}

/** The region's refreshed prices, or null when there are none (or the file is unusable). */
export function readRefreshedPrices(env: NodeJS.ProcessEnv, region: string): RefreshedPrices | null {
  const text = readText(priceCacheFile(env, region)); // null in the usual case: never refreshed
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as RefreshedPrices;
    if (parsed?.format === 1 && parsed.region === region && parsed.prices && typeof parsed.prices === 'object') return parsed;
  } catch {
    // corrupt: as if never refreshed
  }
  return null;
}

export function writeRefreshedPrices(env: NodeJS.ProcessEnv, prices: RefreshedPrices): string {
  const file = priceCacheFile(env, prices.region);
  writeFileAtomic(file, `${JSON.stringify(prices)}\n`, 0o644);
  return file;
}
