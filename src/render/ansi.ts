/**
 * ANSI back end for a terminal (`shoji status --format ansi`), using chalk at the colour level
 * the terminal supports. Outside text has control characters stripped, so a hostname or script
 * output cannot emit its own escape sequences.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { styleOf, type Colour, type Style } from '../core/theme.js';
import { fitSegments, segmentLabel, separatorOf, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

const NAMED = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

function paint(c: ChalkInstance, colour: Colour | undefined, background: boolean): ChalkInstance {
  if (colour === undefined || colour === 'default') return c;
  if (typeof colour === 'number') return background ? c.bgAnsi256(colour) : c.ansi256(colour);
  const idx = /^colou?r(\d+)$/.exec(colour);
  if (idx) return background ? c.bgAnsi256(Number(idx[1])) : c.ansi256(Number(idx[1]));
  if (/^#[0-9a-f]{6}$/i.test(colour)) return background ? c.bgHex(colour) : c.hex(colour);
  const bright = colour.startsWith('bright');
  const name = colour.replace(/^bright/, '') as (typeof NAMED)[number];
  if (!NAMED.includes(name)) return c;
  const key = background ? (`bg${name[0].toUpperCase()}${name.slice(1)}${bright ? 'Bright' : ''}` as const) : (`${name}${bright ? 'Bright' : ''}` as const);
  return (c as unknown as Record<string, ChalkInstance>)[key] ?? c;
}

export function ansiStyler(style: Style, base: Style, level: 0 | 1 | 2 | 3): (text: string) => string {
  let c: ChalkInstance = new Chalk({ level });
  c = paint(c, style.fg ?? base.fg, false);
  c = paint(c, style.bg ?? base.bg, true);
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
