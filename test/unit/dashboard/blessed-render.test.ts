/** render/blessed.ts: theme styles as blessed tags (golden), colours, escaping. */
import { describe, expect, it } from 'vitest';
import { BUILTIN_THEMES, loadTheme, type DrawState } from '../../../src/core/theme.js';
import { colourProblem } from '../../../src/core/colour.js';
import { blessedEscape, blessedStyled, blessedVisibleText, blessedWidgetStyle } from '../../../src/render/blessed.js';
import { blessedColour as ofParsed, nearest256 } from '../../../src/render/palette.js';
import { expectGolden } from '../../helpers/golden.js';
import { colour, themeStyle } from '../../helpers/theme-style.js';

/** A colour written as in a theme file, as blessed gets it. */
const blessedColour = (c: unknown) => ofParsed(colour(c));

const STATES: DrawState[] = ['idle', 'info', 'good', 'warning', 'critical', 'failed'];

describe('blessed renderer', () => {
  for (const name of BUILTIN_THEMES) {
    it(`theme ${name} (golden)`, () => {
      const theme = loadTheme(name, '/nonexistent', {});
      const lines = STATES.map((s) => `${s.padEnd(9)}${blessedStyled(`${s} 42%`, theme.states[s])}`);
      lines.push(`base     ${JSON.stringify(blessedWidgetStyle(theme.base))}`);
      expectGolden(`blessed-${name}.txt`, `${lines.join('\n')}\n`);
    });
  }

  it('colours: names, palette numbers and hex (to the nearest palette entry)', () => {
    expect(blessedColour('colour114')).toBe(114);
    expect(blessedColour(3)).toBe('yellow');
    expect(blessedColour('colour9')).toBe('brightred');
    expect(blessedColour('brightwhite')).toBe('brightwhite');
    expect(blessedColour('#87d7ff')).toBe(117);
    expect(blessedColour('#ffffff')).toBe(231);
    expect(blessedColour('#808080')).toBe(nearest256(128, 128, 128));
    expect(blessedColour('default')).toBeNull();
    // Refused when the theme loads: never a blessed colour.
    expect(colourProblem('notacolour}{bold')).toMatch(/unknown colour/);
    expect(colourProblem(300)).toMatch(/0-255/);
  });

  it('outside text cannot inject tags or escapes', () => {
    const evil = 'x{red-fg}y{/}\u001b[31mz{bold}';
    const out = blessedStyled(evil, themeStyle({ fg: 'red' }));
    expect(blessedVisibleText(out)).toBe('x{red-fg}y{/}[31mz{bold}');
    expect(blessedEscape('{a}')).toBe('{open}a{close}');
    expect(blessedStyled('plain', {})).toBe('plain');
  });
});
