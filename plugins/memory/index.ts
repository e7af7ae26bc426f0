/**
 * memory — memory in use: MemTotal - MemAvailable from <procRoot>/meminfo (on Linux; elsewhere
 * the system's total and available through src/platform: docs/platforms.md), or, inside a
 * container or slice with a smaller cgroup limit, the group's own use against that limit.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "2.1G/7.8G 27%". Under a cgroup limit (v2 memory.max, v1 memory.limit_in_bytes, the
 * tightest on the way to the root) used is memory.current (usage_in_bytes) minus
 * inactive_file, the page cache the kernel drops before it would kill anything.
 */
import { cgroupMemory } from '../../src/core/cgroup.js';
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { usedOfTotalData, usedOfTotalMetrics, usedOfTotalOptions, usedOfTotalReading } from '../../src/core/used-of-total.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import type { DataOf } from '../../src/core/data.js';
import { hostFor } from '../../src/platform/backend.js';

const options = declareOptions(usedOfTotalOptions({ compact: '27%', warning: 80, critical: 90 }));
export type MemoryOptions = OptionsOf<typeof options>;

/** What the memory module publishes: bytes used of a total, as swap does (src/core/used-of-total.ts). */
const data = usedOfTotalData(
  {
    total: "The host's memory (MemTotal), or the cgroup limit when `cgroup`",
    used: "In use: total − MemAvailable, or the group's use without its inactive page cache",
    available: true,
  },
  { description: 'Published at every collect.' },
);
export type MemoryData = DataOf<typeof data>;

export default defineModule<MemoryOptions, MemoryData>({
  id: 'memory',
  description: 'memory in use (container-aware)',
  options,
  data,
  metrics: usedOfTotalMetrics('shoji_memory', { available: true }),
  interval: 3,
  priority: 70,
  collect(ctx) {
    const host = hostFor(ctx).memory(ctx);
    return host instanceof Promise ? host.then((h) => measure(ctx, h)) : measure(ctx, host);
  },
});

/** The reading for the host's figures, or the group's under a smaller cgroup limit. */
function measure(ctx: ModuleContext<MemoryOptions>, host: { total: number; available: number }): Collected<MemoryData> {
  const cg = cgroupMemory(ctx.procRoot, ctx.sysRoot);
  const file = cg?.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
  const group = cg !== null && cg.limit > 0 && cg.limit < host.total ? { ...cg, source: `cgroup v${cg.version} ${file}` } : null;
  const { reading, figures: f } = usedOfTotalReading({ total: host.total, used: host.total - host.available }, group, {
    ...ctx.options,
    icon: 'memory',
  });
  return { reading, data: { total: f.total, used: f.used, available: f.total - f.used, ratio: f.ratio, cgroup: f.cgroup } };
}
