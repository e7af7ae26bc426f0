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
import { defineModule, type DetailLine } from '../../src/core/contract.js';
import { parseKeyValues, readText } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { formatBytes, formatPercent } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';

const options = declareOptions({
  compact: T.Boolean({ default: false, description: 'show only the percentage: "27%"' }),
  ...thresholdOptions({ of: '% used', warning: 80, critical: 90 }),
});
export type MemoryOptions = OptionsOf<typeof options>;

/** What the memory module publishes. */
const data = declareData(
  () => ({
    total: T.Number({ unit: 'bytes', description: "The host's memory (MemTotal), or the cgroup limit when `cgroup`" }),
    used: T.Number({ unit: 'bytes', description: "In use: total − MemAvailable, or the group's use without its inactive page cache" }),
    available: T.Number({ unit: 'bytes', description: 'total − used' }),
    ratio: T.Number({ unit: 'ratio (0–1)', description: 'used / total' }),
    cgroup: T.Boolean({ description: "Whether the figures are a cgroup limit's rather than the host's" }),
  }),
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
  interval: 3,
  priority: 70,
  collect(ctx) {
    const path = join(ctx.procRoot, 'meminfo');
    const text = readText(path);
    if (text === null) throw new Error(`cannot read ${path}`);
    const host = hostMemory(parseKeyValues(text));
    if (!host) throw new Error(`no MemTotal in ${path}`);

    let total = host.total;
    let used = host.total - host.available;
    const detail: DetailLine[] = [];
    const cg = cgroupMemory(ctx.procRoot, ctx.sysRoot);
    const limited = cg !== null && cg.limit > 0 && cg.limit < host.total;
    if (limited) {
      detail.push({ label: 'Host', value: `${formatBytes(used)} used of ${formatBytes(total)}` });
      total = cg.limit;
      used = Math.min(cg.used, cg.limit);
      const file = cg.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
      detail.push({ label: 'Limit', value: `${formatBytes(total)} (cgroup v${cg.version} ${file})` });
      detail.push({ label: 'Group', value: cg.dir });
    }
    const ratio = used / total;
    const o = ctx.options;
    const sizes = `${formatBytes(used)}/${formatBytes(total)}`;
    detail.unshift({ label: 'Used', value: `${sizes} (${formatPercent(ratio, 1)})${limited ? ' of the cgroup limit' : ''}` });

    return {
      reading: {
        text: o.compact ? formatPercent(ratio) : `${sizes} ${formatPercent(ratio)}`,
        short: formatPercent(ratio),
        state: stateFor(ratio * 100, { info: o.info, warning: o.warning, critical: o.critical }),
        icon: 'memory',
        detail,
      },
      data: { total, used, available: total - used, ratio, cgroup: limited },
    };
  },
});
