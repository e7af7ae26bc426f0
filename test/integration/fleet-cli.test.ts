/**
 * `shoji fleet` and the fleet module against a real Prometheus (Debian's) on a free loopback port,
 * scraping a real node_exporter (over a fixture /proc: known CPU share, memory, load and traffic)
 * for two hosts, shoji exporters' exposition for four (loopback servers serving fixed gauges and
 * counters that grow at known rates), and a target where nothing listens. One host runs both
 * exporters: each figure from one of them (node_exporter's CPU and network, shoji's memory and
 * load, the fuller disk), never the two added. One shoji host is stopped once Prometheus has seen
 * it up: it must be down "since" its last scrape.
 *
 * Then the failures: Prometheus stopped, a server that never answers, one that answers 500 with
 * Prometheus's error JSON, one that answers garbage, node_exporter's URL given for Prometheus's:
 * exit 1 and one clear line, within the timeout; a status line with the fleet module on it that
 * never waits for it; and the usage errors (a URL without a scheme, --timeout 0), exit 2.
 */
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fleet from '../../plugins/fleet/index.js';
import type { FleetHost, FleetSnapshot } from '../../src/fleet/model.js';
import { readFleetHistory } from '../../src/fleet/read.js';
import { moduleContext } from '../helpers/context.js';
import { requireBuild, runShoji, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';
import { freePort, type RunningNodeExporter, type RunningPrometheus, startNodeExporter, startPrometheus, stopAll } from '../helpers/prometheus.js';
import { type FixtureServer, listen, nodeProc, rateAt, serve, serveShojiHost, type ShojiHost } from './fleet-fixtures.js';

const GB = 1e9;
const HOSTS: Record<string, ShojiHost> = {
  'web-1': {
    cpu: 0.42,
    memoryTotal: 8 * GB,
    memoryUsed: 6 * GB,
    load1: 2,
    cpus: 4,
    // lo and docker0 are left out of the rates, as node_exporter dashboards do.
    receive: { eth0: 1000, lo: 99_999, docker0: 5000 },
    transmit: { eth0: 250, lo: 99_999 },
    filesystems: { '/': [40 * GB, 60 * GB], '/data': [97 * GB, 3 * GB] },
    hourly: { compute: 0.096, public_ipv4: 0.005, ebs: 0.008 },
    sinceBoot: { compute: 2, egress: 0.1, public_ipv4: 0.1, ebs: 0.2 },
    // shoji also exports OpenCost's name for the instance's price: it must not be added again.
    openCostHourly: 0.096,
  },
  'web-2': {
    cpu: 0.1,
    memoryTotal: 4 * GB,
    memoryUsed: 2 * GB,
    load1: 1,
    cpus: 4,
    receive: { eth0: 500 },
    transmit: { eth0: 100 },
    filesystems: { '/': [20, 80], '/boot': [1, 9] },
  },
  'mix-1': {
    cpu: 0.3,
    memoryTotal: 10 * GB,
    memoryUsed: 6 * GB,
    load1: 1,
    cpus: 4,
    receive: { ens5: 2000 },
    transmit: { ens5: 800 },
    filesystems: { '/': [50, 50] },
  },
  'old-1': { cpu: 0.05, memoryTotal: 4 * GB, memoryUsed: 1 * GB, load1: 0, cpus: 2, receive: { eth0: 1 }, transmit: { eth0: 1 }, filesystems: { '/': [1, 9] } },
};
/** node_exporter's fixture host: 2 CPUs busy 25 %, 12 of 16 GiB used, load 3, eth0's rates. */
const NODE = {
  memTotalKiB: 16_000_000,
  memAvailableKiB: 4_000_000,
  load1: 3,
  rates: { eth0: [4096, 1024], docker0: [1e6, 1e6] } as Record<string, [number, number]>,
};

let dir: string;
let prom: RunningPrometheus;
let nodeExporter: RunningNodeExporter;
let proc: { stop(): void };
const servers: Record<string, FixtureServer> = {};
let sb: Sandbox;
let oldOneLastUp: { after: number; before: number };

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'shoji-fleet-it-'));
  mkdirSync(join(dir, 'sys'));
  proc = nodeProc(join(dir, 'proc'), NODE);
  nodeExporter = await startNodeExporter({ procfs: join(dir, 'proc'), sysfs: join(dir, 'sys'), rootfs: dir, flags: ['--no-collector.netdev.netlink'] });
  for (const [name, h] of Object.entries(HOSTS)) servers[name] = await serveShojiHost(h);
  const shoji = (name: string) => ({ address: servers[name].address, labels: { instance: `${name}:9633` } });
  prom = await startPrometheus({
    jobs: [
      {
        job: 'node',
        targets: [
          { address: nodeExporter.address, labels: { instance: 'db-1:9100' } },
          { address: nodeExporter.address, labels: { instance: 'mix-1:9100' } },
          { address: `127.0.0.1:${await freePort()}`, labels: { instance: 'gone-1:9100' } },
        ],
      },
      { job: 'shoji', targets: ['web-1', 'web-2', 'mix-1', 'old-1'].map(shoji) },
    ],
  });
  await prom.waitForTargetsUp(6);
  // irate needs two scrapes of every counter.
  await prom.waitForQuery('irate(shoji_network_receive_bytes_total[5m])', 6);
  await prom.waitForQuery('irate(node_cpu_seconds_total{mode="idle"}[5m])', 4);
  // old-1 must have been seen up by the down lookup's resolution before it stops.
  await prom.waitForQuery('max_over_time(timestamp(up{instance="old-1:9633"} == 1)[1d:15s])', 1, 30_000);
  const after = Date.now() / 1000;
  await servers['old-1'].close();
  oldOneLastUp = { after: after - 60, before: Date.now() / 1000 };
  await prom.waitForQuery('up{instance="old-1:9633"} == 0');
  sb = sandbox({ NO_COLOR: '1' });
}, 90_000);

afterAll(async () => {
  proc?.stop();
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await stopAll();
  sb?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** df's share of the filesystem node_exporter reads for db-1 (the fixture's rootfs). */
function dfRatio(path: string): number {
  const s = statfsSync(path);
  const used = s.blocks - s.bfree;
  return used / (used + s.bavail);
}

function stateOf(ratio: number): FleetHost['state'] {
  return ratio >= 0.95 ? 'critical' : ratio >= 0.85 ? 'warning' : 'good';
}

/** The row a shoji fixture host must give, its rates as Prometheus computed them at `at`. */
async function shojiRow(name: string, device: string, exporters: FleetHost['exporters'], at: number): Promise<FleetHost> {
  const h = HOSTS[name];
  const disks = Object.entries(h.filesystems).map(([mountpoint, [used, avail]]) => ({ mountpoint, ratio: used / (used + avail) }));
  const fullestDisk = disks.sort((a, b) => b.ratio - a.ratio)[0];
  const worst = [
    { figure: 'cpu' as const, ratio: h.cpu },
    { figure: 'memory' as const, ratio: h.memoryUsed / h.memoryTotal },
    { figure: 'disk' as const, ratio: fullestDisk.ratio },
  ].sort((a, b) => b.ratio - a.ratio)[0];
  const sum = (o?: Record<string, number>) => (o ? Object.values(o).reduce((a, b) => a + b, 0) : null);
  return {
    host: name,
    up: true,
    downSince: null,
    cpuRatio: h.cpu,
    memoryRatio: h.memoryUsed / h.memoryTotal,
    loadPerCore: h.load1 / h.cpus,
    receiveBytesPerSecond: await rateAt(prom, 'shoji_network_receive_bytes_total', `${name}:9633`, device, at),
    transmitBytesPerSecond: await rateAt(prom, 'shoji_network_transmit_bytes_total', `${name}:9633`, device, at),
    fullestDisk,
    costPerHourUsd: sum(h.hourly),
    costSinceBootUsd: sum(h.sinceBoot),
    exporters,
    state: stateOf(worst.ratio),
    worst,
  };
}

/**
 * mix-1 runs both exporters (its node_exporter is db-1's, the same process): node_exporter's CPU
 * and network (eth0; shoji's reads ens5), shoji's memory and load, and the fuller of the two
 * exporters' / (shoji's at 50 %, node_exporter's the fixture's filesystem, `nodeDisk`).
 */
async function mixRow(nodeDisk: number, at: number): Promise<FleetHost> {
  const shoji = await shojiRow('mix-1', 'ens5', ['node', 'shoji'], at);
  const fullestDisk = { mountpoint: '/', ratio: Math.max(0.5, nodeDisk) };
  const worst = [
    { figure: 'cpu' as const, ratio: 0.25 },
    { figure: 'memory' as const, ratio: shoji.memoryRatio! },
    { figure: 'disk' as const, ratio: fullestDisk.ratio },
  ].sort((a, b) => b.ratio - a.ratio)[0];
  return {
    ...shoji,
    cpuRatio: 0.25,
    receiveBytesPerSecond: await rateAt(prom, 'node_network_receive_bytes_total', 'mix-1:9100', 'eth0', at),
    transmitBytesPerSecond: await rateAt(prom, 'node_network_transmit_bytes_total', 'mix-1:9100', 'eth0', at),
    fullestDisk,
    state: stateOf(worst.ratio),
    worst,
  };
}

async function expectedRows(at: number): Promise<FleetHost[]> {
  const down = { cpuRatio: null, memoryRatio: null, loadPerCore: null, receiveBytesPerSecond: null, transmitBytesPerSecond: null, fullestDisk: null };
  const gone = {
    ...down,
    costPerHourUsd: null,
    costSinceBootUsd: null,
    exporters: [],
    state: 'critical' as const,
    worst: { figure: 'down' as const, ratio: null },
  };
  const disk = dfRatio(dir);
  const memory = 1 - NODE.memAvailableKiB / NODE.memTotalKiB;
  const dbWorst = disk > memory ? { figure: 'disk' as const, ratio: disk } : { figure: 'memory' as const, ratio: memory };
  const db: FleetHost = {
    host: 'db-1',
    up: true,
    downSince: null,
    cpuRatio: 0.25,
    memoryRatio: memory,
    loadPerCore: NODE.load1 / 2,
    receiveBytesPerSecond: await rateAt(prom, 'node_network_receive_bytes_total', 'db-1:9100', 'eth0', at),
    transmitBytesPerSecond: await rateAt(prom, 'node_network_transmit_bytes_total', 'db-1:9100', 'eth0', at),
    fullestDisk: { mountpoint: '/', ratio: disk },
    costPerHourUsd: null,
    costSinceBootUsd: null,
    exporters: ['node'],
    state: stateOf(dbWorst.ratio),
    worst: dbWorst,
  };
  const up = [db, await shojiRow('web-2', 'eth0', ['shoji'], at), await mixRow(disk, at)];
  const rank = { critical: 0, warning: 1, good: 2 } as Record<string, number>;
  up.sort((a, b) => rank[a.state] - rank[b.state] || (b.worst?.ratio ?? 0) - (a.worst?.ratio ?? 0));
  return [
    { host: 'gone-1', up: false, downSince: null, ...gone },
    { host: 'old-1', up: false, downSince: null, ...gone },
    await shojiRow('web-1', 'eth0', ['shoji'], at),
    ...up,
  ];
}

/** Figures compared to 9 decimal places (sums of floats), everything else exactly. */
function rounded(rows: FleetHost[]): unknown {
  return JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e9) / 1e9 : v)));
}

async function fleetJson(args: string[] = [], env = sb.env): Promise<FleetSnapshot> {
  const r = await runShoji(['fleet', '--json', ...args], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as FleetSnapshot;
}

describe('shoji fleet against a real Prometheus', () => {
  it('--json: one row per host as the exporters report it, worst first, and the total', async () => {
    const s = await fleetJson(['--prometheus', prom.url]);
    const expected = await expectedRows(s.at);
    // What varies on its own: when old-1 went down (checked below) and how full the disk
    // under the fixture is (other programs write there): close to statfs's, then taken as read.
    const byName = (rows: FleetHost[], host: string) => rows.find((r) => r.host === host)!;
    const [gotDb, wantDb] = [byName(s.rows, 'db-1'), byName(expected, 'db-1')];
    expect(gotDb.fullestDisk?.ratio).toBeCloseTo(wantDb.fullestDisk!.ratio, 3);
    wantDb.fullestDisk = gotDb.fullestDisk;
    if (wantDb.worst?.figure === 'disk') wantDb.worst = gotDb.worst;
    // mix-1's / is node_exporter's when that is the fuller: the same live filesystem.
    const [gotMix, wantMix] = [byName(s.rows, 'mix-1'), byName(expected, 'mix-1')];
    expect(gotMix.fullestDisk?.ratio).toBeCloseTo(wantMix.fullestDisk!.ratio, 3);
    wantMix.fullestDisk = gotMix.fullestDisk;
    if (wantMix.worst?.figure === 'disk') wantMix.worst = gotMix.worst;
    byName(expected, 'old-1').downSince = byName(s.rows, 'old-1').downSince;
    expect(rounded(s.rows)).toEqual(rounded(expected));
    // Prometheus's rates are the fixtures' (within the scrape timing); lo and docker0 left out.
    const byHost = Object.fromEntries(s.rows.map((r) => [r.host, r]));
    expect(byHost['web-1'].receiveBytesPerSecond).toBeGreaterThan(950);
    expect(byHost['web-1'].receiveBytesPerSecond).toBeLessThan(1050);
    // mix-1's from its node_exporter (eth0's 4 KiB/s), not shoji's ens5 (2,000 B/s).
    expect(byHost['mix-1'].receiveBytesPerSecond).toBeGreaterThan(3800);
    expect(byHost['mix-1'].receiveBytesPerSecond).toBeLessThan(4400);
    expect(byHost['db-1'].receiveBytesPerSecond).toBeGreaterThan(3800);
    expect(byHost['db-1'].receiveBytesPerSecond).toBeLessThan(4400);
    // old-1 is down since its last scrape, after Prometheus saw it up and before it stopped.
    expect(byHost['old-1'].downSince).toBeGreaterThanOrEqual(oldOneLastUp.after);
    expect(byHost['old-1'].downSince).toBeLessThanOrEqual(oldOneLastUp.before);
    expect(s.total).toEqual({
      hosts: 6,
      hostsUp: 4,
      hostsDown: 2,
      costPerHourUsd: expect.closeTo(0.109, 9),
      costPer30DaysUsd: expect.closeTo(0.109 * 720, 6),
      hostsWithCost: 1,
      hostsDownWithCost: 0,
    });
    // The probe for recorded figures (none here) and beside it the snapshot as if every figure were,
    // the snapshot of raw figures, and when the down hosts last answered.
    expect([s.prometheus, s.match, s.omitted, s.requests]).toEqual([prom.url, null, 0, 4]);
  });

  it('--match narrows the fleet by any label, and host= by the instance without its port', async () => {
    const shojiOnly = await fleetJson(['--prometheus', prom.url, '--match', '{job="shoji"}']);
    expect(shojiOnly.rows.map((r) => r.host)).toEqual(['old-1', 'web-1', 'mix-1', 'web-2']);
    expect(shojiOnly.rows.find((r) => r.host === 'mix-1')?.exporters).toEqual(['shoji']);
    const one = await fleetJson(['--prometheus', prom.url, '--match', 'host="db-1"']);
    expect(one.rows.map((r) => [r.host, r.exporters, r.cpuRatio])).toEqual([['db-1', ['node'], expect.closeTo(0.25, 9)]]);
    // The probe (a host matcher may read recorded series), the guess beside it, the raw snapshot.
    expect(one.requests).toBe(3);
  });

  it('prints a table, worst first, ASCII only under LANG=C', async () => {
    const r = await runShoji(['fleet', '--prometheus', prom.url], { ...sb.env, LANG: 'C' });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HOST +STATE +CPU +MEM +LOAD +RX\/S +TX\/S +DISK +\$\/H +SINCE BOOT$/);
    expect(lines.slice(1, 7).map((l) => l.split(/\s+/)[0])).toEqual(['gone-1', 'old-1', 'web-1', ...lines.slice(4, 7).map((l) => l.split(/\s+/)[0])]);
    expect(lines[1]).toMatch(/^gone-1 +down +- +- +- +- +- +- +- +-$/);
    expect(lines[2]).toMatch(/^old-1 +down \d+s/);
    expect(lines[3]).toMatch(/^web-1 +up +42% +75% +0\.50 +\S+\/s +\S+\/s +97% +\/data +\$0\.11 +\$2\.40$/);
    expect(lines[7]).toBe('total: 6 hosts, 4 up, 2 down - $0.11/h - $78.48 per 30 days (1 of 6 hosts)');
    expect(/^[\x20-\x7e\n]*$/.test(r.stdout)).toBe(true);
  });

  it('takes the URL and the match from the fleet module in the config when --prometheus is not given', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), `modules:\n  fleet:\n    prometheus: "${prom.url}"\n    match: 'job="node"'\n`);
    try {
      const s = await fleetJson();
      expect([s.prometheus, s.match]).toEqual([prom.url, 'job="node"']);
      expect(s.rows.map((r) => r.host)).toEqual(['gone-1', 'db-1', 'mix-1']);
    } finally {
      rmSync(join(sb.configDir, 'config.yaml'));
    }
  });

  it('the fleet module reads the same fleet: hosts up, cost per hour, the worst host', async () => {
    const ctx = moduleContext(fleet, { procRoot: dir, sysRoot: dir, root: dir, dir }, { prometheus: prom.url });
    const got = await fleet.collect(ctx, undefined);
    expect(got.reading).toMatchObject({ text: '4/6 · $0.11/h · gone-1 down', short: '4/6 $0.11/h', state: 'critical' });
    expect(got.data).toEqual({
      hosts: 6,
      hostsUp: 4,
      hostsDown: 2,
      costPerHourUsd: expect.closeTo(0.109, 9),
      costPer30DaysUsd: expect.closeTo(0.109 * 720, 6),
      worstHost: 'gone-1',
      worstFigure: 'down',
      worstRatio: null,
      prometheus: prom.url,
    });
  });

  it('the fleet module on a real status line: collected in the background, then shown', async () => {
    const env = { ...sb.env, SHOJI_CONFIG_DIR: join(sb.dir, 'line-config') };
    mkdirSync(env.SHOJI_CONFIG_DIR, { recursive: true });
    writeFileSync(join(env.SHOJI_CONFIG_DIR, 'config.yaml'), `left: []\nright: [fleet]\nmodules:\n  fleet:\n    prometheus: "${prom.url}"\n`);
    const line = await waitFor(
      'the fleet on the status line',
      async () => {
        const r = await runShoji(['status', '--format', 'plain'], env);
        expect(r.code).toBe(0);
        return r.stdout.includes('4/6') ? r.stdout : false;
      },
      20_000,
    );
    expect(line).toContain('4/6 · $0.11/h · gone-1 down');
  });
});

describe('history for the dashboard', () => {
  it("every host's CPU, memory and network over a range in four requests, or one host's", async () => {
    const h = await readFleetHistory({ target: { url: prom.url }, rangeSeconds: 60, stepSeconds: 1 });
    expect(h.requests).toBe(4);
    expect(h.times).toHaveLength(61);
    const last = (series: Record<string, (number | null)[]>, host: string) => series[host]?.filter((v) => v !== null).at(-1);
    expect(last(h.cpuRatio, 'web-1')).toBe(0.42);
    expect(last(h.cpuRatio, 'db-1')).toBeCloseTo(0.25, 4);
    expect(last(h.memoryRatio, 'mix-1')).toBe(0.6);
    // eth0's 4 KiB/s with the scrape timing; with docker0 it would be a million.
    expect(last(h.receiveBytesPerSecond, 'db-1')).toBeGreaterThan(3000);
    expect(last(h.receiveBytesPerSecond, 'db-1')).toBeLessThan(5000);
    expect(Object.keys(h.cpuRatio).sort()).toEqual(['db-1', 'mix-1', 'old-1', 'web-1', 'web-2']);
    const one = await readFleetHistory({ target: { url: prom.url }, host: 'web-2', rangeSeconds: 60, stepSeconds: 1 });
    expect([one.requests, Object.keys(one.memoryRatio)]).toEqual([4, ['web-2']]);
    expect(last(one.memoryRatio, 'web-2')).toBe(0.5);
  });
});

describe('credentials', () => {
  it("sends the config's token to the config's URL only", async () => {
    const seen: (string | undefined)[] = [];
    const empty = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });
    /** A Prometheus with no targets that notes the Authorization header it was sent. */
    const noting = (prefix: string) =>
      listen(
        createServer((req, res) => {
          seen.push(`${prefix}${req.headers.authorization}`);
          res.writeHead(200, { 'content-type': 'application/json' }).end(empty);
        }),
      );
    const configured = await noting('');
    const other = await noting('other: ');
    const env = { ...sb.env, SHOJI_CONFIG_DIR: join(sb.dir, 'token-config') };
    mkdirSync(env.SHOJI_CONFIG_DIR, { recursive: true });
    writeFileSync(join(env.SHOJI_CONFIG_DIR, 'token'), 'config-token\n');
    writeFileSync(
      join(env.SHOJI_CONFIG_DIR, 'config.yaml'),
      `modules:\n  fleet:\n    prometheus: "http://${configured.address}"\n    bearer_token_file: token\n`,
    );
    const flagToken = join(sb.dir, 'flag-token');
    writeFileSync(flagToken, 'flag-token\n');
    try {
      expect((await runShoji(['fleet'], env)).code).toBe(0);
      expect((await runShoji(['fleet', '--prometheus', `http://${other.address}`], env)).code).toBe(0);
      expect((await runShoji(['fleet', '--prometheus', `http://${other.address}`, '--bearer-token-file', flagToken], env)).code).toBe(0);
      expect((await runShoji(['fleet', '--prometheus', `http://${other.address}`], { ...env, SHOJI_PROMETHEUS_TOKEN: 'env-token' })).code).toBe(0);
      // Three times each: the probe for recorded figures and the guess beside it, then the snapshot.
      expect(seen).toEqual(
        ['Bearer config-token', 'other: undefined', 'other: Bearer flag-token', 'other: Bearer env-token'].flatMap((header) => [header, header, header]),
      );
    } finally {
      await configured.close();
      await other.close();
    }
  });
});

describe('what it is given', () => {
  async function usage(args: string[], env = sb.env): Promise<string> {
    const r = await runShoji(['fleet', ...args], env);
    expect([r.code, r.stdout]).toEqual([2, '']);
    return r.stderr;
  }

  it('a URL without a scheme, a timeout out of range, two ways to sign in: exit 2, saying what to give', async () => {
    expect(await usage(['--prometheus', 'localhost:19090'])).toBe(
      'shoji: Prometheus localhost:19090: must start with http:// or https:// (did you mean http://localhost:19090?)\n',
    );
    expect(await usage(['--prometheus', prom.url, '--timeout', '0'])).toBe('shoji: --timeout must be more than 0 and at most 600 seconds (got 0)\n');
    const token = join(sb.dir, 'usage-token');
    writeFileSync(token, 'secret\n');
    expect(await usage(['--prometheus', prom.url, '--bearer-token-file', token, '--username', 'ops'])).toBe(
      'shoji: --bearer-token-file and --username: give one way to sign in to Prometheus, not both\n',
    );
    expect(await usage(['--prometheus', prom.url, '--match', 'job=node'])).toBe('shoji: --match: expected a quoted value at "node"\n');
  });

  it("the config's URL without a scheme: config check names file, line and key; a bad match names its key", async () => {
    const env = { ...sb.env, SHOJI_CONFIG_DIR: join(sb.dir, 'scheme-config') };
    mkdirSync(env.SHOJI_CONFIG_DIR, { recursive: true });
    const config = join(env.SHOJI_CONFIG_DIR, 'config.yaml');
    writeFileSync(config, 'modules:\n  fleet:\n    prometheus: localhost:19090\n');
    const r = await runShoji(['config', 'check'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${config}:3:17: modules.fleet.prometheus: must match pattern "^https?://"\n`);
    writeFileSync(config, `modules:\n  fleet:\n    prometheus: "${prom.url}"\n    match: job=node\n`);
    expect(await usage([], env)).toBe('shoji: modules.fleet.match: expected a quoted value at "node"\n');
  });

  it('labels with C1 controls and bidi overrides stay escaped in --json; a negative cost is no cost; "1 host"', async () => {
    const host = 'web\u009b31m\u202eevil\u2066\u2028x\u0085';
    const body = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { figure: 'up', host }, value: [1, '1'] },
          { metric: { figure: 'cpu', host }, value: [1, '0.5'] },
          { metric: { figure: 'cost_hour', host }, value: [1, '-5'] },
          { metric: { figure: 'disk', host, mountpoint: '/m\u009b2J' }, value: [1, '0.25'] },
        ],
      },
    });
    const odd = await serve(() => body, 200, 'application/json');
    try {
      const r = await runShoji(['fleet', '--json', '--prometheus', `http://${odd.address}`], { ...sb.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
      expect([r.code, r.stderr]).toEqual([0, '']);
      // Still JSON, and the same labels once parsed; none of those characters raw on the terminal.
      expect(r.stdout).toContain('"host":"web\\u009b31m\\u202eevil\\u2066\\u2028x\\u0085"');
      expect(r.stdout).not.toMatch(/[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      const s = JSON.parse(r.stdout) as FleetSnapshot;
      expect(s.rows[0]).toMatchObject({ host, cpuRatio: 0.5, costPerHourUsd: null, fullestDisk: { mountpoint: '/m\u009b2J', ratio: 0.25 } });
      expect(s.total).toMatchObject({ costPerHourUsd: null, hostsWithCost: 0 });
      const table = await runShoji(['fleet', '--prometheus', `http://${odd.address}`], { ...sb.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
      expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('total: 1 host, 1 up, 0 down');
      expect(table.stdout).toContain('$/H');
      expect(table.stdout).not.toMatch(/\$-/);
    } finally {
      await odd.close();
    }
  });
});

describe('when Prometheus fails', () => {
  const held: ServerResponse[] = [];
  afterAll(() => {
    for (const res of held) res.destroy();
  });

  async function fails(url: string, extra: string[] = []): Promise<string> {
    const r = await runShoji(['fleet', '--prometheus', url, ...extra], sb.env);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(2); // one line
    return r.stderr.trimEnd();
  }

  it('a server that never answers: gives up after --timeout', async () => {
    const hung = await listen(createServer((_req, res) => void held.push(res)));
    const url = `http://${hung.address}`;
    expect(await fails(url, ['--timeout', '1'])).toBe(`shoji: Prometheus ${url}: no answer within 1 s`);
    await hung.close();
  });

  it("a 500 with Prometheus's error JSON: its message, escaped", async () => {
    const body = JSON.stringify({ status: 'error', errorType: 'internal', error: 'storage failure \x1b[2J' });
    const broken = await serve(() => body, 500, 'application/json');
    const url = `http://${broken.address}`;
    expect(await fails(url)).toBe(`shoji: Prometheus ${url}: HTTP 500: internal: storage failure \\x1b[2J`);
    await broken.close();
  });

  it('garbage: says it is not Prometheus', async () => {
    const garbage = await serve(() => 'hello from some other service', 200, 'text/plain');
    const url = `http://${garbage.address}`;
    expect(await fails(url)).toBe(`shoji: Prometheus ${url}: HTTP 200: not Prometheus's JSON but text/plain: "hello from some other service"`);
    await garbage.close();
  });

  it('a status line with the fleet module never waits on a Prometheus that hangs', async () => {
    const hung = await listen(createServer((_req, res) => void held.push(res)));
    const fresh = join(sb.dir, 'hung');
    const env = { ...sb.env, SHOJI_CONFIG_DIR: join(fresh, 'config'), SHOJI_STATE_DIR: join(fresh, 'state'), SHOJI_RUNTIME_DIR: join(fresh, 'run') };
    mkdirSync(env.SHOJI_CONFIG_DIR, { recursive: true });
    writeFileSync(
      join(env.SHOJI_CONFIG_DIR, 'config.yaml'),
      `left: []\nright: [hostname, fleet]\nmodules:\n  fleet:\n    prometheus: "http://${hung.address}"\n`,
    );
    const r = await runShoji(['status', '--format', 'plain'], env);
    expect(r.code).toBe(0);
    // Not collected on the line's clock: neither a reading nor a failure yet.
    expect(r.stdout).not.toContain('fleet');
    expect(r.stdout).not.toContain('/');
    await hung.close();
  });

  it("node_exporter's URL given for Prometheus's: asks whether it is the Prometheus URL", async () => {
    expect(await fails(nodeExporter.url)).toMatch(
      new RegExp(`^shoji: Prometheus ${nodeExporter.url}: HTTP \\d+: not Prometheus's JSON but .*\\(is this the Prometheus URL\\?\\)$`),
    );
  });

  it('Prometheus stopped: connection refused, naming the URL', async () => {
    await prom.stop();
    expect(await fails(prom.url)).toBe(`shoji: Prometheus ${prom.url}: connection refused (is Prometheus running there?)`);
  });
});
