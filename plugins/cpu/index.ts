/**
 * cpu — how busy the processors were since the previous reading, from <procRoot>/stat (on
 * Linux; elsewhere the same counters from the system through src/platform: docs/platforms.md).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "23%", or "--%" until there is a previous sample: a first reading would otherwise be
 * the average since boot (tmux-cpu #19). Busy time is user+nice+system+irq+softirq+steal;
 * iowait counts as idle, since the CPU was free to run other work. guest time is already
 * inside user and nice, so it is not added again.
 * In a container /proc/stat still counts the host's processors: 5 % of a busy 64-core host
 * says nothing of a container allowed 2 cores. Under a CPU quota (cgroup cpu.max, or v1
 * cpu.cfs_quota_us) the total is therefore the group's own CPU time (cpu.stat usage_usec, or
 * cpuacct.usage) over the time its quota allows; per-core figures stay the host's.
 * It also publishes the host's CPU time since boot, busy and idle, which `shoji exporter` serves
 * as counters: rate() over them is the busy share over any span, not only the last 2 s.
 * Detail: each core, sample length, what was measured.
 */
import { cgroupCpuLimit, cgroupCpuUsage } from '../../src/core/cgroup.js';
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { formatPercent } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { byField, declareMetrics, gauge, perRow } from '../../src/core/metrics.js';
import { hostFor } from '../../src/platform/backend.js';
import type { CpuTicks } from '../../src/platform/types.js';

const options = declareOptions({
  per_core: T.Boolean({ default: false, description: 'also show each core\'s %: "23% (12 34)"' }),
  scope: T.Enum(['auto', 'host', 'cgroup'], {
    default: 'auto',
    description:
      "host: the machine's processors; cgroup: the share of its CPU quota this container used; auto: cgroup when a quota allows less than the machine has",
  }),
  ...thresholdOptions({ of: 'total %', info: 50, warning: 80, critical: 95 }),
});
export type CpuOptions = OptionsOf<typeof options>;
export type CpuScope = CpuOptions['scope'];

/** What the cpu module publishes; shares are 0..1 of the time sampled. */
const data = declareData(
  () => ({
    total: T.Number({
      unit: 'ratio (0–1)',
      description: "Busy share since the previous reading: of the machine, or in cgroup scope of the group's CPU quota",
    }),
    cores: T.Array(T.Union([T.Number(), T.Null()]), {
      unit: 'ratio (0–1)',
      description:
        "Each online host core's busy share, in the order of `coreIds`, whatever `per_core` and `scope` say; null for a core without a previous sample (it came online)",
    }),
    coreIds: T.Array(T.Integer(), {
      description:
        "Each entry of `cores`' kernel number, the N of its `cpuN` line in /proc/stat, lowest first: only online CPUs have a line, so an offline one is skipped",
    }),
    scope: T.Enum(['host', 'cgroup'], { description: "What `total` measures: the machine, or this process's control group against its quota" }),
    quotaCores: T.Union([T.Number(), T.Null()], {
      unit: 'CPUs',
      description: "CPUs' worth of time the cgroup quota allows, in cgroup scope; null in host scope",
    }),
    busySeconds: T.Number({
      unit: 'seconds',
      description:
        "The host's CPU time spent busy since boot, summed over its CPUs (user, nice, system, irq, softirq and steal of /proc/stat's `cpu` line), whatever `scope` says",
    }),
    idleSeconds: T.Number({
      unit: 'seconds',
      description: "The host's CPU time spent idle since boot, summed over its CPUs (idle and iowait of the same line)",
    }),
    sampleSeconds: T.Number({ unit: 'seconds', description: 'Time between the two samples the shares are measured over' }),
  }),
  { description: 'Published once there are two samples: nothing on the first collect or after a counter reset.' },
);
export type CpuData = DataOf<typeof data>;

/**
 * /proc/stat counts CPU time in USER_HZ ticks, which the kernel's ABI fixes at 100 a second on
 * every architecture Node.js runs on (what sysconf(_SC_CLK_TCK) and `getconf CLK_TCK` answer):
 * a constant, not a process started to ask.
 */
const USER_HZ = 100;

/**
 * Private to this module. Cumulative [busy, idle] ticks per line name ("cpu", "cpu0", ...) and
 * when they were read; in cgroup scope also the group's CPU time (µs).
 */
export interface CpuMemo {
  at: number;
  ticks: Record<string, [number, number]>;
  cgroupUs?: number;
}

interface Cgroup {
  usageUs: number;
  quotaCores: number;
  dir: string;
}

/** The group's usage and quota when the options and the host say to measure the group. */
function cgroupScope(scope: CpuScope, procRoot: string, sysRoot: string, hostCores: number): Cgroup | null {
  if (scope === 'host') return null;
  const limit = cgroupCpuLimit(procRoot, sysRoot);
  if (scope === 'auto' && (limit === null || limit.cores >= hostCores)) return null;
  const usage = cgroupCpuUsage(procRoot, sysRoot);
  if (usage === null) {
    if (scope === 'cgroup') throw new Error('scope cgroup: no cgroup CPU usage (cpu.stat or cpuacct.usage) to read');
    return null;
  }
  return { usageUs: usage.usageUs, quotaCores: limit?.cores ?? hostCores, dir: usage.dir };
}

/** Busy share between two samples; null when a counter went backwards or no tick passed. */
function busyRatio(prev: [number, number] | undefined, cur: [number, number] | undefined): number | null {
  if (!prev || !cur) return null;
  const busy = cur[0] - prev[0];
  const idle = cur[1] - prev[1];
  if (busy < 0 || idle < 0 || busy + idle === 0) return null;
  return busy / (busy + idle);
}

function isMemo(m: unknown): m is CpuMemo {
  return typeof m === 'object' && m !== null && typeof (m as CpuMemo).at === 'number' && typeof (m as CpuMemo).ticks === 'object';
}

const pct = (r: number) => String(Math.round(r * 100));

export default defineModule<CpuOptions, CpuData, CpuMemo>({
  id: 'cpu',
  description: 'CPU use since the previous reading',
  options,
  data,
  metrics: declareMetrics(() => [
    gauge('shoji_cpu_usage_ratio', 'total'),
    perRow(
      'gauge',
      'shoji_cpu_core_usage_ratio',
      "Each online core's busy share (0-1) since the previous reading; the cpu label is N of the kernel's cpuN (none for an offline core)",
      {
        rows: 'cores',
        label: ['cpu', (_core, index, d) => String(d.coreIds[index])],
        value: { field: 'cores', read: (core) => core },
      },
    ),
    gauge('shoji_cpu_quota_cores', 'quotaCores'),
    // The host's CPU time as counters: Prometheus's rate() over them is the busy share over any
    // span, where the gauge above is only the last 2 s before a scrape.
    byField(
      'counter',
      'shoji_cpu_seconds_total',
      "The host's CPU time since boot, summed over its CPUs, by mode: busy (user, nice, system, irq, softirq, steal) or idle (idle, iowait)",
      'mode',
      { busy: 'busySeconds', idle: 'idleSeconds' },
    ),
  ]),
  interval: 2,
  priority: 70,
  collect(ctx, prev) {
    const ticks = hostFor(ctx).cpuTicks(ctx);
    return ticks instanceof Promise ? ticks.then((t) => measure(ctx, prev, t)) : measure(ctx, prev, ticks);
  },
});

/** The reading from this sample's ticks and the previous collect's memo. */
function measure(ctx: ModuleContext<CpuOptions>, prev: CpuMemo | undefined, ticks: CpuTicks): Collected<CpuData, CpuMemo> {
  const names = Object.keys(ticks)
    .filter((n) => n !== 'cpu')
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  const group = cgroupScope(ctx.options.scope, ctx.procRoot, ctx.sysRoot, Math.max(1, names.length));
  const memo: CpuMemo = { at: ctx.now(), ticks, ...(group ? { cgroupUs: group.usageUs } : {}) };

  const elapsedMs = isMemo(prev) ? memo.at - prev.at : 0;
  let total: number | null = null;
  if (elapsedMs > 0 && isMemo(prev)) {
    if (!group) total = busyRatio(prev.ticks.cpu, ticks.cpu);
    else if (prev.cgroupUs !== undefined && group.usageUs >= prev.cgroupUs) {
      // The group's CPU time over the time its quota allowed in the same span.
      total = Math.min(1, (group.usageUs - prev.cgroupUs) / (elapsedMs * 1000 * group.quotaCores));
    }
  }
  if (total === null) return { reading: { text: '--%', short: '--', state: 'idle', icon: 'cpu', pending: true }, memo };

  const perCore = names.map((n) => busyRatio(prev!.ticks[n], ticks[n]));
  // A core that came online or was reset since the last sample has no share yet: show none.
  const cores = perCore.every((c) => c !== null) ? (perCore as number[]) : undefined;

  const o = ctx.options;
  // Host cores beside a container's share would read as parts of it: only in host scope.
  const showCores = o.per_core && !group && cores !== undefined && cores.length > 0;
  return {
    reading: {
      text: showCores ? `${formatPercent(total)} (${cores.map(pct).join(' ')})` : formatPercent(total),
      short: formatPercent(total),
      state: stateFor(total * 100, { info: o.info, warning: o.warning, critical: o.critical }),
      icon: 'cpu',
      detail: [
        { label: 'Total', value: formatPercent(total, 1) },
        ...names.map((n, i) => ({ label: n, value: perCore[i] === null ? '--' : formatPercent(perCore[i]!, 1) })),
        { label: 'Sampled over', value: `${(elapsedMs / 1000).toFixed(1)} s` },
        {
          label: 'Measured',
          value: group ? `cgroup ${group.dir}, against a quota of ${+group.quotaCores.toFixed(2)} CPUs (cores: the host's)` : 'the whole machine (/proc/stat)',
        },
      ],
    },
    data: {
      total,
      cores: perCore,
      coreIds: names.map((n) => Number(n.slice(3))),
      scope: group ? 'cgroup' : 'host',
      quotaCores: group ? group.quotaCores : null,
      // The `cpu` line sums every CPU the kernel could have, offline ones too, so it never
      // drops when one goes offline; idle and iowait together, as iowait alone can go back.
      busySeconds: ticks.cpu[0] / USER_HZ,
      idleSeconds: ticks.cpu[1] / USER_HZ,
      sampleSeconds: elapsedMs / 1000,
    },
    memo,
  };
}
