/**
 * temperature — the hottest temperature sensor, or the one named, from <sysRoot>/class/hwmon
 * (the hardware monitoring drivers: coretemp, k10temp, nvme, amdgpu...) and
 * <sysRoot>/class/thermal (ACPI and SoC thermal zones). Hidden on a host with no sensor
 * (most virtual machines).
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
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule, type DetailLine } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir, readLine, readNumber } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';

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

/** Outside this range a reading is a driver's placeholder, not a temperature (silicon fails first). */
const PLAUSIBLE_CELSIUS = { min: -40, below: 127 };
/** A limit outside (0, 200] is a driver's "no limit". */
const PLAUSIBLE_LIMIT_CELSIUS = 200;
/** When a sensor gives no limits of its own. */
const FALLBACK_LIMITS = { warning: 80, critical: 95 };
/** Warning this far below a critical point when the sensor gives no high point. */
const WARNING_BELOW_CRITICAL = 10;

interface Found {
  sensors: SensorReading[];
  /** Readings left out as implausible, as "id: value". */
  ignored: string[];
}

/** Millidegrees from a sysfs file, as °C; null when absent or not a number. */
function milli(path: string): number | null {
  const v = readNumber(path);
  return v === null ? null : v / 1000;
}

const plausible = (c: number) => c >= PLAUSIBLE_CELSIUS.min && c < PLAUSIBLE_CELSIUS.below;

/** Keep a limit only when it is a temperature, not a driver's "no limit" placeholder. */
const limit = (c: number | null) => (c !== null && c > 0 && c <= PLAUSIBLE_LIMIT_CELSIUS ? c : undefined);

/** hwmon: tempN_input files, in the hwmon folder or (older kernels) its device/ folder. */
function hwmonSensors(sysRoot: string, found: Found): void {
  const top = join(sysRoot, 'class', 'hwmon');
  for (const entry of listDir(top).sort()) {
    for (const dir of [join(top, entry), join(top, entry, 'device')]) {
      const inputs = listDir(dir).filter((f) => /^temp\d+_input$/.test(f));
      if (inputs.length === 0) continue;
      const chip = readLine(join(dir, 'name')) || readLine(join(top, entry, 'name')) || entry;
      for (const input of inputs.sort((a, b) => parseInt(a.slice(4), 10) - parseInt(b.slice(4), 10))) {
        const base = input.slice(0, -'_input'.length);
        const celsius = milli(join(dir, input));
        if (celsius === null) continue;
        const id = `${chip}/${readLine(join(dir, `${base}_label`)) || base}`;
        if (!plausible(celsius)) {
          found.ignored.push(`${id}: ${celsius}`);
          continue;
        }
        const criticalCelsius = limit(milli(join(dir, `${base}_crit`)));
        const highCelsius = limit(milli(join(dir, `${base}_max`)));
        found.sensors.push({
          id,
          celsius,
          ...(criticalCelsius !== undefined ? { criticalCelsius } : {}),
          ...(highCelsius !== undefined ? { highCelsius } : {}),
        });
      }
      break;
    }
  }
}

/** thermal: thermal_zoneN/temp with its type and trip points. A disabled zone cannot be read. */
function thermalSensors(sysRoot: string, found: Found): void {
  const top = join(sysRoot, 'class', 'thermal');
  for (const zone of listDir(top)
    .filter((z) => /^thermal_zone\d+$/.test(z))
    .sort((a, b) => parseInt(a.slice(12), 10) - parseInt(b.slice(12), 10))) {
    const dir = join(top, zone);
    const celsius = milli(join(dir, 'temp'));
    if (celsius === null) continue;
    const id = `thermal/${readLine(join(dir, 'type')) || zone}`;
    if (!plausible(celsius)) {
      found.ignored.push(`${id}: ${celsius}`);
      continue;
    }
    const trips = new Map<string, number>();
    for (const f of listDir(dir)) {
      const m = /^trip_point_(\d+)_type$/.exec(f);
      if (!m) continue;
      const type = readLine(join(dir, f));
      const at = limit(milli(join(dir, `trip_point_${m[1]}_temp`)));
      // The lowest point of each type: a zone may list several "hot" points.
      if (type && at !== undefined && !(trips.get(type)! <= at)) trips.set(type, at);
    }
    const criticalCelsius = trips.get('critical');
    const highCelsius = trips.get('hot');
    found.sensors.push({ id, celsius, ...(criticalCelsius !== undefined ? { criticalCelsius } : {}), ...(highCelsius !== undefined ? { highCelsius } : {}) });
  }
}

function readSensors(sysRoot: string): Found {
  const found: Found = { sensors: [], ignored: [] };
  hwmonSensors(sysRoot, found);
  thermalSensors(sysRoot, found);
  found.sensors.sort((a, b) => b.celsius - a.celsius);
  return found;
}

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
  available: (ctx) => readSensors(ctx.sysRoot).sensors.length > 0,
  collect(ctx) {
    const o = ctx.options;
    const { sensors, ignored } = readSensors(ctx.sysRoot);
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
  },
});
