/**
 * fan on fixture trees laid out as the hwmon drivers lay them out (Documentation/hwmon/sysfs-interface.rst:
 * fanN_input in RPM, fanN_min, fanN_max, fanN_label, fanN_alarm): a ThinkPad's `thinkpad` chip
 * (fan1_input only), a Dell laptop's `dell_smm` (labelled, with limits), a desktop board's
 * `nct6798` (seven headers, unconnected ones reading 0, with min and alarm files) and an `amdgpu`
 * card's fan (fan1_min 0: no limit).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fan from '../../../plugins/fan/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('fan', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  /** An hwmon chip: name, and fanN_* files by N. */
  function chip(entry: string, name: string, fans: Record<number, Record<string, string | number>>, sub = '') {
    tree.write(`sys/class/hwmon/${entry}/${sub}name`, `${name}\n`);
    for (const [n, files] of Object.entries(fans)) {
      for (const [file, value] of Object.entries(files)) tree.write(`sys/class/hwmon/${entry}/${sub}fan${n}_${file}`, `${value}\n`);
    }
  }

  const run = async (options = {}) => fan.collect(moduleContext(fan, tree, options), undefined);

  it('is unavailable and hidden on a host without fans (a VM; a chip with only temperatures)', async () => {
    const ctx = moduleContext(fan, tree);
    expect(await fan.available!(ctx)).toBe(false);
    tree.write('sys/class/hwmon/hwmon0/name', 'coretemp\n');
    tree.write('sys/class/hwmon/hwmon0/temp1_input', '45000\n');
    expect(await fan.available!(ctx)).toBe(false);
    expect((await run()).reading).toBeNull();
    chip('hwmon1', 'thinkpad', { 1: { input: 2355 } });
    expect(await fan.available!(ctx)).toBe(true);
  });

  it('shows the fastest fan, with every fan, its label and limits in the data and the detail', async () => {
    chip('hwmon3', 'dell_smm', { 1: { input: 2600, label: 'Processor Fan', min: 0, max: 4900 }, 2: { input: 3100, label: 'Video Fan', min: 0, max: 4900 } });
    chip('hwmon4', 'amdgpu', { 1: { input: 1450, min: 0, max: 3300 } });
    const { reading, data } = await run();
    expectDataAsDeclared(fan, data);
    expect(data).toEqual({
      fan: 'dell_smm/Video Fan',
      rpm: 3100,
      fans: [
        { id: 'dell_smm/Video Fan', rpm: 3100, maxRpm: 4900 },
        { id: 'dell_smm/Processor Fan', rpm: 2600, maxRpm: 4900 },
        { id: 'amdgpu/fan1', rpm: 1450, maxRpm: 3300 },
      ],
    });
    expect(reading).toMatchObject({ text: '3100rpm', short: '3.1k', state: 'good', icon: 'fan' });
    expect(reading!.detail).toEqual([
      { label: 'dell_smm/Video Fan', value: '3100 rpm (max 4900)' },
      { label: 'dell_smm/Processor Fan', value: '2600 rpm (max 4900)' },
      { label: 'amdgpu/fan1', value: '1450 rpm (max 3300)' },
    ]);
  });

  it('says a stopped fan is stopped, and a header with nothing plugged in reads 0 without a fuss', async () => {
    chip('hwmon2', 'thinkpad', { 1: { input: 0 } });
    expect((await run()).reading).toMatchObject({ text: 'stopped', short: 'off', state: 'good' });
    chip('hwmon5', 'nct6798', {
      1: { input: 0, min: 0, alarm: 0 },
      2: { input: 1012, min: 300, alarm: 0 },
      3: { input: 0, min: 0, alarm: 0 },
    });
    const { reading, data } = await run();
    expect(reading!.text).toBe('1012rpm');
    expect(data!.fans).toEqual([
      { id: 'nct6798/fan2', rpm: 1012, minRpm: 300, alarm: false },
      { id: 'thinkpad/fan1', rpm: 0 },
      { id: 'nct6798/fan1', rpm: 0, alarm: false },
      { id: 'nct6798/fan3', rpm: 0, alarm: false },
    ]);
    expect(reading!.detail).toContainEqual({ label: 'thinkpad/fan1', value: '0 rpm (stopped, or nothing plugged in)' });
  });

  it("a driver's alarm makes a warning; the warning and critical options (RPM at or below) make their states", async () => {
    chip('hwmon5', 'nct6798', { 2: { input: 250, min: 300, alarm: 1 } });
    const { reading } = await run();
    expect(reading).toMatchObject({ text: '250rpm', state: 'warning' });
    expect(reading!.detail).toEqual([{ label: 'nct6798/fan2', value: '250 rpm (min 300, ALARM)' }]);
    chip('hwmon5', 'nct6798', { 2: { alarm: 0 } });
    expect((await run()).reading!.state).toBe('good');
    expect((await run({ warning: 400 })).reading!.state).toBe('warning');
    expect((await run({ warning: 400, critical: 250 })).reading!.state).toBe('critical');
    expect((await run({ warning: 200 })).reading!.state).toBe('good');
  });

  it('fan names one fan or a chip; an unknown one fails, listing the fans there are', async () => {
    chip('hwmon3', 'dell_smm', { 1: { input: 2600, label: 'Processor Fan' }, 2: { input: 3100, label: 'Video Fan' } });
    chip('hwmon4', 'amdgpu', { 1: { input: 1450 } });
    expect((await run({ fan: 'dell_smm/processor fan' })).data).toMatchObject({ fan: 'dell_smm/Processor Fan', rpm: 2600 });
    expect((await run({ fan: 'AMDGPU' })).reading!.text).toBe('1450rpm');
    await expect(run({ fan: 'cpu_fan' })).rejects.toThrow('no fan "cpu_fan" (fans: dell_smm/Video Fan, dell_smm/Processor Fan, amdgpu/fan1)');
  });

  it('reads fans from device/ on older kernels, and each reading afresh (byobu could stay at a last non-zero speed)', async () => {
    chip('hwmon0', 'it8712', { 1: { input: 3013 } }, 'device/');
    expect((await run()).data).toMatchObject({ fan: 'it8712/fan1', rpm: 3013 });
    chip('hwmon0', 'it8712', { 1: { input: 0 } }, 'device/');
    expect((await run()).reading!.text).toBe('stopped');
  });
});
