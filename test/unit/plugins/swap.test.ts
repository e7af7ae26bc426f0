import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import swap from '../../../plugins/swap/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

const MiB = 1024 ** 2;

function meminfo(swapTotalKb: number, swapFreeKb: number): string {
  return `MemTotal:       24684096 kB
MemFree:        24372508 kB
MemAvailable:   24361728 kB
Buffers:            1632 kB
Cached:           165824 kB
SwapCached:            0 kB
SwapTotal:      ${swapTotalKb} kB
SwapFree:       ${swapFreeKb} kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:               104 kB
`;
}

describe('swap', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/meminfo', meminfo(2097148, 1572860));
  });
  afterEach(() => tree.cleanup());

  function cgroupV2(files: Record<string, string>) {
    tree.write('proc/self/cgroup', '0::/app\n');
    tree.write('sys/fs/cgroup/cgroup.controllers', 'memory\n');
    for (const [name, content] of Object.entries(files)) tree.write(`sys/fs/cgroup/app/${name}`, content);
  }

  it('shows SwapTotal - SwapFree', async () => {
    const reading = readingWithData(await swap.collect(moduleContext(swap, tree), undefined));
    expect(reading).toMatchObject({ text: '512M/2G 25%', short: '25%', state: 'good', icon: 'swap' });
    expect(reading!.data).toEqual({ total: 2097148 * 1024, used: 512 * MiB, ratio: (512 * MiB) / (2097148 * 1024), cgroup: false });
  });

  it("is hidden when there is no swap (this machine's case)", async () => {
    tree.write('proc/meminfo', meminfo(0, 0));
    expect((await swap.collect(moduleContext(swap, tree), undefined)).reading).toBeNull();
  });

  it('maps the share used onto the thresholds and compacts on request', async () => {
    tree.write('proc/meminfo', meminfo(1000000, 200000)); // 80 %
    const ctx = moduleContext(swap, tree, { compact: true });
    expect((await swap.collect(ctx, undefined)).reading).toMatchObject({ text: '80%', state: 'warning' });
    tree.write('proc/meminfo', meminfo(1000000, 50000)); // 95 %
    expect((await swap.collect(ctx, undefined)).reading!.state).toBe('critical');
  });

  it('honours a smaller cgroup v2 memory.swap.max', async () => {
    cgroupV2({ 'memory.swap.max': `${256 * MiB}\n`, 'memory.swap.current': `${64 * MiB}\n` });
    const reading = readingWithData(await swap.collect(moduleContext(swap, tree), undefined));
    expect(reading!.text).toBe('64M/256M 25%');
    expect(reading!.data!.cgroup).toBe(true);
    expect(reading!.detail).toContainEqual({ label: 'Limit', value: '256M (cgroup v2 memory.swap.max)' });
  });

  it('is hidden when the cgroup may not swap, and ignores "max"', async () => {
    cgroupV2({ 'memory.swap.max': '0\n', 'memory.swap.current': '0\n' });
    expect((await swap.collect(moduleContext(swap, tree), undefined)).reading).toBeNull();
    cgroupV2({ 'memory.swap.max': 'max\n' });
    expect((await swap.collect(moduleContext(swap, tree), undefined)).reading!.text).toBe('512M/2G 25%');
  });

  it('fails clearly when /proc/meminfo cannot be read', () => {
    tree.cleanup();
    expect(() => swap.collect(moduleContext(swap, tree), undefined)).toThrow(/cannot read .*meminfo/);
  });
});
