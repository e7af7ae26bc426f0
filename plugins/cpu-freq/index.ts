/**
 * cpu-freq — how fast the processors are clocked now, from cpufreq
 * (<sysRoot>/devices/system/cpu/cpuN/cpufreq: scaling_cur_freq, cpuinfo_max_freq, in kHz), or,
 * where there is no cpufreq driver (most virtual machines), the "cpu MHz" lines of
 * <procRoot>/cpuinfo (the "clock" lines on POWER). byobu's `cpu_freq`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "2.4GHz": the mean over the online CPUs (byobu shows cpu0's), or the fastest with
 * `show: fastest`; with `with_max`, "2.4/4.7GHz", the highest maximum cpufreq gives. State idle:
 * a clock speed is neither good nor bad. Each CPU's figure is in the data and the detail.
 * Hidden where neither source gives a figure (ARM's /proc/cpuinfo has no "cpu MHz").
 * In a virtual machine "cpu MHz" is mostly the nominal clock the hypervisor reports, which does
 * not move: the detail says which source was read. /proc/cpuinfo is read only where cpufreq gives
 * nothing (88 us for a 2-CPU guest's, measured; it grows with the CPUs).
 */
import { join } from 'node:path';
import * as T from 'typebox';
import { type DetailLine, defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir, readNumber, readText } from '../../src/core/read.js';

const options = declareOptions({
  show: T.Enum(['mean', 'fastest'], { default: 'mean', description: 'what the line shows: the mean over the CPUs, or the fastest CPU' }),
  with_max: T.Boolean({ default: false, description: 'also show the highest maximum frequency, "2.4/4.7GHz" (cpufreq only)' }),
});
export type CpuFreqOptions = OptionsOf<typeof options>;

/** What the cpu-freq module publishes. */
const data = declareData(
  () => ({
    hertz: T.Number({ unit: 'hertz', description: 'The mean current frequency over the CPUs read' }),
    fastestHertz: T.Number({ unit: 'hertz', description: "The fastest CPU's current frequency" }),
    maxHertz: T.Optional(T.Number({ unit: 'hertz', description: 'The highest maximum frequency of any CPU (cpuinfo_max_freq); cpufreq only' })),
    source: T.Enum(['cpufreq', 'cpuinfo'], { description: 'Where the figures come from: the cpufreq driver, or /proc/cpuinfo (no driver: often a VM)' }),
    cpus: T.Array(
      T.Object({
        cpu: T.Integer({ description: 'The N of the kernel cpuN (cpufreq) or of cpuinfo "processor : N"' }),
        hertz: T.Number({ unit: 'hertz', description: 'Its current frequency' }),
        maxHertz: T.Optional(T.Number({ unit: 'hertz', description: 'Its maximum frequency (cpuinfo_max_freq), where cpufreq gives one' })),
      }),
      { description: 'Each CPU read, in kernel order' },
    ),
  }),
  { description: 'Published whenever a frequency could be read; nothing otherwise.' },
);
export type CpuFreqData = DataOf<typeof data>;
type CpuReading = CpuFreqData['cpus'][number];

const KHZ = 1000;
const MHZ = 1_000_000;

/**
 * Private to this module: each CPU's maximum in kHz (0: none given), by its N. cpuinfo_max_freq is
 * the hardware's limit and does not change while the CPU is there, so it is read once per CPU:
 * on a 128-CPU host that halves the files each collect reads (256 to 128).
 */
export type CpuFreqMemo = { maxKhz: Record<string, number> };

/** cpufreq: each cpuN with a readable scaling_cur_freq (offline CPUs and those without a driver have none). */
function fromCpufreq(sysRoot: string, known: Record<string, number>): { cpus: CpuReading[]; maxKhz: Record<string, number> } {
  const top = join(sysRoot, 'devices', 'system', 'cpu');
  const cpus: CpuReading[] = [];
  const maxKhz: Record<string, number> = {};
  for (const entry of listDir(top)) {
    const m = /^cpu(\d+)$/.exec(entry);
    if (!m) continue;
    const dir = join(top, entry, 'cpufreq');
    const cur = readNumber(join(dir, 'scaling_cur_freq'));
    if (cur === null || cur <= 0) continue;
    const cached = known[m[1]];
    const max = typeof cached === 'number' && Number.isFinite(cached) ? cached : Math.max(0, readNumber(join(dir, 'cpuinfo_max_freq')) ?? 0);
    maxKhz[m[1]] = max;
    cpus.push({ cpu: Number(m[1]), hertz: cur * KHZ, ...(max > 0 ? { maxHertz: max * KHZ } : {}) });
  }
  return { cpus: cpus.sort((a, b) => a.cpu - b.cpu), maxKhz };
}

/**
 * /proc/cpuinfo: "cpu MHz : 2095.984" (x86) or "clock : 3000.000000MHz" (POWER) in each
 * processor's block, which opens with "processor : N".
 */
export function fromCpuinfo(text: string): CpuReading[] {
  const out: CpuReading[] = [];
  let cpu = -1;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key === 'processor') cpu = Number.parseInt(line.slice(colon + 1), 10);
    else if ((key === 'cpu mhz' || key === 'clock') && Number.isInteger(cpu) && cpu >= 0) {
      const mhz = Number.parseFloat(line.slice(colon + 1));
      if (Number.isFinite(mhz) && mhz > 0) out.push({ cpu, hertz: mhz * MHZ });
    }
  }
  return out;
}

function readCpus(ctx: { sysRoot: string; procRoot: string }, memo?: CpuFreqMemo): { cpus: CpuReading[]; source: CpuFreqData['source']; memo?: CpuFreqMemo } {
  const cpufreq = fromCpufreq(ctx.sysRoot, memo?.maxKhz ?? {});
  if (cpufreq.cpus.length > 0) return { cpus: cpufreq.cpus, source: 'cpufreq', memo: { maxKhz: cpufreq.maxKhz } };
  return { cpus: fromCpuinfo(readText(join(ctx.procRoot, 'cpuinfo')) ?? ''), source: 'cpuinfo' };
}

/** 2_395_000_000 -> "2.4"; GHz with one decimal, as byobu shows it. */
const ghz = (hertz: number) => (hertz / 1e9).toFixed(1);
const mhz = (hertz: number) => `${Math.round(hertz / MHZ)} MHz`;

export default defineModule<CpuFreqOptions, CpuFreqData, CpuFreqMemo>({
  id: 'cpu-freq',
  description: 'current clock speed of the processors (cpufreq or /proc/cpuinfo)',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_cpu_frequency_hertz', "Each CPU's current clock frequency (cpufreq, or /proc/cpuinfo without a driver)", {
      rows: 'cpus',
      label: ['cpu', (row) => String(row.cpu)],
      value: 'hertz',
    }),
    perRow('gauge', 'shoji_cpu_frequency_max_hertz', "Each CPU's maximum clock frequency, where cpufreq gives one", {
      rows: 'cpus',
      label: ['cpu', (row) => String(row.cpu)],
      value: 'maxHertz',
    }),
  ]),
  interval: 2,
  priority: 30,
  available: (ctx) => readCpus(ctx).cpus.length > 0,
  collect(ctx, previous) {
    const { cpus, source, memo } = readCpus(ctx, typeof previous?.maxKhz === 'object' && previous.maxKhz !== null ? previous : undefined);
    if (cpus.length === 0) return { reading: null };
    const hertz = cpus.reduce((sum, c) => sum + c.hertz, 0) / cpus.length;
    const fastestHertz = Math.max(...cpus.map((c) => c.hertz));
    const maxes = cpus.flatMap((c) => (c.maxHertz !== undefined ? [c.maxHertz] : []));
    const maxHertz = maxes.length > 0 ? Math.max(...maxes) : undefined;
    const shown = ctx.options.show === 'fastest' ? fastestHertz : hertz;
    const max = ctx.options.with_max && maxHertz !== undefined ? `/${ghz(maxHertz)}` : '';
    const detail: DetailLine[] = [
      { label: 'Source', value: source === 'cpufreq' ? 'cpufreq (scaling_cur_freq)' : '/proc/cpuinfo (no cpufreq driver: in a VM, the nominal clock)' },
      { label: 'Mean', value: mhz(hertz) },
      ...(maxHertz !== undefined ? [{ label: 'Maximum', value: mhz(maxHertz) }] : []),
      ...cpus.map((c) => ({ label: `cpu${c.cpu}`, value: c.maxHertz !== undefined ? `${mhz(c.hertz)} (max ${mhz(c.maxHertz)})` : mhz(c.hertz) })),
    ];
    return {
      reading: { text: `${ghz(shown)}${max}GHz`, short: `${ghz(shown)}G`, state: 'idle', detail },
      data: { hertz, fastestHertz, ...(maxHertz !== undefined ? { maxHertz } : {}), source, cpus },
      ...(memo !== undefined ? { memo } : {}),
    };
  },
});
