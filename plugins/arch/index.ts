/**
 * arch — the machine architecture, as `uname -m` prints it ("x86_64", "aarch64"): byobu's `arch`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "x86_64" (state idle). Read from <procRoot>/sys/kernel/arch (Linux 6.1 and later, and
 * a fixture tree can stand in for it), else os.machine(), the same uname call. Read once: it
 * cannot change while the machine runs.
 */
import { machine } from 'node:os';
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { type NoOptions, noOptions } from '../../src/core/options.js';
import { withoutControl } from '../../src/core/outside-text.js';
import { readLine } from '../../src/core/read.js';

/** What the arch module publishes. */
const data = declareData(
  () => ({
    machine: T.String({ description: 'The machine hardware name, as `uname -m` prints it (`x86_64`, `aarch64`)' }),
  }),
  { description: 'Published whenever the name is known.' },
);
export type ArchData = DataOf<typeof data>;

export default defineModule<NoOptions, ArchData>({
  id: 'arch',
  description: 'the machine architecture (uname -m)',
  options: noOptions,
  data,
  // Nothing for Prometheus: node_exporter's node_uname_info carries it.
  metrics: NO_METRICS,
  interval: 'once',
  priority: 20,
  collect(ctx) {
    const name = withoutControl(readLine(join(ctx.procRoot, 'sys/kernel/arch')) || machine()).trim();
    if (name === '') return { reading: null };
    return {
      reading: { text: name, state: 'idle', icon: 'arch', detail: [{ label: 'Architecture', value: name }] },
      data: { machine: name },
    };
  },
});
