/**
 * The network, disk, memory and temperature panels as a person reads them without colour: under
 * NO_COLOR (the monochrome theme) the style tags carry nothing, so every test here reads the
 * plain text only. Receive and send (read and write) must be told apart by their labels and by
 * where they are drawn: receive above the shared axis, send hanging below it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newStatus, type ModuleStatus } from '../../../src/core/scheduler.js';
import { loadTheme } from '../../../src/core/theme.js';
import { displayWidth } from '../../../src/core/width.js';
import type { Charset } from '../../../src/dashboard/graph.js';
import { Metrics, moduleView, readCache } from '../../../src/dashboard/model.js';
import { cpuPanel, diskPanel, memoryPanel, networkPanel, temperatureLines, temperaturePanel } from '../../../src/dashboard/panels.js';

const GIB = 1024 ** 3;
/** The theme NO_COLOR gives, whatever theme is asked for. */
const theme = loadTheme('default', '/nonexistent', { NO_COLOR: '1' });
const ctx = (width: number, height: number, charset: Charset = 'braille') => ({ theme, charset, width, height });
/** A content line as the terminal shows it: blessed's style tags removed. */
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');
const ARROWS = { rx: '', tx: '' };
/** Cells that draw something: braille dots, blocks or ASCII marks. */
const MARKS = /[\u2801-\u28ff\u2580-\u259f.'|]/;

function status(id: string, patch: Partial<ModuleStatus>): ModuleStatus {
  return { ...newStatus(id), available: true, hasValue: true, reading: { text: '', state: 'good' }, ...patch };
}

/** Metrics that took in `samples` network readings a second apart (wall ms as the scheduler records them). */
function network(samples: { rx: number; tx: number }[]): Metrics {
  const m = new Metrics();
  for (const [i, s] of samples.entries()) {
    m.update(new Map([['network', status('network', { lastOkWall: 1_000 * (i + 1), data: { perInterface: [{ name: 'eth0', ...s }] } })]]));
  }
  return m;
}

/** The graph rows under the interface's line, plain, with the labels' text blanked out. */
const graphRows = (lines: string[]) => lines.slice(1).map((l) => plain(l).replace(/^(rx|tx|read|write) peak \S+( · \d+[smh])? /, ''));

describe('network: both directions in one labelled graph', () => {
  const view = moduleView('network', status('network', {}));

  it('receive rises above the axis and send hangs below it, each labelled with its peak; the top label says the span', () => {
    const m = network(Array.from({ length: 10 }, () => ({ rx: 2048, tx: 0 })));
    const { lines } = networkPanel(m, view, ctx(40, 7), ARROWS);
    const text = lines.map(plain);
    expect(text).toHaveLength(7);
    expect(text[0]).toMatch(/^eth0 rx 2K\/s {2}tx 0B\/s/);
    // 6 graph rows: 3 for rx, 3 for tx. 40 cells of braille are 80 samples, a second apart.
    expect(text[1]).toMatch(/^rx peak 2K\/s · 80s /);
    expect(text[6]).toMatch(/^tx peak 0B\/s /);
    const rows = graphRows(lines);
    expect(rows.slice(0, 3).every((r) => MARKS.test(r))).toBe(true);
    expect(rows.slice(3).some((r) => MARKS.test(r))).toBe(false);
    for (const l of text) expect(displayWidth(l)).toBe(40);
  });

  it('send only: the marks are below the axis, so the two pictures differ without colour', () => {
    const m = network(Array.from({ length: 10 }, () => ({ rx: 0, tx: 4096 })));
    const rows = graphRows(networkPanel(m, view, ctx(40, 7), ARROWS).lines);
    expect(rows.slice(0, 3).some((r) => MARKS.test(r))).toBe(false);
    expect(rows.slice(3).every((r) => MARKS.test(r))).toBe(true);
    // Hanging from the axis: the row next to it is full, the outer one only where the bar reaches.
    expect(rows[3]).toMatch(/⣿/);
  });

  it('each direction on its own scale: a busy download does not flatten the uploads', () => {
    const m = network(Array.from({ length: 10 }, () => ({ rx: 100 * 1024 * 1024, tx: 1024 })));
    const text = networkPanel(m, view, ctx(40, 7), ARROWS).lines.map(plain);
    expect(text[1]).toMatch(/^rx peak 100M\/s/);
    expect(text[6]).toMatch(/^tx peak 1K\/s/);
    expect(graphRows(networkPanel(m, view, ctx(40, 7), ARROWS).lines)[5]).toMatch(/⣿/);
  });

  it('at 80x24 (a 38x4 box) the labels still fit; ASCII under a locale without UTF-8', () => {
    const m = network(Array.from({ length: 5 }, () => ({ rx: 1500, tx: 700 })));
    const small = networkPanel(m, view, ctx(38, 4), ARROWS).lines.map(plain);
    expect(small[1]).toMatch(/^rx peak 1\.5K\/s · 76s/);
    expect(small[3]).toMatch(/^tx peak 700B\/s/);
    const ascii = networkPanel(m, view, ctx(38, 4, 'ascii'), ARROWS).lines.map(plain);
    expect(ascii.join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
    expect(ascii[1]).toMatch(/^rx peak 1\.5K\/s, 38s/);
    expect(ascii[3]).toMatch(/^tx peak 700B\/s +'*\|+$/);
  });
});

describe('the CPU graph says its scale and span', () => {
  it('"total of 100%" and the time the width spans, over the oldest samples', () => {
    const m = new Metrics();
    for (let i = 1; i <= 3; i++) m.update(new Map([['cpu', status('cpu', { lastOkWall: 500 * i, data: { total: 0.5, cores: [0.5, 0.5] } })]]));
    const text = cpuPanel(m, moduleView('cpu', status('cpu', {})), moduleView('load', status('load', {})), ctx(38, 5)).lines.map(plain);
    // Samples half a second apart: 76 across 38 cells of braille are 38 s.
    // Two graph rows under the two cores' bars: half of 100% fills the lower one.
    expect(text[2]).toMatch(/^total of 100% · 38s +$/);
    expect(text[3]).toMatch(/^ +⢸⣿$/);
  });
});

describe('disk I/O: read above, write below', () => {
  it('labels read and write with their peaks, in one graph', () => {
    const m = new Metrics();
    for (let i = 1; i <= 4; i++) m.update(new Map([['diskio', status('diskio', { lastOkWall: 2_000 * i, data: { read: 0, write: 3 * 1024 * 1024 } })]]));
    const disk = moduleView('disk', status('disk', { data: { mounts: [{ mount: '/', used: 10 * GIB, total: 100 * GIB, ratio: 0.1 }] } }));
    const text = diskPanel(m, disk, moduleView('diskio', status('diskio', {})), ctx(38, 4)).lines.map(plain);
    expect(text[0]).toMatch(/^\/ +█+/);
    expect(text[1]).toMatch(/^I\/O {2}read 0B\/s {2}write 3M\/s/);
    // Samples 2 s apart: 76 samples span 152 s.
    expect(text[2]).toMatch(/^read peak 0B\/s · 3m +$/);
    expect(text[3]).toMatch(/^write peak 3M\/s +⣿+$/);
  });
});

describe('memory: used, buff/cache and available', () => {
  const mem = (data: Record<string, unknown>) => moduleView('memory', status('memory', { lastOkWall: 1, data }));
  const noSwap = moduleView('swap', { ...status('swap', {}), reading: null, data: undefined, hasValue: true });
  let dir = '';
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  function metrics(data: Record<string, unknown>, meminfo?: string): Metrics {
    dir = dir || mkdtempSync(join(tmpdir(), 'shoji-meminfo-'));
    const procRoot = mkdtempSync(join(dir, 'proc-'));
    if (meminfo) writeFileSync(join(procRoot, 'meminfo'), meminfo);
    const m = new Metrics({ procRoot });
    m.update(new Map([['memory', status('memory', { lastOkWall: 1, data })]]));
    return m;
  }
  const host = { total: 16 * GIB, used: 4 * GIB, available: 12 * GIB, ratio: 0.25, cgroup: false };
  // 16 GiB, 6 GiB of it page cache and buffers (free(1)'s buff/cache: Buffers + Cached + SReclaimable).
  const MEMINFO =
    'MemTotal:       16777216 kB\nMemFree:         6291456 kB\nMemAvailable:   12582912 kB\nBuffers:          524288 kB\nCached:          5242880 kB\nSReclaimable:     524288 kB\n';

  it('reads the cache from meminfo: Buffers + Cached + SReclaimable; nothing without the file', () => {
    const m = metrics(host, MEMINFO);
    expect(m.memory).toEqual({ total: 16 * GIB, used: 4 * GIB, available: 12 * GIB, cache: 6 * GIB, cgroup: false });
    expect(readCache('/nonexistent')).toBeNull();
  });

  it('one bar of used, cache and free with a glyph each, and a line per figure naming it', () => {
    const m = metrics(host, MEMINFO);
    const text = memoryPanel(m, mem(host), noSwap, ctx(40, 9)).lines.map(plain);
    // 40 - "Mem  " - " 4G/16G 25%" = 24 cells: a quarter used (6), used and cache 10/16 (15), the rest free.
    expect(text[0]).toBe(`Mem  ${'█'.repeat(6)}${'░'.repeat(9)}${'⣀'.repeat(9)} 4G/16G 25%`);
    expect(text[1]).toMatch(/^█ used +4G +25% +$/);
    expect(text[2]).toMatch(/^░ buff\/cache +6G +38% +$/);
    expect(text[3]).toMatch(/^⣀ available +12G +75% +$/);
    expect(text[4]).toMatch(/^Swap none/);
    expect(text[5]).toMatch(/^used of 100%/);
  });

  it('in a small box (80x24) the figures go two to a line; in ASCII the glyphs are ASCII', () => {
    const m = metrics(host, MEMINFO);
    const text = memoryPanel(m, mem(host), noSwap, ctx(38, 5)).lines.map(plain);
    expect(text).toHaveLength(5);
    expect(text[1]).toMatch(/^█ used 4G 25% {2}░ buff\/cache 6G 38%/);
    expect(text[2]).toMatch(/^⣀ available 12G 75%/);
    const ascii = memoryPanel(m, mem(host), noSwap, ctx(38, 5, 'ascii')).lines.map(plain);
    expect(ascii.join('\n')).toMatch(/^[\x20-\x7e\n]*$/);
    expect(ascii[0]).toMatch(/^Mem {2}\|+:+\.+ 4G\/16G 25%$/);
  });

  it('inside a container: the cgroup limit, and no host page cache passed off as the group’s', () => {
    const group = { total: 2 * GIB, used: GIB / 2, available: 1.5 * GIB, ratio: 0.25, cgroup: true };
    const m = metrics(group, MEMINFO);
    expect(m.memory?.cache).toBeNull();
    const text = memoryPanel(m, mem(group), noSwap, ctx(40, 9)).lines.map(plain);
    expect(text[0]).toMatch(/^Mem {2}█+⣀+ 512M\/2G 25%$/);
    expect(text.join('\n')).not.toMatch(/buff\/cache/);
    expect(text.join('\n')).toMatch(/\n {2}cgroup limit +2G +\n/);
  });
});

describe('temperature: the hottest sensors with their history', () => {
  const sensors = [
    { id: 'coretemp/Core 1', celsius: 88, highCelsius: 84, criticalCelsius: 100 },
    { id: 'coretemp/Package id 0', celsius: 67 },
    { id: 'nvme/Composite', celsius: 41 },
    { id: 'acpitz', celsius: 30 },
  ];
  const take = (m: Metrics, at: number, list = sensors) =>
    m.update(
      new Map([
        [
          'temperature',
          status('temperature', { lastOkWall: at, data: list.length > 0 ? { sensor: list[0].id, celsius: list[0].celsius, sensors: list } : null }),
        ],
      ]),
    );
  const view = moduleView('temperature', status('temperature', {}));

  it('none: no panel wanted', () => {
    const m = new Metrics();
    expect(temperatureLines(m, 24)).toBe(0);
    take(m, 1, []);
    expect(temperatureLines(m, 24)).toBe(0);
  });

  it('a line per sensor, hottest first, each with its value and history, under a label naming the scale and span', () => {
    const m = new Metrics();
    for (let i = 1; i <= 3; i++) take(m, 5_000 * i);
    expect(temperatureLines(m, 24)).toBe(3);
    expect(temperatureLines(m, 48)).toBe(4);
    const { label, lines } = temperaturePanel(m, view, ctx(38, 3));
    expect(plain(label)).toMatch(/Temperature 88°C {2}20-100°C · \d+m/);
    const text = lines.map(plain);
    expect(text).toHaveLength(3);
    expect(text[0]).toMatch(/^coretemp\/Core 1 +88°C +[⡀-⣿]+$/);
    // Too long for its field: the chip goes, not the end of the label.
    expect(text[1]).toMatch(/^Package id 0 +67°C/);
    expect(text.join('\n')).not.toMatch(/~/);
    // Wide enough, every id whole.
    expect(plain(temperaturePanel(m, view, ctx(60, 3)).lines[1])).toMatch(/^coretemp\/Package id 0 +67°C/);
    expect(text[2]).toMatch(/^nvme\/Composite +41°C/);
    for (const l of text) expect(displayWidth(l)).toBe(38);
    const ascii = temperaturePanel(m, view, ctx(38, 3, 'ascii'));
    expect(`${plain(ascii.label)}\n${ascii.lines.map(plain).join('\n')}`).toMatch(/^[\x20-\x7e\n]*$/);
    expect(plain(ascii.lines[0])).toMatch(/88C/);
  });
});
