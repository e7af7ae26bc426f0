/**
 * The dashboard's gpu panel: each GPU's line (name, utilisation, memory, temperature, watts) and
 * its utilisation and memory history as graphs, from what the gpu module publishes; sized by the
 * layout like any module panel and readable at 80x24 with two GPUs.
 */
import { describe, expect, it } from 'vitest';
import { newStatus, type ModuleStatus } from '../../../src/core/scheduler.js';
import { loadTheme } from '../../../src/core/theme.js';
import { computeLayout } from '../../../src/dashboard/layout.js';
import { Metrics, type ModuleView, moduleView } from '../../../src/dashboard/model.js';
import { gpuPanel, gpuPanelLines } from '../../../src/dashboard/panels.js';
import { displayWidth } from '../../../src/core/width.js';

const GIB = 1024 ** 3;
const theme = loadTheme('monochrome', '/nonexistent', {});
/** A content line as the terminal shows it: blessed's style tags removed. */
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');

const rtx = (utilization: number, used: number) => ({
  id: '0',
  index: 0,
  vendor: 'nvidia',
  name: 'NVIDIA GeForce RTX 3090',
  busId: '0000:01:00.0',
  asleep: false,
  utilization,
  memoryUsed: used * GIB,
  memoryTotal: 24 * GIB,
  celsius: 61,
  watts: 123.4,
});
const radeon = {
  id: 'card1',
  index: 1,
  vendor: 'amd',
  name: 'AMD GPU 0x73bf',
  busId: '0000:03:00.0',
  asleep: false,
  utilization: 0.05,
  memoryUsed: GIB,
  memoryTotal: 16 * GIB,
};
const sleeping = { id: '1', index: 1, vendor: 'nvidia', name: 'NVIDIA GeForce RTX 3050 Laptop GPU', busId: '0000:02:00.0', asleep: true };

function gpuStatus(at: number, gpus: object[]): ModuleStatus {
  return {
    ...newStatus('gpu'),
    available: true,
    hasValue: true,
    lastOkWall: at,
    reading: { text: '37% 4.1G/24G 61°C', state: 'good' },
    data: { gpus, nvidia: 'sampled' },
  };
}

describe('the gpu panel', () => {
  it("keeps each awake GPU's utilisation and memory share, one sample per new reading", () => {
    const m = new Metrics();
    const statuses = new Map([['gpu', gpuStatus(1, [rtx(0.37, 6), sleeping])]]);
    m.update(statuses);
    m.update(statuses); // no new reading: nothing pushed
    statuses.set('gpu', gpuStatus(2, [{ ...rtx(0.5, 12), utilization: undefined }, sleeping]));
    m.update(statuses);
    expect(m.history.get('gpu:0:util').values()).toEqual([0.37, null]);
    expect(m.history.get('gpu:0:mem').values()).toEqual([0.25, 0.5]);
    expect(m.history.has('gpu:1:util')).toBe(false);
  });

  it('reads well at 80x24 with two GPUs awake and one asleep: a line each, graphs under the awake ones, nothing wider than the box', () => {
    const m = new Metrics();
    for (let i = 0; i < 40; i++) m.update(new Map([['gpu', gpuStatus(i + 1, [rtx(i / 40, 4 + i / 10), radeon, sleeping])]]));
    const view = moduleView('gpu', gpuStatus(40, [rtx(0.97, 8), radeon, sleeping]));
    const wanted = gpuPanelLines(view);
    expect(wanted).toBe(3 + 3 + 1);
    const layout = computeLayout({ cols: 80, rows: 24, battery: false, ec2: false, modules: [{ id: 'gpu', lines: wanted }] });
    const placed = layout.modules.find((x) => x.id === 'gpu')!;
    expect(placed.lines).toBeGreaterThanOrEqual(wanted);
    const ctx = { theme, charset: 'ascii' as const, width: placed.rect.width - 2, height: placed.rect.height - 2 };
    const { label, lines } = gpuPanel(m, view, ctx);
    expect(plain(label)).toMatch(/^ GPU 37% 4\.1G\/24G 61°C/);
    const shown = lines.map(plain);
    for (const l of shown) expect(displayWidth(l)).toBe(ctx.width);
    // At 38 columns: the figures first, the name cut where it must be.
    expect(shown[0]).toBe('0 97% 8G/24G 61°C 123W  NVIDIA GeForc~');
    expect(shown[3]).toBe('card1 5% 1G/16G  AMD GPU 0x73bf'.padEnd(ctx.width));
    expect(shown[6]).toBe('1 asleep  NVIDIA GeForce RTX 3050 Lap~');
    // Under each awake GPU, two rows of graph: its utilisation rising to the left, memory to the right.
    expect(shown[1].trim()).not.toBe('');
    expect(shown[2].trim()).not.toBe('');
    expect(shown).toHaveLength(7);
  });

  it('says what each figure is where there is room', () => {
    const m = new Metrics();
    const { lines } = gpuPanel(m, moduleView('gpu', gpuStatus(1, [rtx(0.37, 6)])), { theme, charset: 'ascii', width: 70, height: 3 });
    expect(plain(lines[0]).trimEnd()).toBe('0 util 37% mem 6G/24G 61°C 123W  NVIDIA GeForce RTX 3090');
  });

  it('says why there is nothing, or what the module says, when it has no GPU to draw', () => {
    const ctx = { theme, charset: 'ascii' as const, width: 38, height: 3 };
    const none: ModuleView = { id: 'gpu', state: 'idle', text: '', detail: [], pending: true, available: true, data: null };
    expect(plain(gpuPanel(new Metrics(), none, ctx).lines[0]).trim()).toBe('...');
    const unsampled: ModuleView = {
      ...none,
      pending: false,
      detail: [{ label: 'NVIDIA', value: 'not sampled: no tmux daemon, dashboard or exporter of yours is running nvidia-smi' }],
      data: { gpus: [], nvidia: 'not-sampled' },
    };
    expect(plain(gpuPanel(new Metrics(), unsampled, ctx).lines[0])).toMatch(/^not sampled: no tmux/);
    expect(gpuPanelLines(unsampled)).toBe(1);
  });
});
