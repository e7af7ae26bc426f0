/**
 * From module statuses to the segments a renderer draws: hidden modules take no space, a
 * failed module shows a short failure marker in the 'failed' style (its reason is in
 * `shoji modules`), and the rest of the line is drawn as usual.
 */
import type { ResolvedModule } from './resolve.js';
import type { ModuleStatus } from './scheduler.js';
import type { Segment } from '../render/segments.js';

/** The segments of the modules of one side, in their order. */
export function toSegments(modules: readonly ResolvedModule[], statuses: Map<string, ModuleStatus>): Segment[] {
  const out: Segment[] = [];
  for (const { id, priority } of modules) {
    const st = statuses.get(id);
    if (!st || st.available === false) continue;
    if (st.error && st.failures > 0) {
      out.push({ id, text: id, state: 'failed', icon: 'failed', priority });
      continue;
    }
    const r = st.reading;
    if (!r || r.text === '') continue;
    out.push({ id, text: r.text, short: r.short, state: r.state, icon: r.icon, priority });
  }
  return out;
}
