/**
 * A region's internet egress tiers from its offer file: a download keeps them beside the
 * instance prices and the estimate then prices egress with them (ap-southeast-2, whose first
 * tier, $0.114/GB, is not us-east-1's); a file without them, or with a tier set that does not
 * hold together, leaves the shipped tiers in use and the refresh's line says so. Also the same
 * from a CSV offer file, and cache files written before shoji kept tiers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { proc, qemu } from '../unit/ec2/hosts.js';
import { run } from '../unit/ec2/run.js';
import { type Band, EGRESS_BANDS, offerPath, type PriceServer, priceServer, REGION_INDEX, regionIndex, writeOfferFile } from './ec2-prices-fixtures.js';

const REGION = 'ap-southeast-2';
let work: string;
let server: PriceServer;
let tree: FixtureTree;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'shoji-egress-'));
  server = await priceServer();
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
  server.answers.clear();
  server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['us-east-1', 'eu-west-1', REGION]) });
});
afterEach(() => tree.cleanup());

let files = 0;
/** Serve the region's offer file with these egress bands (null: no egress product at all). */
function serve(bands: Band[] | null): void {
  const file = join(work, `offer-${files++}.json`);
  writeOfferFile(file, REGION, 3, REGION, bands);
  server.answers.set(offerPath(REGION), { kind: 'file', file });
}

const cacheFile = () => join(tree.dir, 'cache', 'ec2', `prices-${REGION}.json`);
const refresh = () => run(tree, ['--refresh-prices', 'download', '--region', REGION], { SHOJI_PRICING_ENDPOINT: server.url });
/** 20,000 GB sent from an m5.large in the region: past the first 10 TB tier. */
const WHAT_IF = ['--instance-type', 'm5.large', '--region', REGION, '--uptime', '3600', '--tx-bytes', '20000GiB', '--rx-bytes', '0'];
const json = async () => JSON.parse((await run(tree, [...WHAT_IF, '--json'])).out);
const detail = async () => (await run(tree, [...WHAT_IF, '--detail'])).out;

/** With the shipped tiers: ap-southeast-2's first-tier $0.114 on all 20,000 GB. */
const SHIPPED_USD = 2280;

describe("a region's egress tiers from its offer file", () => {
  it('are cached beside the instance prices and price egress from then on, named with their date', async () => {
    const before = await json();
    expect(before.networkOutUsd).toBe(SHIPPED_USD);
    expect(before.egressRates).toEqual({ kind: 'shipped', source: 'shipped with shoji', region: REGION, asOf: '2026-09' });

    serve(EGRESS_BANDS[REGION]);
    const r = await refresh();
    expect(r.err).toBe('');
    expect(r.out).toMatch(/; 4 internet egress tiers kept; cached in /);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).egressTiers).toEqual([
      { upToGb: 10240, usdPerGb: '0.114' },
      { upToGb: 51200, usdPerGb: '0.098' },
      { upToGb: 153600, usdPerGb: '0.094' },
      { upToGb: null, usdPerGb: '0.092' },
    ]);

    const j = await json();
    // By hand: 10,240 GB at $0.114 + 9,760 GB at $0.098 = $1,167.36 + $956.48.
    expect(j.networkOutUsd).toBe(2123.84);
    expect(j.networkOutTiers.map((t: { gb: number; usdPerGb: number }) => [t.gb, t.usdPerGb])).toEqual([
      [10240, 0.114],
      [9760, 0.098],
    ]);
    expect(j.egressRates).toMatchObject({ kind: 'refreshed', region: REGION, asOf: '2026-11-01' });
    expect(j.egressRates.source).toMatch(/^AWS Price List bulk offer file, downloaded \d{4}-\d\d-\d\d$/);
    // The shipped first-tier-only note no longer applies.
    expect(j.notes.join(' ')).not.toMatch(/first-tier rate is applied to all volume/);
    expect(await detail()).toMatch(
      /^Egress +ap-southeast-2 internet egress tiers from the AWS Price List bulk offer file, downloaded \d{4}-\d\d-\d\d, as of 2026-11-01$/m,
    );
  });

  it('a file without them: the shipped tiers, and the refresh says so', async () => {
    serve(null);
    const r = await refresh();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/; no data-transfer rates in the file: shipped tiers used; cached in /);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8'))).not.toHaveProperty('egressTiers');
    const j = await json();
    expect(j.networkOutUsd).toBe(SHIPPED_USD);
    expect(j.egressRates.kind).toBe('shipped');
    expect(await detail()).toMatch(/^Egress +ap-southeast-2 internet egress tiers shipped with shoji, as of 2026-09$/m);
  });

  const good = EGRESS_BANDS[REGION];
  it.each<[string, Band[], RegExp]>([
    ['a gap between two bands', [good[0], { ...good[1], begin: '20000' }, good[2], good[3]], /begins at 20000 GB where 10240 GB was expected/],
    ['two bands over the same range', [good[0], good[0], good[1], good[2], good[3]], /begins at 0 GB where 10240 GB was expected/],
    ['a negative price', [good[0], { ...good[1], usd: '-0.098' }, good[2], good[3]], /price "-0.098" is not a USD amount/],
    ['an absurd price', [{ ...good[0], usd: '114' }, good[1], good[2], good[3]], /price "114" is not a USD amount of at most \$1\/GB/],
    ['a price that is not a number', [{ ...good[0], usd: 'NaN' }, good[1], good[2], good[3]], /price "NaN"/],
    ['no open last band', good.slice(0, 3), /the last band ends at 153600 GB/],
    ['not starting at 0 GB', good.slice(1), /begins at 10240 GB where 0 GB was expected/],
    ['an open band before the last', [{ ...good[0], end: 'Inf' }, good[1], good[2], good[3]], /open but another follows it/],
  ])('%s: refused, the shipped tiers used, and said so', async (_, bands, why) => {
    serve(bands);
    const r = await refresh();
    expect(r.code).toBe(0);
    const line = r.out.match(/; the file's data-transfer rates are not usable \((.*)\): shipped tiers used; cached in /);
    expect(line, r.out).not.toBeNull();
    expect(line![1]).toMatch(why);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8'))).not.toHaveProperty('egressTiers');
    // The instance prices are still the file's; egress is priced as if never refreshed.
    const j = await json();
    expect(j.pricedRegion).toBe(REGION);
    expect(j.networkOutUsd).toBe(SHIPPED_USD);
    expect(j.egressRates.kind).toBe('shipped');
  });
});

describe('cached egress tiers', () => {
  /** A cache file as a refresh writes it, with `extra` keys. */
  async function writeCache(extra: Record<string, unknown>): Promise<void> {
    serve(null);
    expect((await refresh()).code).toBe(0);
    const doc = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    writeFileSync(cacheFile(), JSON.stringify({ ...doc, ...extra }));
  }

  it('a cache file written before shoji kept them is still read: instance prices refreshed, egress shipped', async () => {
    await writeCache({});
    const j = await json();
    expect(j.priceSource).toMatch(/^AWS Price List bulk offer file/);
    expect(j.egressRates.kind).toBe('shipped');
    expect(j.notes.join(' ')).not.toMatch(/not usable/);
  });

  it('tiers edited in the cache file are checked as strictly as the price list: the file is not used, and the report says why', async () => {
    await writeCache({
      egressTiers: [
        { upToGb: 10240, usdPerGb: '0.114' },
        { upToGb: 5000, usdPerGb: '0.098' },
        { upToGb: null, usdPerGb: '0.09' },
      ],
    });
    const j = await json();
    expect(j.egressRates.kind).toBe('shipped');
    expect(j.notes.join(' ')).toMatch(/the refreshed prices in .* are not usable \(egressTiers: a band begins at 5000 GB where 10240 GB was expected/);
  });
});

describe('from a CSV offer file', () => {
  const header = [
    'SKU',
    'OfferTermCode',
    'RateCode',
    'TermType',
    'PriceDescription',
    'EffectiveDate',
    'StartingRange',
    'EndingRange',
    'Unit',
    'PricePerUnit',
    'Currency',
    'Product Family',
    'Location',
    'Instance Type',
    'Tenancy',
    'Operating System',
    'License Model',
    'Transfer Type',
    'From Location',
    'To Location',
    'usageType',
    'operation',
    'CapacityStatus',
    'From Region Code',
    'Pre Installed S/W',
    'Region Code',
  ];
  const rowOf = (o: Record<string, string>) => header.map((h) => JSON.stringify(o[h] ?? '')).join(',');
  const instance = rowOf({
    SKU: 'AAAA',
    TermType: 'OnDemand',
    Unit: 'Hrs',
    PricePerUnit: '0.1200000000',
    Currency: 'USD',
    'Product Family': 'Compute Instance',
    'Instance Type': 'm5.large',
    Tenancy: 'Shared',
    'Operating System': 'Linux',
    'License Model': 'No License required',
    operation: 'RunInstances',
    CapacityStatus: 'Used',
    'Pre Installed S/W': 'NA',
    'Region Code': REGION,
  });
  const transfer = (b: Band, type = 'AWS Outbound', to = 'External') =>
    rowOf({
      SKU: type === 'AWS Outbound' ? 'DTOUT' : 'DTREG',
      TermType: 'OnDemand',
      StartingRange: b.begin,
      EndingRange: b.end,
      Unit: 'GB',
      PricePerUnit: b.usd,
      Currency: 'USD',
      'Product Family': 'Data Transfer',
      'Transfer Type': type,
      'From Location': 'Asia Pacific (Sydney)',
      'To Location': to,
      usageType: type === 'AWS Outbound' ? 'APS2-DataTransfer-Out-Bytes' : 'APS2-USW2-AWS-Out-Bytes',
      'From Region Code': REGION,
    });

  it('keeps the region\'s "AWS Outbound" to "External" bands, not the transfer to another region', async () => {
    const file = join(work, 'offer.csv');
    writeFileSync(
      file,
      [
        '"FormatVersion","v1.0"',
        '"Disclaimer","This pricing list is for informational purposes only."',
        '"Publication Date","2026-11-01T00:00:00Z"',
        '"Version","20261101000000"',
        '"OfferCode","AmazonEC2"',
        header.map((h) => JSON.stringify(h)).join(','),
        instance,
        ...EGRESS_BANDS[REGION].map((b) => transfer(b)),
        transfer({ begin: '0', end: 'Inf', usd: '0.0200000000' }, 'InterRegion Outbound', 'US West (Oregon)'),
        '',
      ].join('\n'),
    );
    const r = await run(tree, ['--refresh-prices', file]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/; 4 internet egress tiers kept; cached in /);
    const j = await json();
    expect(j.networkOutUsd).toBe(2123.84);
    expect(j.egressRates).toMatchObject({ kind: 'refreshed', source: 'AWS Price List offer file offer.csv', asOf: '2026-11-01' });
  });
});
