import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import temperature from '../../../plugins/temperature/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('temperature', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  /** An hwmon chip as the kernel lays it out: name, and tempN_* files in millidegrees. */
  function chip(entry: string, name: string, temps: Record<string, Record<string, string | number>>, sub = '') {
    tree.write(`sys/class/hwmon/${entry}/${sub}name`, `${name}\n`);
    for (const [n, files] of Object.entries(temps)) {
      for (const [file, value] of Object.entries(files)) tree.write(`sys/class/hwmon/${entry}/${sub}temp${n}_${file}`, `${value}\n`);
    }
  }

  /** A thermal zone: type, temp and trip points ([type, millidegrees]). */
  function zone(n: number, type: string, temp: number | null, trips: [string, number][] = []) {
    tree.write(`sys/class/thermal/thermal_zone${n}/type`, `${type}\n`);
    if (temp !== null) tree.write(`sys/class/thermal/thermal_zone${n}/temp`, `${temp}\n`);
    trips.forEach(([t, at], i) => {
      tree.write(`sys/class/thermal/thermal_zone${n}/trip_point_${i}_type`, `${t}\n`);
      tree.write(`sys/class/thermal/thermal_zone${n}/trip_point_${i}_temp`, `${at}\n`);
    });
  }

  const run = async (options = {}) => temperature.collect(moduleContext(temperature, tree, options), undefined);
  const collect = async (options = {}) => (await run(options)).reading;

  it('is unavailable and hidden on a host with no sensor, as most virtual machines are', async () => {
    const ctx = moduleContext(temperature, tree);
    expect(await temperature.available!(ctx)).toBe(false);
    expect(await collect()).toBeNull();
    zone(0, 'acpitz', 27800);
    expect(await temperature.available!(ctx)).toBe(true);
  });

  it('shows the hottest sensor of hwmon chips and thermal zones, with every sensor in the detail', async () => {
    chip('hwmon0', 'coretemp', {
      1: { input: 61000, label: 'Package id 0', max: 80000, crit: 100000 },
      2: { input: 58000, label: 'Core 0', max: 80000, crit: 100000 },
    });
    chip('hwmon1', 'nvme', { 1: { input: 44850, label: 'Composite', max: 81850, crit: 84850 } });
    zone(0, 'acpitz', 27800, [['critical', 119000]]);
    const { reading: r, data } = await run();
    expect(r).toMatchObject({ text: '61°C', short: '61°', state: 'good', icon: 'temperature' });
    expectDataAsDeclared(temperature, data);
    expect(data).toEqual({
      sensor: 'coretemp/Package id 0',
      celsius: 61,
      criticalCelsius: 100,
      highCelsius: 80,
      sensors: [
        { id: 'coretemp/Package id 0', celsius: 61, criticalCelsius: 100, highCelsius: 80 },
        { id: 'coretemp/Core 0', celsius: 58, criticalCelsius: 100, highCelsius: 80 },
        { id: 'nvme/Composite', celsius: 44.85, criticalCelsius: 84.85, highCelsius: 81.85 },
        { id: 'thermal/acpitz', celsius: 27.8, criticalCelsius: 119 },
      ],
    });
    expect(r!.detail).toEqual([
      { label: 'coretemp/Package id 0', value: '61°C (high 80, critical 100)' },
      { label: 'coretemp/Core 0', value: '58°C (high 80, critical 100)' },
      { label: 'nvme/Composite', value: '45°C (high 82, critical 85)' },
      { label: 'thermal/acpitz', value: '28°C (critical 119)' },
    ]);
  });

  it("takes its state from the sensor's own points: warning at its high point, critical at its critical point", async () => {
    chip('hwmon0', 'nvme', { 1: { input: 82000, label: 'Composite', max: 81850, crit: 84850 } });
    expect(await collect()).toMatchObject({ text: '82°C', state: 'warning' });
    chip('hwmon0', 'nvme', { 1: { input: 84850 } });
    expect(await collect()).toMatchObject({ state: 'critical' });
    chip('hwmon0', 'nvme', { 1: { input: 81000 } });
    expect(await collect()).toMatchObject({ state: 'good' });
  });

  it('without a high point, warns 10 °C below the critical point; without either, at 80 and 95 °C', async () => {
    zone(0, 'x86_pkg_temp', 90000, [
      ['passive', 85000],
      ['critical', 100000],
    ]);
    expect(await collect()).toMatchObject({ text: '90°C', state: 'warning' });
    zone(0, 'x86_pkg_temp', 89000, [
      ['passive', 85000],
      ['critical', 100000],
    ]);
    expect(await collect()).toMatchObject({ state: 'good' });
    tree.cleanup();
    tree = fixtureTree();
    chip('hwmon0', 'k10temp', { 1: { input: 80000, label: 'Tctl' } });
    expect(await collect()).toMatchObject({ state: 'warning' });
    chip('hwmon0', 'k10temp', { 1: { input: 95000 } });
    expect(await collect()).toMatchObject({ state: 'critical' });
    chip('hwmon0', 'k10temp', { 1: { input: 79000 } });
    expect(await collect()).toMatchObject({ state: 'good' });
  });

  it("the warning and critical options, in °C, override the sensor's own points", async () => {
    chip('hwmon0', 'coretemp', { 1: { input: 70000, label: 'Package id 0', max: 80000, crit: 100000 } });
    expect(await collect({ warning: 65 })).toMatchObject({ state: 'warning' });
    expect(await collect({ critical: 70 })).toMatchObject({ state: 'critical' });
  });

  it('sensor names one sensor, or a chip (the hottest of its sensors); an unknown one fails, listing those there are', async () => {
    chip('hwmon0', 'coretemp', {
      1: { input: 61000, label: 'Package id 0' },
      2: { input: 58000, label: 'Core 0' },
    });
    chip('hwmon1', 'nvme', { 1: { input: 44000, label: 'Composite' } });
    expect(await run({ sensor: 'nvme/Composite' })).toMatchObject({ reading: { text: '44°C' }, data: { sensor: 'nvme/Composite' } });
    expect(await collect({ sensor: 'CORETEMP' })).toMatchObject({ text: '61°C' });
    expect(await collect({ sensor: 'coretemp/core 0' })).toMatchObject({ text: '58°C' });
    await expect(collect({ sensor: 'amdgpu' })).rejects.toThrow('no sensor "amdgpu" (sensors: coretemp/Package id 0, coretemp/Core 0, nvme/Composite)');
  });

  it('shows Fahrenheit when asked; data stays in °C', async () => {
    chip('hwmon0', 'coretemp', { 1: { input: 52000, label: 'Package id 0', crit: 100000 } });
    const { reading: r, data } = await run({ units: 'fahrenheit' });
    expect(r).toMatchObject({ text: '126°F', short: '126°' });
    expect(data).toMatchObject({ celsius: 52 });
    expect(r!.detail![0]).toEqual({ label: 'coretemp/Package id 0', value: '126°F (critical 212)' });
  });

  it('leaves out a driver placeholder (127 °C, -128 °C) and a zone that cannot be read, and says so', async () => {
    chip('hwmon0', 'it8728', {
      1: { input: 127000 },
      2: { input: -128000 },
      3: { input: 38000 },
    });
    zone(0, 'disabled-zone', null);
    const { reading: r, data } = await run();
    expect(r).toMatchObject({ text: '38°C' });
    expect(data).toMatchObject({ sensor: 'it8728/temp3' });
    expect(r!.detail).toContainEqual({ label: 'Left out (not a temperature)', value: 'it8728/temp1: 127, it8728/temp2: -128' });
  });

  it('reads attributes from device/ on older kernels, and takes the chip name from there', async () => {
    chip('hwmon0', 'w83627hf', { 1: { input: 41000 } }, 'device/');
    expect(await run()).toMatchObject({ reading: { text: '41°C' }, data: { sensor: 'w83627hf/temp1' } });
  });
});
