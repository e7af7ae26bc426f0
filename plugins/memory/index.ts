/**
 * memory — memory in use: MemTotal - MemAvailable from <procRoot>/meminfo, or, inside a
 * container or slice with a smaller cgroup limit, the group's own use against that limit.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "2.1G/7.8G 27%". Under a cgroup limit (v2 memory.max, v1 memory.limit_in_bytes, the
 * tightest on the way to the root) used is memory.current (usage_in_bytes) minus
 * inactive_file, the page cache the kernel drops before it would kill anything.
 */
import { join } from 'node:path';
import { cgroupMemory } from '../../src/core/cgroup.js';
import { defineModule } from '../../src/core/contract.js';
import { parseKeyValues, readRequired } from '../../src/core/read.js';
import { usedOfTotalData, usedOfTotalMetrics, usedOfTotalOptions, usedOfTotalReading } from '../../src/core/used-of-total.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import type { DataOf } from '../../src/core/data.js';

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

/** Host total and available bytes; kernels before 3.14 lack MemAvailable, so estimate it. */
function hostMemory(meminfo: Map<string, number>): { total: number; available: number } | null {
  const kb = (k: string) => meminfo.get(k) ?? 0;
  const total = meminfo.get('MemTotal');
  if (!total) return null;
  const available = meminfo.has('MemAvailable') ? kb('MemAvailable') : kb('MemFree') + kb('Buffers') + kb('Cached') + kb('SReclaimable') - kb('Shmem');
  return { total: total * 1024, available: Math.min(total, Math.max(0, available)) * 1024 };
}

export default defineModule<MemoryOptions, MemoryData>({
  id: 'memory',
  description: 'memory in use (container-aware)',
  options,
  data,
  metrics: usedOfTotalMetrics('shoji_memory', { available: true }),
  interval: 3,
  priority: 70,
  collect(ctx) {
    const path = join(ctx.procRoot, 'meminfo');
    const host = hostMemory(parseKeyValues(readRequired(path)));
    if (!host) throw new Error(`no MemTotal in ${path}`);

    const cg = cgroupMemory(ctx.procRoot, ctx.sysRoot);
    const file = cg?.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
    const group = cg !== null && cg.limit > 0 && cg.limit < host.total ? { ...cg, source: `cgroup v${cg.version} ${file}` } : null;
    const { reading, figures: f } = usedOfTotalReading({ total: host.total, used: host.total - host.available }, group, {
      ...ctx.options,
      icon: 'memory',
    });
    return { reading, data: { total: f.total, used: f.used, available: f.total - f.used, ratio: f.ratio, cgroup: f.cgroup } };
  },
});
