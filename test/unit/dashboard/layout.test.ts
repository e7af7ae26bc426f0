import { describe, expect, it } from 'vitest';
import { computeLayout, MIN_COLS, MIN_ROWS, modulesToPlace, type Layout, type Rect } from '../../../src/dashboard/layout.js';

function rects(l: Layout): [string, Rect][] {
  const out: [string, Rect][] = [
    ['header', l.header],
    ['cpu', l.cpu],
    ['memory', l.memory],
    ['network', l.network],
    ['disk', l.disk],
    ['procs', l.procs],
  ];
  if (l.battery) out.push(['battery', l.battery]);
  if (l.ec2) out.push(['ec2', l.ec2]);
  if (l.temperature) out.push(['temperature', l.temperature]);
  for (const m of l.modules) out.push([`mod:${m.id}`, m.rect]);
  if (l.more) out.push(['more', l.more.rect]);
  return out;
}

const overlaps = (a: Rect, b: Rect) => a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

const modules = (n: number, lines = 2) => Array.from({ length: n }, (_, i) => ({ id: `m${i}`, lines }));

describe('dashboard layout', () => {
  const sizes: [number, number][] = [
    [200, 60],
    [160, 48],
    [120, 40],
    [100, 30],
    [80, 24],
  ];
  for (const [cols, rows] of sizes) {
    for (const n of [0, 3, 12, 40]) {
      it(`${cols}x${rows} with ${n} module panels: inside the screen, no overlaps, every module placed or named`, () => {
        // Three sensors: a temperature panel of its own, or (short of room) named among the modules.
        const l = computeLayout({ cols, rows, battery: true, ec2: true, temperature: 3, modules: modules(n) });
        expect(l.tooSmall).toBeUndefined();
        const all = rects(l);
        for (const [name, r] of all) {
          expect(r.left, name).toBeGreaterThanOrEqual(0);
          expect(r.top, name).toBeGreaterThanOrEqual(0);
          expect(r.left + r.width, name).toBeLessThanOrEqual(cols);
          expect(r.top + r.height, name).toBeLessThanOrEqual(rows);
          if (name !== 'header') expect(r.height, name).toBeGreaterThanOrEqual(3);
        }
        for (let i = 0; i < all.length; i++) {
          for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i][1], all[j][1]), `${all[i][0]} / ${all[j][0]}`).toBe(false);
        }
        const named = new Set([...l.modules.map((m) => m.id), ...(l.more?.ids ?? [])]);
        // Battery and temperature without a panel of their own are among the modules.
        if (!l.temperature) expect([...named]).toContain('temperature');
        if (!l.battery) expect([...named]).toContain('battery');
        expect(named.size).toBe(n + (l.temperature ? 0 : 1) + (l.battery ? 0 : 1));
        // The main panels keep a usable size at every size.
        expect(l.cpu.height).toBeGreaterThanOrEqual(7);
        expect(l.procs.height).toBeGreaterThanOrEqual(6);
        expect(l.header).toEqual({ left: 0, top: 0, width: cols, height: 1 });
      });
    }
  }

  it('the two columns fill the width exactly', () => {
    for (const [cols, rows] of sizes) {
      const l = computeLayout({ cols, rows, battery: false, ec2: false, modules: [] });
      expect(l.cpu.width + l.memory.width).toBe(cols);
      expect(l.procs.top + l.procs.height).toBe(rows);
    }
  });

  it('says so below the minimum size instead of laying out', () => {
    for (const [cols, rows] of [
      [MIN_COLS - 1, MIN_ROWS],
      [MIN_COLS, MIN_ROWS - 1],
      [20, 5],
    ]) {
      const l = computeLayout({ cols, rows, battery: true, ec2: true, modules: modules(3) });
      expect(l.tooSmall).toMatch(new RegExp(`needs at least ${MIN_COLS}x${MIN_ROWS}; this terminal is ${cols}x${rows}`));
      expect(l.modules).toEqual([]);
    }
  });

  it('cuts module details before it drops a module, and names what has no room', () => {
    const few = computeLayout({ cols: 160, rows: 48, battery: false, ec2: false, modules: modules(3, 6) });
    expect(few.modules.map((m) => m.lines)).toEqual([6, 6, 6]);
    const many = computeLayout({ cols: 80, rows: 24, battery: false, ec2: true, modules: modules(12, 6) });
    // Not even a line each in panels of their own: one panel lists them all, in the rows left under the EC2 cost.
    expect(many.modules).toEqual([]);
    expect(many.more?.ids).toEqual(modules(12).map((m) => m.id));
    expect(many.more!.rect.top).toBe(many.ec2!.top + many.ec2!.height);
    expect(many.more!.rect.top + many.more!.rect.height).toBe(24);
  });

  it('keeps module panels wide enough to read: details cut to three lines rather than a third column of 28 cells', () => {
    const l = computeLayout({ cols: 200, rows: 60, battery: true, ec2: true, modules: modules(6, 6) });
    expect(new Set(l.modules.map((m) => m.rect.width))).toEqual(new Set([42]));
    expect(l.modules.map((m) => m.lines)).toEqual([3, 3, 3, 3, 3, 3]);
    // Where a second column is still wide enough, every detail line.
    const few = computeLayout({ cols: 160, rows: 48, battery: false, ec2: false, modules: modules(3, 6) });
    expect(few.modules.map((m) => m.rect.width)).toEqual([33, 33, 34]);
  });

  it('gives a network panel with nothing to report one line, and its rows to the process table', () => {
    for (const [cols, rows] of sizes) {
      const busy = computeLayout({ cols, rows, battery: false, ec2: true, modules: modules(3) });
      const quiet = computeLayout({ cols, rows, battery: false, ec2: true, quietNetwork: true, modules: modules(3) });
      expect(quiet.network.height).toBe(3);
      expect(quiet.procs.top).toBe(quiet.network.top + 3);
      expect(quiet.procs.height).toBe(busy.procs.height + busy.network.height - 3);
      expect(quiet.procs.top + quiet.procs.height).toBe(rows);
      // The right column does not move.
      expect(quiet.disk).toEqual(busy.disk);
    }
  });

  it('gives the battery a panel of its own only where the modules keep theirs, and the EC2 cost up to half the rows', () => {
    const small = computeLayout({ cols: 80, rows: 24, battery: true, ec2: true, modules: modules(4, 1) });
    expect(small.battery).toBeUndefined();
    expect(small.more?.ids).toEqual(['battery', 'm0', 'm1', 'm2', 'm3']);
    // 10 rows under the disk panel: 5 for the EC2 cost (3 of its lines), 5 to list the 5 modules' lines.
    expect(small.ec2?.height).toBe(5);
    expect(small.more?.rect.height).toBe(5);
    const large = computeLayout({ cols: 160, rows: 48, battery: true, ec2: true, modules: modules(4, 1) });
    expect(large.battery?.height).toBe(3);
    expect(large.ec2?.height).toBe(7);
    expect(large.modules.map((m) => m.id)).toEqual(['m0', 'm1', 'm2', 'm3']);
  });
});

describe('modulesToPlace', () => {
  const frame = { cols: 120, rows: 40, battery: false, ec2: true };
  const want = (id: string, lines = 1) => ({ id, lines });
  it("the user's modules always; another only where it fits without cutting any panel's lines", () => {
    const first = [want('boom', 3), want('tick')];
    const then = Array.from({ length: 12 }, (_, i) => want(`extra${i}`));
    const chosen = modulesToPlace(frame, first, then);
    expect(chosen.slice(0, 2)).toEqual(first);
    expect(chosen.length).toBeGreaterThan(2);
    expect(chosen.length).toBeLessThan(14);
    const placed = computeLayout({ ...frame, modules: chosen }).modules;
    expect(placed.map((m) => m.lines)).toEqual(chosen.map((w) => w.lines));
  });
  it('when the first ones do not fit whole, nothing else is added', () => {
    const first = Array.from({ length: 30 }, (_, i) => want(`line${i}`, 4));
    expect(modulesToPlace(frame, first, [want('extra')])).toEqual(first);
  });

  it('a temperature panel below the EC2 cost and battery, as tall as its sensors; none without sensors', () => {
    const none = computeLayout({ cols: 160, rows: 48, battery: true, ec2: true, temperature: 0, modules: modules(3) });
    expect(none.temperature).toBeUndefined();
    const l = computeLayout({ cols: 160, rows: 48, battery: true, ec2: true, temperature: 4, modules: modules(3) });
    expect(l.temperature).toEqual({ left: l.memory.left, top: l.battery!.top + 3, width: l.memory.width, height: 6 });
    expect(l.modules.every((m) => m.rect.top >= l.temperature!.top + 6)).toBe(true);
    // At 80x24 with the EC2 cost, the battery and modules, it still gets its rows (the modules keep 3).
    const small = computeLayout({ cols: 80, rows: 24, battery: false, ec2: false, temperature: 3, modules: modules(1) });
    expect(small.temperature?.height).toBe(5);
    expect(small.modules).toHaveLength(1);
  });
});
