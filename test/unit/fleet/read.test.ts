/**
 * One refresh against a Prometheus stand-in on loopback: the same number of requests for 1 host
 * or 1,000 (the probe for recorded figures and the snapshot, and one more while a host is down), Prometheus's samples turned into rows as they were
 * given, down hosts without stale figures, worst first, the row cap counted, the total over all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compareHosts, type FleetHost, judgeHost, totalOf } from '../../../src/fleet/model.js';
import { readFleet, readFleetHistory } from '../../../src/fleet/read.js';
import { type Asked, type FakePrometheus, fakePrometheus, json, vector } from './fake-prometheus.js';

let fake: FakePrometheus | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

type Sample = [Record<string, string>, number];

/** What Prometheus answers the snapshot query with for `n` hosts, the first `down` of them down. */
function fleetSamples(n: number, down = 0): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const host = `host-${String(i).padStart(4, '0')}`;
    const f = (figure: string, value: number, extra: Record<string, string> = {}): Sample => [{ figure, host, ...extra }, value];
    if (i < down) {
      out.push(f('up', 0), f('cpu', 0.99));
      continue;
    }
    out.push(
      f('up', 1),
      f('cpu', (i % 100) / 100),
      f('memory', 0.1),
      f('load', 0.25),
      f('receive', 1000 + i),
      f('transmit', 10),
      f('disk', 0.05, { mountpoint: '/' }),
      f('exporter', 1, { exporter: 'node' }),
    );
  }
  return out;
}

function serveFleet(n: number, down = 0): Promise<FakePrometheus> {
  return fakePrometheus((asked: Asked, res) => {
    const query = asked.form.get('query') ?? '';
    if (query.includes('max_over_time(timestamp(')) {
      const hosts = /instance=~"\(\?:([^)]*)\)/.exec(query)![1].split('|');
      return json(res, vector(hosts.map((host, i): Sample => [{ host: host.replace(/\\\\/g, '') }, 1_699_999_000 + i])));
    }
    json(res, vector(fleetSamples(n, down)));
  });
}

describe('requests per refresh', () => {
  it('are the same for 1 host and for 1,000: three, and four while some host is down', async () => {
    const counts: Record<string, number> = {};
    for (const [n, down] of [
      [1, 0],
      [1000, 0],
      [1, 1],
      [1000, 7],
    ]) {
      fake = await serveFleet(n, down);
      const snapshot = await readFleet({ target: { url: fake.url } });
      expect(snapshot.total.hosts).toBe(n);
      expect(fake.asked.length).toBe(snapshot.requests);
      counts[`${n} hosts, ${down} down`] = snapshot.requests;
      await fake.close();
      fake = undefined;
    }
    // The probe for recorded figures (src/fleet/rules.ts; none here) and beside it the snapshot as if
    // every figure were, the snapshot of raw figures, and when the down hosts last answered.
    expect(counts).toEqual({ '1 hosts, 0 down': 3, '1000 hosts, 0 down': 3, '1 hosts, 1 down': 4, '1000 hosts, 7 down': 4 });
  });

  it('history is four range queries for every host, or for one', async () => {
    fake = await fakePrometheus((_a, res) =>
      json(res, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { host: 'a' }, values: [] }] } })),
    );
    const all = await readFleetHistory({ target: { url: fake.url }, rangeSeconds: 600, stepSeconds: 60 });
    expect(all.requests).toBe(4);
    expect(all.times).toHaveLength(11);
    const one = await readFleetHistory({ target: { url: fake.url }, host: 'web-1.example', rangeSeconds: 600, stepSeconds: 60 });
    expect(one.requests).toBe(4);
    expect(fake.asked.slice(4).every((a) => a.form.get('query')!.includes('instance=~"web-1\\\\.example(?::[0-9]+)?"'))).toBe(true);
  });
});

describe('rows', () => {
  it('are what Prometheus answered, worst first, with the total over every host', async () => {
    fake = await fakePrometheus((asked, res) => {
      if (asked.form.get('query')!.includes('max_over_time(timestamp(')) return json(res, vector([[{ host: 'old' }, 1_699_990_000]]));
      json(
        res,
        vector([
          [{ figure: 'up', host: 'web' }, 1],
          [{ figure: 'cpu', host: 'web' }, 0.42],
          [{ figure: 'memory', host: 'web' }, 0.75],
          [{ figure: 'load', host: 'web' }, 0.5],
          [{ figure: 'receive', host: 'web' }, 1000],
          [{ figure: 'transmit', host: 'web' }, 250],
          [{ figure: 'disk', host: 'web', mountpoint: '/data' }, 0.97],
          [{ figure: 'disk', host: 'web', mountpoint: '/a' }, 0.97],
          [{ figure: 'cost_hour', host: 'web' }, 0.109],
          [{ figure: 'cost_boot', host: 'web' }, 2.1],
          [{ figure: 'exporter', host: 'web', exporter: 'shoji' }, 1],
          [{ figure: 'exporter', host: 'web', exporter: 'node' }, 1],
          [{ figure: 'up', host: 'idle' }, 1],
          [{ figure: 'cpu', host: 'idle' }, Number.NaN],
          [{ figure: 'up', host: 'old' }, 0],
          [{ figure: 'cpu', host: 'old' }, 0.5],
          [{ figure: 'up', host: 'never' }, 0],
          [{ figure: 'cpu', host: 'not-a-target' }, 0.9],
        ]),
      );
    });
    const s = await readFleet({ target: { url: fake.url }, match: 'job="x"' });
    expect(s.rows.map((r) => r.host)).toEqual(['never', 'old', 'web', 'idle']);
    const empty = { cpuRatio: null, memoryRatio: null, loadPerCore: null, receiveBytesPerSecond: null, transmitBytesPerSecond: null };
    const none = { ...empty, fullestDisk: null, costPerHourUsd: null, costSinceBootUsd: null, exporters: [] };
    expect(s.rows).toEqual([
      { host: 'never', up: false, downSince: null, ...none, state: 'critical', worst: { figure: 'down', ratio: null } },
      { host: 'old', up: false, downSince: 1_699_990_000, ...none, state: 'critical', worst: { figure: 'down', ratio: null } },
      {
        host: 'web',
        up: true,
        downSince: null,
        cpuRatio: 0.42,
        memoryRatio: 0.75,
        loadPerCore: 0.5,
        receiveBytesPerSecond: 1000,
        transmitBytesPerSecond: 250,
        fullestDisk: { mountpoint: '/a', ratio: 0.97 },
        costPerHourUsd: 0.109,
        costSinceBootUsd: 2.1,
        exporters: ['node', 'shoji'],
        state: 'critical',
        worst: { figure: 'disk', ratio: 0.97 },
      },
      { host: 'idle', up: true, downSince: null, ...none, state: 'good', worst: null },
    ]);
    expect(s.total).toEqual({
      hosts: 4,
      hostsUp: 2,
      hostsDown: 2,
      costPerHourUsd: 0.109,
      costPer30DaysUsd: 0.109 * 720,
      hostsWithCost: 1,
      hostsDownWithCost: 0,
    });
    expect(s.match).toBe('job="x"');
    // The down hosts' instances, with any port, and the user's matcher.
    expect(fake.asked[1].form.get('query')).toContain('up{instance=~"(?:never|old)(?::[0-9]+)?", job="x"} == 1');
  });

  it('leaves out what a figure cannot be: a negative cost, rate or load, a ratio far outside 0–1', async () => {
    fake = await fakePrometheus((_a, res) =>
      json(
        res,
        vector([
          [{ figure: 'up', host: 'odd' }, 1],
          [{ figure: 'cpu', host: 'odd' }, -0.5],
          [{ figure: 'memory', host: 'odd' }, 150],
          [{ figure: 'load', host: 'odd' }, -1],
          [{ figure: 'receive', host: 'odd' }, -10],
          [{ figure: 'transmit', host: 'odd' }, 20],
          [{ figure: 'disk', host: 'odd', mountpoint: '/' }, -0.1],
          [{ figure: 'disk', host: 'odd', mountpoint: '/big' }, 1e6],
          [{ figure: 'cost_hour', host: 'odd' }, -5],
          [{ figure: 'cost_boot', host: 'odd' }, -1],
          [{ figure: 'up', host: 'fine' }, 1],
          [{ figure: 'cpu', host: 'fine' }, 1.02],
          [{ figure: 'disk', host: 'fine', mountpoint: '/' }, 0],
          [{ figure: 'cost_hour', host: 'fine' }, 0],
        ]),
      ),
    );
    const s = await readFleet({ target: { url: fake.url } });
    const odd = s.rows.find((r) => r.host === 'odd');
    expect(odd).toMatchObject({
      cpuRatio: null,
      memoryRatio: null,
      loadPerCore: null,
      receiveBytesPerSecond: null,
      transmitBytesPerSecond: 20,
      fullestDisk: null,
      costPerHourUsd: null,
      costSinceBootUsd: null,
      worst: null,
    });
    // A share a little over 1 (CPU time read a moment apart) and zeros stay.
    expect(s.rows.find((r) => r.host === 'fine')).toMatchObject({ cpuRatio: 1.02, fullestDisk: { mountpoint: '/', ratio: 0 }, costPerHourUsd: 0 });
    expect(s.total).toMatchObject({ costPerHourUsd: 0, hostsWithCost: 1 });
  });

  it('a host that is down keeps its last known cost, in its row and in the total, and nothing else', async () => {
    fake = await fakePrometheus((asked, res) => {
      if (asked.form.get('query')!.includes('max_over_time(timestamp(')) return json(res, vector([]));
      json(
        res,
        vector([
          [{ figure: 'up', host: 'gone' }, 0],
          [{ figure: 'cpu', host: 'gone' }, 0.5],
          [{ figure: 'cost_hour', host: 'gone' }, 0.2],
          [{ figure: 'cost_boot', host: 'gone' }, 7],
          [{ figure: 'up', host: 'web' }, 1],
          [{ figure: 'cost_hour', host: 'web' }, 0.1],
        ]),
      );
    });
    const s = await readFleet({ target: { url: fake.url } });
    expect(s.rows[0]).toMatchObject({ host: 'gone', up: false, cpuRatio: null, costPerHourUsd: 0.2, costSinceBootUsd: null });
    expect(s.total).toMatchObject({ hostsWithCost: 2, hostsDownWithCost: 1, costPerHourUsd: expect.closeTo(0.3, 12) });
  });

  it('history leaves out points a figure cannot be', async () => {
    fake = await fakePrometheus((asked, res) => {
      const start = Number(asked.form.get('start'));
      const values = [
        [start, '-1'],
        [start + 60, '0.5'],
        [start + 120, '1000'],
      ];
      json(res, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { host: 'a' }, values }] } }));
    });
    const h = await readFleetHistory({ target: { url: fake.url }, rangeSeconds: 120, stepSeconds: 60 });
    // Every query got the same answer: as a ratio 1000 is implausible, as bytes/s it is fine.
    expect(h.cpuRatio.a).toEqual([null, 0.5, null]);
    expect(h.receiveBytesPerSecond.a).toEqual([null, 0.5, 1000]);
  });

  it('keeps maxRows rows and counts the rest, the total still over all', async () => {
    fake = await serveFleet(30);
    const s = await readFleet({ target: { url: fake.url }, maxRows: 5 });
    expect(s.rows).toHaveLength(5);
    expect(s.omitted).toBe(25);
    expect(s.total.hosts).toBe(30);
    // The busiest first: host-0029 has the highest CPU (0.29).
    expect(s.rows.map((r) => r.host)).toEqual(['host-0029', 'host-0028', 'host-0027', 'host-0026', 'host-0025']);
  });
});

describe('judging a host', () => {
  const base = {
    host: 'h',
    up: true,
    downSince: null,
    cpuRatio: 0.2,
    memoryRatio: 0.9,
    loadPerCore: 3,
    receiveBytesPerSecond: null,
    transmitBytesPerSecond: null,
    fullestDisk: { mountpoint: '/', ratio: 0.5 },
    costPerHourUsd: null,
    costSinceBootUsd: null,
    exporters: [],
  } satisfies Omit<FleetHost, 'state' | 'worst'>;

  it('by the highest of CPU, memory and disk against the thresholds', () => {
    expect(judgeHost(base, { warning: 85, critical: 95 })).toMatchObject({ state: 'warning', worst: { figure: 'memory', ratio: 0.9 } });
    expect(judgeHost({ ...base, fullestDisk: { mountpoint: '/', ratio: 0.96 } }, { warning: 85, critical: 95 })).toMatchObject({
      state: 'critical',
      worst: { figure: 'disk', ratio: 0.96 },
    });
    expect(judgeHost(base, { warning: 95 })).toMatchObject({ state: 'good' });
    expect(judgeHost({ ...base, up: false }, {})).toMatchObject({ state: 'critical', worst: { figure: 'down', ratio: null } });
  });

  it('sorts down hosts first (longest down first), then by state, figure and name', () => {
    const t = { warning: 85, critical: 95 };
    const hosts = [
      judgeHost({ ...base, host: 'b', memoryRatio: 0.5 }, t),
      judgeHost({ ...base, host: 'a', memoryRatio: 0.5 }, t),
      judgeHost({ ...base, host: 'late', up: false, downSince: 2000 }, t),
      judgeHost({ ...base, host: 'hot', memoryRatio: 0.99 }, t),
      judgeHost({ ...base, host: 'early', up: false, downSince: 1000 }, t),
      judgeHost({ ...base, host: 'unknown', up: false }, t),
    ];
    expect(hosts.sort(compareHosts).map((h) => h.host)).toEqual(['unknown', 'early', 'late', 'hot', 'a', 'b']);
    expect(totalOf(hosts)).toEqual({
      hosts: 6,
      hostsUp: 3,
      hostsDown: 3,
      costPerHourUsd: null,
      costPer30DaysUsd: null,
      hostsWithCost: 0,
      hostsDownWithCost: 0,
    });
  });
});
