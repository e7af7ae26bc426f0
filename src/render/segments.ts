/**
 * What every renderer draws: a list of segments (one per module reading), already in order.
 * `fitSegments` makes a side fit a width the way powerline does: first the lowest-priority
 * segments switch to their short text, then the lowest-priority segments drop; then whatever
 * room that left is given back, highest priority first, so that no cells stay blank while a
 * segment that would fit in them is missing. Every drop is recorded so `shoji status
 * --explain` can say why something is missing.
 */
import type { TmuxValue } from '../core/contract.js';
import { toAscii } from '../core/locale.js';
import { loadIconSet, type DrawState, type IconSet, type Theme } from '../core/theme.js';
import { displayWidth } from '../core/width.js';

export interface Segment {
  /** Module id (for JSON output and explanations). */
  id: string;
  text: string;
  short?: string;
  state: DrawState;
  icon?: string;
  /** What to draw for the icon when the icon set has no glyph for it (the module's own text). */
  iconText?: string;
  /** Higher stays longer when the line is too wide. */
  priority: number;
  /** A value tmux draws in place of `text` (Reading.tmux). */
  tmux?: TmuxValue;
}

export interface RenderOptions {
  theme: Theme;
  icons: IconSet;
  /** Width limit in terminal cells; 0 or undefined means no limit. */
  maxWidth?: number;
  /** ASCII only, for a locale that is not UTF-8: labels and separator through toAscii. */
  ascii?: boolean;
  /** How the host counts a text's width (default: terminal cells; GNU screen counts bytes). */
  measure?: (text: string) => number;
}

export interface Fitted {
  segments: Segment[];
  dropped: { id: string; why: string }[];
}

const ASCII = /^[\x00-\x7f]*$/;
let asciiSet: IconSet | undefined;
const asciiVersions = new WeakMap<IconSet, IconSet>();

/**
 * The icon set with every glyph that is not ASCII drawn as the ascii set's instead ("upd "
 * rather than "?"): for a locale that is not UTF-8, and for GNU screen, which miscounts them.
 */
export function asciiIcons(icons: IconSet): IconSet {
  let out = asciiVersions.get(icons);
  if (out) return out;
  out = icons;
  if (!Object.values(icons.icons).every((glyph) => ASCII.test(glyph))) {
    asciiSet ??= loadIconSet('ascii', {});
    const glyphs: Record<string, string> = {};
    for (const [name, glyph] of Object.entries(icons.icons)) {
      glyphs[name] = ASCII.test(glyph) ? glyph : Object.hasOwn(asciiSet.icons, name) ? asciiSet.icons[name] : '';
    }
    out = { ...icons, icons: glyphs };
  }
  asciiVersions.set(icons, out);
  return out;
}

/** The visible text of a segment: icon glyph then text (ASCII when the options say so). */
export function segmentLabel(seg: Segment, opts: Pick<RenderOptions, 'icons' | 'ascii'>): string {
  const icons = opts.ascii ? asciiIcons(opts.icons).icons : opts.icons.icons;
  // Own keys only: an icon named "constructor" must not draw Object's source.
  const glyph = seg.icon && Object.hasOwn(icons, seg.icon) ? icons[seg.icon] : (seg.iconText ?? '');
  return opts.ascii ? toAscii(glyph + seg.text) : glyph + seg.text;
}

/** The theme's separator, as segmentLabel gives labels. */
export function separatorOf(opts: Pick<RenderOptions, 'theme' | 'ascii'>): string {
  return opts.ascii ? toAscii(opts.theme.separator) : opts.theme.separator;
}

export function sideWidth(segments: Segment[], opts: RenderOptions): number {
  if (segments.length === 0) return 0;
  const measure = opts.measure ?? displayWidth;
  const sep = measure(separatorOf(opts));
  return segments.reduce((sum, s) => sum + measure(segmentLabel(s, opts)), 0) + sep * (segments.length - 1);
}

export function fitSegments(segments: Segment[], opts: RenderOptions): Fitted {
  const limit = opts.maxWidth ?? 0;
  if (limit <= 0 || sideWidth(segments, opts) <= limit) return { segments: segments.slice(), dropped: [] };
  const shortened = new Set<number>();
  const gone = new Set<number>();
  const current = () => segments.flatMap((s, i) => (gone.has(i) ? [] : [shortened.has(i) ? { ...s, text: s.short! } : s]));
  const fits = () => sideWidth(current(), opts) <= limit;
  // Lowest priority first; among equals, the rightmost goes first (it is furthest from the eye).
  const order = segments
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || b.i - a.i)
    .map((x) => x.i);
  for (const i of order) {
    if (fits()) break;
    const { short, text } = segments[i];
    if (short !== undefined && short !== text) shortened.add(i);
  }
  for (const i of order) {
    if (fits()) break;
    gone.add(i);
  }
  // Give back the room the last drop left, highest priority first: a dropped segment that
  // fits there again comes back, then texts that were shortened get their full form.
  const highestFirst = order.slice().reverse();
  for (const i of highestFirst) {
    if (!gone.has(i)) continue;
    gone.delete(i);
    if (!fits()) gone.add(i);
  }
  for (const i of highestFirst) {
    if (!shortened.has(i) || gone.has(i)) continue;
    shortened.delete(i);
    if (!fits()) shortened.add(i);
  }
  const dropped = order
    .filter((i) => gone.has(i))
    .map((i) => ({ id: segments[i].id, why: `line wider than ${limit} cells; dropped at priority ${segments[i].priority}` }));
  return { segments: current(), dropped };
}
