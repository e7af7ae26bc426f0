/**
 * How each back end turns a theme colour into its own: tmux words, ANSI codes (chalk), screen's
 * sixteen letters, blessed names and palette numbers. At the edges: palette boundaries (7/8,
 * 15/16, 231/232, 255/256), what counts as "dark" or "bright", malformed names (a prefix or a
 * suffix more than a known one), and the terminal's default. Colours are written as a theme
 * file writes them and parsed as a theme is loaded: a malformed one is refused there, so
 * nothing of it reaches any back end.
 */
import { describe, expect, it } from 'vitest';
import { colourProblem } from '../../src/core/colour.js';
import { loadIconSet, loadTheme } from '../../src/core/theme.js';
import { ansiStyler } from '../../src/render/ansi.js';
import { blessedWidgetStyle } from '../../src/render/blessed.js';
import { blessedColour, nearest256, nearestBasic, xtermRgb } from '../../src/render/palette.js';
import { renderScreen, screenStyle } from '../../src/render/screen.js';
import { segmentLabel, sideWidth, type Segment } from '../../src/render/segments.js';
import { renderTmux, tmuxStyle, tmuxVisibleText } from '../../src/render/tmux.js';
import { colour, themeStyle } from '../helpers/theme-style.js';

const theme = loadTheme('default', '/nonexistent', {});
const icons = loadIconSet('ascii', {});

describe('tmux colours', () => {
  const fg = (c: unknown) => tmuxStyle(themeStyle({ fg: c }), {});
  it('passes colour words through, numbers and "color" as tmux spells them', () => {
    expect(fg(160)).toBe('#[default,fg=colour160]');
    expect(fg('colour33')).toBe('#[default,fg=colour33]');
    expect(fg('color33')).toBe('#[default,fg=colour33]');
    expect(fg('#ff00AA')).toBe('#[default,fg=#ff00AA]');
    expect(fg('brightred')).toBe('#[default,fg=brightred]');
    // A word tmux might take but the other back ends do not ("xcolor") is refused with the theme.
    expect(() => fg('xcolor')).toThrow(/unknown colour "xcolor"/);
  });
  it('anything else is refused when the theme loads: nothing of it reaches tmux', () => {
    for (const bad of ['Red', 'red]#(touch x)', '#ff00', '#ff00aa0', 'x#ff0000', 'colour1234', 'red,bold', '']) {
      expect(() => fg(bad), bad).toThrow(/unknown colour/);
    }
  });
  it('attributes, in order, after the colours', () => {
    expect(tmuxStyle(themeStyle({ bold: true, italics: true, underscore: true, reverse: true, bg: 'blue' }), themeStyle({ fg: 'white' }))).toBe(
      '#[default,fg=white,bg=blue,bold,italics,underscore,reverse]',
    );
  });
  it('an empty side is empty: no style of its own', () => {
    expect(renderTmux([], { theme, icons })).toBe('');
  });
});

describe('tmuxVisibleText (the check the escaping tests rely on)', () => {
  it('draws what tmux draws', () => {
    expect(tmuxVisibleText('a##b')).toBe('a#b');
    expect(tmuxVisibleText('####x')).toBe('#x');
    expect(tmuxVisibleText('#[fg=red]x##[y]')).toBe('x#[y]');
  });
  it('names the first # tmux would expand, and an unterminated style', () => {
    expect(() => tmuxVisibleText('#{host}')).toThrow('tmux would expand "#{" at 0');
    expect(() => tmuxVisibleText('ab###(x)')).toThrow('tmux would expand "#(" at 4');
    expect(() => tmuxVisibleText('a#')).toThrow('tmux would expand "#" at 1');
    expect(() => tmuxVisibleText('x#[fg=red')).toThrow('unterminated style at 1');
  });
});

describe('ANSI colours', () => {
  const codes = (style: Record<string, unknown>, level: 0 | 1 | 2 | 3 = 2) => {
    const out = ansiStyler(themeStyle(style), {}, level)('x');
    return out === 'x' ? '' : out.slice(0, out.indexOf('x'));
  };
  it('the default colour, and none, add nothing', () => {
    expect(codes({})).toBe('');
    expect(codes({ fg: 'default', bg: 'default' })).toBe('');
  });
  it('palette numbers, in either spelling, and hex at 256 colours and at truecolour', () => {
    expect(codes({ fg: 160 })).toBe('\u001b[38;5;160m');
    expect(codes({ bg: 160 })).toBe('\u001b[48;5;160m');
    expect(codes({ fg: 'colour33' })).toBe('\u001b[38;5;33m');
    expect(codes({ bg: 'color33' })).toBe('\u001b[48;5;33m');
    expect(codes({ fg: '#ff0000' }, 3)).toBe('\u001b[38;2;255;0;0m');
    expect(codes({ bg: '#FF0000' }, 3)).toBe('\u001b[48;2;255;0;0m');
    expect(codes({ fg: '#ff0000' }, 2)).toBe('\u001b[38;5;196m');
  });
  it('the sixteen names, foreground and background', () => {
    expect(codes({ fg: 'red' })).toBe('\u001b[31m');
    expect(codes({ fg: 'brightred' })).toBe('\u001b[91m');
    expect(codes({ bg: 'blue' })).toBe('\u001b[44m');
    expect(codes({ bg: 'brightblue' })).toBe('\u001b[104m');
  });
  it('a malformed colour is refused when the theme loads: it adds nothing', () => {
    // Including chalk's own modifiers: a theme colour must never select a style by its name.
    for (const bad of ['redbright', 'xred', 'purple', 'xcolour33', 'colour33x', '#ff00', 'x#ff0000', '#ff0000x', 'bold', 'inverse', 'reset', 'hidden']) {
      expect(() => codes({ fg: bad }), bad).toThrow(/unknown colour/);
    }
  });
  it('attributes: bold, italics, underline, inverse', () => {
    expect(codes({ bold: true })).toBe('\u001b[1m');
    expect(codes({ italics: true })).toBe('\u001b[3m');
    expect(codes({ underscore: true })).toBe('\u001b[4m');
    expect(codes({ reverse: true })).toBe('\u001b[7m');
  });
  it('level 0 draws plain text whatever the style', () => {
    expect(ansiStyler(themeStyle({ fg: 'red', bold: true, reverse: true }), themeStyle({ bg: 160 }), 0)('x')).toBe('x');
  });
});

describe('screen colours', () => {
  const basic = (c: unknown) => nearestBasic(colour(c));
  it('names: the eight letters, capitals when bright', () => {
    const names = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
    expect(names.map((n) => screenStyle(themeStyle({ fg: n }), {}))).toEqual(['k', 'r', 'g', 'y', 'b', 'm', 'c', 'w'].map((l) => `\u0005{= d${l}}`));
    expect(names.map((n) => screenStyle(themeStyle({ bg: `bright${n}` }), {}))).toEqual(['K', 'R', 'G', 'Y', 'B', 'M', 'C', 'W'].map((l) => `\u0005{= ${l}d}`));
  });
  it('the default colour is d; the base style fills in what the segment leaves', () => {
    expect(screenStyle({}, {})).toBe('\u0005{= dd}');
    expect(screenStyle(themeStyle({ fg: 'default' }), themeStyle({ bg: 'blue' }))).toBe('\u0005{= bd}');
    expect(screenStyle(themeStyle({ bold: true, underscore: true, reverse: true, fg: 'red' }), themeStyle({ bg: 'blue' }))).toBe('\u0005{=bur br}');
  });
  it('palette numbers: 0-15 as they are, then the nearest of the sixteen', () => {
    expect([0, 5, 7, 8, 15].map((n) => basic(n))).toEqual([0, 5, 7, 8, 15]);
    expect(basic(16)).toBe(0); // black in the cube
    expect(basic(52)).toBe(1); // #5f0000: a dark red, not white
    expect(basic(196)).toBe(9); // #ff0000
    expect(basic(231)).toBe(15); // #ffffff
    expect(basic(232)).toBe(0); // the darkest grey
    expect(basic(255)).toBe(15); // the lightest grey
    expect(basic('colour52')).toBe(1);
    expect(basic('color196')).toBe(9);
  });
  it('hex: dark below 64, bright above 191, a channel counts above half the brightest', () => {
    expect(basic('#3f0000')).toBe(0);
    expect(basic('#400000')).toBe(1);
    expect(basic('#bf0000')).toBe(1);
    expect(basic('#c00000')).toBe(9);
    expect(basic('#800040')).toBe(1); // blue at exactly half: not counted
    expect(basic('#800041')).toBe(5);
    expect(basic('#FFFF00')).toBe(11);
  });
  it('the default, and none, are the default; anything else is refused when the theme loads', () => {
    expect(nearestBasic(undefined)).toBeNull();
    expect(basic('default')).toBeNull();
    for (const bad of ['purple', 'redbright', 'xbrightred', 'xcolour9', 'colour9x', 'x#ff0000', '#ff0000ff', '#ff00']) {
      expect(colourProblem(bad), String(bad)).toMatch(/unknown colour/);
    }
  });
  it('an empty side is empty: no style of its own', () => {
    expect(renderScreen([], { theme, icons })).toBe('');
  });
});

describe('blessed colours', () => {
  const blessedOf = (c: unknown) => blessedColour(colour(c));
  it('0-15 as names, 16-255 as numbers, anything else refused with the theme', () => {
    expect([0, 7, 8, 15, 16, 255].map((n) => blessedOf(n))).toEqual(['black', 'white', 'brightblack', 'brightwhite', 16, 255]);
    for (const bad of [-1, 256, 1.5, Number.NaN]) expect(colourProblem(bad), String(bad)).toMatch(/0-255/);
    expect(blessedOf('colour8')).toBe('brightblack');
    expect(blessedOf('color200')).toBe(200);
    expect(blessedColour(undefined)).toBeNull();
  });
  it('names: basic and bright as blessed knows them; its light and grey names are not theme colours', () => {
    for (const name of ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'brightmagenta']) {
      expect(blessedOf(name), name).toBe(name);
    }
    // Every back end must draw a theme's colours: tmux and chalk know no "lightblue" or "grey".
    for (const name of ['lightblue', 'lightcyan', 'grey', 'gray']) expect(colourProblem(name), name).toMatch(/unknown colour/);
  });
  it('malformed names and numbers are refused when the theme loads', () => {
    for (const bad of ['', 'purple', 'xcolour12', 'colour12x', 'colour1000', 'colour256', 'x#ff0000', '#ff0000ff', 'lightx']) {
      expect(colourProblem(bad), bad).toMatch(/unknown colour/);
    }
  });
  it('hex to the nearest palette entry, either case', () => {
    expect(blessedOf('#ff0000')).toBe(196);
    expect(blessedOf('#FF0000')).toBe(196);
  });
  it('the xterm palette: cube from 16, greys from 232', () => {
    expect(xtermRgb(16)).toEqual([0, 0, 0]);
    expect(xtermRgb(196)).toEqual([255, 0, 0]);
    expect(xtermRgb(231)).toEqual([255, 255, 255]);
    expect(xtermRgb(232)).toEqual([8, 8, 8]);
    expect(xtermRgb(255)).toEqual([238, 238, 238]);
    // Nearest within 16-255 only: a light grey past the last grey ramp entry is white (231).
    expect(nearest256(250, 250, 250)).toBe(231);
    expect(nearest256(0, 0, 0)).toBe(16);
  });
  it('widget styles carry the attributes', () => {
    expect(blessedWidgetStyle(themeStyle({ fg: 'red', bg: 'default', bold: true, underscore: true, reverse: true }))).toEqual({
      fg: 'red',
      bold: true,
      underline: true,
      inverse: true,
    });
    expect(blessedWidgetStyle({})).toEqual({});
  });
});

describe('segments', () => {
  const seg = (over: Partial<Segment>): Segment => ({ id: 's', text: 'x', state: 'idle', priority: 1, ...over });
  it('an icon the set does not have draws nothing, never "undefined"', () => {
    expect(segmentLabel(seg({ icon: 'nosuch' }), { icons })).toBe('x');
    expect(segmentLabel(seg({ icon: 'constructor' }), { icons })).toBe('x');
    expect(segmentLabel(seg({ icon: 'cpu' }), { icons })).toBe(`${icons.icons.cpu}x`);
  });
  it('an empty side is 0 cells wide', () => {
    expect(sideWidth([], { theme, icons })).toBe(0);
    expect(sideWidth([seg({ text: 'abc' })], { theme, icons })).toBe(3);
  });
});
