/**
 * fan — the fastest fan, or the one named, from the hardware monitoring drivers' fanN_input
 * files (RPM) under <sysRoot>/class/hwmon (nct6775, it87, thinkpad, dell_smm...). byobu's
 * `fan_speed`. Not available on a host without one (virtual machines, most servers' BMC-managed
 * fans, which the kernel does not see).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "2400rpm". A fan at 0 RPM shows "stopped": laptop and zero-RPM fans stop when cool,
 * and a header with nothing plugged in also reads 0, so only a driver's alarm (fanN_alarm) or
 * the warning and critical options (RPM at or below which) make a slow fan a warning. Each
 * fan's figure is read at every collect: byobu's cached line could stay at a fan's last
 * non-zero speed (LP #1897540). Labels (fanN_label) and the driver's limits (fanN_min,
 * fanN_max) are in the data and the detail.
 */
import { join } from 'node:path';
import * as T from 'typebox';
import { type DetailLine, defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir, readLine, readNumber } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';

const options = declareOptions({
  fan: T.String({
    default: '',
    description: 'the fan to show: an id as the detail lists it ("thinkpad/fan1", "nct6798/CPU Fan"), or a chip (its fastest); empty: the fastest of all',
  }),
  ...thresholdOptions({ of: 'RPM', invert: true }),
});
export type FanOptions = OptionsOf<typeof options>;

/** What the fan module publishes. */
const data = declareData(
  () => ({
    fan: T.String({ description: 'The fan shown: the fastest, or the fastest of those the `fan` option names' }),
    rpm: T.Number({ unit: 'rpm', description: 'Its speed' }),
    fans: T.Array(
      T.Object({
        id: T.String({ description: 'Chip and label (`nct6798/CPU Fan`), or chip and fanN where the driver gives no label' }),
        rpm: T.Number({ unit: 'rpm', description: 'Its speed (fanN_input); 0: stopped, or nothing plugged into that header' }),
        minRpm: T.Optional(T.Number({ unit: 'rpm', description: "The driver's low limit (fanN_min), where it gives a non-zero one" })),
        maxRpm: T.Optional(T.Number({ unit: 'rpm', description: "The driver's high limit (fanN_max), where it gives a non-zero one" })),
        alarm: T.Optional(T.Boolean({ description: "The driver's alarm (fanN_alarm), where it has one: true when the fan is out of its limits" })),
      }),
      { description: 'Every fan read, fastest first' },
    ),
  }),
  { description: 'Published with every reading; nothing on a host without fans.' },
);
export type FanData = DataOf<typeof data>;
type FanReading = FanData['fans'][number];

const byNumber = (prefix: number) => (a: string, b: string) => Number.parseInt(a.slice(prefix), 10) - Number.parseInt(b.slice(prefix), 10);

/** A limit of 0 is a driver's "none set". */
const limit = (v: number | null) => (v !== null && v > 0 ? v : undefined);

/** fanN_input files, in each hwmon folder or (older kernels) its device/ folder, as temperature reads temps. */
function readFans(sysRoot: string): FanReading[] {
  const top = join(sysRoot, 'class', 'hwmon');
  const fans: FanReading[] = [];
  for (const entry of listDir(top).sort()) {
    for (const dir of [join(top, entry), join(top, entry, 'device')]) {
      const inputs = listDir(dir).filter((f) => /^fan\d+_input$/.test(f));
      if (inputs.length === 0) continue;
      const chip = readLine(join(dir, 'name')) || readLine(join(top, entry, 'name')) || entry;
      for (const input of inputs.sort(byNumber(3))) {
        const base = input.slice(0, -'_input'.length);
        const rpm = readNumber(join(dir, input));
        if (rpm === null || rpm < 0) continue;
        const minRpm = limit(readNumber(join(dir, `${base}_min`)));
        const maxRpm = limit(readNumber(join(dir, `${base}_max`)));
        const alarm = readNumber(join(dir, `${base}_alarm`));
        fans.push({
          id: `${chip}/${readLine(join(dir, `${base}_label`)) || base}`,
          rpm,
          ...(minRpm !== undefined ? { minRpm } : {}),
          ...(maxRpm !== undefined ? { maxRpm } : {}),
          ...(alarm !== null ? { alarm: alarm !== 0 } : {}),
        });
      }
      break;
    }
  }
  // Stable: equal speeds keep the kernel's order.
  return fans.sort((a, b) => b.rpm - a.rpm);
}

/** The fans the option names: all for "", else those whose id is the name or starts with "name/". */
function named(fans: FanReading[], name: string): FanReading[] {
  if (name === '') return fans;
  const wanted = name.toLowerCase();
  return fans.filter((f) => f.id.toLowerCase() === wanted || f.id.toLowerCase().startsWith(`${wanted}/`));
}

const speed = (rpm: number) => (rpm === 0 ? 'stopped' : `${Math.round(rpm)}rpm`);

function describe(f: FanReading): string {
  const limits = [f.minRpm !== undefined ? `min ${f.minRpm}` : '', f.maxRpm !== undefined ? `max ${f.maxRpm}` : '', f.alarm ? 'ALARM' : '']
    .filter(Boolean)
    .join(', ');
  const rpm = f.rpm === 0 ? '0 rpm (stopped, or nothing plugged in)' : `${Math.round(f.rpm)} rpm`;
  return limits ? `${rpm} (${limits})` : rpm;
}

export default defineModule<FanOptions, FanData>({
  id: 'fan',
  description: 'the fastest fan (hwmon fan inputs), in RPM',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_fan_rpm', "Each fan's speed in revolutions per minute (hwmon fanN_input)", {
      rows: 'fans',
      label: ['fan', 'id'],
      value: 'rpm',
    }),
  ]),
  interval: 23,
  priority: 25,
  // No icon set has a fan yet: this is drawn until one does.
  icons: { fan: 'fan ' },
  available: (ctx) => readFans(ctx.sysRoot).length > 0,
  collect(ctx) {
    const o = ctx.options;
    const fans = readFans(ctx.sysRoot);
    const candidates = named(fans, o.fan);
    if (candidates.length === 0) {
      if (o.fan === '') return { reading: null };
      throw new Error(`no fan "${o.fan}" (fans: ${fans.map((f) => f.id).join(', ') || 'none'})`);
    }
    const shown = candidates[0];
    const byThresholds = stateFor(shown.rpm, { info: o.info, warning: o.warning, critical: o.critical }, 'good', true);
    const state = shown.alarm && byThresholds !== 'critical' ? 'warning' : byThresholds;
    const detail: DetailLine[] = fans.map((f) => ({ label: f.id, value: describe(f) }));
    return {
      reading: { text: speed(shown.rpm), short: shown.rpm === 0 ? 'off' : `${(shown.rpm / 1000).toFixed(1)}k`, state, icon: 'fan', detail },
      data: { fan: shown.id, rpm: shown.rpm, fans },
    };
  },
});
