/**
 * tmux back end. Measured in tmux 3.3: the output of a #() job is expanded once more as a
 * format (#{host} is replaced, #[fg=red] is applied), and #[...] inside a user option shown
 * with #{@x} is applied too. Doubling every '#' neutralises both: '##' is drawn as '#'.
 * Control characters are stripped; tmux would drop them anyway, but a newline would end the line.
 */
import type { Colour, Style } from '../core/theme.js';
import { fitSegments, segmentLabel, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

export function escapeTmux(text: string): string {
  return stripControl(text).replace(/#/g, '##');
}

function tmuxColour(c: Colour): string {
  if (typeof c === 'number') return `colour${c}`;
  // Only plain colour words reach tmux: a theme value can never smuggle in ',' or ']'.
  if (/^(#[0-9a-fA-F]{6}|colou?r\d{1,3}|[a-z]+)$/.test(c)) return c.replace(/^color/, 'colour');
  return 'default';
}

export function tmuxStyle(style: Style, base: Style): string {
  // 'default' first resets colours and attributes to status-style, so nothing leaks from the left.
  const parts = ['default'];
  const fg = style.fg ?? base.fg;
  const bg = style.bg ?? base.bg;
  if (fg !== undefined) parts.push(`fg=${tmuxColour(fg)}`);
  if (bg !== undefined) parts.push(`bg=${tmuxColour(bg)}`);
  for (const attr of ['bold', 'italics', 'underscore', 'reverse'] as const) if (style[attr]) parts.push(attr);
  return `#[${parts.join(',')}]`;
}

/**
 * What tmux would draw from our output, or an error naming the first '#' that tmux would
 * interpret (a format, a job, or a style other than our own leading ones). For tests and
 * for anyone checking the escaping.
 */
export function tmuxVisibleText(markup: string): string {
  let out = '';
  for (let i = 0; i < markup.length; i++) {
    const c = markup[i];
    if (c !== '#') {
      out += c;
      continue;
    }
    const next = markup[i + 1];
    if (next === '#') {
      out += '#';
      i++;
    } else if (next === '[') {
      const end = markup.indexOf(']', i);
      if (end < 0) throw new Error(`unterminated style at ${i}`);
      i = end;
    } else {
      throw new Error(`tmux would interpret "#${next ?? ''}" at ${i}`);
    }
  }
  return out;
}

/** One side of the status line as tmux markup. */
export function renderTmux(segments: Segment[], opts: RenderOptions): string {
  const { theme, icons } = opts;
  const fitted = fitSegments(segments, opts).segments;
  if (fitted.length === 0) return '';
  const base = tmuxStyle({}, theme.base);
  const sep = escapeTmux(theme.separator);
  const body = fitted
    .map((seg) => `${tmuxStyle(theme.states[seg.state], theme.base)}${escapeTmux(segmentLabel(seg, icons))}`)
    .join(`${base}${sep}`);
  return `${body}${base}`;
}
