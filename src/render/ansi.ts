/**
 * ANSI back end for a terminal (`shoji status --format ansi`), using chalk at the colour level
 * the terminal supports. Outside text has control characters stripped, so a hostname or script
 * output cannot emit its own escape sequences.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { styleOf, type Style } from '../core/theme.js';
import { chalkColour } from './palette.js';
import { fitSegments, segmentLabel, separatorOf, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

export function ansiStyler(style: Style, base: Style, level: 0 | 1 | 2 | 3): (text: string) => string {
  let c: ChalkInstance = new Chalk({ level });
  c = chalkColour(c, style.fg ?? base.fg, false);
  c = chalkColour(c, style.bg ?? base.bg, true);
  if (style.bold) c = c.bold;
  if (style.italics) c = c.italic;
  if (style.underscore) c = c.underline;
  if (style.reverse) c = c.inverse;
  return (text) => c(text);
}

export function renderAnsi(segments: Segment[], opts: RenderOptions & { level: 0 | 1 | 2 | 3 }): string {
  const { theme, level } = opts;
  const fitted = fitSegments(segments, opts).segments;
  const sep = ansiStyler({}, theme.base, level)(stripControl(separatorOf(opts)));
  return fitted.map((seg) => ansiStyler(styleOf(theme, seg.state), theme.base, level)(stripControl(segmentLabel(seg, opts)))).join(sep);
}
