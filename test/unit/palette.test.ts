/**
 * Colours once: a theme colour is parsed when the theme loads (core/colour.ts) and mapped to
 * each back end by render/palette.ts alone. Here: what each written form parses to, what every
 * back end gets for every form (and that it can carry nothing but a colour), that the dashboard
 * reads back the blessed colours it is given, and that no other source file parses colour text
 * or holds a copy of the palette.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { type Colour, COLOUR_NAMES, colourProblem, NAMED_COLOURS, parseColour, readColour } from '../../src/core/colour.js';
import { packageRoot } from '../../src/core/package-root.js';
import { blessedColour, blessedColourNumber, chalkColour, nearest256, nearestBasic, screenColour, tmuxColour, xtermRgb } from '../../src/render/palette.js';

/** Every colour a theme can write: the names, each palette entry in each spelling, and hex colours. */
function everyForm(): unknown[] {
  const forms: unknown[] = [...COLOUR_NAMES];
  for (let n = 0; n < 256; n++) forms.push(n, `colour${n}`, `color${n}`);
  const hh = (v: number) => v.toString(16).padStart(2, '0');
  for (let v = 0; v < 256; v += 5) forms.push(`#${hh(v)}${hh((v * 7) % 256).toUpperCase()}${hh(255 - v)}`);
  return forms;
}

describe('parsing a colour, once, when the theme loads', () => {
  it('each written form becomes one of four kinds', () => {
    expect(parseColour('default')).toEqual({ kind: 'default' });
    expect(parseColour('black')).toEqual({ kind: 'named', index: 0 });
    expect(parseColour('white')).toEqual({ kind: 'named', index: 7 });
    expect(parseColour('brightblack')).toEqual({ kind: 'named', index: 8 });
    expect(parseColour('brightwhite')).toEqual({ kind: 'named', index: 15 });
    expect(parseColour(0)).toEqual({ kind: 'palette', index: 0 });
    expect(parseColour(255)).toEqual({ kind: 'palette', index: 255 });
    expect(parseColour('colour160')).toEqual({ kind: 'palette', index: 160 });
    expect(parseColour('color9')).toEqual({ kind: 'palette', index: 9 });
    expect(parseColour('colour007')).toEqual({ kind: 'palette', index: 7 });
    expect(parseColour('#dc322F')).toEqual({ kind: 'rgb', r: 220, g: 50, b: 47, hex: '#dc322F' });
  });

  it('the 16 names in order: the eight basic colours, then their bright forms', () => {
    expect(NAMED_COLOURS).toEqual(COLOUR_NAMES.slice(1));
    expect(NAMED_COLOURS.map((name) => readColour(name))).toEqual(NAMED_COLOURS.map((_, index) => ({ colour: { kind: 'named', index } })));
  });

  it('a parsed colour cannot be changed afterwards', () => {
    const c = parseColour('#ffffff') as { r: number };
    expect(() => {
      c.r = 0;
    }).toThrow(TypeError);
  });

  it('what is not a colour gives the reason, never a colour', () => {
    expect(readColour('pink')).toEqual({ problem: expect.stringMatching(/^unknown colour "pink": use a colour name/) });
    expect(readColour(256)).toEqual({ problem: 'a colour number is 0-255 (got 256)' });
    expect(() => parseColour('colour256')).toThrow(/^unknown colour "colour256"/);
    expect(() => parseColour(true)).toThrow(/^must be a colour name .* \(got true\)$/);
    expect(colourProblem('#abcdef')).toBeNull();
  });
});

describe('the palette: one mapping for every back end', () => {
  const all: Colour[] = everyForm().map((form) => parseColour(form));

  it('tmux gets a colour word and nothing else, spelt as tmux spells it', () => {
    for (const c of all) expect(tmuxColour(c), JSON.stringify(c)).toMatch(/^(default|[a-z]+|colour\d{1,3}|#[0-9a-fA-F]{6})$/);
    expect(['default', 'brightred', 'color9', 9, '#DC322f'].map((form) => tmuxColour(parseColour(form)))).toEqual([
      'default',
      'brightred',
      'colour9',
      'colour9',
      '#DC322f',
    ]);
  });

  it('screen gets one of its letters: d, eight colours, capitals when bright', () => {
    for (const c of all) expect(screenColour(c), JSON.stringify(c)).toMatch(/^[dkrgybmcwKRGYBMCW]$/);
    expect(screenColour(undefined)).toBe('d');
    expect(['default', 'blue', 'brightblue', 'colour4', 'colour12', '#0000ff', '#000080'].map((form) => screenColour(parseColour(form)))).toEqual([
      'd',
      'b',
      'B',
      'b',
      'B',
      'B',
      'b',
    ]);
  });

  it('blessed gets a standard name or a palette number 16-255, and the dashboard reads each back as the same colour', () => {
    for (const c of all) {
      const value = blessedColour(c);
      if (c.kind === 'default') {
        expect(value).toBeNull();
        continue;
      }
      expect(typeof value === 'number' ? value >= 16 && value <= 255 : NAMED_COLOURS.includes(value as string), JSON.stringify(c)).toBe(true);
      const number = blessedColourNumber(String(value));
      if (c.kind === 'named' || c.kind === 'palette') expect(number, JSON.stringify(c)).toBe(c.index);
      else expect(number).toBe(nearest256(c.r, c.g, c.b));
    }
    expect(blessedColourNumber('lightred')).toBeNull();
    expect(blessedColourNumber('999')).toBe(255);
  });

  it('ANSI: chalk knows every standard colour by the name the palette asks for, foreground and background', () => {
    const chalk = new Chalk({ level: 1 });
    const codes = (c: Colour, background: boolean) => {
      const out = chalkColour(chalk, c, background)('x');
      return out.slice(0, out.indexOf('x'));
    };
    expect(NAMED_COLOURS.map((name) => codes(parseColour(name), false))).toEqual(
      [30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97].map((n) => `\u001b[${n}m`),
    );
    expect(NAMED_COLOURS.map((name) => codes(parseColour(name), true))).toEqual(
      [40, 41, 42, 43, 44, 45, 46, 47, 100, 101, 102, 103, 104, 105, 106, 107].map((n) => `\u001b[${n}m`),
    );
    expect(chalkColour(chalk, parseColour('default'), false)).toBe(chalk);
    expect(chalkColour(chalk, undefined, true)).toBe(chalk);
    const truecolour = new Chalk({ level: 3 });
    expect(chalkColour(truecolour, parseColour('#0a0B0c'), true)('x')).toBe('\u001b[48;2;10;11;12mx\u001b[49m');
    expect(chalkColour(truecolour, parseColour('colour7'), false)('x')).toBe('\u001b[38;5;7mx\u001b[39m');
  });

  it('the xterm palette and the nearest of the sixteen, from the one copy of each', () => {
    expect(xtermRgb(16)).toEqual([0, 0, 0]);
    expect(xtermRgb(17)).toEqual([0, 0, 95]);
    expect(xtermRgb(21)).toEqual([0, 0, 255]);
    expect(xtermRgb(52)).toEqual([95, 0, 0]);
    expect(xtermRgb(231)).toEqual([255, 255, 255]);
    expect(xtermRgb(244)).toEqual([128, 128, 128]);
    for (let n = 16; n < 256; n++) expect(nearest256(...xtermRgb(n)), String(n)).toBe(n);
    expect(nearestBasic(parseColour(17))).toBe(4);
    expect(nearestBasic(parseColour(21))).toBe(12);
    expect(nearestBasic(undefined)).toBeNull();
  });
});

describe('colours are parsed in one place', () => {
  const root = packageRoot();
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|mjs|cjs)$/.test(e.name))
      .map((e) => relative(root, join(e.parentPath, e.name)));
  const files = [...sources('src'), ...sources('plugins')];

  it('only core/colour.ts reads colour text (colourN, #rrggbb); only render/palette.ts holds the xterm palette', () => {
    const matching = (pattern: RegExp) => files.filter((f) => pattern.test(readFileSync(join(root, f), 'utf8')));
    expect(files.length).toBeGreaterThan(50);
    expect(matching(/colou\?r|#\(?\[0-9a-f/i)).toEqual(['src/core/colour.ts']);
    expect(matching(/55 \+ \w+ \* 40/)).toEqual(['src/render/palette.ts']);
  });
});
