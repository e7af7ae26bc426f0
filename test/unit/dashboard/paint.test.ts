import { describe, expect, it } from 'vitest';
import { PaintedLines, paintCells, parseTagged } from '../../../src/dashboard/paint.js';
import { blessedStyled } from '../../../src/render/blessed.js';
import { themeStyle } from '../../helpers/theme-style.js';

const D = (0x1ff << 9) | 0x1ff;

describe('painting tagged lines into cells', () => {
  it('turns our tags into blessed attributes: colours, bold, underline, inverse, reset', () => {
    const row = parseTagged(`a${blessedStyled('b', themeStyle({ fg: 'colour114', bold: true }))}c{red-fg}{inverse}d{/}{open}x{close}`, D);
    expect(row.chars.join('')).toBe('abcd{x}');
    expect(row.attrs[0]).toBe(D);
    expect(row.attrs[1]).toBe((1 << 18) | (114 << 9) | 0x1ff);
    expect(row.attrs[2]).toBe(D);
    expect(row.attrs[3]).toBe((8 << 18) | (1 << 9) | 0x1ff);
    expect(row.attrs[4]).toBe(D);
  });

  it('keeps columns: wide characters become two cells, combining marks none', () => {
    expect(parseTagged('a漢b', D).chars.join('')).toBe('a??b');
    expect(parseTagged('e\u0301x', D).chars.join('')).toBe('ex');
    expect(parseTagged('⣿▌─', D).chars).toEqual(['⣿', '▌', '─']);
  });

  it('on a unicode screen, draws a wide character itself, followed by an empty cell blessed sends as nothing', () => {
    expect(parseTagged('a漢😀b', D, true).chars).toEqual(['a', '漢', '', '😀', '', 'b']);
    const painted = new PaintedLines(true);
    painted.set(['火x'], D);
    expect(painted.rows[0].chars).toEqual(['火', '', 'x']);
    expect(new PaintedLines().rows).toEqual([]);
  });

  it('copies cells into the screen buffer, marking only changed lines dirty', () => {
    const screen = [0, 1].map(() =>
      Object.assign(
        [0, 1, 2, 3].map(() => [D, ' '] as [number, string]),
        { dirty: false },
      ),
    );
    const painted = new PaintedLines();
    painted.set(['abcdef', 'x'], D);
    paintCells(screen, painted.rows, 1, 0, 2, 5);
    expect(screen.map((l) => l.map((c) => c[1]).join(''))).toEqual([' ab ', ' x  ']);
    expect(screen.map((l) => l.dirty)).toEqual([true, true]);
    for (const l of screen) l.dirty = false;
    paintCells(screen, painted.rows, 1, 0, 2, 5);
    expect(screen.map((l) => l.dirty)).toEqual([false, false]);
  });
});
