/**
 * load — the load average from <procRoot>/loadavg (on Linux; elsewhere the system's, through
 * src/platform: docs/platforms.md), judged against the number of cores.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "0.42" or "0.42 0.31 0.20". Cores are the cpuN lines of <procRoot>/stat: a load of
 * 3 is fine on 8 cores and an overload on 2. The load average counts runnable tasks on the
 * whole host, even inside a container, so it is judged against the host's cores, not against
 * a cgroup CPU quota (cpu.max, or v1 cpu.cfs_quota_us): a container allowed 2 cores on a busy
 * 64-core host would otherwise be in alarm while idle. The quota is shown in the detail.
 */
import { cgroupCpuLimit } from '../../src/core/cgroup.js';
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { hostFor } from '../../src/platform/backend.js';

const options = declareOptions({
  averages: T.Enum([1, 3], { default: 1, description: '1 shows the 1-minute average; 3 shows 1, 5 and 15' }),
  ...thresholdOptions({ of: '1-minute load per core', warning: 1.0, critical: 2.0 }),
});
export type LoadOptions = OptionsOf<typeof options>;

/** What the load module publishes. */
const data = declareData(
  () => ({
    one: T.Number({ unit: 'tasks', description: 'Load average over 1 minute: runnable and uninterruptible tasks, host-wide (even in a container)' }),
    five: T.Number({ unit: 'tasks', description: 'Load average over 5 minutes' }),
    fifteen: T.Number({ unit: 'tasks', description: 'Load average over 15 minutes' }),
    cores: T.Integer({ unit: 'CPUs', description: "The host's online CPUs, which the load is judged against" }),
    perCore: T.Number({ unit: 'tasks per CPU', description: '`one` / `cores`' }),
    cpuQuota: T.Union([T.Number(), T.Null()], {
      unit: 'CPUs',
      description: "CPUs' worth of time a cgroup quota allows this process (fractional); null without one",
    }),
  }),
  { description: 'Published at every collect.' },
);
export type LoadData = DataOf<typeof data>;

const fmt = (n: number) => n.toFixed(2);

export default defineModule<LoadOptions, LoadData>({
  id: 'load',
  description: 'load average, relative to the cores available',
  options,
  data,
  metrics: declareMetrics(() => [
    gauge('shoji_load1', 'one'),
    gauge('shoji_load5', 'five'),
    gauge('shoji_load15', 'fifteen'),
    gauge('shoji_online_cpus', 'cores'),
  ]),
  interval: 5,
  priority: 70,
  collect(ctx) {
    const host = hostFor(ctx);
    const averages = host.loadAverages(ctx);
    const online = host.onlineCpus(ctx);
    if (averages instanceof Promise || online instanceof Promise) return Promise.all([averages, online]).then(([a, n]) => judge(ctx, a, n));
    return judge(ctx, averages, online);
  },
});

/** The reading for these averages against this many online CPUs. */
function judge(ctx: ModuleContext<LoadOptions>, [one, five, fifteen]: [number, number, number], online: number): Collected<LoadData> {
  const cores = Math.max(1, online);
  const quota = cgroupCpuLimit(ctx.procRoot, ctx.sysRoot);
  const cpuQuota = quota !== null && quota.cores < cores ? quota.cores : null;
  const perCore = one / cores;
  const o = ctx.options;

  return {
    reading: {
      text: o.averages === 3 ? [one, five, fifteen].map(fmt).join(' ') : fmt(one),
      short: fmt(one),
      state: stateFor(perCore, { info: o.info, warning: o.warning, critical: o.critical }),
      icon: 'load',
      detail: [
        { label: '1 minute', value: fmt(one) },
        { label: '5 minutes', value: fmt(five) },
        { label: '15 minutes', value: fmt(fifteen) },
        {
          label: 'Cores',
          value: cpuQuota === null ? String(cores) : `${cores} (a cgroup quota allows this process ${+cpuQuota.toFixed(2)})`,
        },
        { label: 'Per core', value: perCore.toFixed(2) },
      ],
    },
    data: { one, five, fifteen, cores, perCore, cpuQuota },
  };
}
