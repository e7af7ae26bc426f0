/**
 * src/core/power.ts on fixture trees laid out as the kernel lays out powercap and power_supply:
 * RAPL zones read twice (deltas, a wrapped counter, a zone that appears, counters too old to
 * trust), which zones count, and a battery's draw (power_now, current_now × voltage_now, on AC).
 * An energy_uj that a user cannot read is tested for real, as a second user, in
 * test/integration/power-cli.test.ts (root reads any file).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { raplAccess, raplEnergyBetween, readBatteryPower, readRapl, RAPL_ZONE_CEILING_WATTS, type RaplSample } from '../../src/core/power.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';

/** Intel's package range: 2^38 µJ or so. */
const RANGE = 262_143_328_850;

describe('RAPL', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  /** One zone's files: name, energy_uj, max_energy_range_uj. */
  function zone(dir: string, name: string, energyUj: number | string, range: number | null = RANGE) {
    tree.write(`sys/class/powercap/${dir}/name`, `${name}\n`);
    tree.write(`sys/class/powercap/${dir}/energy_uj`, `${energyUj}\n`);
    if (range !== null) tree.write(`sys/class/powercap/${dir}/max_energy_range_uj`, `${range}\n`);
  }

  /** A two-socket server: packages with core and dram subzones, and the control-type folder and an mmio twin that are not zones to add. */
  function server(uj: { p0: number; core0: number; dram0: number; p1: number; dram1: number; psys: number }) {
    zone('intel-rapl:0', 'package-0', uj.p0);
    zone('intel-rapl:0:0', 'core', uj.core0);
    zone('intel-rapl:0:1', 'dram', uj.dram0);
    zone('intel-rapl:1', 'package-1', uj.p1);
    zone('intel-rapl:1:0', 'dram', uj.dram1);
    zone('intel-rapl:2', 'psys', uj.psys);
    tree.write('sys/class/powercap/intel-rapl/enabled', '1\n');
    zone('intel-rapl-mmio:0', 'package-0', 999_999_999);
  }

  it('finds no RAPL on a host without powercap', () => {
    const s = readRapl(tree.sysRoot, 0);
    expect(s.zones).toEqual([]);
    expect(raplAccess(s)).toBe('absent');
  });

  it('adds packages and DRAM between two readings, never core (inside its package), psys or the mmio twin', () => {
    server({ p0: 1_000_000, core0: 500_000, dram0: 200_000, p1: 2_000_000, dram1: 300_000, psys: 9_000_000 });
    const before = readRapl(tree.sysRoot, 10_000);
    expect(raplAccess(before)).toBe('readable');
    expect(before.zones.map((z) => [z.zone, z.counted])).toEqual([
      ['package-0', true],
      ['package-0/core', false],
      ['package-0/dram', true],
      ['package-1', true],
      ['package-1/dram', true],
      ['psys', false],
    ]);
    // Two seconds later: package-0 20 J, its core 12 J, dram 3 J; package-1 30 J, dram 5 J; psys 80 J.
    server({ p0: 21_000_000, core0: 12_500_000, dram0: 3_200_000, p1: 32_000_000, dram1: 5_300_000, psys: 89_000_000 });
    const after = readRapl(tree.sysRoot, 12_000);
    const e = raplEnergyBetween(before, after)!;
    expect(e.seconds).toBe(2);
    expect(e.joules).toBeCloseTo(20 + 3 + 30 + 5, 9);
    expect(e.watts).toBeCloseTo(29, 9);
    expect(e.missing).toEqual([]);
    expect(e.zones.map((z) => [z.zone, z.counted, Math.round(z.joules)])).toEqual([
      ['package-0', true, 20],
      ['package-0/core', false, 12],
      ['package-0/dram', true, 3],
      ['package-1', true, 30],
      ['package-1/dram', true, 5],
      ['psys', false, 80],
    ]);
  });

  it('counts a top-level dram zone too, and tells two of one name apart by their folders', () => {
    zone('intel-rapl:0', 'package-0', 1);
    zone('intel-rapl:1', 'dram', 1);
    zone('intel-rapl:2', 'dram', 1);
    expect(readRapl(tree.sysRoot, 0).zones.map((z) => [z.zone, z.counted])).toEqual([
      ['package-0', true],
      ['dram', true],
      ['dram (intel-rapl:2)', true],
    ]);
  });

  it('unwraps a counter that wrapped: up to its range, then from 0', () => {
    zone('intel-rapl:0', 'package-0', RANGE - 4_000_000);
    const before = readRapl(tree.sysRoot, 0);
    zone('intel-rapl:0', 'package-0', 6_000_000);
    const e = raplEnergyBetween(before, readRapl(tree.sysRoot, 1000))!;
    // 4 J to the top, 1 µJ to step from the range to 0, 6 J after.
    expect(e.joules).toBeCloseTo(10.000001, 9);
    expect(e.watts).toBeCloseTo(10.000001, 9);
  });

  it('gives no figure for a counter that went backwards with no range to unwrap it', () => {
    zone('intel-rapl:0', 'package-0', 5_000_000, null);
    const before = readRapl(tree.sysRoot, 0);
    zone('intel-rapl:0', 'package-0', 1_000_000, null);
    const e = raplEnergyBetween(before, readRapl(tree.sysRoot, 1000))!;
    expect(e.joules).toBeNull();
    expect(e.missing).toEqual([{ zone: 'package-0', counted: true, why: 'went backwards (no max_energy_range_uj to unwrap it)' }]);
  });

  it('a zone that appears or goes has no difference, and the total waits for the next pair', () => {
    zone('intel-rapl:0', 'package-0', 1_000_000);
    const before = readRapl(tree.sysRoot, 0);
    zone('intel-rapl:0', 'package-0', 3_000_000);
    zone('intel-rapl:1', 'package-1', 7_000_000);
    const after = readRapl(tree.sysRoot, 1000);
    const e = raplEnergyBetween(before, after)!;
    expect(e.zones).toEqual([{ zone: 'package-0', counted: true, joules: 2 }]);
    expect(e.missing).toEqual([{ zone: 'package-1', counted: true, why: 'new since the previous reading' }]);
    expect(e.joules).toBeNull();
    // And back the other way: package-1 gone.
    const gone: RaplSample = { at: 2000, zones: after.zones.slice(0, 1) };
    expect(raplEnergyBetween(after, gone)!.missing).toEqual([{ zone: 'package-1', counted: true, why: 'gone since the previous reading' }]);
    // The next pair has both in each: a total again.
    zone('intel-rapl:0', 'package-0', 4_000_000);
    zone('intel-rapl:1', 'package-1', 9_000_000);
    expect(raplEnergyBetween(after, readRapl(tree.sysRoot, 2000))!.joules).toBe(3);
  });

  it('does not trust counters read longer ago than a zone takes to wrap at its ceiling', () => {
    zone('intel-rapl:0', 'package-0', 1_000_000);
    const before = readRapl(tree.sysRoot, 0);
    zone('intel-rapl:0', 'package-0', 2_000_000);
    const wrapSeconds = RANGE / 1e6 / RAPL_ZONE_CEILING_WATTS;
    expect(raplEnergyBetween(before, readRapl(tree.sysRoot, Math.floor(wrapSeconds * 1000)))!.joules).toBe(1);
    const late = raplEnergyBetween(before, readRapl(tree.sysRoot, Math.ceil(wrapSeconds * 1000) + 1))!;
    expect(late.joules).toBeNull();
    expect(late.missing[0].why).toMatch(/wrapped more than once/);
  });

  it('refuses a value that is not a counter, and no time between samples gives nothing', () => {
    zone('intel-rapl:0', 'package-0', '12.5');
    const s = readRapl(tree.sysRoot, 0);
    expect(s.zones[0].energyUj).toBeUndefined();
    expect(raplAccess(s)).toBe('absent');
    zone('intel-rapl:0', 'package-0', 1);
    const t = readRapl(tree.sysRoot, 0);
    expect(raplEnergyBetween(t, t)).toBeNull();
    // 2^53 and above cannot be held exactly: refused rather than rounded.
    zone('intel-rapl:0', 'package-0', '9007199254740993');
    expect(readRapl(tree.sysRoot, 0).zones[0].energyUj).toBeUndefined();
  });
});

describe('battery draw', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  function supply(name: string, files: Record<string, string | number>) {
    for (const [file, value] of Object.entries(files)) tree.write(`sys/class/power_supply/${name}/${file}`, `${value}\n`);
  }

  it('reads power_now (µW) while discharging', () => {
    supply('BAT0', { type: 'Battery', present: 1, status: 'Discharging', power_now: 12_400_000, current_now: 1, voltage_now: 1 });
    supply('AC', { type: 'Mains', online: 0 });
    expect(readBatteryPower(tree.sysRoot)).toEqual({ batteries: [{ name: 'BAT0', status: 'Discharging', watts: 12.4 }], watts: 12.4 });
  });

  it('multiplies current_now (µA) by voltage_now (µV) without power_now, whatever the sign', () => {
    supply('BAT1', { type: 'Battery', status: 'Discharging', current_now: -1_500_000, voltage_now: 11_400_000, voltage_min_design: 10_000_000 });
    expect(readBatteryPower(tree.sysRoot).watts).toBeCloseTo(17.1, 9);
  });

  it('gives no figure on AC (charging, full), for 0 W, for a device battery, and sums two discharging ones', () => {
    supply('BAT0', { type: 'Battery', status: 'Charging', power_now: 30_000_000 });
    expect(readBatteryPower(tree.sysRoot)).toEqual({ batteries: [{ name: 'BAT0', status: 'Charging' }], watts: null });
    supply('BAT0', { type: 'Battery', status: 'Discharging', power_now: 0 });
    expect(readBatteryPower(tree.sysRoot).watts).toBeNull();
    supply('hidpp_battery_0', { type: 'Battery', scope: 'Device', status: 'Discharging', power_now: 1_000_000 });
    expect(readBatteryPower(tree.sysRoot).batteries.map((b) => b.name)).toEqual(['BAT0']);
    supply('BAT0', { type: 'Battery', status: 'Discharging', power_now: 6_000_000 });
    supply('BAT1', { type: 'Battery', status: 'Discharging', power_now: 4_000_000 });
    expect(readBatteryPower(tree.sysRoot).watts).toBe(10);
  });
});
