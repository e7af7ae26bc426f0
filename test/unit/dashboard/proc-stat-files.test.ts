/**
 * platform/linux/processes.ts: /proc/PID/stat parsed from its bytes, and the stat files kept
 * open between lists, against the real /proc (what keeping them open depends on is procfs's own
 * behaviour: a file of an ended process fails to read) and a fixture tree (where none is kept).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { listProcesses, memTotal, parseProcStat, StatFiles } from '../../../src/platform/linux/processes.js';
import { waitFor } from '../../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

let child: ChildProcess | undefined;
let tree: FixtureTree | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  tree?.cleanup();
  child = tree = undefined;
});

/** A process of our own running `sleep` (exec'd, not still node's fork), and a way to end it and wait until it is reaped. */
async function sleeper(): Promise<{ pid: number; end(): Promise<void> }> {
  const c = spawn('sleep', ['60'], { stdio: 'ignore' });
  child = c;
  const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
  const pid = c.pid!;
  await waitFor('sleep to start', () => readFileSync(`/proc/${pid}/comm`, 'latin1') === 'sleep\n');
  return {
    pid,
    end: () => {
      c.kill('SIGKILL');
      return exited;
    },
  };
}

/** This process's descriptors open on /proc/PID/stat. */
function openStatFiles(pid: number): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === `/proc/${pid}/stat`) n++;
    } catch {
      // the descriptor readdir itself used, closed by now
    }
  }
  return n;
}

/** What the parser gave before it read bytes: the line split on spaces after the comm. */
function splitParse(text: string) {
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  return {
    name: text.slice(text.indexOf('(') + 1, close),
    state: f[0],
    ppid: Number(f[1]) || 0,
    ticks: Number(f[11]) + Number(f[12]),
    start: f[19],
    rssPages: Number(f[21]),
    threads: Number(f[17]) || 1,
  };
}

describe.runIf(process.platform === 'linux')('stat files under the real /proc', () => {
  it('every stat line of this machine parses as the split line does', () => {
    let compared = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let text: string;
      try {
        text = readFileSync(`/proc/${entry}/stat`, 'latin1');
      } catch {
        continue; // ended meanwhile
      }
      expect(parseProcStat(text)).toEqual(splitParse(text));
      compared++;
    }
    expect(compared).toBeGreaterThan(2);
  });

  it("a list keeps each process's stat file open, and closes it once the process has ended", async () => {
    const s = await sleeper();
    const first = listProcesses({ procRoot: '/proc', root: '/' });
    expect(first.entries.find((e) => e.pid === s.pid)?.name).toBe('sleep');
    expect(openStatFiles(s.pid)).toBe(1);
    // Kept open, the file still gives this moment's values: the list is complete and current.
    const again = listProcesses({ procRoot: '/proc', root: '/' });
    expect(again.entries.find((e) => e.pid === s.pid)?.start).toBe(first.entries.find((e) => e.pid === s.pid)?.start);
    expect(openStatFiles(s.pid)).toBe(1);
    await s.end();
    const after = listProcesses({ procRoot: '/proc', root: '/' });
    expect(after.entries.find((e) => e.pid === s.pid)).toBeUndefined();
    expect(openStatFiles(s.pid)).toBe(0);
  });

  it('a kept file of a process that ended is never read for its PID: it is closed and the PID opened afresh', async () => {
    const s = await sleeper();
    const files = new StatFiles('/proc');
    files.beginList();
    expect(files.read(String(s.pid), s.pid)?.name).toBe('sleep');
    expect(files.size).toBe(1);
    await s.end();
    // Read by PID while still known (as when readdir listed it just before it ended, or a new
    // process has its PID): the old file fails, and the PID has no process now.
    expect(files.read(String(s.pid), s.pid)).toBeNull();
    expect(files.size).toBe(0);
    expect(openStatFiles(s.pid)).toBe(0);
  });

  it('out of descriptors, gives back the files it kept and still reads every process', () => {
    // A node process of its own with fewer descriptors than there are processes (40 of ours at least).
    const limit = 40;
    const extra = Array.from({ length: limit }, () => spawn('sleep', ['60'], { stdio: 'ignore' }));
    const dir = mkdtempSync(join(tmpdir(), 'shoji-statfiles-'));
    try {
      const lib = join(dir, 'processes.cjs');
      const source = readFileSync(new URL('../../../src/platform/linux/processes.ts', import.meta.url), 'utf8');
      writeFileSync(lib, transformSync(source, { loader: 'ts', format: 'cjs' }).code);
      const script = `
        const { StatFiles } = require(${JSON.stringify(lib)});
        const files = new StatFiles('/proc');
        files.beginList();
        const pids = require('node:fs').readdirSync('/proc').filter((e) => /^\\d+$/.test(e));
        const read = pids.filter((e) => files.read(e, Number(e)) !== null).length;
        process.stdout.write(JSON.stringify({ pids: pids.length, read, kept: files.size }));
      `;
      const out = JSON.parse(execFileSync('bash', ['-c', `ulimit -n ${limit} && exec "$0" -e "$1"`, process.execPath, script], { encoding: 'utf8' }));
      expect(out.pids).toBeGreaterThan(limit); // else the limit was never reached
      expect(out.read).toBeGreaterThan(out.pids - 5); // a few may end meanwhile
      expect(out.kept).toBe(0);
    } finally {
      for (const c of extra) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps at most its cap open, and still reads every process', () => {
    const files = new StatFiles('/proc', 1);
    files.beginList();
    const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
    const read = pids.filter((e) => files.read(e, Number(e)) !== null);
    files.endList();
    expect(read.length).toBeGreaterThan(2);
    expect(files.size).toBe(1);
  });
});

describe('stat files under a fixture tree', () => {
  it('are opened afresh each list (a plain file replaced would otherwise be read stale)', () => {
    tree = fixtureTree();
    const line = (comm: string) => `7 (${comm}) S 1 ${Array(46).fill('0').join(' ')}\n`;
    tree.write('proc/7/stat', line('before'));
    const files = new StatFiles(tree.procRoot);
    files.beginList();
    expect(files.read('7', 7)?.name).toBe('before');
    expect(files.size).toBe(0);
    rmSync(join(tree.procRoot, '7'), { recursive: true });
    tree.write('proc/7/stat', line('after'));
    expect(files.read('7', 7)?.name).toBe('after');
  });
});

describe("the machine's memory for the %MEM column", () => {
  it('is read once a minute, not for every list', () => {
    tree = fixtureTree();
    tree.write('proc/meminfo', 'MemTotal:        1000 kB\n');
    expect(memTotal(tree.procRoot, 5_000)).toBe(1000 * 1024);
    tree.write('proc/meminfo', 'MemTotal:        2000 kB\n');
    expect(memTotal(tree.procRoot, 64_999)).toBe(1000 * 1024);
    expect(memTotal(tree.procRoot, 65_000)).toBe(2000 * 1024);
  });
});
