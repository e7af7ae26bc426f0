import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import processes, { parseLoadavgTasks } from '../../../plugins/processes/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

describe('processes', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    for (const pid of [1, 2, 57, 612, 1201]) mkdirSync(join(tree.procRoot, String(pid)));
    for (const other of ['self', 'net', 'sys', '12a']) mkdirSync(join(tree.procRoot, other));
  });
  afterEach(() => tree.cleanup());

  it('counts numeric /proc entries and reads running/total from loadavg', async () => {
    tree.write('proc/loadavg', '0.04 0.12 0.08 3/89 6741\n');
    const reading = readingWithData(await processes.collect(moduleContext(processes, tree), undefined));
    expect(reading).toEqual({
      text: '5',
      state: 'idle',
      icon: 'processes',
      data: { processes: 5, running: 3, tasks: 89 },
      detail: [
        { label: 'Processes', value: '5' },
        { label: 'Running', value: '3' },
        { label: 'Tasks', value: '89' },
      ],
    });
  });

  it('still counts without loadavg', async () => {
    const reading = readingWithData(await processes.collect(moduleContext(processes, tree), undefined));
    expect(reading?.data).toEqual({ processes: 5, running: null, tasks: null });
    expect(reading?.detail).toEqual([{ label: 'Processes', value: '5' }]);
  });

  it('applies thresholds to the process count', async () => {
    const at = async (t: { info?: number; warning?: number; critical?: number }) =>
      (await processes.collect(moduleContext(processes, tree, t), undefined)).reading?.state;
    expect(await at({ warning: 5, critical: 6 })).toBe('warning');
    expect(await at({ warning: 6, critical: 10 })).toBe('idle');
    expect(await at({ info: 1, critical: 5 })).toBe('critical');
  });

  it('is hidden when /proc has no process entries', async () => {
    const empty = fixtureTree();
    try {
      expect((await processes.collect(moduleContext(processes, empty), undefined)).reading).toBeNull();
    } finally {
      empty.cleanup();
    }
  });

  it('parses the loadavg task field strictly', () => {
    expect(parseLoadavgTasks('1.00 2.00 3.00 12/345 999')).toEqual({ running: 12, tasks: 345 });
    expect(parseLoadavgTasks('1.00 2.00 3.00')).toBeNull();
    expect(parseLoadavgTasks(null)).toBeNull();
  });
});
