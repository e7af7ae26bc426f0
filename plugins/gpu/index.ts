/**
 * gpu — utilisation, memory, temperature and power of each GPU: NVIDIA through one long-running
 * nvidia-smi per user and host (sampler.ts), AMD through the amdgpu driver's sysfs files (amd.ts).
 * Not available on a host with neither (most servers and virtual machines).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "37% 4.1G/24G 61°C" (behind the icon, "GPU " until icon sets have a glyph): of several
 * GPUs, the one in the worst state, else the busiest, with its id in front ("1:97% 70G/80G
 * 81°C"); every GPU is in the detail, the data and the metrics. The state comes from utilisation
 * (info from 80 %: a busy GPU is doing its job, so no warning unless asked for) and
 * temperature (warning from 83 °C, critical from 90 °C: where NVIDIA's cards start to slow
 * themselves down).
 *
 * A GPU the kernel has runtime-suspended (power/runtime_status "suspended": a laptop's discrete
 * GPU, idle) is shown asleep and never asked anything, since asking wakes it and keeps it
 * drawing power (pci.ts). "asleep" on the line when every GPU is. An NVIDIA GPU that is not
 * bound to NVIDIA's driver (passed through to a VM with vfio-pci, driven by nouveau) is left out:
 * nvidia-smi cannot ask it.
 *
 * NVIDIA: nvidia-smi takes a few hundred milliseconds to start (seconds without persistence
 * mode), far too slow for the status line, so no collect ever runs it. A long-lived shoji
 * process (the tmux daemon, the screen stream, the dashboard, the exporter) runs the one
 * `nvidia-smi -lms` of this user and host, and every process reads the sample it writes. The
 * one-shot `shoji status`, when no such process is sampling, shows nothing for NVIDIA GPUs
 * rather than start nvidia-smi on every refresh: a status line without a daemon (the screen
 * back end's `backtick`, a shell prompt) would otherwise start one each time it is drawn.
 */
import * as T from 'typebox';
import { type Availability, type DetailLine, defineModule, type ModuleContext, type State } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, type MetricFamily, type MetricSample, oncePerSeries } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { runtimeDir } from '../../src/core/paths.js';
import { stateFor } from '../../src/core/thresholds.js';
import { formatBytes } from '../../src/core/units.js';
import { amdCardDirs, readAmdCards } from './amd.js';
import { findExecutable } from '../../src/core/find-program.js';
import { isSuspended, nvidiaAddresses } from './pci.js';
import { readFreshSample } from './sample-file.js';

const options = declareOptions({
  sample_seconds: T.Number({
    default: 2,
    minimum: 0.5,
    maximum: 60,
    description: "how often nvidia-smi prints a sample (its -lms); the sampling process's setting wins",
  }),
  utilization_info: T.Number({ default: 80, minimum: 0, maximum: 100, description: 'utilisation % from which the state is info (busy)' }),
  utilization_warning: T.Optional(T.Number({ minimum: 0, maximum: 100, description: 'utilisation % from which the state is warning (none by default)' })),
  utilization_critical: T.Optional(T.Number({ minimum: 0, maximum: 100, description: 'utilisation % from which the state is critical (none by default)' })),
  temperature_warning: T.Number({ default: 83, description: '°C from which the state is warning' }),
  temperature_critical: T.Number({ default: 90, description: '°C from which the state is critical' }),
});
export type GpuOptions = OptionsOf<typeof options>;

const data = declareData(
  () => ({
    gpus: T.Array(
      T.Object({
        id: T.String({ description: 'The GPU as the line and the metrics name it: nvidia-smi\'s index for NVIDIA ("0"), the DRM card for AMD ("card1")' }),
        index: T.Number({ description: "nvidia-smi's index (NVIDIA; -1 for a GPU asleep since shoji started), the DRM card's number (AMD)" }),
        vendor: T.Enum(['nvidia', 'amd'], { description: 'Whose GPU' }),
        name: T.String({
          description: 'Its name (nvidia-smi\'s, or amdgpu\'s product_name), control characters removed; "NVIDIA GPU" when asleep and never seen awake',
        }),
        uuid: T.Optional(T.String({ description: "NVIDIA's UUID (`GPU-...`), amdgpu's unique_id where the card has one" })),
        busId: T.String({ description: 'Its PCI address (`0000:01:00.0`)' }),
        asleep: T.Boolean({ description: 'Runtime-suspended by the kernel: not asked anything, so that it stays asleep; no values then' }),
        utilization: T.Optional(T.Number({ unit: 'ratio (0–1)', description: 'Share of the last sample period the GPU was busy' })),
        memoryUsed: T.Optional(T.Number({ unit: 'bytes', description: 'Memory in use (VRAM)' })),
        memoryTotal: T.Optional(T.Number({ unit: 'bytes', description: 'Memory in all (VRAM)' })),
        celsius: T.Optional(T.Number({ unit: '°C', description: 'Its temperature (the core; amdgpu\'s "edge")' })),
        watts: T.Optional(T.Number({ unit: 'watts', description: 'Power drawn (NVIDIA: the board; amdgpu: the package, averaged)' })),
        powerLimitWatts: T.Optional(T.Number({ unit: 'watts', description: 'Its power limit' })),
      }),
      { description: 'Every GPU found, NVIDIA (in index order) then AMD (in card order); an awake NVIDIA GPU only once nvidia-smi has sampled it' },
    ),
    shown: T.Optional(T.String({ description: 'The id of the GPU on the line' })),
    nvidia: T.Enum(['sampled', 'starting', 'not-sampled', 'asleep', 'none'], {
      description:
        "NVIDIA's side: a fresh sample; nvidia-smi being started by this process; no long-lived shoji process sampling (the one-shot path then shows none); every NVIDIA GPU asleep; no NVIDIA GPU",
    }),
  }),
  { description: 'Published whenever a GPU was found; nothing on a host without one.' },
);
export type GpuData = DataOf<typeof data>;
type GpuRow = GpuData['gpus'][number];
/** Private: what each NVIDIA GPU was called when last seen awake, by PCI address, for when it sleeps. */
export type GpuMemo = { names: Record<string, { index: number; name: string; uuid: string }> };

/** A gauge with a sample per GPU awake, labelled by its id, name and UUID. */
function perGpu(name: string, field: keyof GpuRow & string, help?: string): MetricFamily<GpuData> {
  const labels = ['gpu', 'name', 'uuid'];
  return {
    name,
    type: 'gauge',
    ...(help !== undefined && { help }),
    labels,
    field: `gpus[].${field}`,
    samples(d) {
      const out: MetricSample[] = [];
      for (const g of d.gpus) {
        const v = field === 'asleep' ? Number(g.asleep) : g[field];
        if (typeof v === 'number' && Number.isFinite(v)) out.push({ labels: { gpu: g.id, name: g.name, uuid: g.uuid ?? '' }, value: v });
      }
      return oncePerSeries(out, labels);
    },
  };
}

/** shoji's runtime folder, or null when none passes the trust check (then nothing is shared). */
function sharedDir(env: NodeJS.ProcessEnv): string | null {
  try {
    return runtimeDir(env);
  } catch {
    return null;
  }
}

function available(ctx: ModuleContext<GpuOptions>): Availability {
  if (amdCardDirs(ctx.sysRoot).length > 0) return true;
  if (nvidiaAddresses(ctx.sysRoot).length === 0) return false;
  return findExecutable('nvidia-smi', ctx.env.PATH) !== null
    ? true
    : { available: false, why: "an NVIDIA GPU is here, but nvidia-smi is not in PATH's folders" };
}

/** The NVIDIA GPUs: asleep ones from sysfs alone, awake ones from the shared sample. */
async function nvidiaRows(ctx: ModuleContext<GpuOptions>, memo: GpuMemo): Promise<{ rows: GpuRow[]; side: GpuData['nvidia'] }> {
  const addresses = nvidiaAddresses(ctx.sysRoot);
  if (addresses.length === 0) return { rows: [], side: 'none' };
  const awake = addresses.filter((a) => !isSuspended(ctx.sysRoot, a));
  const dir = sharedDir(ctx.env);
  if (ctx.longLived && dir !== null) {
    const { keepSampling } = await import('./sampler.js');
    keepSampling({ dir, sysRoot: ctx.sysRoot, env: ctx.env, periodMs: Math.round(ctx.options.sample_seconds * 1000), log: ctx.longLived.log });
  }
  const sample = dir !== null && awake.length > 0 ? readFreshSample(dir, ctx.wallNow()) : null;
  const rows: GpuRow[] = [];
  for (const busId of addresses) {
    if (!awake.includes(busId)) {
      const known = memo.names[busId];
      rows.push({
        id: known ? String(known.index) : busId,
        index: known?.index ?? -1,
        vendor: 'nvidia',
        name: known?.name ?? 'NVIDIA GPU',
        ...(known?.uuid ? { uuid: known.uuid } : {}),
        busId,
        asleep: true,
      });
      continue;
    }
    const r = sample?.gpus.find((g) => g.busId === busId);
    if (!r) continue;
    memo.names[busId] = { index: r.index, name: r.name, uuid: r.uuid };
    const { index, ...values } = r;
    rows.push({ id: String(index), index, vendor: 'nvidia', ...values, asleep: false });
  }
  rows.sort((a, b) => (a.asleep === b.asleep ? a.index - b.index : a.asleep ? 1 : -1));
  const side = awake.length === 0 ? 'asleep' : sample !== null ? 'sampled' : ctx.longLived && dir !== null ? 'starting' : 'not-sampled';
  return { rows, side };
}

const RANK: Record<State, number> = { idle: 0, good: 1, info: 2, warning: 3, critical: 4 };
const worse = (a: State, b: State) => (RANK[a] >= RANK[b] ? a : b);

function stateOf(g: GpuRow, o: GpuOptions): State {
  if (g.asleep) return 'idle';
  const busy =
    g.utilization !== undefined
      ? stateFor(g.utilization * 100, { info: o.utilization_info, warning: o.utilization_warning, critical: o.utilization_critical })
      : 'good';
  const hot = g.celsius !== undefined ? stateFor(g.celsius, { warning: o.temperature_warning, critical: o.temperature_critical }) : 'good';
  return worse(busy, hot);
}

const pct = (ratio: number | undefined) => (ratio === undefined ? '--%' : `${Math.round(ratio * 100)}%`);
const memoryText = (g: GpuRow) =>
  g.memoryUsed !== undefined && g.memoryTotal !== undefined ? `${formatBytes(g.memoryUsed)}/${formatBytes(g.memoryTotal)}` : '';
const celsiusText = (g: GpuRow) => (g.celsius !== undefined ? `${Math.round(g.celsius)}°C` : '');

/** The line's text for one GPU: "37% 4.1G/24G 61°C", the parts it lacks left out. */
function lineText(g: GpuRow): string {
  return [pct(g.utilization), memoryText(g), celsiusText(g)].filter(Boolean).join(' ');
}

function describe(g: GpuRow): string {
  if (g.asleep) return 'asleep (runtime-suspended: not asked, so that it stays asleep)';
  const watts =
    g.watts !== undefined ? `${g.watts.toFixed(g.watts < 100 ? 1 : 0)}W${g.powerLimitWatts !== undefined ? `/${Math.round(g.powerLimitWatts)}W` : ''}` : '';
  return [pct(g.utilization), memoryText(g), celsiusText(g), watts].filter(Boolean).join(', ');
}

export default defineModule<GpuOptions, GpuData, GpuMemo>({
  id: 'gpu',
  description: 'utilisation, memory, temperature and power of each GPU (NVIDIA via one nvidia-smi, AMD via sysfs)',
  options,
  data,
  metrics: declareMetrics(() => [
    perGpu('shoji_gpu_utilization_ratio', 'utilization'),
    perGpu('shoji_gpu_memory_used_bytes', 'memoryUsed'),
    perGpu('shoji_gpu_memory_total_bytes', 'memoryTotal'),
    perGpu('shoji_gpu_temperature_celsius', 'celsius'),
    perGpu('shoji_gpu_power_watts', 'watts'),
    perGpu('shoji_gpu_power_limit_watts', 'powerLimitWatts'),
    perGpu('shoji_gpu_asleep', 'asleep', 'Whether the GPU is runtime-suspended (1) and so not asked anything, or awake (0)'),
  ]),
  interval: 5,
  priority: 35,
  // No icon set has a GPU glyph yet: this is drawn until one does.
  icons: { gpu: 'GPU ' },
  available,
  async collect(ctx, prev) {
    const o = ctx.options;
    const memo: GpuMemo = { names: { ...(prev?.names ?? {}) } };
    const nvidia = await nvidiaRows(ctx, memo);
    const amd: GpuRow[] = readAmdCards(ctx.sysRoot).map(({ card, ...c }) => ({ id: `card${card}`, index: card, vendor: 'amd', ...c }));
    const gpus = [...nvidia.rows, ...amd];
    if (gpus.length === 0 && nvidia.side === 'none') return { reading: null, memo };
    const detail: DetailLine[] = gpus.map((g) => ({ label: `${g.id} ${g.name}`, value: describe(g) }));
    if (nvidia.side === 'not-sampled')
      detail.push({ label: 'NVIDIA', value: 'not sampled: no tmux daemon, dashboard or exporter of yours is running nvidia-smi' });
    if (nvidia.side === 'starting') detail.push({ label: 'NVIDIA', value: 'starting nvidia-smi...' });
    const awake = gpus.filter((g) => !g.asleep);
    const shown = awake.reduce<GpuRow | undefined>((best, g) => {
      if (!best) return g;
      const [sb, sg] = [RANK[stateOf(best, o)], RANK[stateOf(g, o)]];
      return sg > sb || (sg === sb && (g.utilization ?? -1) > (best.utilization ?? -1)) ? g : best;
    }, undefined);
    const published: GpuData = { gpus, ...(shown ? { shown: shown.id } : {}), nvidia: nvidia.side };
    if (shown) {
      const prefix = gpus.length > 1 ? `${shown.id}:` : '';
      const state = awake.map((g) => stateOf(g, o)).reduce(worse, 'good');
      return {
        reading: { text: `${prefix}${lineText(shown)}`, short: `${prefix}${pct(shown.utilization)}`, state, icon: 'gpu', detail },
        data: published,
        memo,
      };
    }
    if (gpus.length > 0 && gpus.every((g) => g.asleep)) {
      return { reading: { text: 'asleep', short: 'zz', state: 'idle', icon: 'gpu', detail }, data: published, memo };
    }
    if (nvidia.side === 'starting') return { reading: { text: '--%', state: 'idle', icon: 'gpu', pending: true, detail }, data: published, memo };
    // Awake NVIDIA GPUs that nobody samples, on the one-shot path: nothing to show (see above).
    return { reading: null, data: published, memo };
  },
});
