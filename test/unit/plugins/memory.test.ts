import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import memory from '../../../plugins/memory/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** /proc/meminfo as a laptop with 8 GB shows it (values in kB, as the kernel writes them). */
function meminfo(totalKb: number, availableKb: number | null, extra = ''): string {
  return [
    `MemTotal:       ${totalKb} kB`,
    `MemFree:         1203344 kB`,
    ...(availableKb === null ? [] : [`MemAvailable:   ${availableKb} kB`]),
    'Buffers:          184712 kB',
    'Cached:          3620900 kB',
    'SwapCached:         1024 kB',
    'Active:          3313780 kB',
    'Inactive:        2586516 kB',
    'Active(file):    1922036 kB',
    'Inactive(file):  1708020 kB',
    'SwapTotal:       2097148 kB',
    'SwapFree:        1572860 kB',
    'Shmem:            412560 kB',
    'SReclaimable:     232700 kB',
    'SUnreclaim:        98312 kB',
    'HugePages_Total:       0',
    'Hugepagesize:       2048 kB',
    extra,
  ].join('\n');
}

describe('memory', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/meminfo', meminfo(8039180, 5890000));
  });
  afterEach(() => tree.cleanup());

  it('shows MemTotal - MemAvailable', async () => {
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree), undefined));
    const used = (8039180 - 5890000) * 1024;
    expect(reading).toMatchObject({ text: '2G/7.7G 27%', short: '27%', state: 'good', icon: 'memory' });
    expect(reading!.data).toEqual({ total: 8039180 * 1024, used, available: 5890000 * 1024, ratio: used / (8039180 * 1024), cgroup: false });
  });

  it('shows only the percentage when compact', async () => {
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree, { compact: true }), undefined));
    expect(reading!.text).toBe('27%');
  });

  it('maps the share used onto the thresholds', async () => {
    const ctx = moduleContext(memory, tree);
    tree.write('proc/meminfo', meminfo(8000000, 1500000)); // 81 %
    expect((await memory.collect(ctx, undefined)).reading!.state).toBe('warning');
    tree.write('proc/meminfo', meminfo(8000000, 400000)); // 95 %
    expect((await memory.collect(ctx, undefined)).reading!.state).toBe('critical');
  });

  it('estimates available memory on kernels without MemAvailable', async () => {
    tree.write('proc/meminfo', meminfo(8039180, null));
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree), undefined));
    // MemFree + Buffers + Cached + SReclaimable - Shmem
    const available = 1203344 + 184712 + 3620900 + 232700 - 412560;
    expect(reading!.data!.available).toBe(available * 1024);
  });

  it("uses a smaller cgroup v2 limit and the limiting group's use, without inactive page cache", async () => {
    tree.write('proc/self/cgroup', '0::/user.slice/user-1000.slice/session-2.scope\n');
    tree.write('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory pids\n');
    tree.write('sys/fs/cgroup/user.slice/memory.max', 'max\n');
    tree.write('sys/fs/cgroup/user.slice/user-1000.slice/memory.max', `${2 * GiB}\n`);
    tree.write('sys/fs/cgroup/user.slice/user-1000.slice/memory.current', `${1 * GiB}\n`);
    tree.write(
      'sys/fs/cgroup/user.slice/user-1000.slice/memory.stat',
      `anon ${600 * MiB}\nfile ${400 * MiB}\nactive_file ${144 * MiB}\ninactive_file ${256 * MiB}\n`,
    );
    tree.write('sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope/memory.max', 'max\n');
    tree.write('sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope/memory.current', `${100 * MiB}\n`);
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree), undefined));
    expect(reading!.text).toBe('768M/2G 38%');
    expect(reading!.data).toMatchObject({ total: 2 * GiB, used: 768 * MiB, cgroup: true });
    expect(reading!.detail).toContainEqual({ label: 'Limit', value: '2G (cgroup v2 memory.max)' });
    expect(reading!.detail!.find((d) => d.label === 'Group')!.value).toMatch(/user-1000\.slice$/);
  });

  it('ignores a cgroup limit at or above MemTotal', async () => {
    tree.write('proc/self/cgroup', '0::/big\n');
    tree.write('sys/fs/cgroup/cgroup.controllers', 'memory\n');
    tree.write('sys/fs/cgroup/big/memory.max', `${64 * GiB}\n`);
    tree.write('sys/fs/cgroup/big/memory.current', `${1 * GiB}\n`);
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree), undefined));
    expect(reading!.data!.cgroup).toBe(false);
    expect(reading!.text).toBe('2G/7.7G 27%');
  });

  it('uses the mount root when a container sees its host-side path (no cgroup namespace)', async () => {
    tree.write('proc/self/cgroup', '0::/system.slice/docker-0123abcd.scope\n');
    tree.write('sys/fs/cgroup/cgroup.controllers', 'memory\n');
    tree.write('sys/fs/cgroup/memory.max', `${512 * MiB}\n`);
    tree.write('sys/fs/cgroup/memory.current', `${300 * MiB}\n`);
    tree.write('sys/fs/cgroup/memory.stat', `inactive_file ${44 * MiB}\n`);
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree), undefined));
    expect(reading!.text).toBe('256M/512M 50%');
  });

  it('reads a cgroup v1 memory.limit_in_bytes, and ignores the "unlimited" value', async () => {
    tree.write('proc/self/cgroup', '9:name=systemd:/\n4:memory:/docker/abc\n1:cpu:/\n0::/\n');
    tree.write('sys/fs/cgroup/memory/memory.limit_in_bytes', '9223372036854771712\n');
    tree.write('sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes', '9223372036854771712\n');
    tree.write('sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes', `${1 * GiB}\n`);
    tree.write('sys/fs/cgroup/memory/docker/abc/memory.stat', `cache 2387968\nrss 1687552\ninactive_file 110592\ntotal_inactive_file ${512 * MiB}\n`);
    expect(readingWithData(await memory.collect(moduleContext(memory, tree), undefined))!.data!.cgroup).toBe(false);

    tree.write('sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes', `${4 * GiB}\n`);
    const reading = readingWithData(await memory.collect(moduleContext(memory, tree), undefined));
    expect(reading!.text).toBe('512M/4G 13%');
    expect(reading!.detail).toContainEqual({ label: 'Limit', value: '4G (cgroup v1 memory.limit_in_bytes)' });
  });

  it('fails clearly when /proc/meminfo is missing or has no MemTotal', () => {
    const ctx = moduleContext(memory, tree);
    tree.write('proc/meminfo', 'Buffers: 1 kB\n');
    expect(() => memory.collect(ctx, undefined)).toThrow(/no MemTotal/);
    tree.cleanup();
    expect(() => memory.collect(ctx, undefined)).toThrow(/cannot read .*meminfo/);
  });
});
