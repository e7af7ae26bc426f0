/**
 * What every renderer draws: a list of segments (one per module reading), already in order.
 * `fitSegments` makes a side fit a width the way powerline does: first the lowest-priority
 * segments switch to their short text, then the lowest-priority segments drop; every drop is
 * recorded so `shoji status --explain` can say why something is missing.
 */
import type { DrawState, IconSet, Theme } from '../core/theme.js';
import { displayWidth } from '../core/width.js';

export interface Segment {
  /** Module id (for JSON output and explanations). */
  id: string;
  text: string;
  short?: string;
  state: DrawState;
  icon?: string;
  /** Higher stays longer when the line is too wide. */
  priority: number;
}

export interface RenderOptions {
  theme: Theme;
  icons: IconSet;
  /** Width limit in terminal cells; 0 or undefined means no limit. */
  maxWidth?: number;
}

export interface Fitted {
  segments: Segment[];
  dropped: { id: string; why: string }[];
}

/** The visible text of a segment: icon glyph then text. */
export function segmentLabel(seg: Segment, icons: IconSet): string {
  // Own keys only: an icon named "constructor" must not draw Object's source.
  const glyph = seg.icon && Object.hasOwn(icons.icons, seg.icon) ? icons.icons[seg.icon] : '';
  return glyph + seg.text;
}

export function sideWidth(segments: Segment[], opts: RenderOptions): number {
  if (segments.length === 0) return 0;
  const sep = displayWidth(opts.theme.separator);
  return (
    segments.reduce((sum, s) => sum + displayWidth(segmentLabel(s, opts.icons)), 0) + sep * (segments.length - 1)
  );
}

export function fitSegments(segments: Segment[], opts: RenderOptions): Fitted {
  const dropped: Fitted['dropped'] = [];
  const limit = opts.maxWidth ?? 0;
  let current = segments.slice();
  if (limit <= 0 || sideWidth(current, opts) <= limit) return { segments: current, dropped };
  // Lowest priority first; among equals, the rightmost goes first (it is furthest from the eye).
  const order = current
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || b.i - a.i)
    .map((x) => x.s);
  for (const seg of order) {
    if (seg.short === undefined || seg.short === seg.text) continue;
    current = current.map((s) => (s === seg ? { ...s, text: s.short! } : s));
    if (sideWidth(current, opts) <= limit) return { segments: current, dropped };
  }
  for (const seg of order) {
    if (sideWidth(current, opts) <= limit) break;
    current = current.filter((s) => s.id !== seg.id);
    dropped.push({ id: seg.id, why: `line wider than ${limit} cells; priority ${seg.priority} is the lowest left` });
  }
  return { segments: current, dropped };
}
