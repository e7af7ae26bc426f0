/**
 * `ec2-cost --refresh-prices` downloading the region's offer file from a Price List served on
 * loopback (SHOJI_PRICING_ENDPOINT), in the real layout: AWS's region index, then the region's
 * offer file. Success (cached with its date, then priced from), a 404, a server that stalls
 * mid-body, a cut-short body, the wrong region's file, a second refresh racing the first (in one
 * process and from two), a refresh killed mid-download, a bad
 * endpoint, index URLs and redirects that leave the endpoint; each failure leaves the prices
 * cached before as they were and says so in one line.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchRegionPrices } from '../../src/ec2/refresh/fetch-region.js';
import { LIMITS } from '../../src/ec2/refresh/download.js';
import { requireBuild, requireProgram, ROOT, waitFor } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import type { AddressInfo } from 'node:net';
import { nitro, proc, qemu } from '../unit/ec2/hosts.js';
import { envFor, run } from '../unit/ec2/run.js';
import { linuxPrice, offerPath, type PriceServer, priceServer, REGION_INDEX, regionIndex, typeNames, writeOfferFile } from './ec2-prices-fixtures.js';

const TYPES = 20;
let work: string;
let offer: string;
let wrongRegion: string;
let server: PriceServer;
let tree: FixtureTree;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'shoji-prices-'));
  offer = join(work, 'eu-west-1.json');
  writeOfferFile(offer, 'eu-west-1', TYPES);
  wrongRegion = join(work, 'wrong.json');
  writeOfferFile(wrongRegion, 'eu-west-1', 3, 'ap-southeast-2');
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
  server.requests.length = 0;
  server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['us-east-1', 'eu-west-1', 'ap-southeast-2']) });
  server.answers.set(offerPath('eu-west-1'), { kind: 'file', file: offer });
});
afterEach(() => tree.cleanup());

const cacheFile = () => join(tree.dir, 'cache', 'ec2', 'prices-eu-west-1.json');
const refresh = (args: string[] = ['--region', 'eu-west-1'], endpoint = server.url) =>
  run(tree, ['--refresh-prices', 'download', ...args], { SHOJI_PRICING_ENDPOINT: endpoint });

/** A refresh that succeeded, so that a failing one has earlier prices to keep. */
async function cachedBefore(): Promise<string> {
  expect((await refresh()).code).toBe(0);
  return readFileSync(cacheFile(), 'utf8');
}

describe('downloading a region', () => {
  it("follows AWS's region index to the region's offer file, caches its Linux on-demand prices with the publication date, then prices from them", async () => {
    const r = await refresh();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `^Refreshed ${TYPES} Linux on-demand prices for eu-west-1 \\(published 2026-11-01\\) from the AWS Price List; 4 internet egress tiers kept; cached in .*prices-eu-west-1\\.json\\n$`,
      ),
    );
    expect(server.requests).toEqual([REGION_INDEX, offerPath('eu-west-1')]);
    const cached = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    expect(cached).toMatchObject({ format: 1, region: 'eu-west-1', pricesAsOf: '2026-11-01T00:00:00.000Z' });
    expect(cached.source).toMatch(/^AWS Price List bulk offer file, downloaded \d{4}-\d\d-\d\d$/);
    // Every type's Linux, shared, no-software, used-capacity on-demand price, and nothing else.
    expect(cached.prices).toEqual(
      Object.fromEntries(
        typeNames(TYPES)
          .map((t, i) => [t, String(Number(linuxPrice(i)))])
          .sort(),
      ),
    );
    const j = JSON.parse((await run(tree, ['--instance-type', 'm5.large', '--region', 'eu-west-1', '--uptime', '3600', '--tx-bytes', '0', '--json'])).out);
    expect(j).toMatchObject({ hourlyRateUsd: 0.0208, pricesAsOf: '2026-11-01', pricedRegion: 'eu-west-1' });
    const detail = (await run(tree, ['--instance-type', 'm5.large', '--region', 'eu-west-1', '--uptime', '3600', '--tx-bytes', '0', '--detail'])).out;
    expect(detail).toMatch(/^Prices +AWS Price List bulk offer file, downloaded \d{4}-\d\d-\d\d, eu-west-1, as of 2026-11-01$/m);
  });

  it('takes a gzip-compressed answer', async () => {
    server.answers.set(offerPath('eu-west-1'), { kind: 'file', file: offer, gzip: true });
    const r = await refresh();
    expect(r.err).toBe('');
    expect(Object.keys(JSON.parse(readFileSync(cacheFile(), 'utf8')).prices)).toHaveLength(TYPES);
  });

  it("follows a redirect that stays under the endpoint, and a mirror's path prefix", async () => {
    server.answers.clear();
    server.answers.set(`/mirror${REGION_INDEX}`, { kind: 'text', body: regionIndex(['eu-west-1']) });
    server.answers.set(`/mirror${offerPath('eu-west-1')}`, { kind: 'redirect', location: '/mirror/moved/index.json' });
    server.answers.set('/mirror/moved/index.json', { kind: 'file', file: offer });
    const r = await refresh(undefined, `${server.url}/mirror`);
    expect(r.err).toBe('');
    expect(server.requests).toEqual([`/mirror${REGION_INDEX}`, `/mirror${offerPath('eu-west-1')}`, '/mirror/moved/index.json']);
  });

  it('on EC2 without --region, downloads the region the metadata service gives', async () => {
    const { createServer } = await import('node:http');
    const imds = createServer((req, res) => {
      if (req.method === 'PUT') return void res.end('token');
      const answers: Record<string, string> = { 'instance-type': 'm5.large', 'placement/region': 'eu-west-1', 'placement/availability-zone': 'eu-west-1a' };
      const value = answers[(req.url ?? '').replace('/latest/meta-data/', '')];
      res.writeHead(value === undefined ? 404 : 200).end(value);
    });
    await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
    try {
      nitro(tree, 'm5.large');
      // The flag alone, as the docs give it.
      const r = await run(tree, ['--refresh-prices'], {
        SHOJI_PRICING_ENDPOINT: server.url,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${(imds.address() as AddressInfo).port}`,
      });
      expect(r.err).toBe('');
      expect(r.out).toMatch(/^Refreshed 20 Linux on-demand prices for eu-west-1 /);
    } finally {
      await new Promise((r) => imds.close(r));
    }
  });

  it('a redirect loop ends after 3 redirects', async () => {
    server.answers.set(offerPath('eu-west-1'), { kind: 'redirect', location: offerPath('eu-west-1') });
    const r = await refresh();
    expect(r.err).toMatch(/: more than 3 redirects; nothing was cached\n$/);
    expect(server.requests.filter((p) => p === offerPath('eu-west-1'))).toHaveLength(4);
  });

  it('downloads the region of this instance when --region is not given, and says to give it off EC2', async () => {
    const r = await run(tree, ['--refresh-prices'], { SHOJI_PRICING_ENDPOINT: server.url });
    expect(r.code).toBe(2);
    expect(r.err).toBe('ec2-cost: --refresh-prices: this host is not an EC2 instance: give the region to download with --region\n');
    expect(server.requests).toEqual([]);
  });

  it('"--refresh-prices eu-west-1" (a region where a file was expected) suggests --region', async () => {
    const r = await run(tree, ['--refresh-prices', 'eu-west-1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read eu-west-1 \(ENOENT\): to download a region's prices, give --refresh-prices --region eu-west-1\n$/);
  });
});

describe('a download that fails leaves the cached prices as they were, and says what happened in one line', () => {
  it('a 404 for the offer file', async () => {
    const before = await cachedBefore();
    server.answers.delete(offerPath('eu-west-1'));
    const r = await refresh();
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `ec2-cost: could not refresh eu-west-1 prices: ${server.url}${offerPath('eu-west-1')} answered HTTP 404 Not Found; the prices cached before (published 2026-11-01, refreshed ${JSON.parse(before).refreshedAt.slice(0, 10)}) are kept\n`,
    );
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
  });

  it('a region the index does not list, with nothing cached before', async () => {
    server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['us-east-1']) });
    const r = await refresh();
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `ec2-cost: could not refresh eu-west-1 prices: ${server.url}${REGION_INDEX} lists no EC2 offer file for eu-west-1; nothing was cached\n`,
    );
    expect(existsSync(cacheFile())).toBe(false);
  });

  it('a body cut short (the connection closed before its Content-Length)', async () => {
    const before = await cachedBefore();
    server.answers.set(offerPath('eu-west-1'), { kind: 'truncate', file: offer, bytes: Math.floor(statSync(offer).size / 2) });
    const r = await refresh();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^ec2-cost: could not refresh eu-west-1 prices: .*(cut short|ended after|not a complete JSON).*; the prices cached before .* are kept\n$/,
    );
    expect(r.err.split('\n')).toHaveLength(2);
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
  });

  it("the wrong region: the file at the region's URL prices another region", async () => {
    const before = await cachedBefore();
    server.answers.set(offerPath('eu-west-1'), { kind: 'file', file: wrongRegion });
    const r = await refresh();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^ec2-cost: could not refresh eu-west-1 prices: \S+ is the offer file for ap-southeast-2, not eu-west-1; the prices cached before .* are kept\n$/,
    );
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
  });

  it('an index URL pointing to another host, or a redirect there, is refused before anything is fetched from it', async () => {
    server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['eu-west-1'], () => 'http://198.51.100.7/offers/index.json') });
    let r = await refresh();
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `ec2-cost: could not refresh eu-west-1 prices: refused the price list's URL "http://198.51.100.7/offers/index.json": it leaves ${server.url}/; nothing was cached\n`,
    );
    server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['eu-west-1'], () => '//example.com/x.json') });
    expect((await refresh()).err).toMatch(/refused the price list's URL "\/\/example\.com\/x\.json": it leaves/);
    server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['eu-west-1']) });
    server.answers.set(offerPath('eu-west-1'), { kind: 'redirect', location: 'https://example.com/index.json' });
    r = await refresh();
    expect(r.err).toMatch(/refused the price list's URL "https:\/\/example\.com\/index\.json": it leaves/);
    expect(existsSync(cacheFile())).toBe(false);
  });

  it("an index URL that climbs out of a mirror's path is refused too", async () => {
    server.answers.clear();
    server.answers.set(`/mirror${REGION_INDEX}`, { kind: 'text', body: regionIndex(['eu-west-1'], () => '/../elsewhere/index.json') });
    const r = await refresh(undefined, `${server.url}/mirror/`);
    expect(r.err).toMatch(/refused the price list's URL "\/\.\.\/elsewhere\/index\.json": it leaves http:\/\/127\.0\.0\.1:\d+\/mirror\//);
  });

  it.each([
    ['ftp://mirror.example/', /^ec2-cost: SHOJI_PRICING_ENDPOINT must be an http:\/\/ or https:\/\/ URL, not ftp:\/\/\n$/],
    ['https://user:s3cret@mirror.example/', /^ec2-cost: SHOJI_PRICING_ENDPOINT must not hold credentials \(user:password@\)\n$/],
    ['https://mirror.example/?token=1', /^ec2-cost: SHOJI_PRICING_ENDPOINT must be a base URL, without a query or fragment\n$/],
    ['not a url', /^ec2-cost: SHOJI_PRICING_ENDPOINT is not a URL: "not a url"/],
  ])('a bad SHOJI_PRICING_ENDPOINT %s: exit 2, named, nothing fetched, no password shown', async (endpoint, message) => {
    const r = await refresh(undefined, endpoint);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('s3cret');
    expect(server.requests).toEqual([]);
  });
});

describe('in flight', () => {
  it('a server that stalls mid-body fails after the idle timeout, with the lock released and the cache kept', async () => {
    const before = await cachedBefore();
    server.answers.set(offerPath('eu-west-1'), { kind: 'stall', file: offer, bytes: 100_000 });
    const env = envFor(tree, { SHOJI_PRICING_ENDPOINT: server.url });
    await expect(fetchRegionPrices('eu-west-1', { env, terminal: false, limits: { ...LIMITS, idleMs: 300 } })).rejects.toThrow(
      /no data for 0\.3 s after 100000 bytes: the download stalled/,
    );
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
    expect(readdirSync(join(tree.dir, 'cache', 'ec2')).sort()).toEqual(['prices-eu-west-1.json']);
  });

  it('a body larger than the cap fails', async () => {
    const env = envFor(tree, { SHOJI_PRICING_ENDPOINT: server.url });
    await expect(fetchRegionPrices('eu-west-1', { env, terminal: false, limits: { ...LIMITS, maxBytes: 1_000_000 } })).rejects.toThrow(
      /is \d+ bytes, more than the 1000000 a price list may have/,
    );
  });

  it('a second refresh of the same region while the first is under way says so and changes nothing; the first then succeeds', async () => {
    server.answers.set(offerPath('eu-west-1'), { kind: 'held', file: offer });
    const first = refresh();
    // The first holds the lock once the server has its request.
    for (let i = 0; i < 200 && !server.requests.includes(offerPath('eu-west-1')); i++) await new Promise((r) => setTimeout(r, 25));
    const second = await refresh();
    expect(second.code).toBe(1);
    expect(second.err).toMatch(
      new RegExp(
        `^ec2-cost: another refresh of eu-west-1 prices is under way \\(pid ${process.pid}, since \\d\\d:\\d\\d:\\d\\d UTC\\): try again when it has finished\\n$`,
      ),
    );
    server.release();
    const r = await first;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(tree.dir, 'cache', 'ec2')).sort()).toEqual(['prices-eu-west-1.json']);
  });
});

describe('the built ec2-cost (its refresh, download and readers are lazy bundles of their own)', () => {
  const EC2_COST = join(ROOT, 'bin', 'ec2-cost');
  const exec = (file: string, args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(file, args, { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr });
      });
    });
  const env = () => ({ PATH: process.env.PATH, HOME: tree.dir, LANG: 'C.UTF-8', TERM: 'xterm', ...envFor(tree, { SHOJI_PRICING_ENDPOINT: server.url }) });

  beforeAll(() => requireBuild());

  it('says what failed in one line and what it kept, exit 1', async () => {
    server.answers.delete(offerPath('eu-west-1'));
    const r = await exec(process.execPath, [EC2_COST, '--refresh-prices', 'download', '--region', 'eu-west-1'], env());
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `ec2-cost: could not refresh eu-west-1 prices: ${server.url}${offerPath('eu-west-1')} answered HTTP 404 Not Found; nothing was cached\n`,
    });
  });

  /** The built ec2-cost refreshing eu-west-1, as a process of its own. */
  const startRefresh = () => {
    const p = spawn(process.execPath, [EC2_COST, '--refresh-prices', '--region', 'eu-west-1'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
      p.on('exit', (code, signal) => resolve({ code, signal, stderr })),
    );
    return { pid: p.pid, kill: (s: NodeJS.Signals) => p.kill(s), done };
  };
  const offerAsked = () => server.requests.includes(offerPath('eu-west-1'));
  const lockFile = () => join(tree.dir, 'cache', 'ec2', 'prices-eu-west-1.lock');

  it('two processes at once: the second says which process is refreshing and changes nothing; the first finishes', async () => {
    const before = await cachedBefore();
    server.requests.length = 0;
    server.answers.set(offerPath('eu-west-1'), { kind: 'held', file: offer });
    const first = startRefresh();
    await waitFor('the first download under way', offerAsked, 30_000);
    const second = await exec(process.execPath, [EC2_COST, '--refresh-prices', '--region', 'eu-west-1'], env());
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(
      new RegExp(
        `^ec2-cost: another refresh of eu-west-1 prices is under way \\(pid ${first.pid}, since \\d\\d:\\d\\d:\\d\\d UTC\\): try again when it has finished\\n$`,
      ),
    );
    // The second asked the server nothing, and the cache is as it was.
    expect(server.requests.filter((p) => p === offerPath('eu-west-1'))).toHaveLength(1);
    expect(server.requests.filter((p) => p === REGION_INDEX)).toHaveLength(1);
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
    server.release();
    expect(await first.done).toEqual({ code: 0, signal: null, stderr: '' });
    expect(readFileSync(cacheFile(), 'utf8')).not.toBe(before);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('a refresh killed (SIGKILL) mid-download leaves the cache as it was and its lock behind; the next refresh takes the lock over', async () => {
    const before = await cachedBefore();
    server.requests.length = 0;
    // 100 KB of the file, then nothing: the download is under way when it is killed.
    server.answers.set(offerPath('eu-west-1'), { kind: 'stall', file: offer, bytes: 100_000 });
    const killed = startRefresh();
    await waitFor('the download under way', offerAsked, 30_000);
    killed.kill('SIGKILL');
    expect(await killed.done).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: killed.pid });
    expect(readdirSync(join(tree.dir, 'cache', 'ec2')).sort()).toEqual(['prices-eu-west-1.json', 'prices-eu-west-1.lock']);
    server.answers.set(offerPath('eu-west-1'), { kind: 'file', file: offer });
    const next = await exec(process.execPath, [EC2_COST, '--refresh-prices', '--region', 'eu-west-1'], env());
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect(next.stdout).toMatch(/^Refreshed 20 Linux on-demand prices for eu-west-1/);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).refreshedAt).not.toBe(JSON.parse(before).refreshedAt);
    expect(readdirSync(join(tree.dir, 'cache', 'ec2')).sort()).toEqual(['prices-eu-west-1.json']);
  });

  it('draws a progress bar with the bytes and the rate on a terminal, and nothing on stderr otherwise', async () => {
    requireProgram('script');
    const command = `${process.execPath} ${EC2_COST} --refresh-prices download --region eu-west-1`;
    const tty = await exec('script', ['-qec', command, '/dev/null'], env());
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/ec2-cost: downloading eu-west-1 prices \[.*\] \d+% [\d.]+\/[\d.]+ MB, [\d.]+ MB\/s/);
    expect(tty.stdout).toMatch(/Refreshed 20 Linux on-demand prices for eu-west-1/);
    const piped = await exec(process.execPath, [EC2_COST, '--refresh-prices', 'download', '--region', 'eu-west-1'], env());
    expect(piped).toMatchObject({ code: 0, stderr: '' });
  });
});
