/**
 * entropy — the kernel's estimate of the entropy in its random pool, from
 * <procRoot>/sys/kernel/random/entropy_avail (and poolsize). byobu's `entropy`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Hidden unless low: shows "entropy 42" (state warning, critical lower) only when the figure is
 * at or below the warning option, or always with `always: true`. The figure means little on
 * current kernels: since Linux 5.18 the pool is 256 bits (poolsize) and entropy_avail reads 256
 * as soon as the generator is seeded, early in boot, and stays there; and since Linux 5.6
 * /dev/random blocks only until then. A low figure is therefore news only before seeding on
 * those kernels, and on older ones (a 4096-bit pool whose estimate rose and fell with use, where
 * reads from /dev/random blocked when it ran low: byobu's module dates from then).
 */
import { join } from 'node:path';
import * as T from 'typebox';
import { type DetailLine, defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { readNumber } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';

const options = declareOptions({
  always: T.Boolean({ default: false, description: 'show the figure even when it is not low (it means little since Linux 5.18: see above)' }),
  ...thresholdOptions({ of: 'bits of entropy', invert: true, warning: 128, critical: 64 }),
});
export type EntropyOptions = OptionsOf<typeof options>;

/** What the entropy module publishes. */
const data = declareData(
  () => ({
    bits: T.Integer({ unit: 'bits', description: "The kernel's estimate of the entropy in its pool (entropy_avail)" }),
    poolBits: T.Optional(T.Integer({ unit: 'bits', description: "The pool's size (poolsize): 256 since Linux 5.18, 4096 before" })),
  }),
  { description: 'Published at every collect, low or not.' },
);
export type EntropyData = DataOf<typeof data>;

const file = (procRoot: string, name: string) => join(procRoot, 'sys', 'kernel', 'random', name);

export default defineModule<EntropyOptions, EntropyData>({
  id: 'entropy',
  description: 'the kernel random pool entropy estimate, shown only when low',
  options,
  data,
  // In bytes, Prometheus's base unit (promtool refuses a _bits name); the data keeps the kernel's bits.
  metrics: declareMetrics(() => [
    gauge('shoji_entropy_available_bytes', "The kernel's estimate of the entropy in its pool (entropy_avail / 8)", { read: (d) => d.bits / 8 }),
    gauge('shoji_entropy_pool_size_bytes', "The entropy pool's size (poolsize / 8): 32 since Linux 5.18, 512 before", {
      read: (d) => (d.poolBits === undefined ? undefined : d.poolBits / 8),
    }),
  ]),
  interval: 5,
  priority: 20,
  available: (ctx) => readNumber(file(ctx.procRoot, 'entropy_avail')) !== null,
  collect(ctx) {
    const o = ctx.options;
    const bits = readNumber(file(ctx.procRoot, 'entropy_avail'));
    if (bits === null) throw new Error(`cannot read ${file(ctx.procRoot, 'entropy_avail')}`);
    const pool = readNumber(file(ctx.procRoot, 'poolsize'));
    const published: EntropyData = { bits, ...(pool !== null ? { poolBits: pool } : {}) };
    const state = stateFor(bits, { info: o.info, warning: o.warning, critical: o.critical }, 'idle', true);
    if (state === 'idle' && !o.always) return { reading: null, data: published };
    const detail: DetailLine[] = [{ label: 'Entropy', value: pool !== null ? `${bits} of ${pool} bits` : `${bits} bits` }];
    return { reading: { text: `entropy ${bits}`, short: `e${bits}`, state, detail }, data: published };
  },
});
