/**
 * A host is one machine however many targets bring its metrics, against a real Prometheus
 * (Debian's, on a free loopback port) scraping loopback servers that serve fixed exposition text:
 * - twin: the same shoji metrics through two targets (its exporter on :7465 and node_exporter's
 *   textfile collector on :9100): its traffic, cost and cost since boot counted once;
 * - both: a shoji exporter and a node_exporter: node_exporter's CPU and every physical
 *   interface, shoji's memory, and the fuller disk of the two (node_exporter's /data at 99 %,
 *   which shoji's disk module, reporting / only, does not see);
 * - counters: a shoji exporter with shoji_cpu_seconds_total: its busy share from them, not from
 *   the gauge;
 * - what-if and off-ec2: estimates of what a machine would cost on EC2, left out of the bill
 *   (shoji's node_total_hourly_cost from them too);
 * - paid: an EC2 host stopped once Prometheus has seen its cost: down, still counted at it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetHost, FleetSnapshot } from '../../src/fleet/model.js';
import { FleetQueries } from '../../src/fleet/queries.js';
import { requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';
import { type RunningPrometheus, startPrometheus, stopAll } from '../helpers/prometheus.js';
import { type FixtureServer, type NodeHost, rateAt, serveNodeHost, serveShojiHost, type ShojiHost } from './fleet-fixtures.js';

const GB = 1e9;
const shojiHost = (o: Partial<ShojiHost>): ShojiHost => ({
  cpu: 0.1,
  memoryTotal: 10 * GB,
  memoryUsed: 6 * GB,
  load1: 1,
  cpus: 4,
  receive: { eth0: 1000 },
  transmit: { eth0: 100 },
  filesystems: { '/': [50, 50] },
  ...o,
});

const TWIN = shojiHost({
  receive: { eth0: 10_000 },
  transmit: { eth0: 2000 },
  hourly: { compute: 0.1, ebs: 0.01 },
  sinceBoot: { compute: 5, egress: 0.5 },
  openCostHourly: 0.1,
});
const BOTH_SHOJI = shojiHost({ cpu: 0.3, receive: { eth0: 1000 }, filesystems: { '/': [50, 50] } });
const BOTH_NODE: NodeHost = {
  busy: 0.25,
  cpus: 2,
  memTotal: 16 * GB,
  memAvailable: 12 * GB,
  load1: 0.5,
  rates: { eth0: [4000, 1000], eth1: [3000, 500], docker0: [1e6, 1e6] },
  filesystems: {
    '/': { size: 100 * GB, free: 60 * GB, avail: 55 * GB },
    '/data': { size: 100 * GB, free: 1 * GB, avail: 1 * GB },
    '/run': { size: 1 * GB, free: 0, avail: 0, fstype: 'tmpfs' },
  },
};
const COUNTERS = shojiHost({ cpu: 0.1, cpuSecondsBusy: 0.6 });
const WHAT_IF = shojiHost({ hourly: { compute: 0.5 }, sinceBoot: { compute: 9 }, costMode: 'what-if', openCostHourly: 0.5 });
const OFF_EC2 = shojiHost({ hourly: { compute: 0.7 }, sinceBoot: { compute: 3 }, costMode: 'off-ec2', openCostHourly: 0.7 });
const PAID = shojiHost({ hourly: { compute: 0.2 }, sinceBoot: { compute: 1 } });

let prom: RunningPrometheus;
const servers: Record<string, FixtureServer> = {};
let sb: Sandbox;
let snapshot: FleetSnapshot;

beforeAll(async () => {
  requireBuild();
  servers.twin = await serveShojiHost(TWIN);
  servers.bothShoji = await serveShojiHost(BOTH_SHOJI);
  servers.bothNode = await serveNodeHost(BOTH_NODE);
  servers.counters = await serveShojiHost(COUNTERS);
  servers.whatIf = await serveShojiHost(WHAT_IF);
  servers.offEc2 = await serveShojiHost(OFF_EC2);
  servers.paid = await serveShojiHost(PAID);
  const at = (server: string, instance: string) => ({ address: servers[server].address, labels: { instance } });
  prom = await startPrometheus({
    jobs: [
      {
        job: 'shoji',
        targets: [
          at('twin', 'twin:7465'),
          at('bothShoji', 'both:7465'),
          at('counters', 'counters:7465'),
          at('whatIf', 'what-if:7465'),
          at('offEc2', 'off-ec2:7465'),
          at('paid', 'paid:7465'),
        ],
      },
      // twin's shoji metrics again, as node_exporter's textfile collector would serve them.
      { job: 'node', targets: [at('twin', 'twin:9100'), at('bothNode', 'both:9100')] },
    ],
  });
  await prom.waitForTargetsUp(8);
  // Rates need two scrapes of every counter.
  await prom.waitForQuery('irate(shoji_network_receive_bytes_total[5m])', 7);
  await prom.waitForQuery('irate(node_network_receive_bytes_total[5m])', 3);
  await prom.waitForQuery('irate(shoji_cpu_seconds_total[5m])', 2);
  // paid's cost seen, then it stops answering.
  await prom.waitForQuery('shoji_ec2_hourly_cost_usd{instance="paid:7465"}');
  await servers.paid.close();
  await prom.waitForQuery('up{instance="paid:7465"} == 0');
  sb = sandbox({ NO_COLOR: '1' });
  const r = await runShoji(['fleet', '--json', '--prometheus', prom.url], sb.env);
  expect([r.code, r.stderr]).toEqual([0, '']);
  snapshot = JSON.parse(r.stdout) as FleetSnapshot;
}, 90_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await stopAll();
  sb?.cleanup();
});

const row = (host: string): FleetHost => {
  const r = snapshot.rows.find((x) => x.host === host);
  if (!r) throw new Error(`no row for ${host} in ${snapshot.rows.map((x) => x.host).join(', ')}`);
  return r;
};

/** What Prometheus itself says the irate of a counter summed over `devices` was for one instance at the snapshot's time. */
const rateNow = (metric: string, instance: string, devices: string) => rateAt(prom, metric, instance, devices, snapshot.at);

describe('one machine through several targets', () => {
  it('the same shoji metrics on two targets: traffic and cost counted once', async () => {
    const twin = row('twin');
    expect(twin).toMatchObject({ up: true, exporters: ['shoji'], costPerHourUsd: expect.closeTo(0.11, 12), costSinceBootUsd: expect.closeTo(5.5, 12) });
    // The larger of the two targets' rates, each the fixture's 10,000 B/s within the scrape timing; their sum would be twice that.
    const [a, b] = await Promise.all([
      rateNow('shoji_network_receive_bytes_total', 'twin:7465', 'eth0'),
      rateNow('shoji_network_receive_bytes_total', 'twin:9100', 'eth0'),
    ]);
    expect(twin.receiveBytesPerSecond).toBeCloseTo(Math.max(a, b), 6);
    expect(twin.receiveBytesPerSecond).toBeGreaterThan(8000);
    expect(twin.receiveBytesPerSecond).toBeLessThan(12_500);
    expect(twin.transmitBytesPerSecond).toBeLessThan(2500);
  });

  it("both exporters: node_exporter's CPU and interfaces, shoji's memory, the fuller disk of the two", async () => {
    const both = row('both');
    expect(both).toMatchObject({
      up: true,
      exporters: ['node', 'shoji'],
      cpuRatio: expect.closeTo(BOTH_NODE.busy, 9),
      memoryRatio: expect.closeTo(0.6, 12),
      loadPerCore: expect.closeTo(1 / 4, 12),
      // node_exporter's /data at 99 %, which shoji's disk module (/ only) does not report.
      fullestDisk: { mountpoint: '/data', ratio: expect.closeTo(0.99, 12) },
      state: 'critical',
      worst: { figure: 'disk', ratio: expect.closeTo(0.99, 12) },
    });
    // eth0 and eth1 from node_exporter (docker0 left out), not shoji's eth0 alone.
    expect(both.receiveBytesPerSecond).toBeCloseTo(await rateNow('node_network_receive_bytes_total', 'both:9100', 'eth0|eth1'), 6);
    expect(both.receiveBytesPerSecond).toBeGreaterThan(5600);
    expect(both.receiveBytesPerSecond).toBeLessThan(8750);
  });

  it("shoji's CPU seconds, where its exporter has them, over its gauge", () => {
    expect(row('counters').cpuRatio).toBeCloseTo(0.6, 9);
  });
});

describe('the cost', () => {
  it("leaves out what-if and off-EC2 estimates, shoji's OpenCost name for them included", () => {
    for (const host of ['what-if', 'off-ec2']) expect(row(host), host).toMatchObject({ up: true, costPerHourUsd: null, costSinceBootUsd: null });
  });

  it('counts a host that is down at its last known hourly cost, and says so', async () => {
    expect(row('paid')).toMatchObject({ up: false, state: 'critical', costPerHourUsd: 0.2, costSinceBootUsd: null, cpuRatio: null });
    expect(snapshot.total).toEqual({
      hosts: 6,
      hostsUp: 5,
      hostsDown: 1,
      costPerHourUsd: expect.closeTo(0.31, 12),
      costPer30DaysUsd: expect.closeTo(0.31 * 720, 9),
      hostsWithCost: 2,
      hostsDownWithCost: 1,
    });
    // The probe for recorded figures (none here) and the guess beside it, the raw snapshot, when paid last answered.
    expect(snapshot.requests).toBe(4);
    const r = await runShoji(['fleet', '--prometheus', prom.url], sb.env);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'total: 6 hosts, 5 up, 1 down · $0.31/h · $223 per 30 days (2 of 6 hosts; 1 down, at its last known cost)',
    );
  });
});

describe('the snapshot query', () => {
  it("answers every figure's own series, each marked with its figure, and nothing else", async () => {
    type Answer = { result: { metric: Record<string, string>; value: [number, string] }[] };
    const queries = new FleetQueries();
    // At the moment shoji fleet read, when every target had been scraped (paid's last scrape failed).
    const ask = (promql: string) => prom.api<Answer>(`/api/v1/query?time=${snapshot.at}&query=${encodeURIComponent(promql)}`);
    const rows = (answer: Answer, figure?: string) =>
      answer.result.map(({ metric, value }) => JSON.stringify([Object.entries(figure ? { ...metric, figure } : metric).sort(), value[1]])).sort();
    const names = Object.keys(queries.figures());
    const each = await Promise.all(Object.values(queries.figures()).map(async (expr, i) => rows(await ask(expr), names[i])));
    // Every figure has series here, so none can go missing unseen.
    expect(names.filter((_, i) => each[i].length === 0)).toEqual([]);
    expect(rows(await ask(queries.snapshot()))).toEqual(each.flat().sort());
  });
});
