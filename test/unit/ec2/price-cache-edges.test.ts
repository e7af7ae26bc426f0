/**
 * The refreshed-price cache read and written directly (src/ec2/price-cache.ts): each reason a
 * file is not used, named in the note; the limits on its source; what a good file gives; and
 * the file a refresh writes (sorted, readable by others, read back the same).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { priceCacheFile, readRefreshedPrices, writeRefreshedPrices, type RefreshedPrices } from '../../../src/ec2/price-cache.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-price-cache-'));
  env = { HOME: dir, SHOJI_CACHE_DIR: join(dir, 'cache') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const FILE = () => join(dir, 'cache', 'ec2', 'prices-eu-west-1.json');
const GOOD = {
  format: 1,
  region: 'eu-west-1',
  pricesAsOf: '2026-08-01T00:00:00.000Z',
  source: 'AWS Price List offer file index.json',
  refreshedAt: '2026-08-02T00:00:00Z',
  prices: { 'm7i.large': '0.1120', 't3.micro': '0.0114' } as Record<string, unknown>,
};

function cached(content: unknown): ReturnType<typeof readRefreshedPrices> {
  mkdirSync(join(dir, 'cache', 'ec2'), { recursive: true, mode: 0o700 });
  writeFileSync(FILE(), typeof content === 'string' ? content : JSON.stringify(content));
  return readRefreshedPrices(env, 'eu-west-1');
}

const unusable = (why: string) => ({ prices: null, problem: `the refreshed prices in ${FILE()} are not usable (${why}): run ec2-cost --refresh-prices again` });

describe('reading the price cache', () => {
  it('a region never refreshed, or not one shoji knows: nothing, and nothing to say', () => {
    expect(readRefreshedPrices(env, 'eu-west-1')).toEqual({ prices: null });
    expect(readRefreshedPrices(env, '../../etc')).toEqual({ prices: null });
    expect(() => priceCacheFile(env, '../../etc')).toThrow('not a region shoji knows: "../../etc"');
    expect(() => priceCacheFile(env, 'x'.repeat(50))).toThrow(`not a region shoji knows: "${'x'.repeat(40)}"`);
    expect(priceCacheFile(env, 'eu-west-1')).toBe(FILE());
  });

  it('a good file gives its prices, normalised, and its dates and source', () => {
    expect(cached(GOOD)).toEqual({
      prices: {
        format: 1,
        region: 'eu-west-1',
        pricesAsOf: GOOD.pricesAsOf,
        source: GOOD.source,
        refreshedAt: GOOD.refreshedAt,
        prices: new Map([
          ['m7i.large', '0.112'],
          ['t3.micro', '0.0114'],
        ]),
      },
    });
  });

  it('names why a file is not used', () => {
    expect(cached('{"format":')).toEqual(unusable('not JSON'));
    expect(cached('null')).toEqual(unusable('not a price file for eu-west-1'));
    expect(cached({ ...GOOD, format: 2 })).toEqual(unusable('not a price file for eu-west-1'));
    expect(cached({ ...GOOD, region: 'us-east-1' })).toEqual(unusable('not a price file for eu-west-1'));
    expect(cached({ ...GOOD, pricesAsOf: '2026-08-01' })).toEqual(unusable('pricesAsOf is not a date'));
    expect(cached({ ...GOOD, pricesAsOf: '2026-13-45T00:00:00Z' })).toEqual(unusable('pricesAsOf is not a date'));
    expect(cached({ ...GOOD, pricesAsOf: 20260801 })).toEqual(unusable('pricesAsOf is not a date'));
    expect(cached({ ...GOOD, pricesAsOf: [GOOD.pricesAsOf] })).toEqual(unusable('pricesAsOf is not a date')); // reads as a date, is not text
    expect(cached({ ...GOOD, refreshedAt: 'x2026-08-02T00:00:00Z' })).toEqual(unusable('refreshedAt is not a date'));
    expect(cached({ ...GOOD, refreshedAt: '2026-08-02T00:00:00Zx' })).toEqual(unusable('refreshedAt is not a date'));
    expect(cached({ ...GOOD, source: 7 })).toEqual(unusable('no source'));
    expect(cached({ ...GOOD, source: 'x'.repeat(201) })).toEqual(unusable('no source'));
    expect(cached({ ...GOOD, source: 'a\u0085b' })).toEqual(unusable('no source'));
    expect(cached({ ...GOOD, source: 'a\u007fb' })).toEqual(unusable('no source'));
    expect(cached({ ...GOOD, source: 'a\nb' })).toEqual(unusable('no source'));
    expect(cached({ ...GOOD, prices: null })).toEqual(unusable('no prices'));
    expect(cached({ ...GOOD, prices: '0.1' })).toEqual(unusable('no prices'));
    expect(cached({ ...GOOD, prices: ['0.1'] })).toEqual(unusable('no prices'));
    expect(cached({ ...GOOD, prices: {} })).toEqual(unusable('no prices'));
    expect(cached({ ...GOOD, prices: { 'M7I.LARGE': '0.1' } })).toEqual(unusable('an entry is not an instance type and a price: "M7I.LARGE"'));
    expect(cached({ ...GOOD, prices: { ['x'.repeat(50)]: '0.1' } })).toEqual(unusable(`an entry is not an instance type and a price: "${'x'.repeat(40)}"`));
    expect(cached({ ...GOOD, prices: { 'm7i.large': '0' } })).toEqual(unusable('an entry is not an instance type and a price: "m7i.large"'));
  });

  it('takes a source of up to 200 characters, and dates with or without milliseconds', () => {
    expect(cached({ ...GOOD, source: 'x'.repeat(200) }).prices?.source).toBe('x'.repeat(200));
    expect(cached({ ...GOOD, source: 'prices \u00a0 from AWS' }).prices?.source).toBe('prices \u00a0 from AWS');
    expect(cached({ ...GOOD, pricesAsOf: '2026-08-01T00:00:00.1Z' }).prices?.pricesAsOf).toBe('2026-08-01T00:00:00.1Z');
  });
});

describe('writing the price cache', () => {
  it('writes the prices sorted by type, readable by all, and reads them back the same', () => {
    const prices: RefreshedPrices = {
      format: 1,
      region: 'eu-west-1',
      pricesAsOf: GOOD.pricesAsOf,
      source: GOOD.source,
      refreshedAt: GOOD.refreshedAt,
      prices: new Map([
        ['t3.micro', '0.0114'],
        ['c7g.large', '0.0725'],
        ['m7i.large', '0.112'],
        ['c7g.large2', '0.1'],
      ]),
    };
    const file = writeRefreshedPrices(env, prices);
    expect(file).toBe(FILE());
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text).prices)).toEqual(['c7g.large', 'c7g.large2', 'm7i.large', 't3.micro']);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readRefreshedPrices(env, 'eu-west-1')).toEqual({ prices: { ...prices, prices: new Map([...prices.prices].sort()) } });
    expect(() => writeRefreshedPrices(env, { ...prices, region: 'mars-1' })).toThrow(/not a region shoji knows/);
  });
});
