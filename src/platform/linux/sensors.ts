/**
 * The direct reader of temperatures: <sysRoot>/class/hwmon (the hardware monitoring drivers:
 * coretemp, k10temp, nvme, amdgpu...) and <sysRoot>/class/thermal (ACPI and SoC thermal zones),
 * with the limits the kernel gives for each sensor.
 */
import { join } from 'node:path';
import { listDir, readLine, readNumber } from '../../core/read.js';
import type { Sensors } from '../types.js';

/** Outside this range a reading is a driver's placeholder, not a temperature (silicon fails first). */
const PLAUSIBLE_CELSIUS = { min: -40, below: 127 };
/** A limit outside (0, 200] is a driver's "no limit". */
const PLAUSIBLE_LIMIT_CELSIUS = 200;

/** Millidegrees from a sysfs file, as °C; null when absent or not a number. */
function milli(path: string): number | null {
  const v = readNumber(path);
  return v === null ? null : v / 1000;
}

export const plausible = (c: number) => c >= PLAUSIBLE_CELSIUS.min && c < PLAUSIBLE_CELSIUS.below;

/** Keep a limit only when it is a temperature, not a driver's "no limit" placeholder. */
const limit = (c: number | null) => (c !== null && c > 0 && c <= PLAUSIBLE_LIMIT_CELSIUS ? c : undefined);

/** hwmon: tempN_input files, in the hwmon folder or (older kernels) its device/ folder. */
function hwmonSensors(sysRoot: string, found: Sensors): void {
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
function thermalSensors(sysRoot: string, found: Sensors): void {
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

export function readSensors(sysRoot: string): Sensors {
  const found: Sensors = { sensors: [], ignored: [] };
  hwmonSensors(sysRoot, found);
  thermalSensors(sysRoot, found);
  found.sensors.sort((a, b) => b.celsius - a.celsius);
  return found;
}
