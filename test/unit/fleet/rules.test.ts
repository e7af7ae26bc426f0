/**
 * The recording rules and how a refresh chooses between recorded and raw figures, against a
 * Prometheus stand-in on loopback that answers the probe with the recorded names the test gives:
 * recorded where Prometheus has them (all, some, none), raw under a matcher on a label but
 * `host`, a host matcher on the recorded series' own label, a long-lived reader's probe
 * remembered and forgotten when the recorded series go. test/integration/fleet-rules.test.ts runs
 * the rules in a real Prometheus.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FleetQueries } from '../../../src/fleet/queries.js';
import { readFleet } from '../../../src/fleet/read.js';
import {
  RECORDED,
  RECORDED_NAME_PATTERN,
  RECORDED_FIGURES,
  RECORDED_PROBE,
  type RecordedFigure,
  RecordedRulesProbe,
  recordedFiguresOf,
  recordingRules,
} from '../../../src/fleet/rules.js';
import { type Asked, type FakePrometheus, fakePrometheus, json, vector } from './fake-prometheus.js';

let fake: FakePrometheus | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const ALL = RECORDED_FIGURES;

/** A Prometheus holding the recorded series of `figures` (what the probe answers); every snapshot gets one host up. */
async function serve(figures: readonly RecordedFigure[]): Promise<FakePrometheus> {
  return fakePrometheus((asked: Asked, res) => {
    if (asked.form.get('query') === RECORDED_PROBE) return json(res, vector(figures.map((f) => [{ __name__: RECORDED[f] }, 1000])));
    json(
      res,
      vector([
        [{ figure: 'up', host: 'web-3' }, 1],
        ...figures.map((f): [Record<string, string>, number] => [
          { figure: f, host: 'web-3', ...(f === 'disk' ? { mountpoint: '/' } : {}), ...(f === 'exporter' ? { exporter: 'shoji' } : {}) },
          0.5,
        ]),
      ]),
    );
  });
}
/** The snapshot a refresh read: its last query but the probe (the first, beside the probe, guesses every figure recorded). */
const snapshotQuery = (f: FakePrometheus) =>
  f.asked
    .filter((a) => a.form.get('query') !== RECORDED_PROBE)
    .at(-1)!
    .form.get('query')!;
const probes = (f: FakePrometheus) => f.asked.filter((a) => a.form.get('query') === RECORDED_PROBE).length;

describe('the rules', () => {
  it("record each costly figure from the snapshot's own expression, under names the probe finds", () => {
    const { groups } = recordingRules();
    expect(groups.map((g) => g.name)).toEqual(['shoji-fleet']);
    const figures = new FleetQueries().figures();
    expect(groups[0].rules).toEqual(ALL.map((f) => ({ record: RECORDED[f], expr: figures[f] })));
    expect(ALL).toEqual(['cpu', 'memory', 'load', 'receive', 'transmit', 'disk', 'cost_hour', 'cost_boot', 'exporter']);
    const names = Object.values(RECORDED);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(new RegExp(`^(?:${RECORDED_NAME_PATTERN})$`));
    expect(recordedFiguresOf([...names, 'host:other:ratio', ''])).toEqual(new Set(ALL));
  });
});

describe('a refresh', () => {
  it('reads every recorded figure from its series when Prometheus has them all, in a probe and one snapshot', async () => {
    fake = await serve(ALL);
    const s = await readFleet({ target: { url: fake.url } });
    expect([s.requests, fake.asked.length, probes(fake)]).toEqual([2, 2, 1]);
    const q = snapshotQuery(fake);
    for (const f of ALL) expect(q).toContain(RECORDED[f]);
    expect(q).toContain(`max by (host, mountpoint) (${RECORDED.disk})`);
    expect(q).toContain(`max by (host, exporter) (${RECORDED.exporter})`);
    // The costly selectors are gone.
    for (const raw of [
      'node_cpu_seconds_total',
      'node_network_receive_bytes_total',
      'node_filesystem_avail_bytes',
      'shoji_memory_used_bytes',
      'shoji_ec2_cost_info',
      'node_total_hourly_cost',
      'node_exporter_build_info',
      'last_over_time',
    ]) {
      expect(q).not.toContain(raw);
    }
    // Up stays raw: whether a host answers is read live.
    expect(q).toContain('max by (host) (label_replace(up, "host"');
    expect(s.rows[0]).toMatchObject({
      host: 'web-3',
      cpuRatio: 0.5,
      memoryRatio: 0.5,
      fullestDisk: { mountpoint: '/', ratio: 0.5 },
      costPerHourUsd: 0.5,
      costSinceBootUsd: 0.5,
      exporters: ['shoji'],
    });
  });

  it('asks for the snapshot beside the probe, not after its answer', async () => {
    fake = await serve(ALL);
    const answer = fake.handle;
    const events: string[] = [];
    // The probe is answered only once the snapshot has been asked for (or after 2 s, to fail rather than hang).
    fake.handle = (asked, res) => {
      const probe = asked.form.get('query') === RECORDED_PROBE;
      events.push(probe ? 'probe asked' : 'snapshot asked');
      if (!probe) return answer(asked, res);
      const started = Date.now();
      const wait = setInterval(() => {
        if (!events.includes('snapshot asked') && Date.now() - started < 2000) return;
        clearInterval(wait);
        events.push('probe answered');
        answer(asked, res);
      }, 5);
    };
    const s = await readFleet({ target: { url: fake.url } });
    expect(events).toEqual(['probe asked', 'snapshot asked', 'probe answered']);
    expect([s.requests, s.rows[0].cpuRatio]).toEqual([2, 0.5]);
  });

  it('with some figures recorded, reads those recorded and the rest raw, once the probe beside the first guess has said which', async () => {
    fake = await serve(['cpu', 'receive']);
    const s = await readFleet({ target: { url: fake.url } });
    expect([s.requests, probes(fake)]).toEqual([3, 1]);
    const q = snapshotQuery(fake);
    expect([q.includes(RECORDED.cpu), q.includes(RECORDED.receive), q.includes(RECORDED.memory)]).toEqual([true, true, false]);
    expect(q).not.toContain('node_cpu_seconds_total{mode=~"idle|iowait"}');
    expect(q).toContain('node_memory_MemTotal_bytes');
    expect(q).toContain('node_network_transmit_bytes_total');
  });

  it('without recording rules in Prometheus, reads every figure raw, as the snapshot query has it', async () => {
    fake = await serve([]);
    const s = await readFleet({ target: { url: fake.url } });
    expect(snapshotQuery(fake)).toBe(new FleetQueries().snapshot());
    // The probe, the guess that every figure is recorded (asked at the same time), the raw snapshot.
    expect(s.requests).toBe(3);
  });

  it('with a matcher on any label but host, reads raw without asking: recorded series have no such label', async () => {
    fake = await serve(ALL);
    const s = await readFleet({ target: { url: fake.url }, match: 'host="web-3", env="prod"' });
    expect([s.requests, probes(fake)]).toEqual([1, 0]);
    expect(snapshotQuery(fake)).toBe(
      new FleetQueries([
        { name: 'host', op: '=', value: 'web-3' },
        { name: 'env', op: '=', value: 'prod' },
      ]).snapshot(),
    );
  });

  it("with host matchers only, narrows the recorded series by their host label, the raw ones by the host's instances", async () => {
    fake = await serve(ALL);
    await readFleet({ target: { url: fake.url }, match: 'host=~"web-.*", host!="web-9"' });
    const q = snapshotQuery(fake);
    expect(q).toContain(`max by (host) (${RECORDED.cpu}{host=~"web-.*", host!="web-9"})`);
    expect(q).toContain('up{instance=~"(?:web-.*)(?::[0-9]+)?", instance!~"web-9(?::[0-9]+)?"}');
  });

  it('reads raw when told to, without asking', async () => {
    fake = await serve(ALL);
    await readFleet({ target: { url: fake.url }, recorded: false });
    expect([fake.asked.length, snapshotQuery(fake)]).toEqual([1, new FleetQueries().snapshot()]);
  });
});

describe("a long-lived reader's probe", () => {
  it('is asked once for several refreshes, again after it is forgotten or too old, and again at once when the recorded series went', async () => {
    let now = 1_000_000;
    const probe = new RecordedRulesProbe(300_000, () => now);
    fake = await serve(ALL);
    for (let i = 0; i < 3; i++) await readFleet({ target: { url: fake.url }, recorded: probe });
    expect([fake.asked.length, probes(fake)]).toEqual([4, 1]);
    now += 300_000;
    await readFleet({ target: { url: fake.url }, recorded: probe });
    expect(probes(fake)).toBe(2);
    // The rules unloaded: the probe's answer says they are there, the snapshot finds none of them.
    fake.handle = (_a, res) => json(res, vector([[{ figure: 'up', host: 'web-3' }, 1]]));
    await readFleet({ target: { url: fake.url }, recorded: probe });
    await readFleet({ target: { url: fake.url }, recorded: probe });
    expect(probes(fake)).toBe(3);
    expect(snapshotQuery({ ...fake, asked: fake.asked.slice(-1) })).toBe(new FleetQueries().snapshot());
  });

  it('is not asked again for a Prometheus without rules, nor for one recorded figure no host has', async () => {
    const probe = new RecordedRulesProbe(300_000);
    fake = await serve([]);
    for (let i = 0; i < 3; i++) await readFleet({ target: { url: fake.url }, recorded: probe });
    // The first refresh: the probe, the guess beside it, the raw snapshot; then one snapshot each.
    expect([fake.asked.length, probes(fake)]).toEqual([5, 1]);
    await fake.close();
    // Every figure recorded, but no host has a disk: the answer has no disk series.
    const other = new RecordedRulesProbe(300_000);
    fake = await serve(ALL);
    const answer = fake.handle;
    fake.handle = (asked, res) => {
      if (asked.form.get('query') === RECORDED_PROBE) return answer(asked, res);
      json(
        res,
        vector([
          [{ figure: 'up', host: 'web-3' }, 1],
          [{ figure: 'cpu', host: 'web-3' }, 0.5],
        ]),
      );
    };
    for (let i = 0; i < 3; i++) await readFleet({ target: { url: fake.url }, recorded: other });
    expect(probes(fake)).toBe(1);
  });

  it('asks again for another Prometheus', async () => {
    const probe = new RecordedRulesProbe(300_000);
    fake = await serve(ALL);
    const other = await serve([]);
    try {
      await readFleet({ target: { url: fake.url }, recorded: probe });
      await readFleet({ target: { url: other.url }, recorded: probe });
      expect([probes(fake), probes(other), snapshotQuery(other)]).toEqual([1, 1, new FleetQueries().snapshot()]);
    } finally {
      await other.close();
    }
  });
});
