/**
 * Refreshing prices from AWS Price List offer files in the real format (JSON and CSV fixtures
 * with the real attribute and column names), and refusing truncated or malformed ones without
 * caching anything.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { EXAMPLE_A, run } from './run.js';

const FIXTURES = join(__dirname, '../../fixtures/ec2');
const fixture = (name: string) => join(FIXTURES, name);

let tree: FixtureTree;
const cacheFile = () => join(tree.dir, 'cache', 'ec2', 'prices-eu-west-1.json');
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
});
afterEach(() => tree.cleanup());

describe.each(['offer-eu-west-1.json', 'offer-eu-west-1.csv'])('refreshing from %s', (file) => {
  it('keeps the Linux, shared, no-software, used-capacity on-demand price of each type, with its date', async () => {
    const r = await run(tree, ['--refresh-prices', fixture(file)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `^Refreshed 3 Linux on-demand prices for eu-west-1 \\(published 2026-08-01\\) from AWS Price List offer file ${file.replace('.', '\\.')}; no data-transfer rates in the file: shipped tiers used; cached in .*prices-eu-west-1\\.json\\n$`,
      ),
    );
    const cached = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    expect(cached).toMatchObject({
      format: 1,
      region: 'eu-west-1',
      pricesAsOf: '2026-08-01T00:00:00.000Z',
      source: `AWS Price List offer file ${file}`,
      // Not the Windows, Dedicated, SQL, capacity-reservation or reserved-term prices.
      prices: { 'm7g.large': '0.0906', 'm7i.large': '0.112', 't3.micro': '0.0114' },
    });
    expect(Object.keys(cached.prices)).toHaveLength(3);
  });

  it('then prices eu-west-1 with them, saying where they came from and how old they are', async () => {
    await run(tree, ['--refresh-prices', fixture(file)]);
    const j = JSON.parse((await run(tree, [...EXAMPLE_A.slice(0, 2), '--region', 'eu-west-1', ...EXAMPLE_A.slice(4), '--json'])).out);
    expect(j).toMatchObject({
      hourlyRateUsd: 0.112,
      priceSource: `AWS Price List offer file ${file}`,
      pricesAsOf: '2026-08-01',
      pricedRegion: 'eu-west-1',
      computeUsd: 33.936,
    });
    const detail = (await run(tree, [...EXAMPLE_A.slice(0, 2), '--region', 'eu-west-1', ...EXAMPLE_A.slice(4), '--detail'])).out;
    expect(detail).toMatch(/^Prices +AWS Price List offer file offer-eu-west-1\.(json|csv), eu-west-1, as of 2026-08-01$/m);
  });

  it('a type the refresh did not cover falls back to the catalogue, labelled', async () => {
    await run(tree, ['--refresh-prices', fixture(file)]);
    const j = JSON.parse((await run(tree, ['--instance-type', 'c7i.large', '--region', 'eu-west-1', '--json'])).out);
    expect(j).toMatchObject({ priceSource: 'shoji catalogue', pricedRegion: 'us-east-1' });
    expect(j.notes.join(' ')).toMatch(/c7i\.large is not in the prices refreshed for eu-west-1: the us-east-1 price is used/);
  });

  it('a region the file has no prices for: one line, exit 1, nothing cached', async () => {
    const r = await run(tree, ['--refresh-prices', fixture(file), '--region', 'us-west-2']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ec2-cost: .* has no Linux on-demand instance prices for us-west-2\n$/);
    expect(existsSync(join(tree.dir, 'cache', 'ec2'))).toBe(false);
  });
});

describe.each([
  ['offer-truncated.json', /is not a complete JSON price list/],
  ['offer-malformed.json', /is not a complete JSON price list/],
  ['offer-truncated.csv', /truncated or damaged|not a complete CSV price list/],
  ['offer-malformed.csv', /no header row|not an AWS price list/],
])('refusing %s', (file, message) => {
  it('one line, exit 1, nothing cached (not even a temporary file)', async () => {
    const r = await run(tree, ['--refresh-prices', fixture(file)]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(tree.dir, 'cache'))).toBe(false);
  });

  it('and an earlier good refresh is left as it was', async () => {
    await run(tree, ['--refresh-prices', fixture('offer-eu-west-1.json')]);
    const before = readFileSync(cacheFile(), 'utf8');
    const r = await run(tree, ['--refresh-prices', fixture(file), '--region', 'eu-west-1']);
    expect(r.code).toBe(1);
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
    expect(readdirSync(join(tree.dir, 'cache', 'ec2'))).toEqual(['prices-eu-west-1.json']);
  });
});

describe('refresh errors', () => {
  it('a missing file', async () => {
    const r = await run(tree, ['--refresh-prices', join(tree.dir, 'nope.json')]);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/^ec2-cost: cannot read .*nope\.json \(ENOENT\)\n$/);
  });

  it('a bad region (exit 2)', async () => {
    const r = await run(tree, ['--refresh-prices', fixture('offer-eu-west-1.json'), '--region', 'eu-west-9']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown region "eu-west-9"/);
  });

  it('the Query API needs a region (exit 2)', async () => {
    const r = await run(tree, ['--refresh-prices', 'api']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--refresh-prices api needs --region/);
  });

  it('a file without an extension is sniffed (JSON here)', async () => {
    const plain = join(tree.dir, 'index');
    copyFileSync(fixture('offer-eu-west-1.json'), plain);
    expect((await run(tree, ['--refresh-prices', plain])).code).toBe(0);
  });
});

/**
 * Offer files made hostile or damaged by hand, in both formats: what a file says becomes a
 * cache file's name, a key and text on a terminal only once it has passed a strict check.
 */
describe.each(['json', 'csv'] as const)('an offer file (%s) is trusted no further than checked', (format) => {
  const original = readFileSync(fixture(`offer-eu-west-1.${format}`), 'utf8');
  /** The fixture with its region code, prices or a type name replaced, as a real file in the tree. */
  function offer(edit: { region?: string; prices?: [string, string, string]; m7g?: string }, name = `index.${format}`): string {
    const quote = (s: string) => (format === 'json' ? JSON.stringify(s) : `"${s}"`);
    let text = original;
    if (edit.region !== undefined) text = text.split('"eu-west-1"').join(quote(edit.region));
    if (edit.m7g !== undefined) text = text.split('"m7g.large"').join(quote(edit.m7g));
    if (edit.prices) {
      const [m7i, m7g, t3] = edit.prices;
      text = text.split('0.1120000000').join(m7i).split('0.0906000000').join(m7g).split('0.0114000000').join(t3);
    }
    return tree.write(name, text);
  }
  const everything = () => readdirSync(tree.dir, { recursive: true }).map(String).sort();

  it.each(['../../../x/ESCAPED', '__proto__', 'constructor', 'eu-west-1/../../x', 'EU-WEST-1'])(
    'region code %j: refused, nothing written anywhere',
    async (code) => {
      const file = offer({ region: code });
      const before = everything();
      const r = await run(tree, ['--refresh-prices', file]);
      expect(r).toMatchObject({ code: 1, out: '' });
      expect(r.err).toMatch(/has prices only for region codes shoji does not know \(".*"\): not an AWS price list for a region\n$/);
      expect(everything()).toEqual(before);
      expect(existsSync(join(tree.dir, 'x'))).toBe(false);
    },
  );

  it('a region code with terminal escapes is shown escaped, on one line', async () => {
    const r = await run(tree, ['--refresh-prices', offer({ region: 'eu\u001b]0;pwned\u0007\u001b[2J' })]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('"eu\\x1b]0;pwned\\x07\\x1b[2J"');
    expect(r.err).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('an absurd price (400 digits, over $10,000/h) and an odd type name are not kept; the rest are', async () => {
    const r = await run(tree, ['--refresh-prices', offer({ prices: ['9'.repeat(400), '0.0906000000', '0.0114000000'], m7g: 'constructor' })]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Refreshed 1 Linux on-demand prices for eu-west-1/);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).prices).toEqual({ 't3.micro': '0.0114' });
  });

  it('$10,000/h is the most believed: exactly that is kept, a hair more is not', async () => {
    await run(tree, ['--refresh-prices', offer({ prices: ['10000.0000000000', '10000.0000000001', '0.0114000000'] })]);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).prices).toEqual({ 'm7i.large': '10000', 't3.micro': '0.0114' });
  });

  it('a file with no usable price says exactly that (exit 1), and caches nothing', async () => {
    const r = await run(tree, ['--refresh-prices', offer({ prices: ['1e3', '0x10', '1'.repeat(400)] })]);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(
      /^ec2-cost: .*index\.(json|csv) has no usable Linux on-demand hourly price: 3 refused as unusable \(an odd type name, or not a plain USD amount of at most \$10,000\/h\), e\.g\. "m7i\.large at 1e3"\n$/,
    );
    expect(existsSync(join(tree.dir, 'cache'))).toBe(false);
  });

  it('a file name with terminal escapes is shown escaped when refreshed, and in every report priced from it', async () => {
    const file = offer({}, `offer\u001b]0;pwned\u0007.${format}`);
    const r = await run(tree, ['--refresh-prices', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('from AWS Price List offer file offer\\x1b]0;pwned\\x07.');
    const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    expect(r.out).not.toMatch(CONTROL);
    const detail = await run(tree, [...EXAMPLE_A.slice(0, 2), '--region', 'eu-west-1', ...EXAMPLE_A.slice(4), '--detail']);
    expect(detail.out).toMatch(/^Prices +AWS Price List offer file offer\\x1b\]0;pwned\\x07\.(json|csv), eu-west-1/m);
    expect(detail.out).not.toMatch(CONTROL);
  });
});
