import { describe, expect, it } from 'vitest';
import { hasSomethingToShow, Metrics, moduleView, panelOrder } from '../../../src/dashboard/model.js';
import { newStatus, type ModuleStatus } from '../../../src/core/scheduler.js';

function status(id: string, patch: Partial<ModuleStatus>): ModuleStatus {
  return { ...newStatus(id), available: true, hasValue: true, ...patch };
}

describe('dashboard values from module statuses', () => {
  it('histories grow only on new readings; quiet network (no reading) still gets rates from its data', () => {
    const m = new Metrics();
    const statuses = new Map<string, ModuleStatus>([
      ['cpu', status('cpu', { lastOkWall: 1, reading: { text: '50%', state: 'good' }, data: { total: 0.5, cores: [0.25, 0.75] } })],
      ['network', status('network', { lastOkWall: 1, reading: null, memo: { at: 0, bytes: { eth0: [0, 0] } } })],
      ['memory', status('memory', { lastOkWall: 1, reading: { text: '', state: 'idle' }, data: { ratio: 0.4 } })],
    ]);
    m.update(statuses);
    m.update(statuses);
    expect(m.history.get('cpu').values()).toEqual([0.5]);
    expect(m.cores).toEqual([0.25, 0.75]);
    const quiet = { rx: 2048, tx: 1024, interfaces: ['eth0'], perInterface: [{ name: 'eth0', rx: 2048, tx: 1024, rxTotalBytes: 4096, txTotalBytes: 2048 }] };
    statuses.set('network', status('network', { lastOkWall: 2, reading: null, data: quiet, memo: { at: 2000, bytes: { eth0: [4096, 2048] } } }));
    statuses.set('cpu', status('cpu', { lastOkWall: 2, reading: { text: '--%', state: 'idle', pending: true } }));
    m.update(statuses);
    expect(m.net).toEqual([{ name: 'eth0', rx: 2048, tx: 1024 }]);
    expect(m.history.get('net:eth0:rx').values()).toEqual([2048]);
    expect(m.cpuTotal).toBeNull();
    expect(m.history.get('cpu').values()).toEqual([0.5, null]);
    expect(m.history.get('memory').values()).toEqual([0.4]);
  });

  it('memos are never read: counters there but no data give no value', () => {
    const m = new Metrics();
    m.update(
      new Map([
        ['network', status('network', { lastOkWall: 1, reading: null, memo: { at: 0, bytes: { eth0: [0, 0] } } })],
        ['diskio', status('diskio', { lastOkWall: 1, reading: null, memo: { at: 0, sectors: { sda: [0, 0] } } })],
        ['cpu', status('cpu', { lastOkWall: 1, reading: { text: '50%', state: 'good' }, memo: { at: 0, ticks: { cpu: [0, 0], cpu0: [0, 0] } } })],
      ]),
    );
    m.update(
      new Map([
        ['network', status('network', { lastOkWall: 2, reading: null, memo: { at: 2000, bytes: { eth0: [4096, 2048] } } })],
        ['diskio', status('diskio', { lastOkWall: 2, reading: null, memo: { at: 2000, sectors: { sda: [8, 8] } } })],
        ['cpu', status('cpu', { lastOkWall: 2, reading: { text: '50%', state: 'good' }, memo: { at: 2000, ticks: { cpu: [5, 5], cpu0: [5, 5] } } })],
      ]),
    );
    expect(m.net).toEqual([]);
    expect(m.io).toEqual({ read: null, write: null });
    expect(m.cpuTotal).toBeNull();
    expect(m.cores).toEqual([]);
  });

  it('per-interface network rates, summed disk I/O and per-core CPU come from data, in their published order', () => {
    const m = new Metrics();
    m.update(
      new Map([
        [
          'network',
          status('network', {
            lastOkWall: 1,
            reading: { text: 'rx 1M/s', state: 'info' },
            data: {
              rx: 1048576 + 10,
              tx: 30,
              interfaces: ['wlan0', 'eth0'],
              perInterface: [
                { name: 'wlan0', rx: 1048576, tx: 20, rxTotalBytes: 1, txTotalBytes: 1 },
                { name: 'eth0', rx: 10, tx: 10, rxTotalBytes: 1, txTotalBytes: 1 },
              ],
            },
          }),
        ],
        ['diskio', status('diskio', { lastOkWall: 1, reading: null, data: { read: 1536, write: 512, devices: ['sda', 'sdb'] } })],
        ['cpu', status('cpu', { lastOkWall: 1, reading: { text: '30%', state: 'idle' }, data: { total: 0.3, cores: [0.5, null, 0.25], scope: 'host' } })],
      ]),
    );
    expect(m.net).toEqual([
      { name: 'wlan0', rx: 1048576, tx: 20 },
      { name: 'eth0', rx: 10, tx: 10 },
    ]);
    expect(m.io).toEqual({ read: 1536, write: 512 });
    expect(m.history.get('io:read').values()).toEqual([1536]);
    expect(m.cores).toEqual([0.5, null, 0.25]);
    expect(m.history.get('cpu2').values()).toEqual([0.25]);
  });

  it('a value of the wrong shape is no value; interfaces shown keep their names without values', () => {
    const m = new Metrics();
    const net = (wall: number, data: unknown) => new Map([['network', status('network', { lastOkWall: wall, reading: null, data })]]);
    m.update(net(1, { perInterface: [{ name: 'eth0', rx: 5, tx: 6 }] }));
    m.update(net(2, { perInterface: [{ name: 'eth0', rx: 'fast', tx: Number.NaN }] }));
    expect(m.net).toEqual([{ name: 'eth0', rx: null, tx: null }]);
    m.update(net(3, undefined));
    expect(m.net).toEqual([{ name: 'eth0', rx: null, tx: null }]);
    expect(m.history.get('net:eth0:rx').values()).toEqual([5, null, null]);
  });

  it("a module's view carries its published data, also while it shows nothing", () => {
    expect(moduleView('network', status('network', { reading: null, data: { rx: 1 } })).data).toEqual({ rx: 1 });
    // An older plugin's reading.data is moved to status.data by the host; the view reads status.data only.
    expect(moduleView('old', status('old', { reading: { text: 'x', state: 'idle', data: { n: 1 } } })).data).toBeNull();
  });

  it('a failed module shows its error in the failed state while keeping its last reading', () => {
    const v = moduleView('x', status('x', { failures: 2, error: 'exit 3: sensor exploded', reading: { text: 'old', state: 'good' } }));
    expect(v).toMatchObject({ state: 'failed', error: 'exit 3: sensor exploded', text: 'old' });
    expect(moduleView('y', undefined)).toMatchObject({ pending: true, available: true, text: '' });
    expect(moduleView('z', status('z', { available: false })).available).toBe(false);
  });
});

describe('panelOrder', () => {
  it("puts the modules on the user's status line first, in the line's order, then the rest as given", () => {
    const registry = ['arch', 'cpu-freq', 'distro', 'tick', 'temperature', 'whoami'];
    expect(panelOrder(registry, ['uptime', 'whoami', 'tick', 'load'])).toEqual(['whoami', 'tick', 'arch', 'cpu-freq', 'distro', 'temperature']);
    expect(panelOrder(registry, [])).toEqual(registry);
  });
});

describe('hasSomethingToShow', () => {
  it('a value, a failure, details or a value awaited get a panel; nothing to report gets none', () => {
    expect(hasSomethingToShow(moduleView('mail', status('mail', { reading: null })))).toBe(false);
    expect(hasSomethingToShow(moduleView('mail', status('mail', { reading: null, hasValue: false })))).toBe(true);
    expect(hasSomethingToShow(moduleView('arch', status('arch', { reading: { text: 'x86_64', state: 'idle' } })))).toBe(true);
    expect(hasSomethingToShow(moduleView('boom', status('boom', { reading: null, error: 'exited with status 3', failures: 1 })))).toBe(true);
  });

  it('temperature: the sensors as published, hottest first, each with a history; a malformed row is left out', () => {
    const m = new Metrics();
    const data = (celsius: number) => ({
      sensor: 'coretemp/Core 0',
      celsius,
      sensors: [
        { id: 'coretemp/Core 0', celsius, highCelsius: 84, criticalCelsius: 100 },
        { id: 'acpitz', celsius: 'hot' },
        { celsius: 3 },
        { id: 'nvme/Composite', celsius: 40 },
      ],
    });
    m.update(new Map([['temperature', status('temperature', { lastOkWall: 5_000, data: data(60) })]]));
    m.update(new Map([['temperature', status('temperature', { lastOkWall: 10_000, data: data(62) })]]));
    expect(m.sensors).toEqual([
      { id: 'coretemp/Core 0', celsius: 62, high: 84, critical: 100 },
      { id: 'nvme/Composite', celsius: 40 },
    ]);
    expect(m.history.get('temp:coretemp/Core 0').values()).toEqual([60, 62]);
    // Each sample at its reading's time: 5 s apart, so 12 samples span a minute.
    expect(m.history.get('temp:coretemp/Core 0').span(12)).toBe(60);
  });
});
