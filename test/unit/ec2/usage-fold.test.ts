/**
 * The hourly usage record from minute samples, on fixture /proc trees (SHOJI_PROC_ROOT-style, as
 * the ledger tests) and real files: each sample is taken as a long-lived process takes it
 * (takeSample, then recordUsageSample), and the rows read back through readUsageHours.
 * The figures are worked by hand: a 2-vCPU host, USER_HZ 100, so a minute is 12,000 ticks of
 * all CPUs and a figure is busy ticks / 6,000 vCPUs.
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetChecks } from '../../../src/core/trust.js';
import { takeSample } from '../../../src/ec2/ledger/record.js';
import { p95 } from '../../../src/ec2/usage/fold.js';
import { recordUsageSample } from '../../../src/ec2/usage/record.js';
import { monthFile, openHourFile, readUsageHours, usageDir } from '../../../src/ec2/usage/store.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

const H = 3600;
/** 2026-11-10 10:00:00 UTC. */
const TEN = Date.parse('2026-11-10T10:00:00Z') / 1000;
const BOOT = TEN - 86_400;
const GIB_KB = 1024 * 1024;

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  env = { SHOJI_STATE_DIR: join(tree.dir, 'state') };
  forgetChecks();
});
afterEach(() => tree.cleanup());

interface HostState {
  bootId: string;
  btime: number;
  /** Cumulative ticks. */
  user: number;
  system: number;
  idle: number;
  iowait: number;
  steal: number;
  tx: number;
  memAvailableKb: number;
}

function freshBoot(bootId: string, btime: number): HostState {
  return { bootId, btime, user: 5000, system: 1000, idle: 100_000, iowait: 0, steal: 0, tx: 1_000_000, memAvailableKb: 6 * GIB_KB };
}

/** Write the host's /proc as it reads at time `at`, then take a sample as a long-lived process does. */
function sampleAt(s: HostState, at: number) {
  tree.write('proc/sys/kernel/random/boot_id', `${s.bootId}\n`);
  tree.write('proc/uptime', `${(at - s.btime).toFixed(2)} 100.00\n`);
  // guest (the last two columns) is inside user already and must not be counted twice.
  tree.write(
    'proc/stat',
    `cpu  ${s.user} 0 ${s.system} ${s.idle} ${s.iowait} 0 0 ${s.steal} 777 0\ncpu0 1 0 1 1 0 0 0 0 0 0\ncpu1 1 0 1 1 0 0 0 0 0 0\nintr 0\nbtime ${s.btime}\nprocesses 9\n`,
  );
  tree.write('proc/meminfo', `MemTotal:        ${8 * GIB_KB} kB\nMemFree:          100000 kB\nMemAvailable:    ${s.memAvailableKb} kB\n`);
  tree.write(
    'proc/net/dev',
    'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      `  eth0: 5000 50    0    0    0     0          0         0 ${s.tx} 30    0    0    0     0       0          0\n`,
  );
  tree.write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n',
  );
  const { sample, statText } = takeSample(tree.procRoot, tree.sysRoot, [], at);
  expect(sample.at).toBe(at);
  return recordUsageSample(env, tree.procRoot, tree.sysRoot, sample, statText);
}

/** A minute (or `seconds`) of work: `busy` ticks of user time, the rest idle, `steal` stolen, `sent` bytes. */
function work(s: HostState, busy: number, o: { seconds?: number; steal?: number; iowait?: number; sent?: number; availKb?: number } = {}): void {
  const total = (o.seconds ?? 60) * 200;
  s.user += busy;
  s.steal += o.steal ?? 0;
  s.iowait += o.iowait ?? 0;
  s.idle += total - busy - (o.steal ?? 0) - (o.iowait ?? 0);
  s.tx += o.sent ?? 0;
  if (o.availKb !== undefined) s.memAvailableKb = o.availKb;
}

const ALL = [0, 2 ** 40] as const;

describe('the hour fold', () => {
  it('p95 is the nearest-rank 95th percentile', () => {
    expect(p95([5])).toBe(5);
    expect(p95(Array.from({ length: 20 }, (_, i) => i + 1))).toBe(19);
    expect(p95(Array.from({ length: 60 }, (_, i) => i + 1))).toBe(57);
    expect(p95(Array.from({ length: 21 }, (_, i) => 21 - i))).toBe(20);
  });

  it('a full hour: the mean exact from the counters (steal and iowait not busy), p95 and max from the minute figures, peak memory, bytes sent', () => {
    const s = freshBoot('boot-a', BOOT);
    expect(sampleAt(s, TEN - 30)).toMatchObject({ status: 'counters', completed: null }); // the first sample: counters only
    // Minute k (1..60) at TEN + 30 + 60(k-1): busy = 100k ticks (a figure of k/60 vCPU), except
    // minute 10, which covers two minutes (a sample skipped: a daemon restarted), and minute 20,
    // half stolen.
    let busy = 0;
    let total = 0;
    const figures: number[] = [];
    let at = TEN - 30;
    for (let k = 1; k <= 59; k++) {
      const seconds = k === 10 ? 120 : 60;
      const steal = k === 20 ? 6000 : 0;
      work(s, 100 * k, { seconds, steal, iowait: k === 30 ? 5000 : 0, sent: 1000 * k, availKb: k === 42 ? 1 * GIB_KB : 6 * GIB_KB - k });
      at += seconds;
      busy += 100 * k;
      total += seconds * 200;
      figures.push(((100 * k) / (seconds * 200)) * 2);
      expect(sampleAt(s, at)).toMatchObject({ status: 'counted' });
    }
    expect(at).toBe(TEN + 3570);
    work(s, 3000, { sent: 5 });
    const next = sampleAt(s, TEN + H + 30);
    const expected = {
      hour: TEN,
      samples: 59,
      vcpus: 2,
      // Weighted by time: not the mean of the figures (minute 10 covers twice as long).
      cpuMean: Math.round((busy / total) * 2 * 1e4) / 1e4,
      cpuP95: Math.round([...figures].sort((a, b) => a - b)[Math.ceil(0.95 * 59) - 1] * 1e4) / 1e4,
      cpuMax: Math.round((5900 / 12000) * 2 * 1e4) / 1e4,
      memPeakBytes: 7 * 2 ** 30,
      memTotalBytes: 8 * 2 ** 30,
      txBytes: (1000 * 59 * 60) / 2,
    };
    expect(expected.cpuMean).not.toBe(Math.round((figures.reduce((a, b) => a + b) / 59) * 1e4) / 1e4);
    expect(expected.cpuP95).toBe(0.95); // the 57th smallest of 59 figures: minute 57's, 57/60
    expect(next).toEqual({ status: 'counted', completed: expected });
    expect(readUsageHours(env, TEN, TEN + 1).hours).toEqual([expected]);
  });

  it('steal is not busy: a minute half stolen, a quarter worked, is half a vCPU of 2', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 10);
    work(s, 3000, { steal: 6000 });
    sampleAt(s, TEN + 70);
    work(s, 0, { iowait: 12_000 });
    sampleAt(s, TEN + 130);
    const open = JSON.parse(readFileSync(openHourFile(env), 'utf8'));
    expect(open.minutes.map((m: number[]) => m[2])).toEqual([0.5, 0]);
  });
});

describe('boundaries', () => {
  it('an hour boundary: the sample in the next hour folds the hour before into its row; an hour ended with no later sample is folded by the reader', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN - 2 * 60); // 09:58: counters
    work(s, 1200, { sent: 100 });
    sampleAt(s, TEN - 60); // 09:59: a figure of 0.2 in hour 09
    work(s, 2400, { sent: 200 });
    const crossing = sampleAt(s, TEN); // 10:00:00: the first second of hour 10
    expect(crossing).toMatchObject({ status: 'counted', completed: { hour: TEN - H, samples: 1, cpuMean: 0.2, cpuMax: 0.2, txBytes: 100 } });
    work(s, 3600, { sent: 300 });
    sampleAt(s, TEN + 60);
    // Only hour 09 is in the month file; hour 10 (long over by the real clock) is folded in memory.
    expect(JSON.parse(readFileSync(monthFile(env, '2026-11'), 'utf8')).hours.map((r: number[]) => r[0])).toEqual([TEN - H]);
    const { hours, problems } = readUsageHours(env, ...ALL);
    expect(problems).toEqual([]);
    expect(hours.map((h) => [h.hour, h.samples, h.cpuMean, h.cpuMax, h.txBytes])).toEqual([
      [TEN - H, 1, 0.2, 0.2, 100],
      [TEN, 2, 0.5, 0.6, 500],
    ]);
  });

  it('a reboot mid-hour: the new boot first minute gives no figure (its counters started again), the next does; nothing counted negative', () => {
    const a = freshBoot('boot-a', BOOT);
    sampleAt(a, TEN + 10 * 60);
    work(a, 6000, { sent: 10_000 });
    sampleAt(a, TEN + 11 * 60);
    // Boot b's counters happen to be above boot a's (a busy start): only the boot id tells them apart.
    const b = { ...freshBoot('boot-b', TEN + 12 * 60), user: 40_000, idle: 300_000, tx: 2_000_000 };
    expect(sampleAt(b, TEN + 14 * 60)).toMatchObject({ status: 'counters' });
    work(b, 1200, { sent: 40 });
    expect(sampleAt(b, TEN + 15 * 60)).toMatchObject({ status: 'counted' });
    const c = freshBoot('boot-c', TEN + 25 * 60);
    sampleAt(c, TEN + H + 5); // a third boot, next hour: folds hour 10
    expect(readUsageHours(env, TEN, TEN + 1).hours).toEqual([
      { hour: TEN, samples: 2, vcpus: 2, cpuMean: 0.6, cpuP95: 1, cpuMax: 1, memPeakBytes: 2 * 2 ** 30, memTotalBytes: 8 * 2 ** 30, txBytes: 10_040 },
    ]);
  });

  it('a sent-byte counter that went back (a driver reset, the interface made again) counts its current value, never negative', () => {
    const s = freshBoot('boot-a', BOOT);
    s.tx = 9_000_000;
    sampleAt(s, TEN + 60);
    work(s, 600);
    s.tx = 700;
    sampleAt(s, TEN + 120);
    expect(JSON.parse(readFileSync(openHourFile(env), 'utf8')).minutes.map((m: number[]) => m[6])).toEqual([700]);
  });

  it('after a gap longer than 5 minutes (no process sampling) the next sample gives no figure: a rate over the gap is no minute figure', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 60);
    work(s, 12_000, { seconds: 600 });
    expect(sampleAt(s, TEN + 660)).toMatchObject({ status: 'counters' });
    work(s, 600);
    expect(sampleAt(s, TEN + 720)).toMatchObject({ status: 'counted' });
  });
  it('a clock stepped back (set right after running ahead): a sample a moment older is a replay; one far older starts afresh at once, not when the clock catches up', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 60);
    work(s, 600);
    expect(sampleAt(s, TEN + 120)).toMatchObject({ status: 'counted' });
    // Ten seconds older than the latest: a replay, or two samplers racing.
    expect(sampleAt(s, TEN + 110)).toMatchObject({ status: 'older' });
    // The clock set back a day: the same boot, whose btime the kernel moves with the clock.
    s.btime -= 86_400;
    work(s, 600);
    expect(sampleAt(s, TEN - 86_400 + 180)).toMatchObject({ status: 'counters' });
    work(s, 600);
    expect(sampleAt(s, TEN - 86_400 + 240)).toMatchObject({ status: 'counted' });
  });
});

describe('several processes', () => {
  it('two processes sampling the same minute: the second sample does not count, and the next minute differences from the first', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 60 + 5);
    work(s, 1200, { seconds: 60 });
    expect(sampleAt(s, TEN + 120 + 5)).toMatchObject({ status: 'counted' }); // the daemon
    work(s, 600, { seconds: 30 });
    expect(sampleAt(s, TEN + 120 + 35)).toEqual({ status: 'recent' }); // the exporter, same minute
    work(s, 600, { seconds: 30 });
    expect(sampleAt(s, TEN + 180 + 5)).toMatchObject({ status: 'counted' }); // the daemon: 1200 ticks over 60 s
    const open = JSON.parse(readFileSync(openHourFile(env), 'utf8'));
    expect(open.minutes.map((m: number[]) => [m[0] - TEN, m[1], m[2]])).toEqual([
      [125, 60, 0.2],
      [185, 60, 0.2],
    ]);
  });

  it('across a minute edge, a sample under 30 s after the latest does not count either', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 119);
    expect(sampleAt(s, TEN + 121)).toEqual({ status: 'recent' });
  });

  it('a sample taken while another process holds the lock is skipped (busy); the next one counts from the counters before it', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 60);
    const lock = join(usageDir(env), 'usage.lock');
    // Held by a live process of this host other than this one (the test runner that started us).
    writeFileSync(lock, `${process.ppid} ${hostname()} other-writer\n`);
    work(s, 600);
    expect(sampleAt(s, TEN + 120)).toEqual({ status: 'busy' });
    expect(readFileSync(lock, 'utf8')).toBe(`${process.ppid} ${hostname()} other-writer\n`);
    unlinkSync(lock); // released by its holder
    work(s, 600);
    expect(sampleAt(s, TEN + 180)).toMatchObject({ status: 'counted' });
    expect(JSON.parse(readFileSync(openHourFile(env), 'utf8')).minutes.map((m: number[]) => [m[1], m[2]])).toEqual([[120, 0.1]]);
  });

  it('the open hour written moments ago by the wall clock: this minute is taken, without taking the lock', () => {
    const now = Math.floor(Date.now() / 1000);
    const s = freshBoot('boot-a', now - 1000);
    expect(sampleAt(s, now)).toMatchObject({ status: 'counters' });
    work(s, 600);
    writeFileSync(join(usageDir(env), 'usage.lock'), `${process.ppid} ${hostname()} other-writer\n`); // would answer busy
    expect(sampleAt(s, now + 5)).toEqual({ status: 'recent' });
  });
});

describe('watts', () => {
  const RANGE = 262_143_328_850; // Intel's max_energy_range_uj
  function rapl(packageUj: number, dramUj: number): void {
    tree.write('sys/class/powercap/intel-rapl:0/name', 'package-0\n');
    tree.write('sys/class/powercap/intel-rapl:0/energy_uj', `${packageUj}\n`);
    tree.write('sys/class/powercap/intel-rapl:0/max_energy_range_uj', `${RANGE}\n`);
    tree.write('sys/class/powercap/intel-rapl:0:0/name', 'dram\n');
    tree.write('sys/class/powercap/intel-rapl:0:0/energy_uj', `${dramUj}\n`);
    tree.write('sys/class/powercap/intel-rapl:0:0/max_energy_range_uj', `${RANGE}\n`);
  }
  function battery(status: string, powerUw: number): void {
    tree.write('sys/class/power_supply/BAT0/type', 'Battery\n');
    tree.write('sys/class/power_supply/BAT0/present', '1\n');
    tree.write('sys/class/power_supply/BAT0/status', `${status}\n`);
    tree.write('sys/class/power_supply/BAT0/power_now', `${powerUw}\n`);
  }

  it('RAPL readable: the hour mean watts from the packages and DRAM energy over the minutes, a wrapped counter unwrapped', () => {
    const s = freshBoot('boot-a', BOOT);
    battery('Discharging', 30_000_000); // RAPL wins where it is readable
    rapl(RANGE - 300_000_000, 5_000_000);
    sampleAt(s, TEN + 60);
    rapl(RANGE - 300_000_000 + 600_000_000 - RANGE - 1, 5_000_000 + 120_000_000); // 600 J across the wrap, 120 J: 12 W
    work(s, 0);
    sampleAt(s, TEN + 120);
    rapl(600_000_000 - 300_000_000 - 1 + 1_200_000_000, 5_000_000 + 240_000_000); // 1200 + 120 J: 22 W
    work(s, 0);
    sampleAt(s, TEN + 180);
    work(s, 0);
    const done = sampleAt(s, TEN + H + 60);
    expect(done).toMatchObject({ status: 'counters', completed: { hour: TEN, samples: 2, watts: 17, wattsSource: 'rapl' } });
    expect(readUsageHours(env, ...ALL).hours[0]).toMatchObject({ watts: 17, wattsSource: 'rapl' });
  });

  it('no RAPL: the batteries draw averaged over the minutes on battery; on AC, no watts at all', () => {
    const s = freshBoot('boot-a', BOOT);
    battery('Discharging', 8_000_000);
    sampleAt(s, TEN + 60);
    work(s, 0);
    sampleAt(s, TEN + 120); // 8 W
    battery('Charging', 8_000_000);
    work(s, 0);
    sampleAt(s, TEN + 180); // on AC: not the machine's draw
    battery('Discharging', 11_000_000);
    work(s, 0, { seconds: 120 });
    sampleAt(s, TEN + 300); // 11 W over two minutes
    battery('Full', 0);
    work(s, 0);
    expect(sampleAt(s, TEN + H)).toMatchObject({ completed: { hour: TEN, samples: 3, watts: 10, wattsSource: 'battery' } });
    work(s, 0);
    sampleAt(s, TEN + H + 60);
    work(s, 0);
    expect(sampleAt(s, TEN + 2 * H)).toMatchObject({ completed: { hour: TEN + H, samples: 1 } });
    expect(readUsageHours(env, TEN + H, TEN + H + 1).hours[0].watts).toBeUndefined();
  });
});

describe('damage and failures', () => {
  it('a damaged open-hour file is set aside; the next sample only sets the counters, the one after counts', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 60);
    writeFileSync(openHourFile(env), '{"format":1,"kind":"shoji-usage-open-hour","hour":');
    work(s, 600);
    expect(sampleAt(s, TEN + 120)).toEqual({ status: 'counters', completed: null, setAside: [`${openHourFile(env)}.corrupt`] });
    work(s, 600);
    expect(sampleAt(s, TEN + 180)).toMatchObject({ status: 'counted' });
    expect(existsSync(`${openHourFile(env)}.corrupt`)).toBe(true);
  });

  it('a /proc without the CPU counters or memory figures is a failure naming the file, and writes nothing', () => {
    const s = freshBoot('boot-a', BOOT);
    sampleAt(s, TEN + 60);
    tree.write('proc/meminfo', 'MemFree: 5 kB\n');
    const { sample, statText } = takeSample(tree.procRoot, tree.sysRoot, [], TEN + 120);
    expect(recordUsageSample(env, tree.procRoot, tree.sysRoot, sample, statText)).toEqual({
      status: 'failed',
      reason: `cannot read the memory figures from ${join(tree.procRoot, 'meminfo')}`,
    });
    expect(recordUsageSample(env, tree.procRoot, tree.sysRoot, sample, 'cpu0 1 2 3 4\n')).toEqual({
      status: 'failed',
      reason: `cannot read the CPU counters from ${join(tree.procRoot, 'stat')}`,
    });
  });
});
