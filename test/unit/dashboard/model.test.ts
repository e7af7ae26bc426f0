import { describe, expect, it } from 'vitest';
import { memoCores, memoRates, Metrics, moduleView } from '../../../src/dashboard/model.js';
import { newStatus, type ModuleStatus } from '../../../src/core/scheduler.js';

function status(id: string, patch: Partial<ModuleStatus>): ModuleStatus {
  return { ...newStatus(id), available: true, hasValue: true, ...patch };
}

describe('dashboard values from module statuses', () => {
  it('rates from two memos divide by the measured time; a counter going back gives none', () => {
    const a = { at: 1000, bytes: { eth0: [1000, 500], wlan0: [10, 10] } };
    const b = { at: 3000, bytes: { eth0: [5000, 700], wlan0: [5, 20] } };
    const r = memoRates(a, b, 'bytes')!;
    expect(r.get('eth0')).toEqual([2000, 100]);
    expect(r.has('wlan0')).toBe(false);
    expect(memoRates({ at: 1, sectors: { sda: [0, 0] } }, { at: 1001, sectors: { sda: [2, 4] } }, 'sectors', 512)!.get('sda')).toEqual([1024, 2048]);
    expect(memoRates(null, b, 'bytes')).toBeNull();
    expect(memoRates(b, a, 'bytes')).toBeNull(); // time went backwards
    expect(memoRates({ at: 1 }, { at: 2 }, 'bytes')).toBeNull();
  });

  it('per-core busy share from the cpu memo, in core order', () => {
    const prev = { at: 0, ticks: { cpu: [0, 0], cpu10: [0, 0], cpu2: [10, 10], cpu1: [0, 0] } };
    const cur = { at: 1, ticks: { cpu: [9, 9], cpu10: [1, 3], cpu2: [10, 10], cpu1: [5, 5] } };
    expect(memoCores(prev, cur)).toEqual([0.5, null, 0.25]);
  });

  it('histories grow only on new readings; quiet network (no reading) still gets rates from the memo', () => {
    const m = new Metrics();
    const statuses = new Map<string, ModuleStatus>([
      ['cpu', status('cpu', { lastOkWall: 1, reading: { text: '50%', state: 'good', data: { total: 0.5, cores: [0.25, 0.75] } } })],
      ['network', status('network', { lastOkWall: 1, reading: null, memo: { at: 0, bytes: { eth0: [0, 0] } } })],
      ['memory', status('memory', { lastOkWall: 1, reading: { text: '', state: 'idle', data: { ratio: 0.4 } } })],
    ]);
    m.update(statuses);
    m.update(statuses);
    expect(m.history.get('cpu').values()).toEqual([0.5]);
    expect(m.cores).toEqual([0.25, 0.75]);
    statuses.set('network', status('network', { lastOkWall: 2, reading: null, memo: { at: 2000, bytes: { eth0: [4096, 2048] } } }));
    statuses.set('cpu', status('cpu', { lastOkWall: 2, reading: { text: '--%', state: 'idle', pending: true } }));
    m.update(statuses);
    expect(m.net).toEqual([{ name: 'eth0', rx: 2048, tx: 1024 }]);
    expect(m.history.get('net:eth0:rx').values()).toEqual([2048]);
    expect(m.cpuTotal).toBeNull();
    expect(m.history.get('cpu').values()).toEqual([0.5, null]);
    expect(m.history.get('memory').values()).toEqual([0.4]);
  });

  it('a failed module shows its error in the failed state while keeping its last reading', () => {
    const v = moduleView('x', status('x', { failures: 2, error: 'exit 3: sensor exploded', reading: { text: 'old', state: 'good' } }));
    expect(v).toMatchObject({ state: 'failed', error: 'exit 3: sensor exploded', text: 'old' });
    expect(moduleView('y', undefined)).toMatchObject({ pending: true, available: true, text: '' });
    expect(moduleView('z', status('z', { available: false })).available).toBe(false);
  });
});
