/**
 * The help overlay (tables.ts helpLines/helpView): every key and every word of its text at any
 * width, no line cut, and at 80x24 a window onto it that says what is left and how to scroll.
 */
import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../../src/core/theme.js';
import { displayWidth } from '../../../src/core/width.js';
import { HELP_KEY_CELLS, HELP_LINES, helpLines, helpView, helpWidth } from '../../../src/dashboard/tables.js';
import type { PanelCtx } from '../../../src/dashboard/text.js';

const theme = loadTheme('monochrome', '/nonexistent', {});
const ctx = (width: number, charset: PanelCtx['charset'] = 'braille'): PanelCtx => ({ theme, charset, width, height: 1 });
/** A line as the terminal shows it: blessed's style tags removed. */
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');
const words = (text: string) => text.split(/\s+/).filter(Boolean);
const LOG = '/home/someone/.local/state/shoji/shoji.log';

/** The help box at a terminal size, as ui.ts sizes it: within the screen, its two borders around the lines. */
function helpBox(cols: number, rows: number) {
  const width = Math.min(helpWidth(LOG) + 2, cols - 2) - 2;
  const all = helpLines(ctx(width), LOG);
  const height = Math.min(all.length + 2, rows - 2) - 2;
  return { width, height, all };
}

describe('the help overlay', () => {
  for (const width of [12, 20, 40, 60, 76, 100, 160]) {
    it(`at ${width} cells lists every key with all of its text, no line cut or wider than the box`, () => {
      const lines = helpLines(ctx(width), LOG).map(plain);
      for (const l of lines) expect(displayWidth(l), l).toBe(width);
      // Nothing is cut with '~': every word of every key and text is on some line, in order.
      const shown = words(lines.join(' ')).join(' ');
      const expected = [...HELP_LINES.flatMap(([k, what]) => [...words(k), ...words(what)]), 'Errors', 'are', 'written', 'to'].join(' ');
      expect(shown.replaceAll(' ', '')).toBe(`${expected}${LOG}`.replaceAll(' ', ''));
      expect(lines.join('\n')).not.toMatch(/~/);
    });
  }

  it('at 80 columns the keys stand in their own column and wrapped text lines up under the text', () => {
    const { width, all } = helpBox(80, 24);
    const lines = all.map(plain);
    for (const [k] of HELP_LINES)
      expect(
        lines.some((l) => l.startsWith(k.padEnd(HELP_KEY_CELLS))),
        k,
      ).toBe(true);
    const textColumn = lines.filter((l) => /^\S/.test(l) && !l.startsWith('Errors')).map((l) => l.slice(HELP_KEY_CELLS).search(/\S/));
    expect(new Set(textColumn)).toEqual(new Set([0]));
    for (const l of lines.filter((l) => /^ /.test(l) && l.trim())) expect(l.search(/\S/), l).toBe(HELP_KEY_CELLS);
    expect(width).toBeLessThanOrEqual(76);
  });

  it('fits 80x24: when its lines outnumber the rows, the last row says how many are below and which keys scroll', () => {
    const { width, height, all } = helpBox(80, 24);
    expect(height + 2).toBeLessThanOrEqual(22);
    const many = [...all, ...all]; // as long as it may grow while keys are added
    const first = helpView(many, 0, height, ctx(width));
    expect(first.lines).toHaveLength(height);
    const marker = plain(first.lines[height - 1]);
    expect(marker).toMatch(new RegExp(`▼ ${many.length - (height - 1)} more .*Up/Down/PgUp/PgDn scroll`));
    expect(displayWidth(marker)).toBe(width);
    // Scrolled past the end it stops at the last line, which is shown, and says so.
    const last = helpView(many, 10_000, height, ctx(width));
    expect(last.offset).toBe(many.length - (height - 1));
    expect(plain(last.lines[height - 2])).toBe(plain(many[many.length - 1]));
    expect(plain(last.lines[height - 1])).toMatch(/▲ \d+ above {2}end/);
    // Every line is reachable a row at a time.
    const seen = new Set<string>();
    for (let at = 0; at <= last.offset; at++) for (const l of helpView(many, at, height, ctx(width)).lines.slice(0, -1)) seen.add(l);
    expect([...new Set(many)].every((l) => seen.has(l))).toBe(true);
  });

  it('shows all of itself, with no marker, when it fits; the marker is ASCII on an ASCII screen and never cut', () => {
    const all = helpLines(ctx(76), LOG);
    expect(helpView(all, 5, all.length, ctx(76))).toEqual({ lines: all, offset: 0 });
    expect(plain(helpView(all, 3, 6, ctx(76, 'ascii')).lines[5])).toMatch(/^\^ 3 above {2}v \d+ more/);
    for (const w of [1, 8, 14, 30]) {
      const marker = plain(helpView(all, 3, 6, ctx(w)).lines[5]);
      expect(displayWidth(marker)).toBe(w);
      expect(marker).not.toMatch(/~/);
    }
  });
});
