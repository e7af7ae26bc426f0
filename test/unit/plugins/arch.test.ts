import { machine } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import arch from '../../../plugins/arch/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('arch', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const run = async () => arch.collect(moduleContext(arch, tree), undefined);

  it('shows the kernel\'s machine name from /proc/sys/kernel/arch (Linux 6.1+: "aarch64\\n")', async () => {
    tree.write('proc/sys/kernel/arch', 'aarch64\n');
    const { reading, data } = await run();
    expect(reading).toMatchObject({ text: 'aarch64', state: 'idle' });
    expectDataAsDeclared(arch, data);
    expect(data).toEqual({ machine: 'aarch64' });
  });

  it('asks uname (os.machine) where the kernel has no such file', async () => {
    expect((await run()).data).toEqual({ machine: machine() });
  });

  it('is read once: the architecture cannot change while the machine runs', () => {
    expect(arch.interval).toBe('once');
  });
});
