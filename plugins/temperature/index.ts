/**
 * temperature — the hottest temperature sensor, or the one named, from <sysRoot>/class/hwmon
 * (the hardware monitoring drivers: coretemp, k10temp, nvme, amdgpu...) and
 * <sysRoot>/class/thermal (ACPI and SoC thermal zones). Hidden on a host with no sensor
 * (most virtual machines). Elsewhere than Linux, the CPU's sensors as systeminformation reads
 * them, through src/platform (docs/platforms.md).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "52°C" (or "126°F"). The state comes from the sensor's own limits where the kernel
 * gives them: critical at its critical point (hwmon tempN_crit, or a thermal zone's
 * "critical" trip point), warning at its high point (tempN_max, or a "hot" trip point), else
 * 10 °C below its critical point. A sensor with no limits uses 80 °C and 95 °C. The warning
 * and critical options, in °C, override all of these.
 * A reading below -40 °C or at 127 °C and above is a driver's placeholder for an absent probe
 * (it87 chips report 127 and -128), not a temperature: it is left out and listed in the detail.
 */
import * as T from 'typebox';
import { type Collected, defineModule, type DetailLine, type ModuleContext } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';
import { hostFor } from '../../src/platform/backend.js';
import type { Sensors } from '../../src/platform/types.js';

const options = declareOptions({
  sensor: T.String({
    default: '',
    description: 'the sensor to show: an id as the detail lists it ("nvme/Composite"), or a chip ("coretemp": its hottest); empty: the hottest of all',
  }),
  units: T.Enum(['celsius', 'fahrenheit'], { default: 'celsius', description: 'what the line shows; thresholds and data stay in °C' }),
  ...thresholdOptions({ of: '°C' }),
});
export type TemperatureOptions = OptionsOf<typeof options>;

/** A sensor's temperature and the limits the kernel gives for it. */
const sensorFields = () => ({
  celsius: T.Number({ unit: '°C', description: 'Its temperature' }),
  criticalCelsius: T.Optional(
    T.Number({ unit: '°C', description: 'Its own critical point (hwmon tempN_crit, a "critical" trip point), where the kernel gives one' }),
  ),
  highCelsius: T.Optional(T.Number({ unit: '°C', description: 'Its own high point (hwmon tempN_max, a "hot" trip point), where the kernel gives one' })),
});

/** What the temperature module publishes. */
const data = declareData(
  () => ({
    sensor: T.String({ description: 'The sensor shown: the hottest, or the hottest of those the `sensor` option names' }),
    ...sensorFields(),
    sensors: T.Array(
      T.Object({
        id: T.String({ description: 'Chip and label (`coretemp/Package id 0`, `nvme/Composite`) or `thermal/` and the zone type' }),
        ...sensorFields(),
      }),
      { description: 'Every sensor read, hottest first' },
    ),
  }),
  { description: 'Published with every reading; nothing on a host without sensors.' },
);
export type TemperatureData = DataOf<typeof data>;
type SensorReading = TemperatureData['sensors'][number];

/** When a sensor gives no limits of its own. */
const FALLBACK_LIMITS = { warning: 80, critical: 95 };
/** Warning this far below a critical point when the sensor gives no high point. */
const WARNING_BELOW_CRITICAL = 10;

/** The sensors the option names: all for "", else those whose id is the name or starts with "name/". */
function named(sensors: SensorReading[], name: string): SensorReading[] {
  if (name === '') return sensors;
  const wanted = name.toLowerCase();
  return sensors.filter((s) => s.id.toLowerCase() === wanted || s.id.toLowerCase().startsWith(`${wanted}/`));
}

const inUnits = (celsius: number, units: TemperatureOptions['units']) => Math.round(units === 'fahrenheit' ? (celsius * 9) / 5 + 32 : celsius);
const unitSign = (units: TemperatureOptions['units']) => (units === 'fahrenheit' ? '°F' : '°C');

function describe(s: SensorReading, units: TemperatureOptions['units']): string {
  const limits = [
    s.highCelsius !== undefined ? `high ${inUnits(s.highCelsius, units)}` : '',
    s.criticalCelsius !== undefined ? `critical ${inUnits(s.criticalCelsius, units)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${inUnits(s.celsius, units)}${unitSign(units)}${limits ? ` (${limits})` : ''}`;
}

export default defineModule<TemperatureOptions, TemperatureData>({
  id: 'temperature',
  description: 'the hottest temperature sensor (hwmon and thermal zones)',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_temperature_celsius', "Each sensor's temperature (hwmon chips and thermal zones)", {
      rows: 'sensors',
      label: ['sensor', 'id'],
      value: 'celsius',
    }),
  ]),
  interval: 5,
  priority: 45,
  // No icon set has a thermometer yet: this is drawn until one does.
  icons: { temperature: 'temp ' },
  available(ctx) {
    const found = hostFor(ctx).sensors(ctx);
    return found instanceof Promise ? found.then((f) => f.sensors.length > 0) : found.sensors.length > 0;
  },
  collect(ctx) {
    const found = hostFor(ctx).sensors(ctx);
    return found instanceof Promise ? found.then((f) => show(ctx, f)) : show(ctx, found);
  },
});

function show(ctx: ModuleContext<TemperatureOptions>, { sensors, ignored }: Sensors): Collected<TemperatureData> {
  const o = ctx.options;
  const candidates = named(sensors, o.sensor);
  if (candidates.length === 0) {
    if (o.sensor === '') return { reading: null };
    const known = sensors.map((s) => s.id).join(', ') || 'none';
    throw new Error(`no sensor "${o.sensor}" (sensors: ${known})`);
  }
  const shown = candidates[0];
  const critical = o.critical ?? shown.criticalCelsius ?? FALLBACK_LIMITS.critical;
  const warning =
    o.warning ?? shown.highCelsius ?? (shown.criticalCelsius !== undefined ? shown.criticalCelsius - WARNING_BELOW_CRITICAL : FALLBACK_LIMITS.warning);
  const detail: DetailLine[] = sensors.map((s) => ({ label: s.id, value: describe(s, o.units) }));
  if (ignored.length > 0) detail.push({ label: 'Left out (not a temperature)', value: ignored.join(', ') });
  const published: TemperatureData = {
    sensor: shown.id,
    celsius: shown.celsius,
    ...(shown.criticalCelsius !== undefined ? { criticalCelsius: shown.criticalCelsius } : {}),
    ...(shown.highCelsius !== undefined ? { highCelsius: shown.highCelsius } : {}),
    sensors,
  };
  return {
    reading: {
      text: `${inUnits(shown.celsius, o.units)}${unitSign(o.units)}`,
      short: `${inUnits(shown.celsius, o.units)}°`,
      state: stateFor(shown.celsius, { info: o.info, warning, critical }),
      icon: 'temperature',
      detail,
    },
    data: published,
  };
}
