/**
 * The ec2-cost status module's month to date (`show: month`): the segment's text with the bounds
 * equal and different, under UTF-8 and LANG=C; the month fields of its data and the exporter's
 * samples of them; when the month is worked out (shown, or a long-lived process) and when not;
 * a ledger that cannot be read. The ledgers are written by the real store from the samples of
 * docs/ec2-cost.md's month example (month-examples.ts), whose figures the doc and the golden
 * `ec2-cost --month` tests give: ~$54.04 to date, up to ~$58.87 with the time between boots billed.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ec2Cost from '../../../plugins/ec2-cost/index.js';
import type { MetricFamily } from '../../../src/core/metrics.js';
import type { Ec2CostData } from '../../../src/ec2/data.js';
import { recordSample } from '../../../src/ec2/ledger/store.js';
import { stopMinuteRecorder } from '../../../src/ec2/ledger/collect.js';
import type { HostSample } from '../../../src/ec2/ledger/types.js';
import { monthName } from '../../../src/ec2/month-to-date.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { at, DOC_RUNS, GIB, type HostState } from './month-examples.js';

/** Priced as the doc's example is (a what-if on a host that is not EC2: no public IPv4, no metadata service). */
const PRICED_AS = { instance_type: 'm7i.large', region: 'us-east-1' };

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
});
afterEach(() => {
  stopMinuteRecorder();
  tree.cleanup();
});

const stateDir = () => join(tree.dir, 'state');
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
  AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
  LANG: 'C.UTF-8',
  ...extra,
});

function sampleOf(s: HostState): HostSample {
  return {
    bootId: s.bootId,
    bootTime: at(s.bootTime),
    at: at(s.at),
    counters: new Map([['eth0', { tx: BigInt(s.txGiB) * GIB, rx: BigInt(s.rxGiB) * GIB }]]),
  };
}

/** The fixture host as one state shows it: its boot, btime, uptime and eth0's counters. */
function hostAt(s: HostState): void {
  proc(tree, { bootId: s.bootId, uptime: `${at(s.at) - at(s.bootTime)}.00`, tx: Number(BigInt(s.txGiB) * GIB), rx: Number(BigInt(s.rxGiB) * GIB) });
  tree.write('proc/stat', `cpu  1 0 1 100 0 0 0 0 0 0\nbtime ${at(s.bootTime)}\n`);
}

/** The ledger written by the store from `runs`, and the host as the latest shows it (the module's own collect then records nothing new). */
function ledgerOf(runs: HostState[]): void {
  for (const s of runs) expect(recordSample({ SHOJI_STATE_DIR: stateDir() }, sampleOf(s)).status).toBe('recorded');
  hostAt(runs[runs.length - 1]);
}

/** One collect, at moduleContext's clock (2026-11-23 12:00 UTC), one-shot unless `longLived`. */
async function collect(options: Record<string, unknown>, extraEnv: NodeJS.ProcessEnv = {}, longLived = false) {
  const ctx = moduleContext(ec2Cost, tree, { ...PRICED_AS, ...options }, env(extraEnv));
  if (longLived) ctx.longLived = { log: () => {} };
  const r = await ec2Cost.collect(ctx, undefined);
  return { reading: r.reading!, data: r.data as Ec2CostData };
}

/** Boot 2 of the doc alone: 204 h from 12 November, 70 GiB sent; nothing between boots, so the bounds are equal. */
const ONE_BOOT = DOC_RUNS.slice(2);
const ONE_BOOT_USD = 204 * 0.1008 + 70 * 0.09;

describe('show: month, the segment', () => {
  it('two boots with time between them: the lower bound marked ≥ (rounded as `ec2-cost --month` rounds it), and the month', async () => {
    ledgerOf(DOC_RUNS);
    const { reading, data } = await collect({ show: 'month' });
    expect(reading.text).toBe('≥$54.04 Nov');
    expect(reading.state).toBe('info');
    expect(data.monthToDateUsd).toBeCloseTo(54.036, 8);
    expect(data.monthToDateUpperUsd).toBeCloseTo(58.8744, 8);
  });

  it('one boot: the bounds are equal, an estimate like the cost since boot', async () => {
    ledgerOf(ONE_BOOT);
    const { reading, data } = await collect({ show: 'month' });
    expect(reading.text).toBe('~$26.86 Nov');
    expect(data.monthToDateUsd).toBeCloseTo(ONE_BOOT_USD, 8);
    expect(data.monthToDateUpperUsd).toBe(data.monthToDateUsd);
  });

  it('under LANG=C: ASCII, ">=" for "≥"', async () => {
    ledgerOf(DOC_RUNS);
    expect((await collect({ show: 'month' }, { LANG: 'C' })).reading.text).toBe('>=$54.04 Nov');
    expect((await collect({ show: 'month' }, { LANG: 'C.UTF-8', LC_ALL: 'POSIX' })).reading.text).toBe('>=$54.04 Nov');
  });

  it('under LANG=C with the bounds equal: the same text as on UTF-8 (all ASCII already)', async () => {
    ledgerOf(ONE_BOOT);
    expect((await collect({ show: 'month' }, { LANG: 'C' })).reading.text).toBe('~$26.86 Nov');
  });

  it('the detail says what the figure is, first; the cost since boot stays in it', async () => {
    ledgerOf(DOC_RUNS);
    const { reading } = await collect({ show: 'month' });
    expect(reading.detail![0]).toEqual({
      label: 'This month',
      value:
        '~$54.04 in 2026-11 (UTC) to date, up to ~$58.87 if the time between boots was billed (a reboot, not a stop), from what shoji recorded across boots; `ec2-cost --month` explains it',
    });
    expect(reading.detail!.map((d) => d.label)).toContain('Since boot');
  });

  it('show: boot (the default) is the cost since boot, as before', async () => {
    ledgerOf(DOC_RUNS);
    const { reading } = await collect({});
    expect(reading.text).toMatch(/^~\$\d+\.\d\d$/);
    expect(reading.detail!.map((d) => d.label)).not.toContain('This month');
  });

  it('a ledger that cannot be read: the cost since boot, marked "boot" and not as the month, and why', async () => {
    hostAt(ONE_BOOT[0]);
    // The ledger's folder a link to somewhere else: not a private folder, the ledger in it is neither written nor read.
    mkdirSync(join(tree.dir, 'elsewhere'), { mode: 0o700 });
    mkdirSync(stateDir(), { mode: 0o700 });
    symlinkSync(join(tree.dir, 'elsewhere'), join(stateDir(), 'ec2'));
    const { reading, data } = await collect({ show: 'month' });
    expect(reading.text).toMatch(/^~\$\d+\.\d\d boot$/);
    expect(reading.state).toBe('warning');
    expect(reading.detail![0].label).toBe('This month');
    expect(reading.detail![0].value).toMatch(/^not available: .*ec2 is not a private folder of yours/);
    expect(data.month).toBeNull();
    expect(data.monthToDateUsd).toBeNull();
  });
});

describe('the month in the data and for Prometheus', () => {
  it('one-shot, showing the cost since boot: the ledger is not read for the month (null fields)', async () => {
    ledgerOf(DOC_RUNS);
    const { data } = await collect({});
    expect(data).toMatchObject({ month: null, monthToDateUsd: null, monthToDateUpperUsd: null, monthComputeUsd: null });
  });

  it('in a long-lived process: the month, both bounds and the components, the segment unchanged', async () => {
    ledgerOf(DOC_RUNS);
    const { reading, data } = await collect({}, {}, true);
    expect(reading.text).toMatch(/^~\$\d+\.\d\d$/);
    expect(reading.detail![1].label).toBe('This month');
    // The doc's worked example: 420 h seen (216 of boot 1, 204 of boot 2), 130 GiB sent, no EBS or public IPv4 (a what-if off EC2).
    expect(data.month).toBe('2026-11');
    expect(data.monthComputeUsd).toBeCloseTo(420 * 0.1008, 8);
    expect(data.monthEgressUsd).toBeCloseTo(130 * 0.09, 8);
    expect(data.monthPublicIpv4Usd).toBe(0);
    expect(data.monthEbsUsd).toBe(0);
    expect(data.monthToDateUsd).toBeCloseTo(420 * 0.1008 + 130 * 0.09, 8);
    // Plus the 48 h between the boots.
    expect(data.monthToDateUpperUsd).toBeCloseTo(468 * 0.1008 + 130 * 0.09, 8);
  });

  it('with EBS: the EBS component in both bounds, and the exporter samples', async () => {
    ledgerOf(DOC_RUNS);
    const { data } = await collect({ ebs_gb: 100, ebs_type: 'gp3' }, {}, true);
    // gp3 at $0.08 per GB-month of 730 hours.
    const ebs = (h: number) => (100 * 0.08 * h) / 730;
    expect(data.monthEbsUsd).toBeCloseTo(ebs(420), 8);
    expect(data.monthToDateUpperUsd).toBeCloseTo(468 * 0.1008 + 130 * 0.09 + ebs(468), 8);
    const samples = new Map((ec2Cost.metrics!.families as readonly MetricFamily<Ec2CostData>[]).map((f) => [f.name, f.samples(data)]));
    expect(samples.get('shoji_ec2_cost_month_to_date_usd')).toEqual([
      { labels: { component: 'compute' }, value: data.monthComputeUsd },
      { labels: { component: 'egress' }, value: data.monthEgressUsd },
      { labels: { component: 'public_ipv4' }, value: 0 },
      { labels: { component: 'ebs' }, value: data.monthEbsUsd },
    ]);
    const sum = samples.get('shoji_ec2_cost_month_to_date_usd')!.reduce((s, x) => s + x.value, 0);
    expect(sum).toBeCloseTo(data.monthToDateUsd!, 8);
    expect(samples.get('shoji_ec2_cost_month_to_date_upper_bound_usd')).toEqual([{ value: data.monthToDateUpperUsd }]);
    expect(samples.get('shoji_ec2_cost_month_start_timestamp_seconds')).toEqual([{ value: at('2026-11-01T00:00:00Z') }]);
  });

  it('no month worked out: no month samples, never a made-up 0', async () => {
    ledgerOf(DOC_RUNS);
    const { data } = await collect({});
    for (const f of ec2Cost.metrics!.families as readonly MetricFamily<Ec2CostData>[])
      if (f.name.includes('month')) expect(f.samples(data), f.name).toEqual([]);
  });

  it('no ledger yet: the month is what this collect recorded (this boot, from its start)', async () => {
    hostAt(ONE_BOOT[0]);
    const { reading, data } = await collect({ show: 'month' });
    expect(reading.text).toBe('~$26.86 Nov');
    expect(data.monthToDateUsd).toBeCloseTo(ONE_BOOT_USD, 8);
  });
});

describe('monthName', () => {
  it('is English and the same under every locale', () => {
    expect(['2026-01', '2026-06', '2026-12'].map(monthName)).toEqual(['Jan', 'Jun', 'Dec']);
  });
});
