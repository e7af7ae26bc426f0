import { describe, expect, it } from 'vitest';
import { treeOrder, treePrefix } from '../../../src/dashboard/proc-tree.js';
import type { ProcRow } from '../../../src/dashboard/procs.js';

const row = (pid: number, ppid: number, name = `p${pid}`): ProcRow => ({
  pid,
  ppid,
  name,
  state: 'S',
  cpu: 0,
  rssBytes: 0,
  mem: 0,
  threads: 1,
  cpuSeconds: 0,
  start: '1',
  kernelThread: false,
});

describe('the process tree', () => {
  it('puts each process under its parent, siblings in the order given', () => {
    // in sort order: children before parents, siblings 30 before 20
    const rows = [row(31, 30), row(30, 1), row(20, 1), row(21, 20), row(1, 0)];
    expect(treeOrder(rows).map((t) => [t.row.pid, t.depth, t.last])).toEqual([
      [1, 0, true],
      [30, 1, false],
      [31, 2, true],
      [20, 1, true],
      [21, 2, true],
    ]);
  });

  it('a process whose parent is not shown is a root of its own (a filter keeps every match)', () => {
    const rows = [row(512, 400), row(513, 512), row(900, 1)];
    expect(treeOrder(rows).map((t) => [t.row.pid, t.depth])).toEqual([
      [512, 0],
      [513, 1],
      [900, 0],
    ]);
  });

  it('a loop of parents (PIDs reused between reads) still shows every row once', () => {
    const rows = [row(5, 6), row(6, 5), row(7, 7)];
    const out = treeOrder(rows).map((t) => t.row.pid);
    expect(out.sort()).toEqual([5, 6, 7]);
  });

  it('a deep chain does not overflow the stack', () => {
    const rows = Array.from({ length: 20000 }, (_, i) => row(i + 2, i + 1));
    const out = treeOrder(rows);
    expect(out).toHaveLength(20000);
    expect(out.at(-1)!.depth).toBe(19999);
  });

  it('draws branches, in ASCII where the locale has no box characters', () => {
    expect(treePrefix({ depth: 0, last: true }, false)).toBe('');
    expect(treePrefix({ depth: 1, last: false }, false)).toBe('├─ ');
    expect(treePrefix({ depth: 2, last: true }, false)).toBe('  └─ ');
    expect(treePrefix({ depth: 2, last: true }, true)).toBe('  `- ');
  });
});

describe('the tree drawn in the process table', () => {
  it('indents each command under its parent and says so in the title', async () => {
    const { procsPanel } = await import('../../../src/dashboard/tables.js');
    const { loadTheme } = await import('../../../src/core/theme.js');
    const rows = treeOrder([row(1, 0, 'init'), row(30, 1, 'sshd'), row(31, 30, 'bash'), row(20, 1, 'cron')]).map((t) => ({
      ...t.row,
      command: t.row.name,
      user: 'root',
      indent: treePrefix(t, false),
    }));
    const ctx = { theme: loadTheme('monochrome', '/nonexistent', {}), charset: 'braille' as const, width: 70, height: 8 };
    const panel = procsPanel({ rows, total: 4, sort: 'cpu', offset: 0, selected: 0, focused: false, tree: true }, ctx);
    const text = panel.lines.map((l) => l.replace(/\{[^}]*\}/g, '').trimEnd());
    expect(panel.label).toContain('tree, siblings by %CPU');
    expect(text.slice(1).map((l) => l.slice(l.indexOf(' S ') + 3))).toEqual(['init', '├─ sshd', '  └─ bash', '└─ cron']);
  });
});
