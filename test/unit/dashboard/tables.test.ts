import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../../src/core/theme.js';
import { Metrics, type ModuleView } from '../../../src/dashboard/model.js';
import { cpuPanel } from '../../../src/dashboard/panels.js';
import { HELP_LINES, helpLines, helpWidth, procHeaderRow, procsPanel, SORT_COLUMNS, sortAtColumn } from '../../../src/dashboard/tables.js';

const ctx = { theme: loadTheme('monochrome', '/nonexistent', {}), charset: 'ascii' as const, width: 100, height: 6 };
/** A content line as the terminal shows it: blessed's style tags removed. */
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');
const table = (error?: string) => procsPanel({ rows: [], total: 0, sort: 'cpu', offset: 0, selected: 0, focused: false, error }, ctx);

describe('process table header clicks', () => {
  it('finds each sortable column where the header draws its name', () => {
    const header = plain(table().lines[procHeaderRow({})]);
    const names = { pid: 'PID', cpu: '%CPU', mem: '%MEM' };
    for (const c of SORT_COLUMNS)
      expect(
        header
          .slice(c.from, c.to + 1)
          .trim()
          .replace(/\*$/, ''),
      ).toBe(names[c.sort]);
    expect(sortAtColumn(header.indexOf('PID'))).toBe('pid');
    expect(sortAtColumn(header.indexOf('%CPU'))).toBe('cpu');
    expect(sortAtColumn(header.indexOf('%MEM') + 3)).toBe('mem');
  });

  it('ignores the columns it cannot sort by', () => {
    const header = plain(table().lines[0]);
    for (const name of ['USER', 'RSS', 'COMMAND']) expect(sortAtColumn(header.indexOf(name))).toBeNull();
    expect(sortAtColumn(-1)).toBeNull();
  });

  it('moves the header down a row when an error line is shown above it', () => {
    const lines = table('cannot read /proc').lines.map(plain);
    expect(lines[procHeaderRow({ error: 'cannot read /proc' })]).toMatch(/PID .*%CPU/);
  });
});

describe('CPU panel', () => {
  const view = (data: Record<string, unknown>): ModuleView => ({
    id: 'cpu',
    state: 'good',
    text: '80%',
    detail: [],
    pending: false,
    available: true,
    data,
  });
  const loadView: ModuleView = { id: 'load', state: 'good', text: '', detail: [], pending: true, available: true, data: null };
  const title = (data: Record<string, unknown>) => {
    const m = new Metrics();
    m.cpuTotal = 0.8;
    return plain(cpuPanel(m, view(data), loadView, { ...ctx, height: 8 }).label);
  };

  it("says when the total is a container's share of its CPU quota", () => {
    expect(title({ total: 0.8, scope: 'host' })).toMatch(/^ ?CPU 80%/);
    expect(title({ total: 0.8, scope: 'cgroup', quotaCores: 0.5 })).toMatch(/CPU \(of a 0\.5-CPU quota\) 80%/);
  });
});

describe('the help overlay', () => {
  it('is as wide as its longest line, so no key is cut short', () => {
    const log = '/home/someone/.local/state/shoji/shoji.log';
    const width = helpWidth(log);
    const text = helpLines({ ...ctx, width }, log).join('\n');
    for (const [keys, what] of HELP_LINES) {
      expect(text).toContain(keys);
      expect(text).toContain(what);
    }
    expect(text).toContain(log);
    // One cell less and the longest line is cut.
    const narrower = helpLines({ ...ctx, width: width - 1 }, log).join('\n');
    expect(HELP_LINES.every(([, what]) => narrower.includes(what)) && narrower.includes(log)).toBe(false);
  });
});
