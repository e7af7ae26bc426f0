import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProcStat, type ProcRow, ProcSampler, sortProcs } from '../../../src/dashboard/procs.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

/** The direct reader's rows, which it gives at once (a promise would be systeminformation's). */
function sampleNow(sampler: ProcSampler): ProcRow[] {
  const rows = sampler.sample();
  if (rows instanceof Promise) throw new Error('expected the direct reader');
  return rows;
}

/** A /proc/PID/stat line; fields after the comm as the kernel writes them (utime 14, stime 15, starttime 22, rss 24). */
function statLine(pid: number, comm: string, utime: number, stime: number, start = 1000, rssPages = 256, state = 'S'): string {
  const f = Array(50).fill('0');
  f[0] = state;
  f[1] = '1'; // ppid
  f[11] = String(utime);
  f[12] = String(stime);
  f[17] = '3'; // threads
  f[19] = String(start);
  f[21] = String(rssPages);
  return `${pid} (${comm}) ${f.join(' ')}\n`;
}

let tree: FixtureTree;
afterEach(() => tree?.cleanup());

function setup() {
  tree = fixtureTree();
  tree.write('proc/meminfo', 'MemTotal:        1024000 kB\nMemFree: 1 kB\n');
  tree.write('root/etc/passwd', `root:x:0:0::/root:/bin/sh\nme:x:${process.getuid?.() ?? 0}:1000::/home/me:/bin/sh\n`);
  const clock = { ms: 50_000 };
  const sampler = new ProcSampler({ env: {}, procRoot: tree.procRoot, sysRoot: tree.sysRoot, root: tree.root, now: () => clock.ms });
  return { sampler, clock };
}

describe('process table from /proc', () => {
  it('parses a stat line whose command has spaces and parentheses', () => {
    const s = parseProcStat(statLine(42, 'tmux: server (x)', 10, 5));
    expect(s).toMatchObject({ name: 'tmux: server (x)', state: 'S', ticks: 15, start: '1000', rssPages: 256, threads: 3 });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('%CPU is tick deltas over the measured time; a first sight has none', () => {
    const { sampler, clock } = setup();
    tree.write('proc/10/stat', statLine(10, 'busy', 1000, 500));
    tree.write('proc/11/stat', statLine(11, 'idle', 7, 3));
    tree.write('proc/self/stat', statLine(99, 'not a pid dir', 0, 0));
    const first = sampleNow(sampler);
    expect(first.map((r) => [r.pid, r.cpu])).toEqual(
      expect.arrayContaining([
        [10, null],
        [11, null],
      ]),
    );
    expect(first).toHaveLength(2);

    // 2.5 s later: +150 ticks at 100 Hz = 1.5 s of CPU in 2.5 s = 60 % of one core.
    clock.ms += 2500;
    tree.write('proc/10/stat', statLine(10, 'busy', 1100, 550));
    tree.write('proc/11/stat', statLine(11, 'idle', 7, 3));
    const second = sampleNow(sampler);
    const busy = second.find((r) => r.pid === 10)!;
    expect(busy.cpu).toBeCloseTo(60, 6);
    expect(second.find((r) => r.pid === 11)!.cpu).toBe(0);
    expect(busy.rssBytes).toBe(256 * 4096);
    expect(busy.mem).toBeCloseTo((256 * 4096) / (1024000 * 1024), 9);
  });

  it('a reused PID (another start time) starts again with no %CPU; a vanished one drops out', () => {
    const { sampler, clock } = setup();
    tree.write('proc/20/stat', statLine(20, 'old', 500, 0, 1000));
    tree.write('proc/21/stat', statLine(21, 'gone', 1, 1));
    sampleNow(sampler);
    clock.ms += 1000;
    tree.write('proc/20/stat', statLine(20, 'new', 503, 0, 9000));
    rmSync(join(tree.procRoot, '21'), { recursive: true });
    const rows = sampleNow(sampler);
    expect(rows.map((r) => [r.pid, r.name, r.cpu])).toEqual([[20, 'new', null]]);
  });

  it('counter going backwards gives no value rather than a negative one', () => {
    const { sampler, clock } = setup();
    tree.write('proc/30/stat', statLine(30, 'x', 100, 0));
    sampleNow(sampler);
    clock.ms += 1000;
    tree.write('proc/30/stat', statLine(30, 'x', 50, 0));
    expect(sampleNow(sampler)[0].cpu).toBeNull();
  });

  it('describes shown rows with user and command line; kernel threads in brackets', () => {
    const { sampler } = setup();
    tree.write('proc/40/stat', statLine(40, 'sh', 1, 1));
    tree.write('proc/40/cmdline', 'sh\0-c\0echo hi\0');
    tree.write('proc/41/stat', statLine(41, 'kworker/0:1', 1, 1));
    tree.write('proc/41/cmdline', '');
    const rows = sampler.describe(sortProcs(sampleNow(sampler), 'pid'));
    expect(rows.map((r) => r.command)).toEqual(['sh -c echo hi', '[kworker/0:1]']);
    expect(rows[0].user).toBe('me');
  });

  it('sorts by CPU, memory or PID', () => {
    const row = (pid: number, cpu: number | null, rss: number) => ({
      pid,
      name: '',
      state: 'S',
      cpu,
      rssBytes: rss,
      mem: 0,
      threads: 1,
      cpuSeconds: 0,
      ppid: 1,
      start: '1',
      kernelThread: false,
    });
    const rows = [row(3, 1, 10), row(1, null, 30), row(2, 50, 20)];
    expect(sortProcs(rows, 'cpu').map((r) => r.pid)).toEqual([2, 3, 1]);
    expect(sortProcs(rows, 'mem').map((r) => r.pid)).toEqual([1, 2, 3]);
    expect(sortProcs(rows, 'pid').map((r) => r.pid)).toEqual([1, 2, 3]);
  });
});
