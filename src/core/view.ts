/**
 * From module statuses to the segments a renderer draws: hidden modules take no space, a
 * failed module shows a short failure marker in the 'failed' style (its reason is in
 * `shoji modules`), and the rest of the line is drawn as usual.
 */
import type { ShojiConfig } from './config.js';
import type { Registry } from './registry.js';
import type { ModuleStatus } from './scheduler.js';
import type { Segment } from '../render/segments.js';

export const DEFAULT_PRIORITY = 50;

export function priorityOf(id: string, registry: Registry, config: ShojiConfig): number {
  const user = config.modules[id]?.priority;
  if (typeof user === 'number') return user;
  return registry.modules.get(id)?.def.priority ?? DEFAULT_PRIORITY;
}

export function toSegments(ids: string[], statuses: Map<string, ModuleStatus>, registry: Registry, config: ShojiConfig): Segment[] {
  const out: Segment[] = [];
  for (const id of ids) {
    const st = statuses.get(id);
    if (!st || st.available === false) continue;
    const priority = priorityOf(id, registry, config);
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
