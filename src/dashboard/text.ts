/**
 * Building panel lines: pieces of plain text, each in a theme style, cut or padded to an exact
 * width in terminal cells and turned into blessed tags. Every panel line goes through here, so
 * no line can be wider than its box (blessed would wrap it and shift everything below).
 */
import type { Style, Theme, DrawState } from '../core/theme.js';
import { codePointWidth, displayWidth } from '../core/width.js';
import { blessedStyled } from '../render/blessed.js';
import { stripControl } from '../render/sanitize.js';
import type { Charset } from './graph.js';

export interface Piece {
  text: string;
  style?: Style;
}

/** Everything a panel needs to draw itself. */
export interface PanelCtx {
  theme: Theme;
  charset: Charset;
  /** Inner size of the box (inside its border). */
  width: number;
  height: number;
}

export const p = (text: string, style?: Style): Piece => ({ text, style });

/** A state's style in the theme ('failed' included). */
export function st(theme: Theme, state: DrawState): Style {
  return theme.states[state] ?? {};
}

/** Pieces cut to `width` cells (an ellipsis marks a cut) and padded with spaces to it. */
export function line(pieces: Piece[], width: number, pad = true): string {
  let out = '';
  let used = 0;
  for (const piece of pieces) {
    let text = stripControl(piece.text);
    const w = displayWidth(text);
    if (used + w > width) {
      text = cut(text, width - used);
      out += blessedStyled(text, piece.style ?? {});
      used += displayWidth(text);
      break;
    }
    out += blessedStyled(text, piece.style ?? {});
    used += w;
  }
  return pad && used < width ? out + ' '.repeat(width - used) : out;
}

function cut(text: string, room: number): string {
  if (room <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = codePointWidth(ch);
    if (used + w > room - 1) break;
    out += ch;
    used += w;
  }
  return out + (room - used >= 1 ? '~' : '');
}

/** Left or right aligned text in a field of `width` cells. */
export function field(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const w = displayWidth(text);
  if (w >= width) return w === width ? text : cut(text, width);
  const pad = ' '.repeat(width - w);
  return align === 'left' ? text + pad : pad + text;
}

/** Lines padded to exactly `height` (blank lines below) and cut when there are more. */
export function block(lines: string[], ctx: Pick<PanelCtx, 'width' | 'height'>): string {
  const out = lines.slice(0, ctx.height);
  while (out.length < ctx.height) out.push(' '.repeat(ctx.width));
  return out.join('\n');
}

/** Two blocks side by side (left `leftWidth` cells, one space, right). Lines must be pre-fitted. */
export function beside(left: string[], right: string[], leftWidth: number): string[] {
  const n = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${left[i] ?? ' '.repeat(leftWidth)} ${right[i] ?? ''}`);
  return out;
}
