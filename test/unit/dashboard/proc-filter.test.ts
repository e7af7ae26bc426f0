import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW,
  filterKey,
  filterProcs,
  isKernelThread,
  openUserMenu,
  userMenuKey,
  userMenuLines,
  usersPresent,
} from '../../../src/dashboard/proc-filter.js';
import { type ProcRow, ProcSampler, sortProcs } from '../../../src/dashboard/procs.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

/** The direct reader's rows, which it gives at once (a promise would be systeminformation's). */
function sampleNow(sampler: ProcSampler): ProcRow[] {
  const rows = sampler.sample();
  if (rows instanceof Promise) throw new Error('expected the direct reader');
  return rows;
}

/** A /proc/PID/stat line as the kernel writes it (ppid field 4, starttime field 22). */
function statLine(pid: number, comm: string, ppid: number): string {
  const f = Array(50).fill('0');
  f[0] = 'S';
  f[1] = String(ppid);
  f[17] = '1';
  f[19] = String(1000 + pid);
  return `${pid} (${comm}) ${f.join(' ')}\n`;
}

let tree: FixtureTree;
afterEach(() => tree?.cleanup());

/** A fixture /proc: init, kthreadd and a kernel worker, a shell, a server with arguments. */
function rows() {
  tree = fixtureTree();
  tree.write('proc/meminfo', 'MemTotal: 1024000 kB\n');
  tree.write('root/etc/passwd', `me:x:${process.getuid?.() ?? 0}:0::/:/bin/sh\n`);
  const procs: [number, string, number, string][] = [
    [1, 'systemd', 0, '/sbin/init\0splash\0'],
    [2, 'kthreadd', 0, ''],
    [35, 'kworker/0:1', 2, ''],
    [400, 'bash', 1, '-bash\0'],
    [512, 'python3', 400, 'python3\0-m\0http.server\x008080\0'],
  ];
  for (const [pid, comm, ppid, cmdline] of procs) {
    tree.write(`proc/${pid}/stat`, statLine(pid, comm, ppid));
    tree.write(`proc/${pid}/cmdline`, cmdline);
  }
  const sampler = new ProcSampler({ env: {}, procRoot: tree.procRoot, sysRoot: tree.sysRoot, root: tree.root, now: () => 0 });
  return sampler.describe(sortProcs(sampleNow(sampler), 'pid'));
}

describe('which processes the table shows', () => {
  it('hides kernel threads (kthreadd and its children) unless asked', () => {
    const all = rows();
    expect(all.filter(isKernelThread).map((r) => r.pid)).toEqual([2, 35]);
    expect(filterProcs(all, DEFAULT_VIEW).map((r) => r.pid)).toEqual([1, 400, 512]);
    expect(filterProcs(all, { ...DEFAULT_VIEW, kernelThreads: true }).map((r) => r.pid)).toEqual([1, 2, 35, 400, 512]);
  });

  it('/ matches the command, its arguments or the user, ignoring case', () => {
    const all = rows();
    const shown = (text: string) => filterProcs(all, { ...DEFAULT_VIEW, text }).map((r) => r.pid);
    expect(shown('HTTP.server')).toEqual([512]); // an argument
    expect(shown('python')).toEqual([512]);
    expect(shown('bash')).toEqual([400]);
    expect(shown('splash')).toEqual([1]);
    expect(shown('me')).toEqual([1, 400, 512]); // the user
    expect(shown('kworker')).toEqual([]); // hidden kernel threads stay hidden
    expect(shown('nothing like it')).toEqual([]);
  });

  it("u shows one user's processes; the users present make its menu", () => {
    const all = rows();
    expect(usersPresent(all)).toEqual(['me']);
    expect(filterProcs(all, { ...DEFAULT_VIEW, user: 'me' })).toHaveLength(3);
    expect(filterProcs(all, { ...DEFAULT_VIEW, user: 'root-not-here' })).toEqual([]);
  });
});

describe('typing the filter', () => {
  it('adds printable characters, Backspace removes one, Enter keeps it, Esc clears it', () => {
    expect(filterKey('sl', 'e', 'e')).toBe('sle');
    expect(filterKey('sle', '', 'backspace')).toBe('sl');
    expect(filterKey('日本', '', 'backspace')).toBe('日');
    expect(filterKey('sl', '\r', 'enter')).toBe('done');
    expect(filterKey('sl', '\r', 'return')).toBe('sl'); // blessed's second report of the same key
    expect(filterKey('sl', '\x1b', 'escape')).toBe('clear');
  });

  it('never takes a control character into the text', () => {
    expect(filterKey('a', '\x07', 'C-g')).toBe('a');
    expect(filterKey('a', '\t', 'tab')).toBe('a');
    expect(filterKey('a', '\u202e', '')).toBe('a'); // a bidi override, format class
    expect(filterKey('a', 'é', 'é')).toBe('aé');
  });
});

describe('the u menu', () => {
  it('lists every user first, then the users present; Enter picks, Esc cancels', () => {
    let m = openUserMenu(['alice', 'bob', 'root'], null);
    expect(userMenuLines(m, 10)).toEqual(['> (every user)', '  alice', '  bob', '  root', '', 'type to jump, Enter: pick, Esc: cancel']);
    const step = (ch: string, full = ch) => {
      const r = userMenuKey(m, ch, full);
      if (r.kind === 'open') m = r.menu;
      return r;
    };
    step('', 'down');
    step('', 'down');
    expect(step('\r', 'enter')).toEqual({ kind: 'pick', user: 'bob' });
    expect(userMenuKey(m, '', 'escape')).toEqual({ kind: 'cancel' });
    expect(userMenuKey(openUserMenu(['alice'], null), '\r', 'enter')).toEqual({ kind: 'pick', user: null });
  });

  it('typing jumps to the first user whose name starts with it; it opens on the current user', () => {
    let m = openUserMenu(['alice', 'bob', 'root', 'rtkit'], 'bob');
    expect(m.choice).toBe(2);
    const type = (ch: string) => {
      const r = userMenuKey(m, ch, ch);
      if (r.kind === 'open') m = r.menu;
    };
    type('r');
    expect(m.entries[m.choice]).toBe('root');
    type('t');
    expect(m.entries[m.choice]).toBe('rtkit');
    expect(userMenuLines(m, 10).at(-1)).toBe('jump: rt');
  });
});
