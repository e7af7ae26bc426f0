/**
 * uptime — how long the machine has been up, from <procRoot>/uptime (on Linux; elsewhere the
 * system's, through src/platform: docs/platforms.md).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "3d 4h" (state idle). Detail: the boot time, local.
 */
import { join } from 'node:path';
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { strftime } from '../../src/core/strftime.js';
import { formatDuration } from '../../src/core/units.js';
import * as T from 'typebox';
import { type NoOptions, noOptions } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { hostFor } from '../../src/platform/backend.js';

/** What the uptime module publishes. */
const data = declareData(() => ({ seconds: T.Number({ unit: 'seconds', description: 'Time since boot' }) }), {
  description: 'Published at every collect.',
});
export type UptimeData = DataOf<typeof data>;

export default defineModule<NoOptions, UptimeData>({
  id: 'uptime',
  description: 'time since boot',
  options: noOptions,
  data,
  metrics: declareMetrics(() => [gauge('shoji_uptime_seconds', 'seconds')]),
  interval: 60,
  priority: 40,
  available(ctx) {
    const seconds = hostFor(ctx).uptimeSeconds(ctx);
    return seconds instanceof Promise ? seconds.then((s) => s !== null) : seconds !== null;
  },
  collect(ctx) {
    const seconds = hostFor(ctx).uptimeSeconds(ctx);
    return seconds instanceof Promise ? seconds.then((s) => show(ctx, s)) : show(ctx, seconds);
  },
});

function show(ctx: ModuleContext<NoOptions>, seconds: number | null): Collected<UptimeData> {
  if (seconds === null) throw new Error(`cannot read ${join(ctx.procRoot, 'uptime')}`);
  const booted = new Date(ctx.wallNow() - seconds * 1000);
  return {
    reading: {
      text: formatDuration(seconds),
      state: 'idle',
      icon: 'uptime',
      detail: [
        { label: 'Up', value: `${formatDuration(seconds)} (${Math.floor(seconds)} s)` },
        { label: 'Booted', value: strftime('%Y-%m-%d %H:%M', booted) },
      ],
    },
    data: { seconds },
  };
}
