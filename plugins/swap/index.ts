/**
 * swap — swap in use: SwapTotal - SwapFree from <procRoot>/meminfo, or the container's
 * swap against a smaller cgroup v2 memory.swap.max. Hidden when there is no swap.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "512M/2G 25%". A group whose memory.swap.max is 0 may not swap: hidden too.
 */
import { join } from 'node:path';
import { cgroupSwap } from '../../src/core/cgroup.js';
import { defineModule, type DetailLine } from '../../src/core/contract.js';
import { parseKeyValues, readText } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { formatBytes, formatPercent } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';

const options = declareOptions({
  compact: T.Boolean({ default: false, description: 'show only the percentage: "25%"' }),
  ...thresholdOptions({ of: '% used', warning: 75, critical: 90 }),
});
export type SwapOptions = OptionsOf<typeof options>;

/** What the swap module publishes. */
const data = declareData(
  () => ({
    total: T.Number({ unit: 'bytes', description: "The host's swap (SwapTotal), or the cgroup's memory.swap.max when `cgroup`" }),
    used: T.Number({ unit: 'bytes', description: 'In use' }),
    ratio: T.Number({ unit: 'ratio (0–1)', description: 'used / total' }),
    cgroup: T.Boolean({ description: "Whether the figures are a cgroup limit's rather than the host's" }),
  }),
  { description: 'Published whenever there is swap the process may use; nothing without.' },
);
export type SwapData = DataOf<typeof data>;

export default defineModule<SwapOptions, SwapData>({
  id: 'swap',
  description: 'swap in use (hidden without swap)',
  options,
  data,
  interval: 10,
  priority: 45,
  collect(ctx) {
    const path = join(ctx.procRoot, 'meminfo');
    const text = readText(path);
    if (text === null) throw new Error(`cannot read ${path}`);
    const info = parseKeyValues(text);
    const hostTotal = (info.get('SwapTotal') ?? 0) * 1024;
    if (hostTotal <= 0) return { reading: null };

    let total = hostTotal;
    let used = Math.max(0, hostTotal - (info.get('SwapFree') ?? 0) * 1024);
    const detail: DetailLine[] = [];
    const cg = cgroupSwap(ctx.procRoot, ctx.sysRoot);
    const limited = cg !== null && cg.limit < hostTotal;
    if (limited) {
      detail.push({ label: 'Host', value: `${formatBytes(used)} used of ${formatBytes(total)}` });
      if (cg.limit <= 0) return { reading: null };
      total = cg.limit;
      used = Math.min(cg.used, cg.limit);
      detail.push({ label: 'Limit', value: `${formatBytes(total)} (cgroup v2 memory.swap.max)` });
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
        icon: 'swap',
        detail,
      },
      data: { total, used, ratio, cgroup: limited },
    };
  },
});
