/**
 * A theme colour, parsed once when the theme loads. Every renderer (tmux, screen, ANSI,
 * blessed) takes this form and maps it through src/render/palette.ts; none of them reads a
 * colour's text again, so a value that is not a colour never gets as far as a renderer.
 *
 * The forms a theme may write, and what each becomes:
 *   "default"                 { kind: 'default' }           the terminal's own colour
 *   "red", "brightred", ...   { kind: 'named', index }      one of the 16 standard colours
 *   "colour160", 160          { kind: 'palette', index }    an entry of the 256-colour palette
 *   "#dc322f"                 { kind: 'rgb', r, g, b, hex } a 24-bit colour
 * A name and the same palette number are kept apart because back ends draw them differently
 * (tmux `red` or `colour1`, ANSI 31 or 38;5;1).
 */
import { shownValue as shown } from '../render/sanitize.js';

export type Colour =
  | { readonly kind: 'default' }
  /** 0-7 the eight basic colours, 8-15 their bright forms, in NAMED_COLOURS' order. */
  | { readonly kind: 'named'; readonly index: number }
  | { readonly kind: 'palette'; readonly index: number }
  /** `hex` is '#rrggbb' as the theme wrote it (tmux is handed the theme's own spelling). */
  | { readonly kind: 'rgb'; readonly r: number; readonly g: number; readonly b: number; readonly hex: string };

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;
/** The 16 standard colours by index: the eight basic ones, then their bright forms. */
export const NAMED_COLOURS: readonly string[] = [...BASIC, ...BASIC.map((n) => `bright${n}`)];
/** The colour names a theme may write: every back end knows them (tmux, screen, chalk, blessed). */
export const COLOUR_NAMES: readonly string[] = ['default', ...NAMED_COLOURS];

const FORMS = `a colour name (${COLOUR_NAMES.join(', ')}), colour0-colour255, a number 0-255 or #rrggbb`;
const DEFAULT: Colour = Object.freeze({ kind: 'default' });

function palette(index: number): Colour {
  return Object.freeze({ kind: 'palette', index });
}

/** The colour a theme value names, or why it names none. */
export function readColour(value: unknown): { colour: Colour } | { problem: string } {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 255) return { colour: palette(value) };
    return { problem: `a colour number is 0-255 (got ${shown(value)})` };
  }
  if (typeof value !== 'string') return { problem: `must be ${FORMS} (got ${shown(value)})` };
  if (value === 'default') return { colour: DEFAULT };
  const named = NAMED_COLOURS.indexOf(value);
  if (named >= 0) return { colour: Object.freeze({ kind: 'named', index: named }) };
  const hex = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(value);
  if (hex) {
    const [r, g, b] = [hex[1], hex[2], hex[3]].map((h) => parseInt(h, 16));
    return { colour: Object.freeze({ kind: 'rgb', r, g, b, hex: value }) };
  }
  const n = /^colou?r(\d{1,3})$/.exec(value);
  if (n && Number(n[1]) <= 255) return { colour: palette(Number(n[1])) };
  return { problem: `unknown colour ${shown(value)}: use ${FORMS}` };
}

/** Why a value is not a colour every back end can draw, or null when it is one. */
export function colourProblem(value: unknown): string | null {
  const read = readColour(value);
  return 'problem' in read ? read.problem : null;
}

/** The colour a value names; throws with the reason when it names none (for colours written in code). */
export function parseColour(value: unknown): Colour {
  const read = readColour(value);
  if ('problem' in read) throw new Error(read.problem);
  return read.colour;
}
