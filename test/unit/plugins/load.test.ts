import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import load from '../../../plugins/load/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

function stat(cores: number): string {
  const lines = ['cpu  8629 0 3998 441622 689 0 166 3321 0 0'];
  for (let i = 0; i < cores; i++) lines.push(`cpu${i} 3766 0 1785 221817 155 0 60 1608 0 0`);
  return `${lines.join('\n')}\nintr 369277 0 0 0\nctxt 650782\nbtime 1795439377\nprocesses 7514\n`;
}

describe('load', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/stat', stat(2));
    tree.write('proc/loadavg', '0.03 0.10 0.08 1/89 7514\n');
  });
  afterEach(() => tree.cleanup());

  /** A cgroup v2 host with this process in `path`; `limits` maps group paths to cpu.max. */
  function cgroupV2(path: string, limits: Record<string, string>) {
    tree.write('proc/self/cgroup', `0::${path}\n`);
    tree.write('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n');
    tree.write(`sys/fs/cgroup${path}/cgroup.procs`, '4242\n');
    for (const [group, max] of Object.entries(limits)) tree.write(`sys/fs/cgroup${group}/cpu.max`, `${max}\n`);
  }

  it('shows the 1-minute average against the online cores', async () => {
    const reading = readingWithData(await load.collect(moduleContext(load, tree), undefined));
    expect(reading).toMatchObject({ text: '0.03', short: '0.03', state: 'good', icon: 'load' });
    expect(reading!.data).toEqual({ one: 0.03, five: 0.1, fifteen: 0.08, cores: 2, perCore: 0.015, cpuQuota: null });
    expect(reading!.detail).toContainEqual({ label: 'Cores', value: '2' });
  });

  it('shows all three with averages: 3', async () => {
    const reading = readingWithData(await load.collect(moduleContext(load, tree, { averages: 3 }), undefined));
    expect(reading!.text).toBe('0.03 0.10 0.08');
  });

  it('judges the load per core', async () => {
    const ctx = moduleContext(load, tree);
    tree.write('proc/loadavg', '1.90 1.00 0.50 3/120 999\n');
    expect((await load.collect(ctx, undefined)).reading!.state).toBe('good');
    tree.write('proc/loadavg', '2.00 1.00 0.50 3/120 999\n');
    expect((await load.collect(ctx, undefined)).reading!.state).toBe('warning');
    tree.write('proc/loadavg', '4.20 1.00 0.50 3/120 999\n');
    expect((await load.collect(ctx, undefined)).reading!.state).toBe('critical');
    // The same load on 8 cores is fine.
    tree.write('proc/stat', stat(8));
    expect((await load.collect(ctx, undefined)).reading!.state).toBe('good');
    expect((await load.collect(moduleContext(load, tree, { info: 0.5 }), undefined)).reading!.state).toBe('info');
  });

  it("judges the host's load against the host's cores, and names a cgroup v2 quota in the detail", async () => {
    // The load average counts the whole host's runnable tasks: a quota on this process's group
    // must not turn a quiet container's share of a busy host into an alarm.
    cgroupV2('/system.slice/shoji.service', { '/system.slice/shoji.service': '50000 100000' });
    tree.write('proc/loadavg', '0.60 0.50 0.40 2/100 1234\n');
    const reading = readingWithData(await load.collect(moduleContext(load, tree), undefined));
    expect(reading!.data).toMatchObject({ cores: 2, perCore: 0.3, cpuQuota: 0.5 });
    expect(reading!.state).toBe('good');
    expect(reading!.detail).toContainEqual({ label: 'Cores', value: '2 (a cgroup quota allows this process 0.5)' });
  });

  it('takes the tightest quota on the way to the root', async () => {
    cgroupV2('/kubepods/pod1/ctr', { '/kubepods/pod1/ctr': 'max 100000', '/kubepods/pod1': '100000 100000', '/kubepods': '300000 100000' });
    const reading = readingWithData(await load.collect(moduleContext(load, tree), undefined));
    expect(reading!.data!.cpuQuota).toBe(1);
  });

  it('ignores "max" and quotas larger than the machine', async () => {
    cgroupV2('/user.slice', { '/user.slice': 'max 100000' });
    expect(readingWithData(await load.collect(moduleContext(load, tree), undefined))!.data!.cpuQuota).toBeNull();
    tree.write('sys/fs/cgroup/user.slice/cpu.max', '400000 100000\n');
    expect(readingWithData(await load.collect(moduleContext(load, tree), undefined))!.data!.cpuQuota).toBeNull();
  });

  it('reads a cgroup v1 CFS quota on a hybrid host, and ignores -1', async () => {
    // This machine's shape: v1 controllers plus an empty unified tree.
    tree.write('proc/self/cgroup', '9:name=systemd:/\n4:memory:/\n2:cpuacct:/\n1:cpu:/lxc/box\n0::/\n');
    tree.write('sys/fs/cgroup/unified/cgroup.procs', '1\n');
    tree.write('sys/fs/cgroup/cpu/cpu.cfs_quota_us', '-1\n');
    tree.write('sys/fs/cgroup/cpu/cpu.cfs_period_us', '100000\n');
    tree.write('sys/fs/cgroup/cpu/lxc/box/cpu.cfs_quota_us', '-1\n');
    tree.write('sys/fs/cgroup/cpu/lxc/box/cpu.cfs_period_us', '100000\n');
    expect(readingWithData(await load.collect(moduleContext(load, tree), undefined))!.data!.cpuQuota).toBeNull();
    tree.write('sys/fs/cgroup/cpu/lxc/box/cpu.cfs_quota_us', '150000\n');
    expect(readingWithData(await load.collect(moduleContext(load, tree), undefined))!.data!.cpuQuota).toBe(1.5);
  });

  it('counts one core when /proc/stat is unreadable rather than dividing by zero', async () => {
    tree.write('proc/loadavg', '0.50 0.50 0.50 1/1 1\n');
    tree.write('proc/stat', 'intr 0\n');
    const reading = readingWithData(await load.collect(moduleContext(load, tree), undefined));
    expect(reading!.data!.cores).toBe(1);
    expect(Number.isFinite(reading!.data!.perCore)).toBe(true);
  });

  it('fails clearly when /proc/loadavg is missing or garbled', () => {
    const ctx = moduleContext(load, tree);
    tree.write('proc/loadavg', 'n/a\n');
    expect(() => load.collect(ctx, undefined)).toThrow(/unexpected content/);
    tree.cleanup();
    expect(() => load.collect(ctx, undefined)).toThrow(/cannot read .*loadavg/);
  });
});
