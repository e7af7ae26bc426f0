/**
 * blessed back end: theme styles as blessed tags ({117-fg}{bold}...{/}) for the dashboard.
 * Pure string work: blessed itself is never imported here, so the status line can share this
 * file at no cost and the tags can be checked with golden files.
 *
 * Colours: names, and palette numbers ({114-fg}); see palette.ts for '#rrggbb'. blessed has no italics:
 * an italic-only style is drawn plain (the themes pair italics with a colour). Outside text has
 * control characters stripped and '{' '}' escaped, so a script's output cannot inject tags.
 */
import type { Style } from '../core/theme.js';
import { blessedColour } from './palette.js';
import { stripControl } from './sanitize.js';

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
