/**
 * swap — swap in use: SwapTotal - SwapFree from <procRoot>/meminfo (on Linux; elsewhere the
 * system's swap through src/platform: docs/platforms.md), or the container's
 * swap against a smaller cgroup v2 memory.swap.max. Hidden when there is no swap.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "512M/2G 25%". A group whose memory.swap.max is 0 may not swap: hidden too.
 */
import { cgroupSwap } from '../../src/core/cgroup.js';
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { usedOfTotalData, usedOfTotalMetrics, usedOfTotalOptions, usedOfTotalReading } from '../../src/core/used-of-total.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import type { DataOf } from '../../src/core/data.js';
import { hostFor } from '../../src/platform/backend.js';

const options = declareOptions(usedOfTotalOptions({ compact: '25%', warning: 75, critical: 90 }));
export type SwapOptions = OptionsOf<typeof options>;

/** What the swap module publishes: bytes used of a total, as memory does (src/core/used-of-total.ts). */
const data = usedOfTotalData(
  { total: "The host's swap (SwapTotal), or the cgroup's memory.swap.max when `cgroup`", used: 'In use' },
  { description: 'Published whenever there is swap the process may use; nothing without.' },
);
export type SwapData = DataOf<typeof data>;

export default defineModule<SwapOptions, SwapData>({
  id: 'swap',
  description: 'swap in use (hidden without swap)',
  options,
  data,
  metrics: usedOfTotalMetrics('shoji_swap'),
  interval: 10,
  priority: 45,
  collect(ctx) {
    const swap = hostFor(ctx).swap(ctx);
    return swap instanceof Promise ? swap.then((s) => measure(ctx, s)) : measure(ctx, swap);
  },
});

/** The reading for the host's swap, or the group's under a smaller memory.swap.max; null without swap. */
function measure(ctx: ModuleContext<SwapOptions>, swap: { total: number; free: number }): Collected<SwapData> {
  const hostTotal = swap.total;
  if (hostTotal <= 0) return { reading: null };

  const used = Math.max(0, hostTotal - swap.free);
  const cg = cgroupSwap(ctx.procRoot, ctx.sysRoot);
  // A group whose memory.swap.max is 0 may not swap at all.
  if (cg !== null && cg.limit <= 0) return { reading: null };
  const group = cg !== null && cg.limit < hostTotal ? { ...cg, source: 'cgroup v2 memory.swap.max' } : null;
  const { reading, figures } = usedOfTotalReading({ total: hostTotal, used }, group, { ...ctx.options, icon: 'swap' });
  return { reading, data: figures };
}
