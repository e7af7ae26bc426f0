import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import cpu, { type CpuMemo } from '../../../plugins/cpu/index.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';

/** user nice system idle iowait irq softirq steal guest guest_nice */
type Row = [number, number, number, number, number, number, number, number, number, number];

const TAIL = `intr 369277 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 16 0 0 0 0 456 64
ctxt 650782
btime 1795439377
processes 7514
procs_running 3
procs_blocked 0
softirq 215567 0 35531 6 5759 33242 0 2 91356 0 49671
`;

function stat(cores: Row[]): string {
  const total = cores.reduce((sum, r) => sum.map((v, i) => v + r[i]) as Row);
  const line = (name: string, r: Row) => `${name} ${r.join(' ')}`;
  return `${[line('cpu ', total), ...cores.map((r, i) => line(`cpu${i}`, r))].join('\n')}\n${TAIL}`;
}

const add = (r: Row, d: Partial<Record<number, number>>): Row => r.map((v, i) => v + (d[i] ?? 0)) as Row;
const USER = 0,
  SYSTEM = 2,
  IDLE = 3,
  IOWAIT = 4,
  IRQ = 5,
  SOFTIRQ = 6,
  STEAL = 7,
  GUEST = 8;

// This machine's /proc/stat at the time of writing: two cores.
const core0: Row = [3766, 0, 1785, 221817, 155, 0, 60, 1608, 0, 0];
const core1: Row = [4863, 0, 2213, 219805, 533, 0, 106, 1712, 0, 0];

describe('cpu', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  it('is pending on the first reading, never a since-boot average', async () => {
    tree.write('proc/stat', stat([core0, core1]));
    const ctx = moduleContext(cpu, tree);
    const first = await cpu.collect(ctx, undefined);
    expect(first.reading).toMatchObject({ text: '--%', pending: true, state: 'idle', icon: 'cpu' });
    expect(first.data).toBeUndefined();
    expect(first.memo!.at).toBe(ctx.clock.ms);
  });

  it('computes busy share from the deltas, with iowait as idle', async () => {
    tree.write('proc/stat', stat([core0, core1]));
    const ctx = moduleContext(cpu, tree);
    const { memo } = await cpu.collect(ctx, undefined);
    // core0: 60 busy (user, system, irq, softirq, steal), 140 idle (100 idle + 40 iowait): 30 %.
    // core1: 100 busy, 100 idle: 50 %. Together 160 / 400 = 40 %.
    const c0 = add(core0, { [USER]: 20, [SYSTEM]: 10, [IRQ]: 10, [SOFTIRQ]: 10, [STEAL]: 10, [IDLE]: 100, [IOWAIT]: 40 });
    const c1 = add(core1, { [USER]: 100, [IDLE]: 100 });
    tree.write('proc/stat', stat([c0, c1]));
    ctx.clock.advance(2000);
    const second = await cpu.collect(ctx, memo);
    expect(second.reading!.pending).toBeUndefined();
    expect(second.reading!.text).toBe('40%');
    expect(second.data!.total).toBeCloseTo(0.4, 10);
    // Published whatever per_core says (which only decides what the line shows).
    expect(second.data!.cores[0]).toBeCloseTo(0.3, 10);
    expect(second.data!.cores[1]).toBeCloseTo(0.5, 10);
    expect(second.data!.sampleSeconds).toBe(2);
    expect(second.reading!.state).toBe('good');
    expect(second.reading!.detail).toContainEqual({ label: 'cpu0', value: '30.0%' });
    expect(second.reading!.detail).toContainEqual({ label: 'Sampled over', value: '2.0 s' });
  });

  it("publishes the host's CPU time since boot in seconds, busy and idle, from the cpu line, exported as shoji_cpu_seconds_total", async () => {
    // A real two-core /proc/stat (the cpu line is the sum), with guest time, which user already holds.
    const text = (user: number, idle: number, iowait: number) =>
      `cpu  ${user} 7 3998 ${idle} ${iowait} 11 166 3320 500 0\ncpu0 3766 3 1785 221817 155 5 60 1608 250 0\ncpu1 4863 4 2213 219805 533 6 106 1712 250 0\n${TAIL}`;
    tree.write('proc/stat', text(8629, 441622, 688));
    const ctx = moduleContext(cpu, tree);
    const { memo } = await cpu.collect(ctx, undefined);
    tree.write('proc/stat', text(8629 + 150, 441622 + 30, 688 + 20));
    ctx.clock.advance(2000);
    const { data } = await cpu.collect(ctx, memo);
    // USER_HZ is 100: busy = user + nice + system + irq + softirq + steal, idle = idle + iowait.
    expect(data!.busySeconds).toBeCloseTo((8779 + 7 + 3998 + 11 + 166 + 3320) / 100, 10);
    expect(data!.idleSeconds).toBeCloseTo((441652 + 708) / 100, 10);
    const family = cpu.metrics!.families.find((f) => f.name === 'shoji_cpu_seconds_total')!;
    expect(family.type).toBe('counter');
    expect(family.samples(data!)).toEqual([
      { labels: { mode: 'busy' }, value: data!.busySeconds },
      { labels: { mode: 'idle' }, value: data!.idleSeconds },
    ]);
  });

  it('labels each core with its kernel number: with cpu1 offline, the cores are cpu0, cpu2 and cpu3', async () => {
    const text = (step: number) =>
      [`cpu  ${300 + step} 0 0 ${3000 + step} 0 0 0 0 0 0`, ...[0, 2, 3].map((n) => `cpu${n} ${100 + step * n} 0 0 ${1000 + step} 0 0 0 0 0 0`)].join('\n') +
      `\n${TAIL}`;
    tree.write('proc/stat', text(0));
    const ctx = moduleContext(cpu, tree);
    const { memo } = await cpu.collect(ctx, undefined);
    tree.write('proc/stat', text(10));
    ctx.clock.advance(2000);
    const { data, reading } = await cpu.collect(ctx, memo);
    expect(data!.coreIds).toEqual([0, 2, 3]);
    expect(data!.cores).toEqual([0, 2 / 3, 0.75]);
    expect(reading!.detail!.map((l) => l.label)).toEqual(['Total', 'cpu0', 'cpu2', 'cpu3', 'Sampled over', 'Measured']);
    const family = cpu.metrics!.families.find((f) => f.name === 'shoji_cpu_core_usage_ratio')!;
    expect(family.samples(data!)).toEqual([
      { labels: { cpu: '0' }, value: 0 },
      { labels: { cpu: '2' }, value: 2 / 3 },
      { labels: { cpu: '3' }, value: 0.75 },
    ]);
  });

  it('does not count guest time twice (it is already inside user)', async () => {
    tree.write('proc/stat', stat([core0]));
    const ctx = moduleContext(cpu, tree);
    const { memo } = await cpu.collect(ctx, undefined);
    tree.write('proc/stat', stat([add(core0, { [USER]: 50, [GUEST]: 50, [IDLE]: 50 })]));
    ctx.clock.advance(2000);
    const { data } = await cpu.collect(ctx, memo);
    expect(data!.total).toBeCloseTo(0.5, 10);
  });

  it('shows per-core shares with per_core', async () => {
    tree.write('proc/stat', stat([core0, core1]));
    const ctx = moduleContext(cpu, tree, { per_core: true });
    const { memo } = await cpu.collect(ctx, undefined);
    tree.write('proc/stat', stat([add(core0, { [USER]: 12, [IDLE]: 88 }), add(core1, { [SYSTEM]: 97, [IDLE]: 3 })]));
    ctx.clock.advance(2500);
    const { reading, data } = await cpu.collect(ctx, memo);
    expect(reading!.text).toBe('55% (12 97)');
    expect(reading!.short).toBe('55%');
    expect(data!.cores).toEqual([0.12, 0.97]);
  });

  it('keeps the total but has no share for a core that comes online', async () => {
    tree.write('proc/stat', stat([core0]));
    const ctx = moduleContext(cpu, tree, { per_core: true });
    const { memo } = await cpu.collect(ctx, undefined);
    tree.write('proc/stat', stat([add(core0, { [USER]: 10, [IDLE]: 90 }), [5, 0, 5, 90, 0, 0, 0, 0, 0, 0]]));
    ctx.clock.advance(2000);
    const { reading, data } = await cpu.collect(ctx, memo);
    expect(reading!.pending).toBeUndefined();
    expect(data!.cores).toEqual([0.1, null]);
    expect(reading!.text).toMatch(/^\d+%$/);
  });

  it('goes back to pending when the counters go backwards, never negative', async () => {
    tree.write('proc/stat', stat([core0, core1]));
    const ctx = moduleContext(cpu, tree);
    const { memo } = await cpu.collect(ctx, undefined);
    tree.write(
      'proc/stat',
      stat([
        [10, 0, 5, 100, 0, 0, 0, 0, 0, 0],
        [10, 0, 5, 100, 0, 0, 0, 0, 0, 0],
      ]),
    );
    ctx.clock.advance(2000);
    const reset = await cpu.collect(ctx, memo);
    expect(reset.reading).toMatchObject({ text: '--%', pending: true });
    expect(reset.data).toBeUndefined();
    // ...and measures from the new counters on the next tick.
    tree.write(
      'proc/stat',
      stat([
        [60, 0, 5, 150, 0, 0, 0, 0, 0, 0],
        [10, 0, 5, 200, 0, 0, 0, 0, 0, 0],
      ]),
    );
    ctx.clock.advance(2000);
    const after = await cpu.collect(ctx, reset.memo);
    expect(after.data!.total).toBeCloseTo(50 / 200, 10);
  });

  it('is pending when no time has passed or the memo is from a later clock', async () => {
    tree.write('proc/stat', stat([core0]));
    const ctx = moduleContext(cpu, tree);
    const future: CpuMemo = { at: ctx.clock.ms + 5000, ticks: { cpu: [0, 0], cpu0: [0, 0] } };
    expect((await cpu.collect(ctx, future)).reading!.pending).toBe(true);
    const { memo } = await cpu.collect(ctx, undefined);
    expect((await cpu.collect(ctx, memo)).reading!.pending).toBe(true);
  });

  it('treats a memo of another shape (an older shoji) as no memo', async () => {
    tree.write('proc/stat', stat([core0]));
    const ctx = moduleContext(cpu, tree);
    const { reading } = await cpu.collect(ctx, { total: 5 } as unknown as CpuMemo);
    expect(reading!.pending).toBe(true);
  });

  it('maps the total onto the thresholds', async () => {
    tree.write('proc/stat', stat([core0]));
    const ctx = moduleContext(cpu, tree);
    const { memo } = await cpu.collect(ctx, undefined);
    const at = (busy: number) => {
      tree.write('proc/stat', stat([add(core0, { [USER]: busy, [IDLE]: 100 - busy })]));
      ctx.clock.advance(2000);
      return cpu.collect(ctx, memo);
    };
    expect((await at(49)).reading!.state).toBe('good');
    expect((await at(50)).reading!.state).toBe('info');
    expect((await at(85)).reading!.state).toBe('warning');
    expect((await at(96)).reading!.state).toBe('critical');
    expect((await at(25)).reading!.state).toBe('good');
    const custom = moduleContext(cpu, tree, { info: undefined, warning: 20, critical: 30 });
    custom.clock.advance(2000);
    expect((await cpu.collect(custom, memo)).reading!.state).toBe('warning');
  });

  it('fails with the path when /proc/stat cannot be read', () => {
    const ctx = moduleContext(cpu, tree);
    expect(() => cpu.collect(ctx, undefined)).toThrow(/cannot read .*stat/);
    tree.write('proc/stat', 'intr 1 2 3\n');
    expect(() => cpu.collect(ctx, undefined)).toThrow(/no "cpu" line/);
  });

  describe('in a container with a CPU quota', () => {
    /** A cgroup v2 container: this process in /docker/box, with cpu.max and cpu.stat there. */
    function container(max: string, usageUs: number) {
      tree.write('proc/self/cgroup', '0::/docker/box\n');
      tree.write('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory pids\n');
      tree.write('sys/fs/cgroup/docker/box/cpu.max', `${max}\n`);
      tree.write('sys/fs/cgroup/docker/box/cpu.stat', `usage_usec ${usageUs}\nuser_usec 1\nsystem_usec 1\n`);
    }
    // The host is 10 % busy throughout: what the host-wide figure would have said.
    const hostTick = () => tree.write('proc/stat', stat([add(core0, { [USER]: 10, [IDLE]: 90 }), add(core1, { [USER]: 10, [IDLE]: 90 })]));

    it("measures the container's CPU time against its quota, not the host's processors", async () => {
      tree.write('proc/stat', stat([core0, core1]));
      container('50000 100000', 1_000_000); // half a CPU
      const ctx = moduleContext(cpu, tree, { per_core: true });
      const first = await cpu.collect(ctx, undefined);
      expect(first.reading!.pending).toBe(true);
      hostTick();
      tree.write('sys/fs/cgroup/docker/box/cpu.stat', 'usage_usec 1400000\n'); // 0.4 s of CPU in 1 s
      ctx.clock.advance(1000);
      const { reading, data } = await cpu.collect(ctx, first.memo);
      expect(data).toMatchObject({ scope: 'cgroup', quotaCores: 0.5 });
      expect(data!.total).toBeCloseTo(0.8, 10);
      // The CPU time counters stay the host's: (7219 + 8894 + 20) busy ticks, (221972 + 220338 + 180) idle.
      expect(data!.busySeconds).toBeCloseTo(161.33, 10);
      expect(data!.idleSeconds).toBeCloseTo(4424.9, 10);
      // The cores published are the host's, as the detail says.
      expect(data!.cores).toEqual([0.1, 0.1]);
      expect(reading!.text).toBe('80%'); // no host cores beside the container's share
      expect(reading!.state).toBe('warning');
      expect(reading!.detail).toContainEqual({
        label: 'Measured',
        value: `cgroup ${tree.dir}/sys/fs/cgroup/docker/box, against a quota of 0.5 CPUs (cores: the host's)`,
      });
    });

    it('measures the host with scope host, or when the quota allows the whole machine', async () => {
      for (const [max, options] of [
        ['50000 100000', { scope: 'host' as const }],
        ['max 100000', {}],
        ['400000 100000', {}],
      ] as const) {
        tree.write('proc/stat', stat([core0, core1]));
        container(max, 1_000_000);
        const ctx = moduleContext(cpu, tree, options);
        const { memo } = await cpu.collect(ctx, undefined);
        hostTick();
        ctx.clock.advance(1000);
        const { data } = await cpu.collect(ctx, memo);
        expect(data, max).toMatchObject({ scope: 'host', quotaCores: null });
        expect(data!.total).toBeCloseTo(0.1, 10);
      }
    });

    it("with scope cgroup and no quota, measures the group against the host's processors", async () => {
      tree.write('proc/stat', stat([core0, core1]));
      container('max 100000', 0);
      const ctx = moduleContext(cpu, tree, { scope: 'cgroup' });
      const { memo } = await cpu.collect(ctx, undefined);
      tree.write('sys/fs/cgroup/docker/box/cpu.stat', 'usage_usec 500000\n');
      ctx.clock.advance(1000);
      const { data } = await cpu.collect(ctx, memo);
      expect(data).toMatchObject({ scope: 'cgroup', quotaCores: 2 });
      expect(data!.total).toBeCloseTo(0.25, 10);
    });

    it('reads cgroup v1 (cpu.cfs_quota_us and cpuacct.usage in nanoseconds)', async () => {
      tree.write('proc/stat', stat([core0, core1]));
      tree.write('proc/self/cgroup', '4:cpu,cpuacct:/lxc/box\n1:name=systemd:/\n');
      tree.write('sys/fs/cgroup/cpu/lxc/box/cpu.cfs_quota_us', '100000\n');
      tree.write('sys/fs/cgroup/cpu/lxc/box/cpu.cfs_period_us', '100000\n');
      tree.write('sys/fs/cgroup/cpuacct/lxc/box/cpuacct.usage', '5000000000\n');
      const ctx = moduleContext(cpu, tree);
      const { memo } = await cpu.collect(ctx, undefined);
      tree.write('sys/fs/cgroup/cpuacct/lxc/box/cpuacct.usage', '5300000000\n'); // 0.3 s in 2 s
      ctx.clock.advance(2000);
      const { data } = await cpu.collect(ctx, memo);
      expect(data).toMatchObject({ scope: 'cgroup', quotaCores: 1 });
      expect(data!.total).toBeCloseTo(0.15, 10);
    });

    it('fails clearly with scope cgroup where there is no cgroup usage to read', () => {
      tree.write('proc/stat', stat([core0, core1]));
      expect(() => cpu.collect(moduleContext(cpu, tree, { scope: 'cgroup' }), undefined)).toThrow(/scope cgroup: no cgroup CPU usage/);
    });
  });
});
