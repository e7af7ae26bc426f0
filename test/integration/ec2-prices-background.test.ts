/**
 * `modules.ec2-cost.refresh_prices`: a long-lived process (the built `shoji exporter`, on a
 * fixture Nitro host whose metadata service on loopback says eu-west-1) downloads the region's
 * prices once in the background from a Price List on loopback, logs it, and prices from them;
 * a one-shot `shoji status` with the same setting never does. A failed refresh is logged and
 * remembered in the cache folder, and not tried again at the next collects.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { requireBuild, runShoji, SHOJI, type Sandbox, sandbox, waitFor } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { nitro, proc } from '../unit/ec2/hosts.js';
import { offerPath, type PriceServer, priceServer, REGION_INDEX, regionIndex, writeOfferFile } from './ec2-prices-fixtures.js';

const TOKEN = 'AQAEAFakeTokenForShojiTests==';
const META: Record<string, string> = {
  'instance-type': 'm5.large',
  'placement/region': 'eu-west-1',
  'placement/availability-zone': 'eu-west-1a',
  'instance-life-cycle': 'on-demand',
  'instance-id': 'i-0123456789abcdef0',
};

let work: string;
let offer: string;
let prices: PriceServer;
let imds: Server;
let imdsUrl: string;
let tree: FixtureTree;
let sb: Sandbox;
const running: ChildProcess[] = [];

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), 'shoji-prices-bg-'));
  offer = join(work, 'offer.json');
  writeOfferFile(offer, 'eu-west-1', 5);
  prices = await priceServer();
  // The metadata service, IMDSv2: a token, then the instance's facts.
  imds = createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.writeHead(200).end(TOKEN);
    if (req.headers['x-aws-ec2-metadata-token'] !== TOKEN) return void res.writeHead(401).end();
    const value = META[(req.url ?? '').replace('/latest/meta-data/', '')];
    if (value === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(value);
  });
  await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await prices.close();
  await new Promise((r) => imds.close(r));
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  tree = fixtureTree();
  nitro(tree, 'm5.large');
  proc(tree);
  prices.answers.clear();
  prices.requests.length = 0;
  prices.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['us-east-1', 'eu-west-1']) });
  prices.answers.set(offerPath('eu-west-1'), { kind: 'file', file: offer });
  sb = sandbox({
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    SHOJI_ROOT: tree.root,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsUrl,
    SHOJI_PRICING_ENDPOINT: prices.url,
    // Due at once: no waiting out the fleet's jitter here.
    SHOJI_PRICE_REFRESH_JITTER: '0',
  });
  sb.env.SHOJI_LOG = join(sb.dir, 'shoji.log');
  chmodSync(sb.configDir, 0o755);
  // ec2-cost every second, so that a second refresh, if there were one, would have its chances.
  writeFileSync(join(sb.configDir, 'config.yaml'), 'left: []\nright: [ec2-cost]\nmodules:\n  ec2-cost:\n    refresh_prices: 30d\n    interval: 1\n');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r).kill('SIGTERM')) : Promise.resolve())));
  sb.cleanup();
  tree.cleanup();
});

const cacheFile = () => join(sb.dir, 'cache', 'ec2', 'prices-eu-west-1.json');
const failureFile = () => join(sb.dir, 'cache', 'ec2', 'prices-eu-west-1.failed.json');
const log = () => (existsSync(sb.env.SHOJI_LOG!) ? readFileSync(sb.env.SHOJI_LOG!, 'utf8') : '');
const offerRequests = () => prices.requests.filter((p) => p === offerPath('eu-west-1')).length;

function startExporter(): ChildProcess {
  const p = spawn(process.execPath, [SHOJI, 'exporter', '--listen', '127.0.0.1:0'], { env: sb.env, stdio: 'ignore' });
  running.push(p);
  return p;
}

/** Let a few more of ec2-cost's collects (every second) happen: a second refresh would start in one. */
const collectsPass = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));

it('the exporter refreshes the instance region once in the background, logs it, and prices from it', { timeout: 60_000 }, async () => {
  startExporter();
  await waitFor('the background refresh', () => existsSync(cacheFile()), 30_000);
  await waitFor('the log line', () => /ec2-cost: refreshed 5 Linux on-demand prices for eu-west-1 \(published 2026-11-01\) in the background/.test(log()));
  await collectsPass(3);
  expect(offerRequests()).toBe(1);
  expect(JSON.parse(readFileSync(cacheFile(), 'utf8'))).toMatchObject({ region: 'eu-west-1', pricesAsOf: '2026-11-01T00:00:00.000Z' });
  // What every shoji process prices eu-west-1 from now: m5.large is the file's second type.
  const r = await runShoji(['ec2-cost', '--json'], sb.env);
  expect(JSON.parse(r.stdout)).toMatchObject({ instanceType: 'm5.large', region: 'eu-west-1', hourlyRateUsd: 0.0208, pricesAsOf: '2026-11-01' });
});

/** `shoji status` in a process that writes, as it exits, every file it loaded. */
async function statusLoading(): Promise<string[]> {
  const preload = join(sb.dir, 'loaded.cjs');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_FILE, Object.keys(require.cache).join('\\n')));\n");
  const loaded = join(sb.dir, 'loaded.txt');
  const code = await new Promise((resolve) => {
    const p = spawn(process.execPath, ['--require', preload, SHOJI, 'status', '--side', 'right'], { env: { ...sb.env, LOADED_FILE: loaded }, stdio: 'ignore' });
    p.on('exit', resolve);
  });
  expect(code).toBe(0);
  return readFileSync(loaded, 'utf8').split('\n');
}

it('never on the one-shot `shoji status`, with the same setting: the refresh is not even loaded', { timeout: 60_000 }, async () => {
  for (let i = 0; i < 3; i++) {
    const r = await runShoji(['status', '--side', 'right'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\$/);
  }
  // Collected again (its interval is a second), with the module's collect bundle loaded, and nothing of the refresh.
  await collectsPass(1.5);
  const loaded = await statusLoading();
  expect(loaded.some((f) => f.endsWith('status-reading.cjs'))).toBe(true);
  expect(loaded.filter((f) => /lazy\/(background|fetch-region|download|lock|offer-json)\.cjs$/.test(f))).toEqual([]);
  await collectsPass(2);
  expect(prices.requests).toEqual([]);
  expect(existsSync(join(sb.dir, 'cache', 'ec2', 'prices-eu-west-1.lock'))).toBe(false);
  expect(existsSync(cacheFile())).toBe(false);
});

it('a failed refresh is logged and remembered, and not tried again at the next collects', { timeout: 60_000 }, async () => {
  prices.answers.delete(offerPath('eu-west-1'));
  startExporter();
  await waitFor('the failure to be remembered', () => existsSync(failureFile()), 30_000);
  await waitFor('the log line', () =>
    /ec2-cost: background refresh of eu-west-1 prices failed \(1 in a row\): .* answered HTTP 404 Not Found; the prices cached before are kept; next try after \d{4}-/.test(
      log(),
    ),
  );
  expect(JSON.parse(readFileSync(failureFile(), 'utf8'))).toMatchObject({ failures: 1 });
  await collectsPass(3);
  expect(offerRequests()).toBe(1);
  // A restart does not try again at once either: the failure is remembered in the cache folder.
  const first = running.pop()!;
  await new Promise((r) => first.once('exit', r).kill('SIGTERM'));
  startExporter();
  await waitFor('the restarted exporter', () => log().match(/exporter: listening on/g)?.length === 2);
  await collectsPass(3);
  expect(offerRequests()).toBe(1);
  expect(existsSync(cacheFile())).toBe(false);
});
