/**
 * From module statuses to the segments a renderer draws: hidden modules take no space, a
 * failed module shows a short failure marker in the 'failed' style (its reason is in
 * `shoji modules`), and the rest of the line is drawn as usual.
 */
import type { AnyModule } from './contract.js';
import type { ResolvedModule } from './resolve.js';
import type { ModuleStatus } from './scheduler.js';
import type { Segment } from '../render/segments.js';

/** The segments of the modules of one side, in their order. */
export function toSegments(modules: readonly ResolvedModule[], statuses: Map<string, ModuleStatus>): Segment[] {
  const out: Segment[] = [];
  for (const { id, def, priority } of modules) {
    const st = statuses.get(id);
    if (!st || st.available === false) continue;
    if (st.error && st.failures > 0) {
      out.push({ id, text: id, state: 'failed', icon: 'failed', priority });
      continue;
    }
    const r = st.reading;
    if (!r || r.text === '') continue;
    const iconText = iconTextOf(def, r.icon);
    out.push({
      id,
      text: r.text,
      short: r.short,
      state: r.state,
      icon: r.icon,
      ...(iconText ? { iconText } : {}),
      ...(r.tmux ? { tmux: r.tmux } : {}),
      priority,
    });
  }
  return out;
}

/** Printable ASCII, short: drawn as it is under any locale, and counted right by GNU screen. */
const ICON_TEXT = /^[\x20-\x7e]{1,12}$/;

/** The module's own text for an icon key (contract.ts `icons`), when it is one that may be drawn. */
function iconTextOf(def: AnyModule, icon: string | undefined): string | undefined {
  if (!icon || typeof def.icons !== 'object' || def.icons === null || !Object.hasOwn(def.icons, icon)) return undefined;
  const text: unknown = def.icons[icon];
  return typeof text === 'string' && ICON_TEXT.test(text) ? text : undefined;
}
