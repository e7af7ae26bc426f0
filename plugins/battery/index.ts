/**
 * battery — charge and time left, from <sysRoot>/class/power_supply. Hidden without a battery.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "65% 2h 10m" (time to empty, or to full while charging, when the battery reports a
 * rate), "65% not charging" when plugged in but held (charge thresholds), "100%" when full.
 * The power flowing out of the batteries (discharging) or into them (charging) is in the data,
 * the detail and the metrics, from power_now, or current_now × voltage_now where a battery
 * reports charge rather than energy; on the line only with `show_power` ("65% 2h 10m 15.0W").
 * Only supplies of type Battery count; scope=Device ones are a mouse's or a headset's.
 * Several batteries are combined by summing their energy, so a full 20 Wh battery and an
 * empty 80 Wh one make 20 %, not 50 %. Every kernel status ("Charging", "Discharging",
 * "Not charging", "Full", "Unknown") maps to a word; anything else reads as unknown.
 */
import { join } from 'node:path';
import { defineModule, type State } from '../../src/core/contract.js';
import { batteryDirs } from '../../src/core/power.js';
import { readLine, readNumber } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { formatDuration } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge, perRow } from '../../src/core/metrics.js';

export type BatteryStatus = BatteryData['status'];

const options = declareOptions({
  ...thresholdOptions({ of: '% charge of a discharging battery', invert: true, warning: 20, critical: 10 }),
  show_power: T.Boolean({
    default: false,
    description: 'show the power drawn from the batteries (discharging) or going into them (charging) after the time: "65% 2h 10m 15.0W"',
  }),
});
export type BatteryOptions = OptionsOf<typeof options>;

/** What the battery module publishes. */
const data = declareData(
  () => ({
    percent: T.Number({ unit: '% (0–100)', description: 'Charge of all batteries together, weighted by their energy where the kernel reports it' }),
    status: T.Enum(['charging', 'discharging', 'not-charging', 'full', 'unknown'], { description: "The batteries' combined status" }),
    seconds: T.Optional(T.Number({ unit: 'seconds', description: 'Time until empty (discharging) or full (charging); absent without a believable rate' })),
    watts: T.Optional(
      T.Number({
        unit: 'watts',
        description: 'Power out of the batteries while discharging, into them while charging: the sum of `batteries[].watts`; absent when none reports it',
      }),
    ),
    batteries: T.Array(
      T.Object({
        name: T.String({ description: 'Its power_supply name (`BAT0`)' }),
        percent: T.Number({ unit: '% (0–100)', description: 'Its charge' }),
        status: T.String({ description: "The kernel's status text as it is (`Discharging`, `Not charging`)" }),
        watts: T.Optional(
          T.Number({
            unit: 'watts',
            description: 'Its power, without the sign some drivers give it: power_now, else current_now × voltage_now; absent when it reports neither',
          }),
        ),
      }),
      { description: 'Each battery, in name order' },
    ),
  }),
  { description: 'Published with every reading; nothing without a battery.' },
);
export type BatteryData = DataOf<typeof data>;

interface Cell {
  name: string;
  raw: string;
  status: BatteryStatus;
  percent: number;
  /** Energy in µWh (charge in µAh when the voltage is unknown) and the rate per hour. */
  now?: number;
  full?: number;
  rate?: number;
  unit?: 'energy' | 'charge';
  /** Watts flowing out (discharging) or in (charging), as the kernel reports them now. */
  watts?: number;
}

export function mapStatus(raw: string): BatteryStatus {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  if (key === 'charging' || key === 'discharging' || key === 'full') return key;
  return key === 'not charging' ? 'not-charging' : 'unknown';
}

function readCell(dir: string): Cell | null {
  const n = (f: string) => readNumber(join(dir, f));
  const raw = readLine(join(dir, 'status')) ?? 'Unknown';
  let amounts = { now: n('energy_now'), full: n('energy_full'), rate: n('power_now') };
  let unit: Cell['unit'] = 'energy';
  if (amounts.now === null || !amounts.full) {
    amounts = { now: n('charge_now'), full: n('charge_full'), rate: n('current_now') };
    unit = 'charge';
    // µAh × µV / 10^6 = µWh: charge-only batteries then add up with energy-reporting ones.
    const volts = n('voltage_now') || n('voltage_min_design');
    if (volts) {
      const wh = (x: number | null) => (x === null ? null : (x * volts) / 1e6);
      amounts = { now: wh(amounts.now), full: wh(amounts.full), rate: wh(amounts.rate) };
      unit = 'energy';
    }
  }
  const { now, full, rate } = amounts;
  const watts = powerWatts(n);
  const measured = now !== null && full !== null && full > 0;
  const percent = n('capacity') ?? (measured ? (100 * now) / full : null);
  if (percent === null) return null;
  return {
    name: dir.slice(dir.lastIndexOf('/') + 1),
    raw,
    status: mapStatus(raw),
    percent: Math.min(100, Math.max(0, percent)),
    // Some drivers report the rate negative while discharging.
    ...(measured ? { now, full, rate: rate === null ? undefined : Math.abs(rate), unit } : {}),
    ...(watts !== null ? { watts } : {}),
  };
}

/**
 * The battery's power in watts: power_now (µW), else current_now (µA) × voltage_now (µV). The
 * voltage now, never the design minimum the charge conversion above may fall back on: a power
 * figure from a voltage the battery is not at would be off by 10 % or more. Unsigned: some
 * drivers report a discharge as negative.
 */
function powerWatts(n: (file: string) => number | null): number | null {
  const microwatts = n('power_now');
  if (microwatts !== null) return Math.abs(microwatts) / 1e6;
  const microamps = n('current_now');
  const microvolts = n('voltage_now');
  return microamps !== null && microvolts !== null ? Math.abs(microamps * microvolts) / 1e12 : null;
}

/** "15.0W", "120W": as the power module writes watts. */
function formatWatts(watts: number): string {
  return `${watts < 99.95 ? watts.toFixed(1) : Math.round(watts)}W`;
}

function combinedStatus(cells: Cell[]): BatteryStatus {
  const s = new Set(cells.map((c) => c.status));
  for (const one of ['discharging', 'charging', 'unknown', 'not-charging'] as const) if (s.has(one)) return one;
  return 'full';
}

export default defineModule<BatteryOptions, BatteryData>({
  id: 'battery',
  description: 'battery charge and time left',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_battery_charge_ratio', "Each battery's charge (0-1)", {
      rows: 'batteries',
      label: ['battery', 'name'],
      value: { field: 'batteries[].percent', read: (b) => b.percent / 100 },
    }),
    perRow('gauge', 'shoji_battery_power_watts', 'Power out of each battery while discharging, into it while charging', {
      rows: 'batteries',
      label: ['battery', 'name'],
      value: 'watts',
    }),
    gauge('shoji_battery_time_left_seconds', 'seconds'),
  ]),
  interval: 30,
  priority: 65,
  available: (ctx) => batteryDirs(ctx.sysRoot).length > 0,
  collect(ctx) {
    const cells = batteryDirs(ctx.sysRoot)
      .map(readCell)
      .filter((c): c is Cell => c !== null);
    if (cells.length === 0) return { reading: null };
    const status = combinedStatus(cells);
    const summable = cells.every((c) => c.now !== undefined && c.unit === cells[0].unit);
    const sum = (f: (c: Cell) => number | undefined) => cells.reduce((s, c) => s + (f(c) ?? 0), 0);
    const percent =
      cells.length === 1 ? cells[0].percent : summable ? Math.min(100, (100 * sum((c) => c.now)) / sum((c) => c.full)) : sum((c) => c.percent) / cells.length;

    const rate = summable ? sum((c) => c.rate) : 0;
    const left = status === 'discharging' ? sum((c) => c.now) : status === 'charging' ? sum((c) => c.full! - c.now!) : 0;
    // A battery idling on a trickle reports days left; that is noise, not a forecast.
    const hours = rate > 0 && left > 0 ? left / rate : null;
    const seconds = hours !== null && hours < 100 ? Math.round(hours * 3600) : undefined;
    const reporting = cells.filter((c) => c.watts !== undefined);
    const watts = reporting.length > 0 ? sum((c) => c.watts) : undefined;

    const o = ctx.options;
    const t = { info: o.info, warning: o.warning, critical: o.critical };
    const state: State = status === 'discharging' ? stateFor(percent, t, 'good', true) : status === 'unknown' ? 'idle' : 'good';
    const pct = `${Math.round(percent)}%`;
    const suffix = seconds !== undefined ? ` ${formatDuration(seconds)}` : status === 'not-charging' ? ' not charging' : '';
    const power = o.show_power && watts !== undefined && (status === 'discharging' || status === 'charging') ? ` ${formatWatts(watts)}` : '';
    const icon = status === 'full' ? 'battery-full' : status === 'charging' ? 'battery-charging' : 'battery';
    return {
      reading: {
        text: pct + suffix + power,
        short: pct,
        state,
        icon,
        detail: [
          ...cells.map((c) => ({ label: c.name, value: `${Math.round(c.percent)}%, ${c.raw}` })),
          ...(seconds !== undefined ? [{ label: status === 'charging' ? 'Until full' : 'Until empty', value: formatDuration(seconds) }] : []),
          ...(watts !== undefined
            ? [{ label: status === 'charging' ? 'Charging at' : status === 'discharging' ? 'Drawing' : 'Power', value: formatWatts(watts) }]
            : []),
        ],
      },
      data: {
        percent,
        status,
        ...(seconds !== undefined ? { seconds } : {}),
        ...(watts !== undefined ? { watts } : {}),
        batteries: cells.map((c) => ({ name: c.name, percent: c.percent, status: c.raw, ...(c.watts !== undefined ? { watts: c.watts } : {}) })),
      },
    };
  },
});
