import { describe, expect, it } from 'vitest';
import { areaGraph, gauge, stackedBar } from '../../../src/dashboard/graph.js';
import { History } from '../../../src/dashboard/history.js';

describe('history graphs', () => {
  it('braille: two samples per cell, four levels per row, newest on the right', () => {
    // One row: 0, 1/4, 2/4, 4/4 of the scale -> blank cell, then left column 1 dot + right 2 dots, ...
    const [row] = areaGraph([0, 1, 2, 4], 2, 1, 4, 'braille');
    expect(row.codePointAt(0)).toBe(0x2800 | 0x80); // samples 0 and 1: right column, bottom dot
    expect(row.codePointAt(1)).toBe(0x2800 | 0x40 | 0x04 | 0xb8); // 2 dots left, 4 dots right
  });

  it('braille: fills from the bottom row up across several rows; empty cells are spaces', () => {
    const rows = areaGraph([8, 8], 1, 2, 8, 'braille');
    expect(rows).toEqual(['⣿', '⣿']);
    const half = areaGraph([4, 4], 1, 2, 8, 'braille');
    expect(half).toEqual([' ', '⣿']);
    expect(areaGraph([], 3, 2, 1, 'braille')).toEqual(['   ', '   ']);
  });

  it('block characters: eight levels per row, one sample per cell', () => {
    expect(areaGraph([0, 1, 4, 8], 4, 1, 8, 'block')).toEqual([' ▁▄█']);
    expect(areaGraph([12], 1, 2, 16, 'block')).toEqual(['▄', '█']);
  });

  it('ascii: "." for half a row and "|" for a full one', () => {
    expect(areaGraph([0, 1, 2, 4], 4, 2, 4, 'ascii')).toEqual(['   |', ' .||']);
  });

  it('clamps to the scale, shows any non-zero value, leaves no-value samples blank', () => {
    expect(areaGraph([100, 0.001, null], 3, 1, 1, 'block')).toEqual(['█▁ ']);
    expect(areaGraph([Number.NaN, -5], 2, 1, 1, 'ascii')).toEqual(['  ']);
  });

  it('only the newest samples that fit are drawn', () => {
    expect(areaGraph([8, 8, 8, 0, 0], 2, 1, 8, 'block')).toEqual(['  ']);
  });

  it('gauges split a width into filled and empty parts', () => {
    for (const cs of ['braille', 'block', 'ascii'] as const) {
      for (const r of [0, 0.13, 0.5, 0.999, 1, 2]) {
        const [f, e] = gauge(r, 20, cs);
        expect([...f].length + [...e].length, `${cs} ${r}`).toBe(20);
      }
    }
    expect(gauge(0.5, 10, 'ascii')).toEqual(['|||||', '.....']);
    expect(gauge(0.55, 10, 'block')[0]).toBe('█████▌');
  });

  it('a history keeps only its capacity and knows its recent peak', () => {
    const h = new History(3);
    for (const v of [5, 1, 2, 3]) h.push(v);
    expect(h.values()).toEqual([1, 2, 3]);
    expect(h.max()).toBe(3);
    expect(h.max(1)).toBe(3);
    h.push(null);
    expect(h.last()).toBeNull();
  });

  it("'down' hangs from the top row: a mirror of 'up', in every charset", () => {
    expect(areaGraph([4, 4], 1, 2, 8, 'braille', 'down')).toEqual(['⣿', ' ']);
    // One dot from the top in the left column (0x01), two in the right (0x08 | 0x10).
    expect(areaGraph([1, 2], 1, 1, 4, 'braille', 'down')).toEqual([String.fromCharCode(0x2800 | 0x01 | 0x08 | 0x10)]);
    expect(areaGraph([0, 1, 2, 4], 4, 2, 4, 'ascii', 'down')).toEqual([" '||", '   |']);
    expect(areaGraph([0, 1, 4, 8], 4, 1, 8, 'block', 'down')).toEqual([' ▔▀█']);
    for (const cs of ['braille', 'block', 'ascii'] as const) {
      const up = areaGraph([1, 3, 5, 8, 2], 3, 3, 8, cs, 'up');
      const down = areaGraph([1, 3, 5, 8, 2], 3, 3, 8, cs, 'down');
      expect(
        down.map((r) => r.trim() === ''),
        cs,
      ).toEqual([...up].reverse().map((r) => r.trim() === ''));
    }
  });

  it('stacked bars: each part its own glyph, edges on the running total, never wider than the bar', () => {
    expect(stackedBar([0.25, 0.5], 8, 'braille')).toEqual({ parts: ['██', '░░░░'], empty: '⣀⣀' });
    expect(stackedBar([0.25, 0.5], 8, 'ascii')).toEqual({ parts: ['||', '::::'], empty: '..' });
    // Anything above zero gets a cell; parts past the whole are cut at the width.
    expect(stackedBar([0.01, 0.01], 10, 'block')).toEqual({ parts: ['█', '░'], empty: '·'.repeat(8) });
    const over = stackedBar([0.9, 0.9], 10, 'braille');
    expect(over.parts.join('') + over.empty).toHaveLength(10);
    expect(stackedBar([Number.NaN, 0], 4, 'ascii')).toEqual({ parts: ['', ''], empty: '....' });
  });

  it('a history knows the time its samples span at the recent pace', () => {
    const h = new History();
    expect(h.span(10)).toBeNull();
    h.push(1, 1_000);
    expect(h.span(10)).toBeNull();
    h.push(1, 3_000);
    h.push(1, 5_000);
    expect(h.span(10)).toBe(20); // a sample every 2 s: 10 samples are 20 s
    // The refresh changed to 1 s: the newest samples set the pace.
    for (let t = 6_000; t <= 15_000; t += 1_000) h.push(1, t);
    expect(h.span(4)).toBe(4);
    expect(new History(2).span(2)).toBeNull();
  });
});
