/**
 * power — the watts this machine draws: from RAPL energy counters (<sysRoot>/class/powercap, the
 * CPU packages and DRAM) or from a discharging battery (<sysRoot>/class/power_supply, the whole
 * machine). src/core/power.ts reads both and says which RAPL zones count.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "12.4W". With `source: auto` it is the battery's draw while the battery is discharging
 * (it powers the whole machine then), else RAPL's; RAPL needs two readings, so the first shows
 * "--W" (as cpu shows "--%"), and so does a reading where a counted zone came or went. Hidden on
 * AC power without readable RAPL, and not available where neither exists. RAPL's counters are
 * readable by root only on kernels since 5.10 (CVE-2020-8694): a user then gets "not available"
 * with that reason in `shoji modules`, unless a battery is there to read.
 */
import * as T from 'typebox';
import { defineModule, type Availability, type DetailLine, type ModuleContext } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { byField, declareMetrics, perRow } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import {
  batteryDirs,
  isRaplSample,
  RAPL_UNREADABLE_WHY,
  type RaplAccess,
  type RaplSample,
  raplAccess,
  raplEnergyBetween,
  readBatteryPower,
  readRapl,
} from '../../src/core/power.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';

const options = declareOptions({
  source: T.Enum(['auto', 'rapl', 'battery'], {
    default: 'auto',
    description: "where the watts come from; auto: a discharging battery's draw (the whole machine), else RAPL (CPU packages and DRAM)",
  }),
  ...thresholdOptions({ of: 'watts' }),
});
export type PowerOptions = OptionsOf<typeof options>;

/** What the power module publishes. */
const data = declareData(
  () => ({
    watts: T.Optional(T.Number({ unit: 'watts', description: "The figure shown: from `source`; absent until there is one (RAPL's first reading)" })),
    source: T.Optional(T.Enum(['rapl', 'battery'], { description: 'Where `watts` comes from' })),
    raplWatts: T.Optional(
      T.Number({ unit: 'watts', description: 'Power of the CPU packages and DRAM between the last two readings (RAPL); not the whole machine' }),
    ),
    batteryWatts: T.Optional(T.Number({ unit: 'watts', description: "The discharging batteries' draw: the whole machine's, on battery" })),
    rapl: T.Enum(['readable', 'unreadable', 'absent'], {
      description: 'What RAPL offers here: counters, counters readable by root only (CVE-2020-8694), or none (most virtual machines)',
    }),
    zones: T.Array(
      T.Object({
        zone: T.String({ description: 'The RAPL zone (`package-0`, `package-0/dram`)' }),
        joules: T.Number({ unit: 'joules', description: "The zone's energy counter, in joules since an arbitrary point; it wraps at the zone's range" }),
      }),
      { description: 'The RAPL zones added into `raplWatts` (packages and DRAM) that could be read' },
    ),
    sampleSeconds: T.Optional(T.Number({ unit: 'seconds', description: 'Time between the two RAPL readings `raplWatts` divides by' })),
  }),
  { description: 'Published whenever RAPL or a discharging battery could be read (the RAPL counters from the first collect); nothing otherwise.' },
);
export type PowerData = DataOf<typeof data>;
/** Private to this module: the previous RAPL sample (src/core/power.ts's RaplSample). */
export type PowerMemo = RaplSample;

/** "12.4W" under 100 W, "180W" above. */
export function formatWatts(watts: number): string {
  return `${watts < 99.95 ? watts.toFixed(1) : Math.round(watts)}W`;
}

/** RAPL as this module's options want it: not read at all with `source: battery`. */
function raplFor(ctx: ModuleContext<PowerOptions>): { sample: RaplSample | null; access: RaplAccess } {
  if (ctx.options.source === 'battery') return { sample: null, access: 'absent' };
  const sample = readRapl(ctx.sysRoot, ctx.now());
  return { sample, access: raplAccess(sample) };
}

function available(ctx: ModuleContext<PowerOptions>): Availability {
  const { access } = raplFor(ctx);
  if (access === 'readable') return true;
  if (ctx.options.source !== 'rapl' && batteryDirs(ctx.sysRoot).length > 0) return true;
  return access === 'unreadable' ? { available: false, why: RAPL_UNREADABLE_WHY } : false;
}

export default defineModule<PowerOptions, PowerData, PowerMemo>({
  id: 'power',
  description: 'watts drawn, from RAPL (CPU packages and DRAM) or a discharging battery',
  options,
  data,
  metrics: declareMetrics(() => [
    byField(
      'gauge',
      'shoji_power_watts',
      'Watts drawn, by source: rapl (CPU packages and DRAM only), battery (the whole machine, while discharging)',
      'source',
      {
        rapl: 'raplWatts',
        battery: 'batteryWatts',
      },
    ),
    perRow(
      'counter',
      'shoji_energy_joules_total',
      'Energy counted by each RAPL package and DRAM zone; rate() of it is watts, and its sum the packages and DRAM',
      {
        rows: 'zones',
        label: ['zone', 'zone'],
        value: 'joules',
      },
    ),
  ]),
  interval: 5,
  priority: 40,
  // No icon set has a glyph for power yet: this is drawn until one does.
  icons: { power: 'pwr ' },
  available,
  collect(ctx, prev) {
    const o = ctx.options;
    const { sample, access } = raplFor(ctx);
    const memo = access === 'readable' ? sample! : undefined;
    const energy = memo && isRaplSample(prev) ? raplEnergyBetween(prev, memo) : null;
    const battery = o.source === 'rapl' ? null : readBatteryPower(ctx.sysRoot);
    const raplWatts = energy?.watts ?? null;
    const batteryWatts = battery?.watts ?? null;
    const source = (o.source === 'auto' ? (batteryWatts !== null ? 'battery' : 'rapl') : o.source) as 'rapl' | 'battery';
    const watts = source === 'battery' ? batteryWatts : raplWatts;

    const detail: DetailLine[] = [];
    if (source === 'battery') detail.push({ label: 'Source', value: 'battery, discharging (the whole machine)' });
    if (source === 'rapl') detail.push({ label: 'Source', value: 'RAPL (CPU packages and DRAM only, not the whole machine)' });
    for (const b of battery?.batteries ?? []) detail.push({ label: b.name, value: b.watts !== undefined ? `${formatWatts(b.watts)}, ${b.status}` : b.status });
    for (const z of energy?.zones ?? []) {
      detail.push({ label: z.zone, value: `${formatWatts(z.joules / energy!.seconds)}${z.counted ? '' : ' (overlaps the packages: not added)'}` });
    }
    for (const m of energy?.missing ?? []) detail.push({ label: m.zone, value: m.why });
    if (energy) detail.push({ label: 'Sampled over', value: `${energy.seconds.toFixed(1)} s` });
    if (access === 'unreadable') detail.push({ label: 'RAPL', value: 'readable by root only (CVE-2020-8694)' });

    const zones = (memo?.zones ?? []).filter((z) => z.counted && z.energyUj !== undefined).map((z) => ({ zone: z.zone, joules: z.energyUj! / 1e6 }));
    const published: PowerData | undefined =
      memo !== undefined || batteryWatts !== null
        ? {
            ...(watts !== null ? { watts, source } : {}),
            ...(raplWatts !== null ? { raplWatts } : {}),
            ...(batteryWatts !== null ? { batteryWatts } : {}),
            rapl: access,
            zones,
            ...(energy ? { sampleSeconds: energy.seconds } : {}),
          }
        : undefined;
    const withMemo = memo !== undefined ? { memo } : {};
    if (watts !== null) {
      const reading = { text: formatWatts(watts), state: stateFor(watts, { info: o.info, warning: o.warning, critical: o.critical }), icon: 'power', detail };
      return { reading, data: published, ...withMemo };
    }
    // RAPL is there but has no figure yet (its first reading, or a zone that came or went).
    if (memo !== undefined && o.source !== 'battery') {
      return { reading: { text: '--W', state: 'idle', icon: 'power', pending: true, detail }, data: published, ...withMemo };
    }
    // On AC power without RAPL: nothing to say.
    return { reading: null, ...(published ? { data: published } : {}), ...withMemo };
  },
});
