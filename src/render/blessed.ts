/**
 * blessed back end: theme styles as blessed tags ({#87d7ff-fg}{bold}...{/}) for the dashboard.
 * Pure string work: blessed itself is never imported here, so the status line can share this
 * file at no cost and the tags can be checked with golden files.
 *
 * Colours: names, and palette numbers ({114-fg}); see blessedColour for '#rrggbb'. blessed has no italics:
 * an italic-only style is drawn plain (the themes pair italics with a colour). Outside text has
 * control characters stripped and '{' '}' escaped, so a script's output cannot inject tags.
 */
import type { Colour, Style } from '../core/theme.js';
import { stripControl } from './sanitize.js';

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const KNOWN_NAMES = new Set([...BASIC, ...BASIC.map((n) => `bright${n}`), ...BASIC.map((n) => `light${n}`), 'grey', 'gray']);

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
 * A theme colour as a blessed colour: a name, a palette number, or null for the terminal's
 * default. '#rrggbb' becomes the nearest palette number ourselves: blessed 0.1.81's own hex
 * matching caches 8-colour answers while it loads and then maps every hex colour to one of 8.
 */
export function blessedColour(c: Colour | undefined): string | number | null {
  if (c === undefined || c === 'default') return null;
  let n: number | null = typeof c === 'number' ? c : null;
  if (typeof c === 'string') {
    const idx = /^colou?r(\d{1,3})$/.exec(c);
    const hex = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(c);
    if (idx) n = Number(idx[1]);
    else if (hex) n = nearest256(parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16));
    else return KNOWN_NAMES.has(c) ? c : null;
  }
  if (n === null || !Number.isInteger(n) || n < 0 || n > 255) return null;
  // 0-15 as names, so that 8- and 16-colour terminals (the Linux console) keep them.
  if (n < 8) return BASIC[n];
  if (n < 16) return `bright${BASIC[n - 8]}`;
  return n;
}

const openCache = new WeakMap<Style, string>();

/** The opening tags for a style (empty when it is the terminal's plain default). */
export function blessedOpen(style: Style): string {
  // Themes' style objects live as long as the theme: remember their tags (drawn every frame).
  let out = openCache.get(style);
  if (out !== undefined) return out;
  out = '';
  const fg = blessedColour(style.fg);
  const bg = blessedColour(style.bg);
  if (fg !== null) out += `{${fg}-fg}`;
  if (bg !== null) out += `{${bg}-bg}`;
  if (style.bold) out += '{bold}';
  if (style.underscore) out += '{underline}';
  if (style.reverse) out += '{inverse}';
  openCache.set(style, out);
  return out;
}

/** Outside text made safe for a tags-enabled blessed element. */
export function blessedEscape(text: string): string {
  return stripControl(text).replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}

/** Text in a style; '{/}' closes every tag, so styled pieces never leak into what follows. */
export function blessedStyled(text: string, style: Style): string {
  const open = blessedOpen(style);
  const body = blessedEscape(text);
  return open && body ? `${open}${body}{/}` : body;
}

/** A style as blessed's element `style` object (for borders, headers, the focused panel). */
export interface BlessedStyle {
  fg?: string | number;
  bg?: string | number;
  bold?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export function blessedWidgetStyle(style: Style): BlessedStyle {
  const out: BlessedStyle = {};
  const fg = blessedColour(style.fg);
  const bg = blessedColour(style.bg);
  if (fg !== null) out.fg = fg;
  if (bg !== null) out.bg = bg;
  if (style.bold) out.bold = true;
  if (style.underscore) out.underline = true;
  if (style.reverse) out.inverse = true;
  return out;
}

/** The visible text of tagged content (for tests and width checks). */
export function blessedVisibleText(tagged: string): string {
  return tagged.replace(/\{(\/?)([\w\-,;!#]*)\}/g, (_m, _slash, name: string) => (name === 'open' ? '{' : name === 'close' ? '}' : ''));
}
