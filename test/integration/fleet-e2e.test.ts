/**
 * The fleet end to end, every link real: two `shoji exporter` processes reading fixture hosts
 * (alpha, a plain machine; beta, a Nitro EC2 instance answering from a loopback IMDSv2 server),
 * one node_exporter reading a fixture /proc (gamma; the same process is also scraped as alpha's
 * node_exporter, so alpha is a host running both), a target that never answers (gone), and a
 * real Prometheus scraping them all. Then `shoji fleet --json` and the `fleet` module (through
 * `shoji status --format json`) must show what the exporters report: compared with each
 * exporter's own /metrics and with the fixture's values.
 *
 * CPU counters grow in fixed proportions (alpha 40 % busy, beta 90 %, gamma 25 %), so any two
 * readings give the same share whenever they are taken. Network counters grow with the wall
 * clock at a known rate; a rate is compared within a wide band (it is bytes per second, not bits
 * or per minute), never against a time. shoji's job is scraped every 2 s, its network module
 * collecting every 0.25 s, so that a scrape's counters are never far older than its timestamp.
 *
 * Then Prometheus stopped, hanging, answering 500 or garbage: `shoji fleet` says so in one line
 * naming the URL and exits 1, and the fleet module fails with the same kind of line while
 * `shoji status` keeps answering.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetHost, FleetSnapshot } from '../../src/fleet/model.js';
import { requireBuild, runShoji, SHOJI, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';
import {
  FLEET_COLLECTORS,
  freePort,
  parseExposition,
  type RunningNodeExporter,
  type RunningPrometheus,
  startNodeExporter,
  startPrometheus,
  stopAll,
} from '../helpers/prometheus.js';
import { nitro, proc, qemu } from '../unit/ec2/hosts.js';

/**
 * Bytes per second each host's eth0 receives and sends (counters grow with the wall clock).
 * beta sends nothing, so its EC2 egress since boot stays what it was.
 */
const RATES = { alpha: [400_000, 100_000], beta: [2_000_000, 0], gamma: [50_000, 20_000] } as const;
/** CPU ticks added per step to each core: [user, system, idle, iowait]; busy = (user + system) / all. */
const CPU_STEP = { alpha: [3, 1, 5, 1], beta: [8, 1, 1, 0], gamma: [1, 0, 2, 1] } as const;
const BUSY = { alpha: 0.4, beta: 0.9, gamma: 0.25 };

const netDevHeader =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

function atomicWrite(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * Moves a host's /proc/stat and /proc/net/dev on every 100 ms: CPU by fixed steps (a constant busy
 * share), network with the wall clock (a known rate on eth0; lo and docker0, which the fleet
 * leaves out, much faster). Files are replaced whole, so a reader never sees half of one.
 */
function ticker(procRoot: string, cpus: number, step: readonly number[], [rx, tx]: readonly number[]): () => void {
  const start = Date.now();
  let n = 0;
  const tick = () => {
    n++;
    const line = (name: string, k: number) => `${name} ${1000 + step[0] * k} 0 ${500 + step[1] * k} ${20000 + step[2] * k} ${10 + step[3] * k} 0 0 0 0 0`;
    const cores = Array.from({ length: cpus }, (_, i) => line(`cpu${i}`, n));
    atomicWrite(join(procRoot, 'stat'), `${line('cpu ', n * cpus)}\n${cores.join('\n')}\nintr 1\nbtime 1700000000\n`);
    const t = (Date.now() - start) / 1000;
    const row = (dev: string, r: number, s: number) =>
      `${dev.padStart(6)}: ${Math.round(5e9 + r * t)} 1000 0 0 0 0 0 0 ${Math.round(7e8 + s * t)} 900 0 0 0 0 0 0`;
    atomicWrite(join(procRoot, 'net', 'dev'), `${netDevHeader}${[row('lo', 9e7, 9e7), row('eth0', rx, tx), row('docker0', 3e7, 3e7)].join('\n')}\n`);
  };
  mkdirSync(join(procRoot, 'net'), { recursive: true });
  tick();
  const timer = setInterval(tick, 100);
  return () => clearInterval(timer);
}

const route =
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n';

/**
 * An exporter's config: every module the fleet reads on a short interval, disk read once (the
 * fixture's / is a live filesystem). ec2-cost every second: its figures do not move (beta's
 * uptime and bytes sent are fixed), and a metadata lookup that failed on a busy machine is retried.
 */
const EXPORTER_CONFIG = `modules:
  cpu: { interval: 0.5 }
  network: { interval: 0.25 }
  memory: { interval: 1 }
  load: { interval: 1 }
  disk: { interval: once, mounts: [/] }
  ec2-cost: { interval: 1 }
  updates: { enabled: false }
`;

interface Exporter {
  url: string;
  address: string;
  child: ChildProcess;
  metrics(): Promise<string>;
}

const children: ChildProcess[] = [];
const servers: Server[] = [];
const sockets = new Set<Socket>();
const cleanups: (() => void)[] = [];

/** `shoji exporter --listen 127.0.0.1:0` in `env`; resolves with the address it says it took. */
function startExporter(env: NodeJS.ProcessEnv): Promise<Exporter> {
  const child = spawn(process.execPath, [SHOJI, 'exporter', '--listen', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /listening on (http:\/\/(127\.0\.0\.1:\d+))\/metrics/.exec(stderr);
      if (m) {
        const url = m[1];
        resolve({
          url,
          address: m[2],
          child,
          metrics: async () => {
            const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
            return res.text();
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`shoji exporter exited (${code}) before listening: ${stderr}`)));
  });
}

/** A loopback HTTP server for the failure cases and IMDS; closed (with its connections) in afterAll. */
async function loopbackServer(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One sample's value of a family in an exposition text (the first, or the one with `labels`). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const s = parseExposition(text, name).find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (!s) throw new Error(`${name}${JSON.stringify(labels)} is not in the exposition`);
  return s.value;
}
const sum = (text: string, name: string) => parseExposition(text, name).reduce((a, s) => a + s.value, 0);

let dir: string;
let alphaTree: FixtureTree;
let betaTree: FixtureTree;
let gammaTree: FixtureTree;
let alpha: Exporter;
let beta: Exporter;
let nodeExporter: RunningNodeExporter;
let prometheus: RunningPrometheus;
let sb: Sandbox;
let imds: string;
let betaEnv: NodeJS.ProcessEnv;

function fleet(args: string[] = [], env = sb.env) {
  return runShoji(['fleet', '--json', '--prometheus', prometheus.url, ...args], env);
}
const row = (s: FleetSnapshot, host: string): FleetHost => {
  const r = s.rows.find((x) => x.host === host);
  if (!r) throw new Error(`no row for ${host} in ${s.rows.map((x) => x.host).join(', ')}`);
  return r;
};

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'shoji-fleet-e2e-'));
  imds = await loopbackServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('fleet-token');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'fleet-token') return void res.writeHead(401).end();
    const answers: Record<string, string> = {
      '/latest/meta-data/instance-type': 'm7i.large',
      '/latest/meta-data/placement/region': 'us-east-1',
      '/latest/meta-data/placement/availability-zone': 'us-east-1a',
      '/latest/meta-data/instance-life-cycle': 'on-demand',
      '/latest/meta-data/instance-id': 'i-0123456789abcdef0',
      '/latest/meta-data/public-ipv4': '203.0.113.7',
    };
    const v = answers[req.url ?? ''];
    return v ? void res.end(v) : void res.writeHead(404).end();
  });

  // alpha: a plain machine (QEMU), 2 CPUs, 8 GB of which 6 GB used, load 2.00 (1.00 per core).
  alphaTree = fixtureTree();
  qemu(alphaTree);
  alphaTree.write('proc/meminfo', 'MemTotal: 8000000 kB\nMemFree: 1000000 kB\nMemAvailable: 2000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n');
  alphaTree.write('proc/loadavg', '2.00 1.50 1.00 2/150 1234\n');
  alphaTree.write('proc/uptime', '86400.00 100000.00\n');
  alphaTree.write('proc/net/route', route);
  alphaTree.write('proc/sys/kernel/random/boot_id', '11111111-2222-3333-4444-555555555555\n');
  mkdirSync(alphaTree.root, { recursive: true });
  cleanups.push(ticker(alphaTree.procRoot, 2, CPU_STEP.alpha, RATES.alpha));

  // beta: a Nitro m7i.large in us-east-1 (IMDSv2 on loopback), 4 CPUs, 16 GB with 4 GB used, load 6.00.
  betaTree = fixtureTree();
  proc(betaTree, { cpus: 4, memKb: 16_000_000 });
  nitro(betaTree, 'm7i.large');
  betaTree.write('proc/meminfo', 'MemTotal: 16000000 kB\nMemFree: 1000000 kB\nMemAvailable: 12000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n');
  betaTree.write('proc/loadavg', '6.00 5.00 4.00 3/300 4321\n');
  mkdirSync(betaTree.root, { recursive: true });
  cleanups.push(ticker(betaTree.procRoot, 4, CPU_STEP.beta, RATES.beta));

  // gamma: what node_exporter reads: 2 CPUs, 4 GB with 1.6 GB available, load 0.50, / on ext4.
  gammaTree = fixtureTree();
  gammaTree.write('proc/meminfo', 'MemTotal: 4000000 kB\nMemFree: 500000 kB\nMemAvailable: 1600000 kB\nBuffers: 0 kB\nCached: 0 kB\n');
  gammaTree.write('proc/loadavg', '0.50 0.40 0.30 1/100 4242\n');
  gammaTree.write('proc/1/mounts', '/dev/vda1 / ext4 rw,relatime 0 0\ntmpfs /run tmpfs rw 0 0\n');
  mkdirSync(join(gammaTree.root, 'run'), { recursive: true });
  cleanups.push(ticker(gammaTree.procRoot, 2, CPU_STEP.gamma, RATES.gamma));

  const exporterEnv = (tree: FixtureTree): NodeJS.ProcessEnv => {
    const s = sandbox({
      SHOJI_PROC_ROOT: tree.procRoot,
      SHOJI_SYS_ROOT: tree.sysRoot,
      SHOJI_ROOT: tree.root,
      // No apt-get or other host programs: the modules read the fixture only.
      PATH: join(tree.dir, 'bin'),
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds,
      AWS_EC2_METADATA_DISABLED: undefined,
    });
    writeFileSync(join(s.configDir, 'config.yaml'), EXPORTER_CONFIG);
    cleanups.push(s.cleanup);
    return s.env;
  };
  betaEnv = exporterEnv(betaTree);
  [alpha, beta, nodeExporter] = await Promise.all([
    startExporter(exporterEnv(alphaTree)),
    startExporter(betaEnv),
    // netlink would read this machine's interfaces, not the fixture's /proc/net/dev.
    startNodeExporter({
      collectors: FLEET_COLLECTORS,
      procfs: gammaTree.procRoot,
      sysfs: gammaTree.sysRoot,
      rootfs: gammaTree.root,
      flags: ['--no-collector.netdev.netlink'],
    }),
  ]);
  const gonePort = await freePort(); // nothing listens there: a host that is down
  prometheus = await startPrometheus({
    scrapeInterval: '1s',
    jobs: [
      {
        job: 'shoji',
        // A scrape serves the counters of the exporter's last collect (up to 0.25 s old): over 2 s
        // between scrapes that moves a rate by at most an eighth, where over 1 s it could double it.
        scrapeInterval: '2s',
        targets: [
          { address: alpha.address, labels: { instance: 'alpha:7465' } },
          { address: beta.address, labels: { instance: 'beta:7465' } },
          { address: `127.0.0.1:${gonePort}`, labels: { instance: 'gone:7465' } },
        ],
      },
      {
        job: 'node',
        targets: [
          { address: nodeExporter.address, labels: { instance: 'gamma:9100' } },
          { address: nodeExporter.address, labels: { instance: 'alpha:9100' } },
        ],
      },
    ],
  });
  await prometheus.waitForTargetsUp(4);

  sb = sandbox();
  cleanups.push(sb.cleanup);
  // Every host's figures present: the CPU shares need two collects, the rates two scrapes.
  await waitFor(
    'every up host to have all its figures in shoji fleet',
    async () => {
      const r = await fleet();
      if (r.code !== 0) throw new Error(r.stderr);
      const s = JSON.parse(r.stdout) as FleetSnapshot;
      const up = s.rows.filter((h) => h.up);
      const complete = (h: FleetHost) => [h.cpuRatio, h.memoryRatio, h.loadPerCore, h.receiveBytesPerSecond, h.fullestDisk].every((v) => v !== null);
      // beta's estimate with its public IPv4 address: the metadata service has answered.
      const ipv4 = parseExposition(await beta.metrics(), 'shoji_ec2_hourly_cost_usd').find((x) => x.labels.component === 'public_ipv4');
      return up.length === 3 && up.every(complete) && (ipv4?.value ?? 0) > 0 && s;
    },
    45_000,
  );
}, 90_000);

afterAll(async () => {
  for (const stop of cleanups.splice(0)) stop();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await stopAll();
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  for (const t of [alphaTree, betaTree, gammaTree]) t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('shoji fleet --json on a real Prometheus', () => {
  it('one row per host, with what each exporter reports', async () => {
    const r = await fleet();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const s = JSON.parse(r.stdout) as FleetSnapshot;
    const [alphaText, betaText, nodeText] = await Promise.all([alpha.metrics(), beta.metrics(), nodeExporter.metrics()]);

    expect(s.prometheus).toBe(prometheus.url);
    expect(s.total).toMatchObject({ hosts: 4, hostsUp: 3, hostsDown: 1, hostsWithCost: 1 });
    expect(s.rows.map((h) => h.host).sort()).toEqual(['alpha', 'beta', 'gamma', 'gone']);
    // Worst first: the host that is down.
    expect(s.rows[0].host).toBe('gone');
    // The probe for recorded figures and the guess beside it, the raw snapshot, when the down host last answered.
    expect(s.requests).toBe(4);

    // alpha runs both exporters, each figure from one of them, never the two added: node_exporter's
    // CPU (its node_exporter is gamma's, the same process), shoji's memory and load, the fuller /.
    const a = row(s, 'alpha');
    expect(a).toMatchObject({ up: true, downSince: null, exporters: ['node', 'shoji'], costPerHourUsd: null, costSinceBootUsd: null });
    expect(value(alphaText, 'shoji_cpu_usage_ratio')).toBeCloseTo(BUSY.alpha, 9);
    expect(a.cpuRatio).toBeCloseTo(BUSY.gamma, 9);
    expect(a.memoryRatio).toBeCloseTo(value(alphaText, 'shoji_memory_used_bytes') / value(alphaText, 'shoji_memory_total_bytes'), 12);
    expect(a.memoryRatio).toBeCloseTo(6 / 8, 12);
    expect(a.loadPerCore).toBeCloseTo(value(alphaText, 'shoji_load1') / value(alphaText, 'shoji_online_cpus'), 12);
    expect(a.loadPerCore).toBeCloseTo(1, 12);
    const used = value(alphaText, 'shoji_filesystem_used_bytes', { mountpoint: '/' });
    const avail = value(alphaText, 'shoji_filesystem_avail_bytes', { mountpoint: '/' });
    const nodeFs = { mountpoint: '/' };
    const nodeUsed = value(nodeText, 'node_filesystem_size_bytes', nodeFs) - value(nodeText, 'node_filesystem_free_bytes', nodeFs);
    const nodeRatio = nodeUsed / (nodeUsed + value(nodeText, 'node_filesystem_avail_bytes', nodeFs));
    // Both fixtures' / sit on a live filesystem, read at different times.
    expect(a.fullestDisk).toEqual({ mountpoint: '/', ratio: expect.closeTo(Math.max(used / (used + avail), nodeRatio), 3) });

    const b = row(s, 'beta');
    expect(b).toMatchObject({ up: true, exporters: ['shoji'], state: 'warning', worst: { figure: 'cpu' } });
    expect(b.cpuRatio).toBeCloseTo(value(betaText, 'shoji_cpu_usage_ratio'), 9);
    expect(b.cpuRatio).toBeCloseTo(BUSY.beta, 9);
    expect(b.memoryRatio).toBeCloseTo(4 / 16, 12);
    expect(b.loadPerCore).toBeCloseTo(6 / 4, 12);
    // The EC2 estimate: shoji's components summed, per hour and since boot.
    expect(
      parseExposition(betaText, 'shoji_ec2_hourly_cost_usd')
        .map((x) => x.labels.component)
        .sort(),
    ).toEqual(expect.arrayContaining(['compute']));
    expect(b.costPerHourUsd).toBeCloseTo(sum(betaText, 'shoji_ec2_hourly_cost_usd'), 12);
    expect(b.costSinceBootUsd).toBeCloseTo(sum(betaText, 'shoji_ec2_cost_since_boot_usd'), 12);
    expect(value(betaText, 'node_total_hourly_cost', { instance_type: 'm7i.large', region: 'us-east-1' })).toBeCloseTo(
      value(betaText, 'shoji_ec2_hourly_cost_usd', { component: 'compute' }),
      12,
    );
    // ...which are the estimate ec2-cost makes for the same host: m7i.large on demand in
    // us-east-1 with a public IPv4 address, up 303 hours (the fixture's /proc/uptime).
    const cli = JSON.parse((await runShoji(['ec2-cost', '--json'], betaEnv)).stdout) as Record<string, unknown>;
    expect(cli).toMatchObject({ mode: 'ec2', instanceType: 'm7i.large', region: 'us-east-1', spot: false });
    expect(value(betaText, 'shoji_ec2_hourly_cost_usd', { component: 'compute' })).toBeCloseTo(cli.hourlyRateUsd as number, 12);
    expect(value(betaText, 'shoji_ec2_hourly_cost_usd', { component: 'public_ipv4' })).toBeGreaterThan(0);
    expect(value(betaText, 'shoji_ec2_cost_since_boot_usd', { component: 'compute' })).toBeCloseTo((cli.hourlyRateUsd as number) * 303, 9);
    expect(s.total.costPerHourUsd).toBeCloseTo(b.costPerHourUsd!, 12);
    expect(s.total.costPer30DaysUsd).toBeCloseTo(b.costPerHourUsd! * 24 * 30, 9);

    // gamma runs node_exporter only: everything but the cost, from its metrics.
    const g = row(s, 'gamma');
    expect(g).toMatchObject({ up: true, exporters: ['node'], costPerHourUsd: null, costSinceBootUsd: null });
    expect(g.cpuRatio).toBeCloseTo(BUSY.gamma, 9);
    expect(g.memoryRatio).toBeCloseTo(1 - value(nodeText, 'node_memory_MemAvailable_bytes') / value(nodeText, 'node_memory_MemTotal_bytes'), 12);
    expect(g.memoryRatio).toBeCloseTo(0.6, 12);
    expect(value(nodeText, 'node_load1')).toBe(0.5);
    expect(g.loadPerCore).toBeCloseTo(0.5 / 2, 12);
    const fs = { mountpoint: '/' };
    const gUsed = value(nodeText, 'node_filesystem_size_bytes', fs) - value(nodeText, 'node_filesystem_free_bytes', fs);
    // node_exporter reads statfs at each scrape, and the fixture sits on a live filesystem.
    expect(g.fullestDisk).toEqual({ mountpoint: '/', ratio: expect.closeTo(gUsed / (gUsed + value(nodeText, 'node_filesystem_avail_bytes', fs)), 3) });

    const gone = row(s, 'gone');
    expect(gone).toMatchObject({ up: false, state: 'critical', worst: { figure: 'down' }, cpuRatio: null, memoryRatio: null, exporters: [] });
  });

  it('network rates are bytes per second over physical interfaces (docker0 left out)', async () => {
    const s = JSON.parse((await fleet()).stdout) as FleetSnapshot;
    // Within a wide band: a unit slip (bits, per minute, loopback counted) is far outside it.
    for (const host of ['alpha', 'beta', 'gamma'] as const) {
      const h = row(s, host);
      // alpha's are node_exporter's, every physical interface: gamma's fixture, the same process.
      const [rx, tx] = RATES[host === 'alpha' ? 'gamma' : host];
      for (const [what, got, rate] of [
        ['receive', h.receiveBytesPerSecond, rx],
        ['transmit', h.transmitBytesPerSecond, tx],
      ] as const) {
        if (rate === 0) expect(got, `${host} ${what}`).toBe(0);
        else {
          expect(got, `${host} ${what}`).toBeGreaterThan(rate * 0.5);
          expect(got, `${host} ${what}`).toBeLessThan(rate * 1.6);
        }
      }
    }
    // node_exporter serves docker0 too (600 times faster than eth0): the fleet left it out.
    // (Debian's node_exporter leaves lo out itself; shoji's network module serves the default
    // route's interface, eth0, only.)
    const stored = await prometheus.query('node_network_receive_bytes_total{instance="gamma:9100"}');
    expect(stored.map((x) => x.metric.device).sort()).toEqual(['docker0', 'eth0']);
    const shoji = await prometheus.query('shoji_network_receive_bytes_total{instance="alpha:7465"}');
    expect(shoji.map((x) => x.metric.device)).toEqual(['eth0']);
  });

  it('--match narrows the fleet; host="..." stands for every instance of the host', async () => {
    const r = await fleet(['--match', 'host="alpha"']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as FleetSnapshot;
    expect(s.rows.map((h) => h.host)).toEqual(['alpha']);
    expect(s.rows[0].exporters).toEqual(['node', 'shoji']);
    const onlyNode = JSON.parse((await fleet(['--match', '{job="node"}'])).stdout) as FleetSnapshot;
    expect(onlyNode.rows.map((h) => h.host).sort()).toEqual(['alpha', 'gamma']);
    // alpha through node_exporter only: gamma's fixture, as both targets are the same process.
    expect(row(onlyNode, 'alpha').cpuRatio).toBeCloseTo(BUSY.gamma, 9);
    expect(onlyNode.total.costPerHourUsd).toBeNull();
    // alpha through its shoji exporter only: the busy share of its own CPU counters (iowait idle).
    // On a loaded machine the last two scrapes of shoji's counters may not both be in yet: the
    // rate is waited for (never a made-up one: null until it is there), then held to its bounds.
    const onlyShoji = await waitFor('alpha through its shoji exporter only, with a receive rate', async () => {
      const s = JSON.parse((await fleet(['--match', '{job="shoji"}'])).stdout) as FleetSnapshot;
      return row(s, 'alpha').receiveBytesPerSecond === null ? undefined : s;
    });
    expect(row(onlyShoji, 'alpha')).toMatchObject({ exporters: ['shoji'], cpuRatio: expect.closeTo(BUSY.alpha, 9) });
    expect(row(onlyShoji, 'alpha').receiveBytesPerSecond).toBeGreaterThan(RATES.alpha[0] * 0.5);
    expect(row(onlyShoji, 'alpha').receiveBytesPerSecond).toBeLessThan(RATES.alpha[0] * 1.6);
  });
});

describe('the fleet module in shoji status', () => {
  it('shows hosts up, the cost per hour and the worst host, from the same Prometheus', async () => {
    const s = sandbox();
    cleanups.push(s.cleanup);
    writeFileSync(join(s.configDir, 'config.yaml'), `icons: ascii\nleft: []\nright: [fleet]\nmodules:\n  fleet:\n    prometheus: ${prometheus.url}\n`);
    const expected = JSON.parse((await fleet()).stdout) as FleetSnapshot;
    // The module collects in the background: a first status starts it, a later one shows it.
    const seg = await waitFor('the fleet segment', async () => {
      const r = await runShoji(['status', '--format', 'json', '--side', 'right'], s.env);
      expect(r.code).toBe(0);
      const right = (JSON.parse(r.stdout) as { right: { id: string; text: string; state: string; data?: Record<string, unknown> }[] }).right;
      return right.find((x) => x.id === 'fleet' && x.data);
    });
    expect(seg.state).toBe('critical'); // a host is down
    expect(seg.data).toMatchObject({
      hosts: 4,
      hostsUp: 3,
      hostsDown: 1,
      worstHost: 'gone',
      worstFigure: 'down',
      worstRatio: null,
      prometheus: prometheus.url,
    });
    expect(seg.data!.costPerHourUsd).toBeCloseTo(expected.total.costPerHourUsd!, 12);
    expect(seg.data!.costPer30DaysUsd).toBeCloseTo(expected.total.costPer30DaysUsd!, 9);
    expect(seg.text).toMatch(/^3\/4 · \$\d+\.\d\d\/h · gone /);
  });
});

describe('when Prometheus is not there, hangs, fails or talks nonsense', () => {
  const hanging: import('node:http').ServerResponse[] = [];
  afterAll(() => {
    for (const res of hanging) res.destroy();
  });

  it('stopped: one line naming the URL, exit 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await runShoji(['fleet', '--prometheus', url], sb.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^shoji: Prometheus ${url}.*(refused|ECONNREFUSED)`, 'i'));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('hanging: gives up after --timeout with one line, exit 1', async () => {
    const url = await loopbackServer((_req, res) => void hanging.push(res)); // accepts, never answers
    const r = await runShoji(['fleet', '--prometheus', url, '--timeout', '1'], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^shoji: Prometheus ${url}.*\\b1 ?s\\b`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("a 500 with Prometheus's error JSON: its error quoted, exit 1", async () => {
    const url = await loopbackServer((_req, res) =>
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', errorType: 'internal', error: 'query processing would load too many samples' })),
    );
    const r = await runShoji(['fleet', '--prometheus', url], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^shoji: Prometheus ${url}.*500.*too many samples`));
  });

  it('garbage (with terminal escapes): a clear line quoting it, the escapes shown, not sent', async () => {
    const url = await loopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('\x1b[2J\x1b]0;owned\x07 garbage'));
    const r = await runShoji(['fleet', '--prometheus', url], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^shoji: Prometheus ${url}: .*not Prometheus's JSON`));
    expect(r.stderr).toContain('\\x1b[2J\\x1b]0;owned\\x07 garbage');
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).not.toContain('\x07');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it("a shoji exporter's URL given for Prometheus's: its 405 asks whether this is the Prometheus URL", async () => {
    const r = await runShoji(['fleet', '--prometheus', alpha.url], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `shoji: Prometheus ${alpha.url}: HTTP 405: not Prometheus's JSON but text/plain: "Method Not Allowed" (is this the Prometheus URL?)\n`,
    );
  });

  it('the fleet module fails with the same kind of line while shoji status keeps answering', async () => {
    const url = await loopbackServer((_req, res) => void hanging.push(res));
    const s = sandbox();
    cleanups.push(s.cleanup);
    writeFileSync(join(s.configDir, 'config.yaml'), `icons: ascii\nleft: []\nright: [load, fleet]\nmodules:\n  fleet:\n    prometheus: ${url}\n`);
    const seg = await waitFor(
      'the fleet segment to fail',
      async () => {
        const r = await runShoji(['status', '--format', 'json', '--side', 'right'], s.env);
        expect(r.code).toBe(0);
        const right = (JSON.parse(r.stdout) as { right: { id: string; state: string; error?: string }[] }).right;
        return right.find((x) => x.id === 'fleet' && x.state === 'failed');
      },
      20_000,
    );
    expect(seg.error).toMatch(new RegExp(`Prometheus ${url}`));
  });
});
