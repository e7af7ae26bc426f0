/**
 * The one place a parsed theme colour (core/colour.ts) becomes what a back end draws: a tmux
 * colour word, one of GNU screen's sixteen letters, a chalk colour for ANSI, a blessed colour.
 * It holds the only copy of the xterm 256-colour palette and of the nearest-colour maths.
 *
 * Nothing here reads a colour's text: every colour was checked when its theme loaded, so each
 * back end's word is built from the parsed form and can never carry anything else (a ',' or
 * ']' into a tmux style, a '}' into a blessed tag, a chalk modifier's name into ANSI).
 */
import type { ChalkInstance } from 'chalk';
import { type Colour, NAMED_COLOURS } from '../core/colour.js';

/** xterm's 256-colour palette entry N (16-255) as [r, g, b]: the 6x6x6 cube, then 24 greys. */
export function xtermRgb(n: number): [number, number, number] {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return [v, v, v];
  }
  const i = n - 16;
  const level = (k: number) => (k === 0 ? 0 : 55 + k * 40);
  return [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
}

/** The palette entry (16-255) nearest to an RGB colour. */
export function nearest256(r: number, g: number, b: number): number {
  let best = 16;
  let bestD = Infinity;
  for (let n = 16; n < 256; n++) {
    const [pr, pg, pb] = xtermRgb(n);
    const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

/**
 * The standard colour (0-15) for an RGB colour: black below 64, bright above 191, and each
 * channel above half the brightest one counts.
 */
function basicOfRgb(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  if (max < 64) return 0;
  const bright = max > 191;
  const bit = (v: number) => (v > max / 2 ? 1 : 0);
  const idx = bit(r) | (bit(g) << 1) | (bit(b) << 2);
  return idx + (bright ? 8 : 0);
}

/** The standard colour (0-15) nearest to a theme colour, or null for the terminal default. */
export function nearestBasic(c: Colour | undefined): number | null {
  if (c === undefined) return null;
  switch (c.kind) {
    case 'default':
      return null;
    case 'named':
      return c.index;
    case 'palette':
      return c.index < 16 ? c.index : basicOfRgb(...xtermRgb(c.index));
    case 'rgb':
      return basicOfRgb(c.r, c.g, c.b);
  }
}

/** A colour as tmux spells it in `#[fg=...]`: its name, colourN, or #rrggbb. */
export function tmuxColour(c: Colour): string {
  switch (c.kind) {
    case 'default':
      return 'default';
    case 'named':
      return NAMED_COLOURS[c.index];
    case 'palette':
      return `colour${c.index}`;
    case 'rgb':
      return c.hex;
  }
}

const SCREEN_LETTERS = ['k', 'r', 'g', 'y', 'b', 'm', 'c', 'w'];

/** A colour as a GNU screen string escape knows it: the nearest of eight letters, capital when bright, d for the default. */
export function screenColour(c: Colour | undefined): string {
  const n = nearestBasic(c);
  if (n === null) return 'd';
  return n >= 8 ? SCREEN_LETTERS[n - 8].toUpperCase() : SCREEN_LETTERS[n];
}

/** chalk's names for the standard colours, by index: red, ..., redBright, ... */
const CHALK_NAMES = NAMED_COLOURS.map((name, i) => (i < 8 ? name : `${name.slice('bright'.length)}Bright`));

/**
 * `chalk` with a colour added, foreground or background. chalk draws it at its own level (16,
 * 256 or 24-bit colours) and brings palette and RGB colours down to what that level shows.
 */
export function chalkColour(chalk: ChalkInstance, c: Colour | undefined, background: boolean): ChalkInstance {
  if (c === undefined) return chalk;
  switch (c.kind) {
    case 'default':
      return chalk;
    case 'named': {
      const name = CHALK_NAMES[c.index];
      const key = background ? `bg${name[0].toUpperCase()}${name.slice(1)}` : name;
      return (chalk as unknown as Record<string, ChalkInstance>)[key];
    }
    case 'palette':
      return background ? chalk.bgAnsi256(c.index) : chalk.ansi256(c.index);
    case 'rgb':
      return background ? chalk.bgRgb(c.r, c.g, c.b) : chalk.rgb(c.r, c.g, c.b);
  }
}

/**
 * A colour as blessed takes it: a name, a palette number, or null for the terminal's default.
 * 0-15 as names, so that 8- and 16-colour terminals (the Linux console) keep them. '#rrggbb'
 * becomes the nearest palette number here: blessed 0.1.81's own hex matching caches 8-colour
 * answers while it loads and then maps every hex colour to one of 8.
 */
export function blessedColour(c: Colour | undefined): string | number | null {
  if (c === undefined) return null;
  switch (c.kind) {
    case 'default':
      return null;
    case 'named':
      return NAMED_COLOURS[c.index];
    case 'palette':
      return c.index < 16 ? NAMED_COLOURS[c.index] : c.index;
    case 'rgb':
      return nearest256(c.r, c.g, c.b);
  }
}

/** The colour number of a word blessedColour gives (a standard name or 16-255), or null. */
export function blessedColourNumber(word: string): number | null {
  if (/^\d{1,3}$/.test(word)) return Math.min(255, Number(word));
  const named = NAMED_COLOURS.indexOf(word);
  return named >= 0 ? named : null;
}
