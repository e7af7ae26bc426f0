/**
 * processes — how many processes exist, and how many are running right now.
 *
 * Options: docs/modules.md, generated from `options` below (npm run docs:modules).
 *
 * Shows "214" (state idle unless a threshold is reached). The count is the numeric entries
 * of <procRoot>; the running and task (thread) counts come from <procRoot>/loadavg.
 * data: { processes, running, tasks } (running and tasks null when loadavg is unreadable).
 */
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import { listDir, readText } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';

/** What the processes module publishes (docs/plugins.md). */
export interface ProcessesData {
  /** Processes (numeric entries of /proc). */
  processes: number;
  /** Runnable tasks (loadavg's count, which includes the reader), or null when loadavg is unreadable. */
  running: number | null;
  /** All tasks, threads included, or null when loadavg is unreadable. */
  tasks: number | null;
}

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
