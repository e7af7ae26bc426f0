/**
 * uptime — how long the machine has been up, from <procRoot>/uptime.
 *
 * Options: docs/modules.md, generated from `options` below (npm run docs:modules).
 *
 * Shows "3d 4h" (state idle). data: { seconds }. Detail: the boot time, local.
 */
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import { readText } from '../../src/core/read.js';
import { strftime } from '../../src/core/strftime.js';
import { formatDuration } from '../../src/core/units.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';

/** What the uptime module publishes (docs/plugins.md). */
export interface UptimeData {
  /** Seconds since boot. */
  seconds: number;
}

function readUptime(procRoot: string): number | null {
  const text = readText(join(procRoot, 'uptime'));
  if (text === null) return null;
  const seconds = parseFloat(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

const options = declareOptions({});
export type UptimeOptions = OptionsOf<typeof options>;

export default defineModule<UptimeOptions, UptimeData>({
  id: 'uptime',
  description: 'time since boot',
  options,
  interval: 60,
  priority: 40,
  available: (ctx) => readUptime(ctx.procRoot) !== null,
  collect(ctx) {
    const seconds = readUptime(ctx.procRoot);
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
  },
});
