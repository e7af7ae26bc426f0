/**
 * The refreshed-price cache read back: a file in the cache folder is no more trusted than the
 * price list it came from. Entries that a refresh would have refused (an odd type name, an
 * absurd price), a file for another region, or one that is not JSON are not used, the report
 * says so and how to mend it, and a new refresh writes a good file over it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { EXAMPLE_A, run } from './run.js';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
});
afterEach(() => tree.cleanup());

const IN_EU_WEST_1 = [...EXAMPLE_A.slice(0, 2), '--region', 'eu-west-1', ...EXAMPLE_A.slice(4)];
const cacheFile = () => join(tree.dir, 'cache', 'ec2', 'prices-eu-west-1.json');

function cache(text: string): void {
  mkdirSync(join(tree.dir, 'cache', 'ec2'), { recursive: true });
  writeFileSync(cacheFile(), text);
}

const GOOD = {
  format: 1,
  region: 'eu-west-1',
  pricesAsOf: '2026-08-01T00:00:00.000Z',
  source: 'AWS Price List offer file index.json',
  refreshedAt: '2026-08-02T00:00:00.000Z',
  prices: { 'm7i.large': '0.112', 't3.micro': '0.0114' } as Record<string, unknown>,
};

describe('the price cache is read as strictly as a refresh', () => {
  it('a good file is used', async () => {
    cache(JSON.stringify(GOOD));
    const j = JSON.parse((await run(tree, [...IN_EU_WEST_1, '--json'])).out);
    expect(j).toMatchObject({ hourlyRateUsd: 0.112, priceSource: 'AWS Price List offer file index.json', pricedRegion: 'eu-west-1' });
  });

  it.each([
    ['a 400-digit price', { ...GOOD, prices: { 'm7i.large': '9'.repeat(400) } }],
    ['a price over $10,000/h', { ...GOOD, prices: { 'm7i.large': '10000.5' } }],
    ['a price in hex', { ...GOOD, prices: { 'm7i.large': '0x10' } }],
    ['a price that is a number, not text', { ...GOOD, prices: { 'm7i.large': 0.2 } }],
    ['"constructor" as a type', { ...GOOD, prices: { constructor: '0.5', 'm7i.large': '0.2' } }],
    [
      '"__proto__" as a type',
      JSON.parse(
        `{"format":1,"region":"eu-west-1","pricesAsOf":"2026-08-01T00:00:00.000Z","source":"x","refreshedAt":"2026-08-02T00:00:00.000Z","prices":{"__proto__":"0.5","m7i.large":"0.2"}}`,
      ),
    ],
    ['another region', { ...GOOD, region: 'us-west-2', prices: { 'm7i.large': '0.2' } }],
    ['no date', { ...GOOD, pricesAsOf: 'yesterday', prices: { 'm7i.large': '0.2' } }],
    ['no prices', { ...GOOD, prices: [] }],
    ['a source with terminal escapes', { ...GOOD, source: 'x\u001b]0;pwned\u0007', prices: { 'm7i.large': '0.2' } }],
  ])('%s: not used, and the report says so', async (_what, content) => {
    cache(JSON.stringify(content));
    const j = JSON.parse((await run(tree, [...IN_EU_WEST_1, '--json'])).out);
    expect(j).toMatchObject({ hourlyRateUsd: 0.1008, priceSource: 'shoji catalogue', pricedRegion: 'us-east-1' });
    expect(j.notes.join('\n')).toMatch(/the refreshed prices in .*prices-eu-west-1\.json are not usable \(.+\): run ec2-cost --refresh-prices again/);
  });

  it('a file that is not JSON: the same, and a refresh writes a good one over it', async () => {
    cache('{"format":1,"region":"eu-');
    const r = await run(tree, [...IN_EU_WEST_1, '--detail']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/are not usable \(not JSON\)/);
    expect((await run(tree, ['--refresh-prices', join(__dirname, '../../fixtures/ec2/offer-eu-west-1.json')])).code).toBe(0);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).prices['m7i.large']).toBe('0.112');
    expect(JSON.parse((await run(tree, [...IN_EU_WEST_1, '--json'])).out).notes.join(' ')).not.toMatch(/not usable/);
  });
});
