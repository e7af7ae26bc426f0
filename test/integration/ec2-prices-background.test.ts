/**
 * `modules.ec2-cost.refresh_prices`: a long-lived process (the built `shoji exporter`, on a
 * fixture Nitro host whose metadata service on loopback says eu-west-1) downloads the region's
 * prices once in the background from a Price List on loopback, logs it, and prices from them;
 * a one-shot `shoji status` with the same setting never does. Two exporters at once download
 * once between them. Only on EC2 (the metadata service's region), only when the cache is older
 * than the setting, after a random wait within SHOJI_PRICE_REFRESH_JITTER. A failed refresh is
 * logged and remembered in the cache folder, not tried again at the next collects, and tried
 * again (with a longer back-off after a second failure) once its back-off has passed.
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
import { nitro, proc, qemu } from '../unit/ec2/hosts.js';
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

function startExporter(env: NodeJS.ProcessEnv = sb.env): ChildProcess {
  const p = spawn(process.execPath, [SHOJI, 'exporter', '--listen', '127.0.0.1:0'], { env, stdio: 'ignore' });
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

async function stopExporter(p: ChildProcess): Promise<void> {
  running.splice(running.indexOf(p), 1);
  if (p.exitCode === null) await new Promise((r) => p.once('exit', r).kill('SIGTERM'));
}

const ledgerFile = () => join(sb.dir, 'state', 'ec2', 'ledger.json');
const DAY_MS = 86_400_000;
/** The log's "due a refresh" lines: the wait each drew, and its bound, in seconds. */
const dueLines = () => [
  ...log().matchAll(/ec2-cost: eu-west-1 prices are due a refresh; downloading them in ([\d.]+) s \(a random wait of up to ([\d.]+) s\)/g),
];

/** eu-west-1's prices cached as refreshed `ageMs` ago (by a real refresh, then dated back). */
async function cachedAgo(ageMs: number): Promise<string> {
  const r = await runShoji(['ec2-cost', '--refresh-prices', '--region', 'eu-west-1'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  const refreshedAt = new Date(Date.now() - ageMs).toISOString();
  writeFileSync(cacheFile(), JSON.stringify({ ...JSON.parse(readFileSync(cacheFile(), 'utf8')), refreshedAt }));
  prices.requests.length = 0;
  return refreshedAt;
}

/** The exporter's ec2-cost module has collected (it records the host in the ledger), then a few more times. */
async function collected(): Promise<void> {
  await waitFor('the first collect', () => existsSync(ledgerFile()), 30_000);
  await collectsPass(3);
}

it('two exporters at once: one downloads, the other leaves it to that one; one download between them', { timeout: 60_000 }, async () => {
  // Prices cached longer ago than the setting (30d); the first download is held in flight, so the
  // second process is due while it runs.
  const old = await cachedAgo(31 * DAY_MS);
  prices.answers.set(offerPath('eu-west-1'), { kind: 'held', file: offer });
  const first = startExporter();
  await waitFor('the first download under way', () => offerRequests() === 1, 30_000);
  startExporter();
  await waitFor(
    'the second to find the refresh under way',
    () => new RegExp(`ec2-cost: eu-west-1 prices are being refreshed by another process \\(pid ${first.pid}\\); left to it`).test(log()),
    30_000,
  );
  await collectsPass(2);
  expect(offerRequests()).toBe(1);
  expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).refreshedAt).toBe(old);
  prices.release();
  await waitFor('the refresh', () => JSON.parse(readFileSync(cacheFile(), 'utf8')).refreshedAt !== old, 30_000);
  await waitFor('its log line', () => /refreshed 5 Linux on-demand prices for eu-west-1/.test(log()));
  // Both keep collecting every second: neither downloads again, the cache being fresh now.
  await collectsPass(3);
  expect(offerRequests()).toBe(1);
  expect(prices.requests.filter((p) => p === REGION_INDEX)).toHaveLength(1);
  expect(log().match(/refreshed 5 Linux on-demand prices/g)).toHaveLength(1);
  expect(existsSync(join(sb.dir, 'cache', 'ec2', 'prices-eu-west-1.lock'))).toBe(false);
});

it('only on EC2: not where the metadata service does not answer, nor off EC2 with a region set', { timeout: 60_000 }, async () => {
  // DMI says Nitro, but no metadata service answers: the region is not known, nothing is fetched.
  const silent = startExporter({ ...sb.env, AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' });
  await collected();
  await stopExporter(silent);
  expect(prices.requests).toEqual([]);
  // A QEMU guest priced as if in eu-west-1 (a what-if): its metadata service is never asked and
  // nothing is refreshed, though a service on loopback would answer.
  tree.cleanup();
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
  rmSync(ledgerFile(), { force: true });
  const env = { ...sb.env, SHOJI_PROC_ROOT: tree.procRoot, SHOJI_SYS_ROOT: tree.sysRoot, SHOJI_ROOT: tree.root };
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    'left: []\nright: [ec2-cost]\nmodules:\n  ec2-cost:\n    refresh_prices: 30d\n    interval: 1\n    estimate_off_ec2: true\n    instance_type: m5.large\n    region: eu-west-1\n',
  );
  startExporter(env);
  await collected();
  expect(prices.requests).toEqual([]);
  expect(dueLines()).toEqual([]);
  expect(existsSync(cacheFile())).toBe(false);
});

it('due by the cache’s age: a cache younger than the setting is kept, an older one refreshed after a wait within the bound', { timeout: 90_000 }, async () => {
  sb.env.SHOJI_PRICE_REFRESH_JITTER = '2';
  const young = await cachedAgo(29 * DAY_MS);
  const kept = startExporter();
  await collected();
  await stopExporter(kept);
  expect(offerRequests()).toBe(0);
  expect(dueLines()).toEqual([]);
  expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).refreshedAt).toBe(young);

  const old = await cachedAgo(31 * DAY_MS);
  startExporter();
  const due = await waitFor('the refresh to be due', () => dueLines()[0], 30_000);
  expect(Number(due[2])).toBe(2);
  expect(Number(due[1])).toBeGreaterThanOrEqual(0);
  expect(Number(due[1])).toBeLessThanOrEqual(2);
  await waitFor('the refresh', () => JSON.parse(readFileSync(cacheFile(), 'utf8')).refreshedAt !== old, 30_000);
  expect(Date.parse(JSON.parse(readFileSync(cacheFile(), 'utf8')).refreshedAt)).toBeGreaterThan(Date.now() - 60_000);
  await collectsPass(2);
  expect(offerRequests()).toBe(1);
});

it('jittered: a due refresh waits a random time, and nothing is fetched before it', { timeout: 60_000 }, async () => {
  sb.env.SHOJI_PRICE_REFRESH_JITTER = '3600';
  startExporter();
  const due = await waitFor('the refresh to be due', () => dueLines()[0], 30_000);
  const wait = Number(due[1]);
  expect(Number(due[2])).toBe(3600);
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(3600);
  // A draw under a few seconds (one in several hundred) would be over before the look below.
  if (wait > 6) {
    await collectsPass(3);
    expect(offerRequests()).toBe(0);
    // Already waiting: the collects since did not draw again.
    expect(dueLines()).toHaveLength(1);
  }
});

it('a failed refresh is tried again once its back-off has passed, backing off longer after a second failure, until one succeeds', {
  timeout: 90_000,
}, async () => {
  prices.answers.delete(offerPath('eu-west-1'));
  let exporter = startExporter();
  await waitFor('the first failure', () => existsSync(failureFile()) && /failed \(1 in a row\)/.test(log()), 30_000);
  await stopExporter(exporter);
  // An hour later (the failure dated back past its back-off): the next process tries again.
  const age = (minutes: number) => {
    const f = JSON.parse(readFileSync(failureFile(), 'utf8'));
    writeFileSync(failureFile(), JSON.stringify({ ...f, failedAt: new Date(Date.now() - minutes * 60_000).toISOString() }));
  };
  age(61);
  exporter = startExporter();
  await waitFor('the second failure', () => /failed \(2 in a row\)/.test(log()), 30_000);
  expect(offerRequests()).toBe(2);
  const second = JSON.parse(readFileSync(failureFile(), 'utf8'));
  expect(second.failures).toBe(2);
  // Two hours after the second failure, not one.
  const next = Date.parse(/failed \(2 in a row\).*next try after (\S+)$/m.exec(log())![1]);
  expect(next - Date.parse(second.failedAt)).toBe(2 * 3600_000);
  await collectsPass(2);
  expect(offerRequests()).toBe(2);
  await stopExporter(exporter);
  // Past that back-off, with the file served again: refreshed, and the failure forgotten.
  prices.answers.set(offerPath('eu-west-1'), { kind: 'file', file: offer });
  age(121);
  startExporter();
  await waitFor('the refresh', () => existsSync(cacheFile()), 30_000);
  await waitFor('the failure forgotten', () => !existsSync(failureFile()));
  expect(offerRequests()).toBe(3);
});
