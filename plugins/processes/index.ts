/**
 * processes — how many processes exist, and how many are running right now.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "214" (state idle unless a threshold is reached). The count is the numeric entries
 * of <procRoot>; the running and task (thread) counts come from <procRoot>/loadavg. Elsewhere
 * than Linux, ps(1)'s list through src/platform, without a task count (docs/platforms.md).
 */
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { hostFor, systeminformationHere } from '../../src/platform/backend.js';
import type { ProcessCount } from '../../src/platform/types.js';

// loadavg's task field, read by the direct reader, is exported here as it always was.
export { parseLoadavgTasks } from '../../src/platform/linux/proc.js';

/** What the processes module publishes. */
const data = declareData(
  () => ({
    processes: T.Integer({ unit: 'processes', description: 'Processes on the host (numeric entries of /proc)' }),
    running: T.Union([T.Integer(), T.Null()], {
      unit: 'tasks',
      description: "Runnable tasks (loadavg's count, the reader included); null when loadavg is unreadable",
    }),
    tasks: T.Union([T.Integer(), T.Null()], { unit: 'tasks', description: 'All tasks, threads included; null when loadavg is unreadable' }),
  }),
  { description: 'Published whenever /proc lists processes.' },
);
export type ProcessesData = DataOf<typeof data>;

const options = declareOptions({
  ...thresholdOptions({ of: 'number of processes' }),
});
export type ProcessesOptions = OptionsOf<typeof options>;

/**
 * How long systeminformation's process list may take: it starts ps(1) and, on Linux, reads every
 * process's stat file, from a tenth of a second on an idle host to over 5 s on a busy one
 * (measured here). Past the default timeout, the one-shot status line shows the last count while
 * a background `shoji collect` takes the next (core/resolve.ts), as for `updates`.
 */
const SYSTEMINFORMATION_TIMEOUT_MS = 20_000;

export default defineModule<ProcessesOptions, ProcessesData>({
  id: 'processes',
  description: 'number of processes (and how many are running)',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_processes', 'processes'), gauge('shoji_tasks', 'tasks'), gauge('shoji_tasks_running', 'running')]),
  interval: 7,
  priority: 25,
  // Read when the modules are resolved, before any context: the direct count is a directory
  // listing (the default timeout), systeminformation's a process (see above).
  get timeoutMs() {
    return systeminformationHere() ? SYSTEMINFORMATION_TIMEOUT_MS : undefined;
  },
  collect(ctx) {
    const count = hostFor(ctx).processCount(ctx);
    return count instanceof Promise ? count.then((c) => show(ctx, c)) : show(ctx, count);
  },
});

function show(ctx: ModuleContext<ProcessesOptions>, count: ProcessCount | null): Collected<ProcessesData> {
  // No process listed means no usable /proc here, not an empty machine.
  if (count === null) return { reading: null };
  const { processes, running, tasks } = count;
  const detail = [{ label: 'Processes', value: String(processes) }];
  // loadavg counts the reader itself among the runnable tasks, so 1 is an idle machine.
  if (running !== null) detail.push({ label: 'Running', value: String(running) });
  if (tasks !== null) detail.push({ label: 'Tasks', value: String(tasks) });
  return {
    reading: {
      text: String(processes),
      state: stateFor(processes, ctx.options, 'idle'),
      icon: 'processes',
      detail,
    },
    data: { processes, running, tasks },
  };
}
