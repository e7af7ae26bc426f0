import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import battery, { mapStatus } from '../../../plugins/battery/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

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
    expect(r!.data).toEqual({ percent: 65, status: 'discharging', seconds: 7800, batteries: [{ name: 'BAT0', percent: 65, status: 'Discharging' }] });
    expect(r!.detail).toEqual([
      { label: 'BAT0', value: '65%, Discharging' },
      { label: 'Until empty', value: '2h 10m' },
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
