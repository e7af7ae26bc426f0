/**
 * tmux back end, for the output of a #() job (how shoji's status line reaches tmux).
 *
 * Measured in tmux 3.3: a job's output goes through two passes. First it is expanded once as a
 * format: #{host} is replaced, #(...) would be a job, and '##' becomes '#' — except a run of
 * '#'s just before '[', which is kept as it is. Then the line is drawn: '##' becomes '#' again
 * and '#[...]' is applied as a style. So to show outside text literally, a run of n '#'s
 * becomes 2n when a '[' follows (or our own '#[style]' will: at the end of the text), and 4n
 * otherwise. Either way no outside '#' can start a format, a job or a style.
 * Control characters are stripped: tmux would drop them anyway, but a newline ends the line.
 */
import type { TmuxValue } from '../core/contract.js';
import { styleOf, type Style } from '../core/theme.js';
import { tmuxColour } from './palette.js';
import { fitSegments, segmentLabel, separatorOf, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

export function escapeTmux(text: string): string {
  return stripControl(text).replace(/#+/g, (run, offset: number, whole: string) => {
    const next = whole[offset + run.length];
    return '#'.repeat(run.length * (next === '[' || next === undefined ? 2 : 4));
  });
}

/**
 * The format tmux expands for each value (contract.ts TMUX_VALUES), with every '#' of the value
 * doubled, so that when tmux draws the line a '#[' in a session's name is text, not a style. The
 * job's output is expanded once as a format (#{...} is replaced, the value itself is not
 * expanded again), then drawn; `\#` is a literal '#' in the substitution (tmux 3.3a, checked
 * by test/integration/session-tmux.test.ts).
 */
const TMUX_VALUE_FORMATS: Record<TmuxValue, string> = {
  session_name: '#{s/#/\\#\\#/:session_name}',
};

/** A segment's label as tmux markup: escaped text, or the icon then tmux's own value. */
function tmuxLabel(seg: Segment, opts: RenderOptions): string {
  if (seg.tmux === undefined) return escapeTmux(segmentLabel(seg, opts));
  // The icon's trailing '#'s escaped as before any character but '[': a format follows them.
  const icon = escapeTmux(`${segmentLabel({ ...seg, text: '' }, opts)}x`).slice(0, -1);
  return `${icon}${TMUX_VALUE_FORMATS[seg.tmux]}`;
}

/** The colours of a style over its base, as tmux options: ['fg=colour252', 'bg=colour236']. */
export function tmuxColours(style: Style, base: Style): string[] {
  const parts: string[] = [];
  const fg = style.fg ?? base.fg;
  const bg = style.bg ?? base.bg;
  if (fg !== undefined) parts.push(`fg=${tmuxColour(fg)}`);
  if (bg !== undefined) parts.push(`bg=${tmuxColour(bg)}`);
  return parts;
}

export function tmuxStyle(style: Style, base: Style): string {
  // 'default' first resets colours and attributes to status-style, so nothing leaks from the left.
  const parts = ['default', ...tmuxColours(style, base)];
  for (const attr of ['bold', 'italics', 'underscore', 'reverse'] as const) if (style[attr]) parts.push(attr);
  return `#[${parts.join(',')}]`;
}

/**
 * What tmux would draw from a job's output (both passes, as measured), or an error naming the
 * first '#' that tmux would interpret as a format or job. Styles are dropped from the result.
 * For tests, and for anyone checking the escaping.
 */
export function tmuxVisibleText(output: string): string {
  // Pass 1: format expansion.
  let expanded = '';
  for (let i = 0; i < output.length; i++) {
    if (output[i] !== '#') {
      expanded += output[i];
      continue;
    }
    let end = i;
    while (output[end] === '#') end++;
    const run = end - i;
    if (output[end] === '[') {
      expanded += '#'.repeat(run);
    } else {
      if (run % 2 === 1) throw new Error(`tmux would expand "#${output[end] ?? ''}" at ${end - 1}`);
      expanded += '#'.repeat(run / 2);
    }
    i = end - 1;
  }
  // Pass 2: drawing.
  let drawn = '';
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i];
    if (c !== '#') drawn += c;
    else if (expanded[i + 1] === '#') {
      drawn += '#';
      i++;
    } else if (expanded[i + 1] === '[') {
      const close = expanded.indexOf(']', i);
      if (close < 0) throw new Error(`unterminated style at ${i}`);
      i = close;
    } else drawn += '#';
  }
  return drawn;
}

/** One side of the status line as tmux markup. */
export function renderTmux(segments: Segment[], opts: RenderOptions): string {
  const { theme } = opts;
  const fitted = fitSegments(segments, opts).segments;
  if (fitted.length === 0) return '';
  const base = tmuxStyle({}, theme.base);
  const sep = escapeTmux(separatorOf(opts));
  const body = fitted.map((seg) => `${tmuxStyle(styleOf(theme, seg.state), theme.base)}${tmuxLabel(seg, opts)}`).join(`${base}${sep}`);
  return `${body}${base}`;
}
