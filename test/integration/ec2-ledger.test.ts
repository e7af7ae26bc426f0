/**
 * The ec2-cost ledger end to end, with real processes:
 * - the built `ec2-cost` (bin/ec2-cost, `npm run build` first) run again and again against a
 *   fixture /proc and /sys whose boot id, btime, uptime and counters change between runs: three
 *   boots, one spanning Oct 31 -> Nov 1, a counter reset, an interface renamed; what-if runs
 *   record nothing; the store read back;
 * - a writer killed with SIGKILL at random points while it records in a loop: the store always
 *   reads, and holds every sample the writer finished;
 * - twenty writers at once: no corruption, no boot lost, totals what was recorded.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { common } from '../../scripts/esbuild-options.mjs';
import { forgetChecks } from '../../src/core/trust.js';
import { readBoots, readLedger } from '../../src/ec2/ledger/store.js';
import type { BootRecord } from '../../src/ec2/ledger/types.js';
import { ROOT } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { qemu } from '../unit/ec2/hosts.js';

const EC2_COST = join(ROOT, 'bin', 'ec2-cost');
const t = (iso: string) => Date.parse(iso) / 1000;

let scratch: string;
let writer: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'shoji-ledger-it-'));
  writer = join(scratch, 'writer.cjs');
  await build({ ...common, entryPoints: [join(ROOT, 'test/integration/ec2-ledger-writer.ts')], outfile: writer });
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  env = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: join(tree.dir, 'home'),
    SHOJI_STATE_DIR: join(tree.dir, 'state'),
    SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    // Never the real network: a closed loopback port.
    AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
  };
  forgetChecks();
});
afterEach(() => tree.cleanup());

/** The host as /proc and /sys show it at one moment: boot, time since boot, and one interface's counters. */
function host(o: { bootId: string; btime: number; uptime: number; iface: string; ifindex: number; rx: number; tx: number }): void {
  tree.write('proc/sys/kernel/random/boot_id', `${o.bootId}\n`);
  tree.write('proc/stat', `cpu  100 0 100 1000 5 0 1 0 0 0\nbtime ${o.btime}\nprocesses 4242\n`);
  tree.write('proc/uptime', `${o.uptime.toFixed(2)} 1000.00\n`);
  tree.write(
    'proc/net/dev',
    'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      '    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       0          0\n' +
      `  ${o.iface}: ${o.rx} 5000    0    0    0     0          0         0 ${o.tx} 3000    0    0    0     0       0          0\n`,
  );
  tree.write(
    'proc/net/route',
    `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n${o.iface}\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n`,
  );
  rmSync(join(tree.sysRoot, 'class/net'), { recursive: true, force: true });
  tree.write(`sys/class/net/${o.iface}/ifindex`, `${o.ifindex}\n`);
}

function ec2Cost(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [EC2_COST, ...args], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A run that names another type and region: it still records what it read of the host. */
const PRICED = ['--instance-type', 'm7i.large', '--region', 'us-east-1'];

async function runOk(args: string[] = PRICED): Promise<void> {
  const r = await ec2Cost(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

const month = (b: BootRecord, m: string) => b.months[m] ?? { txBytes: 0n, rxBytes: 0n };

describe('ec2-cost runs record the host in the ledger', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'ec2-cost.cjs'))) throw new Error('dist/ec2-cost.cjs is missing: run `npm run build` (npm test does)');
  });

  it('three boots (one spanning Oct 31 -> Nov 1), a counter reset and a rename: each byte counted once, in its month', async () => {
    qemu(tree);
    const A = { bootId: 'aaaaaaaa-0000-4000-8000-000000000001', btime: t('2026-10-31T22:00:00Z'), iface: 'eth0', ifindex: 2 };
    host({ ...A, uptime: 3600, rx: 500, tx: 1000 }); // Oct 31 23:00
    await runOk();
    host({ ...A, uptime: 3 * 3600, rx: 1500, tx: 3000 }); // Nov 1 01:00: 2000 sent over two hours, one in each month
    await runOk();
    host({ ...A, uptime: 3 * 3600 + 60, rx: 100, tx: 500 }); // the driver reset its counters: 500 since
    await runOk();
    host({ ...A, uptime: 3 * 3600 + 120, iface: 'ens5', rx: 150, tx: 800 }); // renamed (same ifindex): +300
    await runOk(['--detail', ...PRICED]);
    // What-if quantities describe another host or time: nothing recorded.
    host({ ...A, uptime: 3 * 3600 + 180, iface: 'ens5', rx: 150, tx: 99_999 });
    await runOk([...PRICED, '--uptime', '99999']);
    await runOk([...PRICED, '--tx-bytes', '5GiB']);
    await runOk([...PRICED, '--rx-bytes', '5GiB']);

    const B = { bootId: 'bbbbbbbb-0000-4000-8000-000000000002', btime: t('2026-11-02T00:00:00Z'), iface: 'eth0', ifindex: 2 };
    host({ ...B, uptime: 60, rx: 10, tx: 100 });
    await runOk(['--json', ...PRICED]);
    host({ ...B, uptime: 120, rx: 20, tx: 250 });
    await runOk();
    const C = { bootId: 'cccccccc-0000-4000-8000-000000000003', btime: t('2026-11-03T00:00:00Z'), iface: 'eth0', ifindex: 3 };
    host({ ...C, uptime: 30, rx: 1, tx: 10 });
    await runOk();

    const boots = readBoots(env);
    expect(boots.map((b) => [b.bootId, b.samples, b.counterResets])).toEqual([
      [A.bootId, 4, 1],
      [B.bootId, 2, 0],
      [C.bootId, 1, 0],
    ]);
    const [a, b, c] = boots;
    expect(a).toMatchObject({ bootTime: A.btime, firstSeen: A.btime + 3600, lastSeen: A.btime + 3 * 3600 + 120, interfaces: ['eth0', 'ens5'] });
    // tx: 1000 before the first sample and 1000 of the next two hours in October; the other
    // 1000, the 500 after the reset and the 300 after the rename in November.
    expect(month(a, '2026-10')).toEqual({ txBytes: 2000n, rxBytes: 1000n });
    expect(month(a, '2026-11')).toEqual({ txBytes: 1800n, rxBytes: 650n });
    expect(a.gaps).toEqual([
      { from: A.btime, to: A.btime + 3600 },
      { from: A.btime + 3600, to: A.btime + 3 * 3600 },
    ]);
    expect(b.months).toEqual({ '2026-11': { txBytes: 250n, rxBytes: 20n } });
    expect(c.months).toEqual({ '2026-11': { txBytes: 10n, rxBytes: 1n } });
    expect(readdirSync(join(tree.dir, 'state', 'ec2'))).toEqual(['ledger.json']);
  });

  it('a run that cannot read the boot id still prints its estimate; nothing is recorded', async () => {
    qemu(tree);
    host({ bootId: 'x', btime: t('2026-11-02T00:00:00Z'), uptime: 60, iface: 'eth0', ifindex: 2, rx: 1, tx: 1 });
    rmSync(join(tree.procRoot, 'sys'), { recursive: true });
    const r = await ec2Cost(PRICED);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/ since boot as m7i.large/);
    expect(readBoots(env)).toEqual([]);
  });
});

// ---- writers as processes ----

interface Planned {
  bootId: string;
  bootTime: number;
  at: number;
  tx: string;
}

const BASE = t('2026-11-10T00:00:00Z');
/** The writers' counters grow with time, so a boot's total is always the counter at its last sample. */
const txAt = (at: number) => BigInt(Math.round((at - BASE) * 1000));

function writePlan(name: string, plan: Planned[]): string {
  const file = join(tree.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

function total(b: BootRecord): bigint {
  return Object.values(b.months).reduce((s, m) => s + m.txBytes, 0n);
}

/** Outcome lines "<index> <status>" a writer printed, by index. */
function outcomes(stdout: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(\d+) (\w+)/.exec(line);
    if (m) out.set(Number(m[1]), m[2]);
  }
  return out;
}

describe('writers killed, writers racing', () => {
  it('a writer killed with SIGKILL at random points mid-loop: the ledger always reads, and holds every sample it finished', async () => {
    const state = join(tree.dir, 'state');
    const bootTime = BASE - 100;
    let finished = 0;
    let latestFinished = 0;
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const plan = Array.from({ length: 20_000 }, (_, i) => {
        const at = BASE + round * 100_000 + i;
        return { bootId: 'killed-boot', bootTime, at, tx: txAt(at).toString() };
      });
      const child = spawn(process.execPath, [writer, state, writePlan(`plan-${round}`, plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const closed = new Promise<void>((r) => child.on('close', () => r()));
      // Kill it a random number of samples in (it is writing as fast as it can meanwhile).
      const killAfter = 5 + Math.floor(Math.random() * 200);
      await new Promise<void>((r) => {
        const check = () => (outcomes(stdout).size >= killAfter || child.exitCode !== null ? r() : setTimeout(check, 1));
        check();
      });
      child.kill('SIGKILL');
      await closed;
      expect(stderr).toBe('');
      const done = outcomes(stdout);
      for (const [i, status] of done) {
        expect(['recorded', 'busy']).toContain(status); // busy: the lock a killed writer left, until taken over
        if (status === 'recorded') {
          finished++;
          latestFinished = Math.max(latestFinished, plan[i].at);
        }
      }
      forgetChecks();
      const read = readLedger({ SHOJI_STATE_DIR: state });
      expect(read.problem).toBeNull();
      expect(read.boots).toHaveLength(1);
      const b = read.boots[0];
      expect(b.lastSeen).toBeGreaterThanOrEqual(latestFinished);
      // At most one sample per kill was written but not yet reported.
      expect(b.samples).toBeGreaterThanOrEqual(finished);
      expect(b.samples).toBeLessThanOrEqual(finished + round + 1);
      // Counted once: the total is the counter at the last sample, however the writes were cut.
      expect(total(b)).toBe(txAt(b.lastSeen));
    }
    // One more writer, not killed: it takes over any lock left behind and leaves nothing else.
    const last = writePlan('last', [{ bootId: 'killed-boot', bootTime, at: BASE + rounds * 100_000, tx: txAt(BASE + rounds * 100_000).toString() }]);
    const r = await new Promise<string>((res) => execFile(process.execPath, [writer, state, last], (_e, out) => res(out)));
    expect(r).toBe('0 recorded\n');
    expect(readdirSync(join(state, 'ec2'))).toEqual(['ledger.json']);
  });

  it('twenty writers at once: the ledger is whole, no boot is lost, each total is what was recorded', async () => {
    const state = join(tree.dir, 'state');
    const WRITERS = 20;
    const EACH = 25;
    const plans = Array.from({ length: WRITERS }, (_, w) =>
      Array.from({ length: EACH }, (_, k): Planned[] => {
        // Each writer's own boot, and one boot they all share (distinct times, one clock).
        const own = BASE + k * 60;
        const shared = BASE + (k * WRITERS + w) * 10;
        return [
          { bootId: `own-${w}`, bootTime: BASE - 10, at: own, tx: txAt(own).toString() },
          { bootId: 'shared', bootTime: BASE - 10, at: shared, tx: txAt(shared).toString() },
        ];
      }).flat(),
    );
    const runs = plans.map(
      (plan, w) =>
        new Promise<Map<number, string>>((resolve) =>
          execFile(process.execPath, [writer, state, writePlan(`w${w}`, plan)], { timeout: 60_000 }, (err, out, errOut) => {
            expect(err).toBeNull();
            expect(errOut).toBe('');
            resolve(outcomes(out));
          }),
        ),
    );
    const results = await Promise.all(runs);

    const read = readLedger({ SHOJI_STATE_DIR: state });
    expect(read.problem).toBeNull();
    const byId = new Map(read.boots.map((b) => [b.bootId, b]));
    let sharedRecorded = 0;
    let sharedLatest = 0;
    results.forEach((done, w) => {
      expect(done.size).toBe(EACH * 2);
      let ownRecorded = 0;
      let ownLatest = 0;
      for (const [i, status] of done) {
        expect(['recorded', 'busy', 'older']).toContain(status);
        const p = plans[w][i];
        if (status !== 'recorded') continue;
        if (p.bootId === 'shared') {
          sharedRecorded++;
          sharedLatest = Math.max(sharedLatest, p.at);
        } else {
          ownRecorded++;
          ownLatest = p.at;
        }
      }
      const own = byId.get(`own-${w}`);
      if (ownRecorded === 0) expect(own).toBeUndefined();
      else {
        expect(own?.samples).toBe(ownRecorded);
        expect(own?.lastSeen).toBe(ownLatest);
        expect(total(own!)).toBe(txAt(ownLatest));
      }
    });
    const shared = byId.get('shared')!;
    expect(shared.samples).toBe(sharedRecorded);
    expect(shared.lastSeen).toBe(sharedLatest);
    expect(total(shared)).toBe(txAt(sharedLatest));
    // Every boot in the ledger is one a writer recorded; no lock or temporary file is left.
    expect(read.boots.length).toBe(1 + results.filter((d, w) => [...d].some(([i, s]) => s === 'recorded' && plans[w][i].bootId !== 'shared')).length);
    expect(readdirSync(join(state, 'ec2'))).toEqual(['ledger.json']);
  });
});
