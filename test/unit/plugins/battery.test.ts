import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import battery, { mapStatus } from '../../../plugins/battery/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('battery', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  /** A power_supply entry as the kernel lays it out: one value per file. */
  function supply(name: string, files: Record<string, string | number>) {
    for (const [file, value] of Object.entries(files)) tree.write(`sys/class/power_supply/${name}/${file}`, `${value}\n`);
  }

  /** A ThinkPad-style battery reporting energy (µWh) and power (µW). */
  function bat0(status: string, over: Record<string, string | number> = {}) {
    supply('BAT0', {
      type: 'Battery',
      present: 1,
      status,
      technology: 'Li-poly',
      model_name: '5B10W13930',
      manufacturer: 'SMP',
      capacity: 65,
      capacity_level: 'Normal',
      energy_full_design: 57000000,
      energy_full: 50000000,
      energy_now: 32500000,
      power_now: 15000000,
      voltage_min_design: 15440000,
      voltage_now: 16104000,
      ...over,
    });
  }

  const collect = async (options = {}) => readingWithData(await battery.collect(moduleContext(battery, tree, options), undefined));

  it('is unavailable and hidden with no battery, or only a mains adapter and a mouse', async () => {
    const ctx = moduleContext(battery, tree);
    expect(await battery.available!(ctx)).toBe(false);
    supply('AC', { type: 'Mains', online: 1 });
    supply('hid-00:1f:20:aa:bb:cc-battery', { type: 'Battery', scope: 'Device', status: 'Discharging', capacity: 40 });
    expect(await battery.available!(ctx)).toBe(false);
    expect(await collect()).toBeNull();
    bat0('Discharging');
    expect(await battery.available!(ctx)).toBe(true);
  });

  it('shows capacity and time to empty when discharging', async () => {
    supply('AC', { type: 'Mains', online: 0 });
    bat0('Discharging');
    const r = await collect();
    // 32.5 Wh at 15 W: 2 h 10 min.
    expect(r).toMatchObject({ text: '65% 2h 10m', short: '65%', state: 'good', icon: 'battery' });
    expect(r!.data).toEqual({
      percent: 65,
      status: 'discharging',
      seconds: 7800,
      watts: 15,
      batteries: [{ name: 'BAT0', percent: 65, status: 'Discharging', watts: 15 }],
    });
    expect(r!.detail).toEqual([
      { label: 'BAT0', value: '65%, Discharging' },
      { label: 'Until empty', value: '2h 10m' },
      { label: 'Drawing', value: '15.0W' },
    ]);
  });

  it('shows time to full when charging', async () => {
    bat0('Charging');
    const r = await collect();
    // 17.5 Wh to go at 15 W: 1 h 10 min.
    expect(r).toMatchObject({ text: '65% 1h 10m', state: 'good', icon: 'battery-charging', data: { status: 'charging', seconds: 4200 } });
  });

  it('says "not charging" with a space, never "65%not charging"', async () => {
    bat0('Not charging', { power_now: 0 });
    const r = await collect();
    expect(r).toMatchObject({ text: '65% not charging', short: '65%', state: 'good', icon: 'battery', data: { status: 'not-charging' } });
  });

  it('shows a full battery', async () => {
    bat0('Full', { capacity: 100, energy_now: 50000000, power_now: 0 });
    expect(await collect()).toMatchObject({ text: '100%', state: 'good', icon: 'battery-full', data: { status: 'full' } });
  });

  it('shows an Unknown status as plain charge, state idle', async () => {
    bat0('Unknown', { power_now: 0 });
    expect(await collect()).toMatchObject({ text: '65%', state: 'idle', icon: 'battery', data: { status: 'unknown' } });
  });

  it('maps every kernel status string, and anything else to unknown', () => {
    expect(mapStatus('Charging')).toBe('charging');
    expect(mapStatus('Discharging')).toBe('discharging');
    expect(mapStatus('Not charging')).toBe('not-charging');
    expect(mapStatus('Full')).toBe('full');
    expect(mapStatus('Unknown')).toBe('unknown');
    expect(mapStatus(' not_charging ')).toBe('not-charging');
    expect(mapStatus('FULL')).toBe('full');
    expect(mapStatus('Idle')).toBe('unknown');
    expect(mapStatus('')).toBe('unknown');
  });

  it('keeps an odd status string out of the status line but in the detail', async () => {
    bat0('Idle\u001b[31m', { power_now: 0 });
    const r = await collect();
    expect(r!.text).toBe('65%');
    expect(r!.data!.status).toBe('unknown');
    expect(r!.detail![0].value).toContain('Idle');
  });

  it('warns and then alarms on a low battery only while discharging', async () => {
    bat0('Discharging', { capacity: 19 });
    expect((await collect())!.state).toBe('warning');
    bat0('Discharging', { capacity: 9 });
    expect((await collect())!.state).toBe('critical');
    expect((await collect({ critical: 5 }))!.state).toBe('warning');
    bat0('Charging', { capacity: 5 });
    expect((await collect())!.state).toBe('good');
  });

  it('changes state exactly at the thresholds: warning at 20 %, critical at 10 % (inclusive)', async () => {
    const at = async (capacity: number, options = {}) => {
      bat0('Discharging', { capacity });
      return (await collect(options))!.state;
    };
    expect(await at(21)).toBe('good');
    expect(await at(20)).toBe('warning');
    expect(await at(11)).toBe('warning');
    expect(await at(10)).toBe('critical');
    expect(await at(0)).toBe('critical');
    // The user's own thresholds, at their boundaries too.
    expect(await at(31, { warning: 30, critical: 15 })).toBe('good');
    expect(await at(30, { warning: 30, critical: 15 })).toBe('warning');
    expect(await at(15, { warning: 30, critical: 15 })).toBe('critical');
  });

  it('combines batteries by energy, not by averaging percentages', async () => {
    // A full 20 Wh internal battery and an empty 80 Wh external one: 20 %, not 50 %.
    supply('BAT0', { type: 'Battery', status: 'Not charging', capacity: 100, energy_now: 20000000, energy_full: 20000000, power_now: 0 });
    supply('BAT1', { type: 'Battery', status: 'Discharging', capacity: 0, energy_now: 0, energy_full: 80000000, power_now: 10000000 });
    const r = await collect();
    expect(r!.data!.percent).toBe(20);
    expect(r!.data!.status).toBe('discharging');
    // 20 Wh left across both at 10 W.
    expect(r!.data!.seconds).toBe(7200);
    expect(r!.data!.batteries.map((b) => b.name)).toEqual(['BAT0', 'BAT1']);
  });

  it('reads charge-only batteries (µAh, µA) and converts them with the voltage', async () => {
    supply('BAT1', { type: 'Battery', status: 'Discharging', charge_full: 4000000, charge_now: 2000000, current_now: -1000000, voltage_now: 12000000 });
    const r = await collect();
    // No capacity file: 2 Ah / 4 Ah. Negative current (some drivers) still means 2 h left.
    expect(r).toMatchObject({ text: '50% 2h', data: { percent: 50, seconds: 7200 } });

    // Alongside an energy battery: 24 Wh of 48 Wh plus 10 Wh of 52 Wh = 34 / 100.
    supply('BAT0', { type: 'Battery', status: 'Discharging', energy_full: 52000000, energy_now: 10000000, power_now: 5000000 });
    expect((await collect())!.data!.percent).toBeCloseTo(34, 10);
  });

  it('skips an empty battery bay and clamps over-full readings', async () => {
    bat0('Full', { capacity: 101, energy_now: 50500000, power_now: 0 });
    supply('BAT1', { type: 'Battery', present: 0, status: 'Unknown' });
    const r = await collect();
    expect(r!.text).toBe('100%');
    expect(r!.data!.batteries).toHaveLength(1);
  });

  it('leaves out the time when the rate is missing or absurd', async () => {
    bat0('Discharging', { power_now: 0 });
    expect((await collect())!.text).toBe('65%');
    bat0('Discharging', { power_now: 100 });
    expect((await collect())!.data!.seconds).toBeUndefined();
  });
});

describe('battery: power draw', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  function supply(name: string, files: Record<string, string | number>) {
    for (const [file, value] of Object.entries(files)) tree.write(`sys/class/power_supply/${name}/${file}`, `${value}\n`);
  }
  const collect = async (options = {}) => readingWithData(await battery.collect(moduleContext(battery, tree, options), undefined));

  /**
   * A Coslight R14B01W laptop battery, which reports charge (µAh) and current (µA), not energy and
   * power: the values of its uevent as luastatus's battery-linux tests record them, discharging
   * and charging (luastatus computes 18.6 W and 2.9 h, 12.7 W and 0.3 h from them).
   */
  function coslight(state: 'Discharging' | 'Charging') {
    const discharging = state === 'Discharging';
    supply('BAT0', {
      type: 'Battery',
      status: state,
      present: 1,
      technology: 'Li-ion',
      cycle_count: 0,
      voltage_min_design: 15200000,
      voltage_now: discharging ? 16806000 : 17131000,
      current_now: discharging ? 1107000 : 743000,
      charge_full_design: 3030000,
      charge_full: discharging ? 3285000 : 3298000,
      charge_now: discharging ? 3247000 : 3096000,
      capacity: discharging ? 98 : 93,
      capacity_level: 'Normal',
      model_name: 'R14B01W',
      manufacturer: 'Coslight',
    });
  }

  it('from current_now × voltage_now: in the data, the detail and, with show_power, on the line', async () => {
    coslight('Discharging');
    const r = await collect();
    // 1.107 A at 16.806 V; 3.247 Ah left at 1.107 A: 2.93 h.
    expect(r).toMatchObject({ text: '98% 2h 55m', data: { status: 'discharging', seconds: 10559 } });
    expect(r!.data!.watts).toBeCloseTo(18.604242, 6);
    expect(r!.data!.batteries[0].watts).toBeCloseTo(18.604242, 6);
    expect(r!.detail).toContainEqual({ label: 'Drawing', value: '18.6W' });
    expectDataAsDeclared(battery, r!.data);
    expect((await collect({ show_power: true }))!.text).toBe('98% 2h 55m 18.6W');
  });

  it('while charging: the power going into the battery, and the time to full', async () => {
    coslight('Charging');
    const r = await collect({ show_power: true });
    // 0.202 Ah to go at 0.743 A: 16 min; 0.743 A at 17.131 V.
    expect(r).toMatchObject({ text: '93% 16m 12.7W', data: { status: 'charging', seconds: 979 } });
    expect(r!.data!.watts).toBeCloseTo(12.728333, 6);
    expect(r!.detail).toContainEqual({ label: 'Charging at', value: '12.7W' });
  });

  it('from power_now, unsigned; summed over batteries; 0 W when full; none without a figure', async () => {
    supply('BAT0', { type: 'Battery', status: 'Discharging', capacity: 50, energy_full: 50000000, energy_now: 25000000, power_now: -7500000 });
    supply('BAT1', { type: 'Battery', status: 'Discharging', capacity: 50, energy_full: 20000000, energy_now: 10000000, power_now: 2500000 });
    const r = await collect({ show_power: true });
    expect(r!.data!.watts).toBe(10);
    expect(r!.data!.batteries.map((b) => b.watts)).toEqual([7.5, 2.5]);
    expect(r!.text).toBe('50% 3h 30m 10.0W');

    supply('BAT1', { type: 'Battery', status: 'Full', capacity: 100, energy_full: 20000000, energy_now: 20000000, power_now: 0 });
    supply('BAT0', { type: 'Battery', status: 'Full', capacity: 100, energy_full: 50000000, energy_now: 50000000, power_now: 0 });
    const full = await collect({ show_power: true });
    expect(full).toMatchObject({ text: '100%', data: { watts: 0 } });
    expect(full!.detail).toContainEqual({ label: 'Power', value: '0.0W' });

    // Neither power_now nor current_now with voltage_now (a design voltage is not the voltage now).
    tree.cleanup();
    tree = fixtureTree();
    supply('BAT0', { type: 'Battery', status: 'Discharging', capacity: 40, current_now: 1000000, voltage_min_design: 11400000 });
    const none = await collect({ show_power: true });
    expect(none!.text).toBe('40%');
    expect(none!.data).not.toHaveProperty('watts');
    expect(none!.data!.batteries[0]).not.toHaveProperty('watts');
  });

  it('the default line is as it was: no watts without show_power', async () => {
    coslight('Discharging');
    expect((await collect())!.text).toBe('98% 2h 55m');
  });
});
