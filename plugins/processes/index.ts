/**
 * processes — how many processes exist, and how many are running right now.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "214" (state idle unless a threshold is reached). The count is the numeric entries
 * of <procRoot>; the running and task (thread) counts come from <procRoot>/loadavg.
 */
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import { listDir, readText } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';

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

/** The "running/total" field of loadavg: runnable tasks and all tasks (threads included). */
export function parseLoadavgTasks(text: string | null): { running: number; tasks: number } | null {
  const m = /^\S+\s+\S+\s+\S+\s+(\d+)\/(\d+)/.exec(text ?? '');
  return m ? { running: Number(m[1]), tasks: Number(m[2]) } : null;
}

const options = declareOptions({
  ...thresholdOptions({ of: 'number of processes' }),
});
export type ProcessesOptions = OptionsOf<typeof options>;

export default defineModule<ProcessesOptions, ProcessesData>({
  id: 'processes',
  description: 'number of processes (and how many are running)',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_processes', 'processes'), gauge('shoji_tasks', 'tasks'), gauge('shoji_tasks_running', 'running')]),
  interval: 7,
  priority: 25,
  collect(ctx) {
    const processes = listDir(ctx.procRoot).filter((name) => /^\d+$/.test(name)).length;
    // No numeric entries means no usable /proc here, not an empty machine.
    if (processes === 0) return { reading: null };
    const tasks = parseLoadavgTasks(readText(join(ctx.procRoot, 'loadavg')));
    const detail = [{ label: 'Processes', value: String(processes) }];
    if (tasks) {
      // loadavg counts the reader itself among the runnable tasks, so 1 is an idle machine.
      detail.push({ label: 'Running', value: String(tasks.running) }, { label: 'Tasks', value: String(tasks.tasks) });
    }
    return {
      reading: {
        text: String(processes),
        state: stateFor(processes, ctx.options, 'idle'),
        icon: 'processes',
        detail,
      },
      data: { processes, running: tasks?.running ?? null, tasks: tasks?.tasks ?? null },
    };
  },
});
