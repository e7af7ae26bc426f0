import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import power, { formatWatts, type PowerMemo } from '../../../plugins/power/index.js';
import { RAPL_UNREADABLE_WHY } from '../../../src/core/power.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';

describe('power', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  function zone(dir: string, name: string, energyUj: number) {
    tree.write(`sys/class/powercap/${dir}/name`, `${name}\n`);
    tree.write(`sys/class/powercap/${dir}/energy_uj`, `${energyUj}\n`);
    tree.write(`sys/class/powercap/${dir}/max_energy_range_uj`, '262143328850\n');
  }
  function battery(status: string, powerUw: number) {
    for (const [f, v] of Object.entries({ type: 'Battery', present: 1, status, capacity: 80, power_now: powerUw })) {
      tree.write(`sys/class/power_supply/BAT0/${f}`, `${v}\n`);
    }
  }

  it('is not available without RAPL or a battery, and says why when RAPL is there but unreadable', async () => {
    expect(await power.available!(moduleContext(power, tree))).toBe(false);
    // Unreadable for real needs a second user (test/integration/power-cli.test.ts); here an
    // energy_uj that is a folder fails to read the same way.
    tree.write('sys/class/powercap/intel-rapl:0/name', 'package-0\n');
    tree.write('sys/class/powercap/intel-rapl:0/energy_uj/x', '');
    expect(await power.available!(moduleContext(power, tree))).toEqual({ available: false, why: RAPL_UNREADABLE_WHY });
    battery('Charging', 0);
    expect(await power.available!(moduleContext(power, tree))).toBe(true);
    expect(await power.available!(moduleContext(power, tree, { source: 'rapl' }))).toEqual({ available: false, why: RAPL_UNREADABLE_WHY });
  });

  it('RAPL: "--W" on the first reading, then the packages and DRAM over the time between', async () => {
    zone('intel-rapl:0', 'package-0', 100_000_000);
    zone('intel-rapl:0:0', 'core', 50_000_000);
    zone('intel-rapl:0:1', 'dram', 10_000_000);
    const ctx = moduleContext(power, tree);
    expect(await power.available!(ctx)).toBe(true);
    const first = await power.collect(ctx, undefined);
    expect(first.reading).toMatchObject({ text: '--W', state: 'idle', pending: true, icon: 'power' });
    expect(first.data).toEqual({
      rapl: 'readable',
      zones: [
        { zone: 'package-0', joules: 100 },
        { zone: 'package-0/dram', joules: 10 },
      ],
    });
    ctx.clock.advance(5000);
    zone('intel-rapl:0', 'package-0', 150_000_000);
    zone('intel-rapl:0:0', 'core', 80_000_000);
    zone('intel-rapl:0:1', 'dram', 12_000_000);
    const second = await power.collect(ctx, first.memo as PowerMemo);
    // (50 J + 2 J) / 5 s; core's 30 J are inside the package.
    expect(second.reading?.text).toBe('10.4W');
    expect(second.data).toEqual({
      watts: 10.4,
      source: 'rapl',
      raplWatts: 10.4,
      rapl: 'readable',
      zones: [
        { zone: 'package-0', joules: 150 },
        { zone: 'package-0/dram', joules: 12 },
      ],
      sampleSeconds: 5,
    });
    expect(second.reading?.detail).toContainEqual({ label: 'package-0/core', value: '6.0W (overlaps the packages: not added)' });
  });

  it('a discharging battery is shown at once and wins over RAPL in auto; on AC RAPL is shown', async () => {
    zone('intel-rapl:0', 'package-0', 100_000_000);
    battery('Discharging', 15_000_000);
    const ctx = moduleContext(power, tree, {}, {});
    const first = await power.collect(ctx, undefined);
    expect(first.reading?.text).toBe('15.0W');
    expect(first.data).toMatchObject({ watts: 15, source: 'battery', batteryWatts: 15 });
    ctx.clock.advance(2000);
    zone('intel-rapl:0', 'package-0', 110_000_000);
    battery('Charging', 15_000_000);
    const second = await power.collect(ctx, first.memo as PowerMemo);
    expect(second.data).toMatchObject({ watts: 5, source: 'rapl', raplWatts: 5 });
    expect(second.data).not.toHaveProperty('batteryWatts');
  });

  it('source: battery is quiet on AC; source: rapl ignores the battery', async () => {
    zone('intel-rapl:0', 'package-0', 100_000_000);
    battery('Charging', 15_000_000);
    expect(await power.collect(moduleContext(power, tree, { source: 'battery' }), undefined)).toEqual({ reading: null });
    battery('Discharging', 15_000_000);
    const rapl = await power.collect(moduleContext(power, tree, { source: 'rapl' }), undefined);
    expect(rapl.reading).toMatchObject({ text: '--W', pending: true });
    expect(rapl.data).not.toHaveProperty('batteryWatts');
  });

  it('takes its state from the watts thresholds', async () => {
    battery('Discharging', 45_000_000);
    const collect = async (o: object) => (await power.collect(moduleContext(power, tree, o), undefined)).reading?.state;
    expect(await collect({})).toBe('good');
    expect(await collect({ warning: 40, critical: 60 })).toBe('warning');
    expect(await collect({ warning: 20, critical: 40 })).toBe('critical');
  });

  it('formats watts with one decimal under 100 W', () => {
    expect([formatWatts(0.04), formatWatts(12.44), formatWatts(99.94), formatWatts(99.96), formatWatts(181.4)]).toEqual([
      '0.0W',
      '12.4W',
      '99.9W',
      '100W',
      '181W',
    ]);
  });
});
