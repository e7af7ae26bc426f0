/**
 * The dashboard's fleet page as pure functions: the rows as `shoji fleet` shows them with
 * sparklines from a FleetHistory, each sort and the header's mark, columns dropped by priority
 * on narrow terminals, ASCII only under LANG=C, the error line over the last good rows, a
 * host's detail, and the page that says how to configure the fleet module.
 */
import { describe, expect, it } from 'vitest';
import { type DrawState, loadTheme } from '../../../src/core/theme.js';
import { displayWidth } from '../../../src/core/width.js';
import {
  type FleetListInput,
  fitColumns,
  fleetDetailPanel,
  fleetListPanel,
  fleetSetupPanel,
  HOST_MIN,
  listRoom,
  resample,
  SPARK_MIN,
  scrollOffset,
  sortHosts,
  sparkline,
} from '../../../src/dashboard/fleet.js';
import type { Charset } from '../../../src/dashboard/graph.js';
import { type PanelCtx, st } from '../../../src/dashboard/text.js';
import { blessedStyled } from '../../../src/render/blessed.js';
import { type FleetFigures, type FleetHistory, type FleetHost, type FleetSnapshot, hostWithoutFigures, judgeHost, totalOf } from '../../../src/fleet/model.js';
import { fleetTable } from '../../../src/fleet/table.js';

const NOW = 1_700_000_000;
const T = { warning: 85, critical: 95 };
const theme = loadTheme('default', '/nonexistent', {});
const ctx = (width: number, height = 12, charset: Charset = 'block'): PanelCtx => ({ theme, charset, width, height });
/** Text as a cell in a state's colour is tagged. */
const painted = (text: string, state: DrawState) => blessedStyled(text, st(theme, state));
/** A content line as the terminal shows it: blessed's style tags removed. */
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');

const up: FleetFigures = {
  host: 'web-1',
  up: true,
  downSince: null,
  cpuRatio: 0.42,
  memoryRatio: 0.75,
  loadPerCore: 0.5,
  receiveBytesPerSecond: 307200,
  transmitBytesPerSecond: 153600,
  fullestDisk: { mountpoint: '/', ratio: 0.4 },
  costPerHourUsd: 0.109,
  costSinceBootUsd: 2.1,
  exporters: ['shoji'],
};
const HOSTS: FleetHost[] = [
  judgeHost(up, T),
  judgeHost(
    { ...up, host: 'db-1', cpuRatio: 0.9, memoryRatio: 0.25, fullestDisk: { mountpoint: '/data', ratio: 0.97 }, costPerHourUsd: null, costSinceBootUsd: null },
    T,
  ),
  judgeHost({ ...hostWithoutFigures('gone-1'), downSince: NOW - 330 }, T),
  judgeHost({ ...up, host: 'app-1', cpuRatio: 0.05, memoryRatio: 0.5, costPerHourUsd: 0.5, costSinceBootUsd: 30 }, T),
];

function snapshot(rows: FleetHost[] = HOSTS, omitted = 0): FleetSnapshot {
  return { prometheus: 'http://prom:9090', at: NOW - 3, match: null, rows, omitted, total: totalOf(rows), requests: 1 };
}

/** 0 to 1 in steps, for a host's CPU; the same for memory at half; network rising. */
function history(hosts: string[], points = 61): FleetHistory {
  const times = Array.from({ length: points }, (_, i) => NOW - 900 + i * 15);
  const series = (f: (i: number) => number | null) => Object.fromEntries(hosts.map((h) => [h, times.map((_, i) => f(i))]));
  return {
    times,
    stepSeconds: 15,
    cpuRatio: series((i) => i / (points - 1)),
    memoryRatio: series(() => 0.5),
    receiveBytesPerSecond: series((i) => i * 100),
    transmitBytesPerSecond: series(() => null),
    requests: 4,
  };
}

function input(over: Partial<FleetListInput> = {}): FleetListInput {
  return {
    snapshot: snapshot(),
    history: null,
    error: null,
    prometheus: 'http://prom:9090',
    sort: 'worst',
    selected: 0,
    offset: 0,
    thresholds: T,
    nowSeconds: NOW,
    ascii: false,
    ...over,
  };
}

/** The panel's lines as shown, trailing blanks cut. */
const shown = (i: FleetListInput, c = ctx(160)) => fleetListPanel(i, c).lines.map((l) => plain(l).trimEnd());
/** A row's words, sparklines (blocks, braille, ascii dots and bars) left out. */
const words = (row: string) =>
  row
    .replace(/[▁-█⠀-⣿]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
const rowOf = (lines: string[], host: string) => lines.find((l) => l.startsWith(`${host} `))!;

describe('fleet page rows', () => {
  it('shows every host as shoji fleet does, worst first, and the total on the last line', () => {
    const lines = shown(input());
    expect(words(lines[0])).toEqual(['HOST', 'STATE*', 'CPU', 'MEM', 'LOAD', 'RX/S', 'TX/S', 'NET', 'DISK', '$/H', 'SINCE', 'BOOT']);
    expect(lines.slice(1, 5).map((l) => l.split(' ')[0])).toEqual(['gone-1', 'db-1', 'web-1', 'app-1']);
    expect(words(rowOf(lines, 'gone-1'))).toEqual(['gone-1', 'down', '5m', '-', '-', '-', '-', '-', '-', '-', '-']);
    expect(words(rowOf(lines, 'db-1'))).toEqual(['db-1', 'up', '90%', '25%', '0.50', '300K/s', '150K/s', '97%', '/data', '-', '-']);
    expect(words(rowOf(lines, 'web-1'))).toEqual(['web-1', 'up', '42%', '75%', '0.50', '300K/s', '150K/s', '40%', '/', '$0.11', '$2.10']);
    expect(lines[lines.length - 1]).toBe('total: 4 hosts, 3 up, 1 down · $0.61/h · $438 per 30 days (2 of 4 hosts)');
    expect(lines).toHaveLength(12);
  });

  it("colours each state with the theme's colour for it, and highlights the selected row", () => {
    const tagged = fleetListPanel(input({ selected: 2 }), ctx(160)).lines;
    // gone-1 is down (critical); db-1's disk is over critical, its CPU over warning.
    expect(tagged[1]).toContain(painted('down 5m', 'critical'));
    expect(tagged[2]).toContain(painted(' 90%', 'warning'));
    expect(tagged[2]).toContain(painted(' 97%', 'critical'));
    expect(tagged[4]).toContain(painted('up     ', 'good'));
    // Only the selected row (web-1) is drawn in reverse.
    expect(tagged.map((l) => l.includes('inverse'))).toEqual(tagged.map((_, i) => i === 3));
  });

  it('scrolls: rows from the offset, as many as fit above the total', () => {
    const lines = shown(input({ offset: 2, selected: 3 }), ctx(160, 4));
    expect(listRoom({ height: 4 }, false)).toBe(2);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['HOST', 'web-1', 'app-1', 'total:']);
    expect(scrollOffset(0, 2, 2, 4)).toBe(0);
    expect(scrollOffset(3, 0, 2, 4)).toBe(2);
    expect(scrollOffset(1, 3, 2, 4)).toBe(1);
    expect(scrollOffset(0, 9, 10, 4)).toBe(0);
  });

  it('says so when Prometheus has no targets, or none matches', () => {
    expect(shown(input({ snapshot: snapshot([]) }))[0]).toBe('Prometheus has no scrape targets (http://prom:9090)');
    const none = fleetListPanel(input({ snapshot: { ...snapshot([]), match: '{env="prod"}' } }), ctx(160)).lines[0];
    expect(none).toContain(blessedStyled('no target of Prometheus matches {env="prod"} (http://prom:9090)', st(theme, 'idle')));
  });

  it("says what shoji fleet's total says: every host costed, one host, and a down host counted at its last cost", () => {
    const total = (rows: FleetHost[]) => {
      const line = shown(input({ snapshot: snapshot(rows) })).at(-1);
      expect(line, 'the table of shoji fleet').toBe(fleetTable(snapshot(rows), { ascii: false }).trimEnd().split('\n').at(-1));
      return line;
    };
    const costed = HOSTS.filter((h) => h.costPerHourUsd !== null);
    expect(total(costed)).toBe('total: 2 hosts, 2 up, 0 down · $0.61/h · $438 per 30 days (2 of 2 hosts)');
    expect(total(costed.slice(0, 1))).toBe('total: 1 host, 1 up, 0 down · $0.11/h · $78.48 per 30 days (1 of 1 host)');
    expect(total(HOSTS.slice(1, 2))).toBe('total: 1 host, 1 up, 0 down');
    // A stopped EC2 host still billed: counted at its last estimate, as the table says.
    const paid = judgeHost({ ...hostWithoutFigures('paid-1'), downSince: NOW - 60, costPerHourUsd: 0.2 }, T);
    expect(total([...HOSTS, paid])).toBe('total: 5 hosts, 3 up, 2 down · $0.81/h · $582 per 30 days (3 of 5 hosts; 1 down, at its last known cost)');
    const paid2 = { ...paid, host: 'paid-2' };
    expect(total([paid, paid2])).toBe('total: 2 hosts, 0 up, 2 down · $0.40/h · $288 per 30 days (2 of 2 hosts; 2 down, at their last known cost)');
  });

  it('counts the rows left out past the cap in the total', () => {
    expect(shown(input({ snapshot: snapshot(HOSTS.slice(0, 1), 7) })).at(-1)).toMatch(/· 7 more not shown$/);
  });
});

describe('fleet page sort', () => {
  const order = (sort: Parameters<typeof sortHosts>[1]) => sortHosts(HOSTS, sort).map((h) => h.host);

  it('worst, name, CPU, memory and cost; hosts without the figure last', () => {
    expect(order('worst')).toEqual(['gone-1', 'db-1', 'web-1', 'app-1']);
    expect(order('name')).toEqual(['app-1', 'db-1', 'gone-1', 'web-1']);
    expect(order('cpu')).toEqual(['db-1', 'web-1', 'app-1', 'gone-1']);
    expect(order('memory')).toEqual(['web-1', 'app-1', 'db-1', 'gone-1']);
    expect(order('cost')).toEqual(['app-1', 'web-1', 'gone-1', 'db-1']);
  });

  it('marks the sort column in the header, and the rows follow it', () => {
    for (const [sort, title] of [
      ['worst', 'STATE*'],
      ['name', 'HOST*'],
      ['cpu', 'CPU*'],
      ['memory', 'MEM*'],
      ['cost', '$/H*'],
    ] as const) {
      const lines = shown(input({ sort }));
      expect(
        words(lines[0]).filter((w) => w.endsWith('*')),
        sort,
      ).toEqual([title]);
      expect(
        lines.slice(1, 5).map((l) => l.split(' ')[0]),
        sort,
      ).toEqual(order(sort));
    }
  });
});

describe('fleet page widths', () => {
  it('fits 80 columns (78 inside the border): the least needed columns go first', () => {
    const lines = shown(input({ history: history(['web-1']) }), ctx(78));
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(78);
    expect(words(lines[0])).toEqual(['HOST', 'STATE*', 'CPU', 'MEM', 'LOAD', 'RX/S', 'TX/S', 'DISK', '$/H']);
    expect(words(rowOf(lines, 'web-1'))).toEqual(['web-1', 'up', '42%', '75%', '0.50', '300K/s', '150K/s', '40%', '$0.11']);
  });

  it('drops columns one by one by priority, never the host, its state, CPU or memory', () => {
    const seen: string[][] = [];
    for (let width = 160; width >= 26; width--) {
      const lines = shown(input(), ctx(width));
      for (const l of lines.slice(0, -1)) expect(displayWidth(l), `${width}: ${l}`).toBeLessThanOrEqual(width);
      const header = words(lines[0]).join(' ');
      if (seen.at(-1)?.join(' ') !== header) seen.push(words(lines[0]));
    }
    expect(seen.map((h) => h.join(' '))).toEqual([
      'HOST STATE* CPU MEM LOAD RX/S TX/S NET DISK $/H SINCE BOOT',
      'HOST STATE* CPU MEM LOAD RX/S TX/S NET DISK $/H',
      'HOST STATE* CPU MEM LOAD RX/S TX/S DISK $/H',
      'HOST STATE* CPU MEM LOAD RX/S DISK $/H',
      'HOST STATE* CPU MEM LOAD DISK $/H',
      'HOST STATE* CPU MEM DISK $/H',
      'HOST STATE* CPU MEM $/H',
      'HOST STATE* CPU MEM',
    ]);
  });

  it('shrinks a long host name (cut with ~) before it drops a column, and widens sparklines when there is room', () => {
    const natural = new Map([
      ['host', 40],
      ['state', 6],
      ['cpu', 4],
      ['memory', 4],
      ['load', 5],
      ['rx', 6],
      ['tx', 6],
      ['disk', 5],
      ['mount', 5],
      ['cost', 6],
      ['boot', 10],
    ]);
    const narrow = fitColumns(natural, 100);
    expect(narrow.find((c) => c.id === 'host')!.width).toBe(HOST_MIN);
    const wide = fitColumns(natural, 300);
    expect(wide.find((c) => c.id === 'host')!.width).toBe(40);
    expect(wide.filter((c) => c.id.endsWith('-history')).map((c) => c.width)).toEqual([20, 20, 20]);
    expect(
      fitColumns(natural, 150)
        .filter((c) => c.id.endsWith('-history'))
        .every((c) => c.width >= SPARK_MIN),
    ).toBe(true);
    const long = { ...HOSTS[1], host: 'a-very-long-host-name.eu-west-1.compute.internal' };
    const row = shown(input({ snapshot: snapshot([long]) }), ctx(78))[1];
    expect(row.startsWith(`${long.host.slice(0, HOST_MIN - 1)}~ `)).toBe(true);
  });
});

describe('fleet page under LANG=C', () => {
  it('draws only ASCII: host names, mountpoints, the total and the sparklines', () => {
    const hosts = [judgeHost({ ...up, host: '東京-1', fullestDisk: { mountpoint: '/mnt/données', ratio: 0.5 } }, T), HOSTS[2]];
    for (const width of [78, 160]) {
      const panel = fleetListPanel(
        input({ snapshot: snapshot(hosts), history: history(['東京-1']), ascii: true, error: 'Prometheus http://p: « refused »' }),
        ctx(width, 12, 'ascii'),
      );
      for (const l of [panel.label, ...panel.lines]) expect(plain(l)).toMatch(/^[\x20-\x7e]*$/);
      const lines = panel.lines.map(plain);
      expect(lines.find((l) => l.startsWith('??-1'))).toBeDefined();
      if (width === 160) expect(lines.join('\n')).toContain('/mnt/donn?es');
      expect(lines.at(-1)).toContain('1 down - $0.11/h - $78.48 per 30 days');
    }
  });

  it("shows a host name's control characters escaped, never raw", () => {
    const evil = judgeHost({ ...up, host: 'evil\x1b]0;x\x07' }, T);
    const row = shown(input({ snapshot: snapshot([evil]) }))[1];
    expect(row.startsWith('evil\\x1b]0;x\\x07 ')).toBe(true);
    expect(row).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('fleet page errors', () => {
  const error = 'Prometheus http://prom:9090: no answer within 4 s';

  it('keeps the last good rows under a one-line error, and says how old they are', () => {
    const panel = fleetListPanel(input({ error, nowSeconds: NOW + 42 }), ctx(78));
    const lines = panel.lines.map((l) => plain(l).trimEnd());
    expect(lines[0]).toBe(`! ${error}`);
    expect(panel.lines[0]).toContain(painted(`! ${error}`, 'failed'));
    expect(lines[1]).toMatch(/^HOST +STATE\*/);
    expect(lines.slice(2, 6).map((l) => l.split(' ')[0])).toEqual(['gone-1', 'db-1', 'web-1', 'app-1']);
    expect(plain(panel.label)).toMatch(/Fleet 3\/4 up · by worst \(s\) · read 45s ago/);
    expect(listRoom({ height: 12 }, true)).toBe(9);
  });

  it('before any answer: the error, or that it is reading', () => {
    expect(shown(input({ snapshot: null, error }))).toEqual([`! ${error}`, 'no answer from Prometheus yet']);
    expect(shown(input({ snapshot: null }))).toEqual(['reading the fleet from http://prom:9090...']);
  });

  it('cuts a long error to one line', () => {
    const lines = fleetListPanel(input({ error: `Prometheus http://prom:9090: ${'x'.repeat(300)}` }), ctx(78)).lines;
    expect(plain(lines[0])).toHaveLength(78);
    expect(plain(lines[0]).endsWith('~')).toBe(true);
    expect(plain(lines[1])).toMatch(/^HOST/);
  });
});

describe('sparklines from a FleetHistory', () => {
  it("draw each host's CPU, memory and network over the whole range in its row", () => {
    const lines = shown(input({ snapshot: snapshot([HOSTS[0]]), history: history(['web-1']) }), ctx(160, 4, 'block'));
    const row = lines[1];
    // CPU rising from 0 to 100% over 8 or more cells, memory flat at half, network rising.
    const cpu = /42% (\S+)/.exec(row)![1];
    expect(cpu.length).toBeGreaterThanOrEqual(SPARK_MIN);
    expect(cpu.at(-1)).toBe('█');
    expect([...cpu]).toEqual([...cpu].sort());
    expect(/75% (\S+)/.exec(row)![1]).toMatch(/^▄+$/);
    expect(/150K\/s +(\S+)/.exec(row)![1].at(-1)).toBe('█');
  });

  it('leave a host without history blank', () => {
    const row = shown(input({ snapshot: snapshot([HOSTS[0]]), history: history(['someone-else']) }), ctx(160, 4))[1];
    expect(row).not.toMatch(/[▁-█]/);
  });

  it('are the series resampled to the width: means of the points in each cell, or the point under it', () => {
    expect(resample([0, 1, 2, 3], 2)).toEqual([0.5, 2.5]);
    expect(resample([0, null, 2, 3], 2)).toEqual([0, 2.5]);
    expect(resample([null, null], 1)).toEqual([null]);
    expect(resample([1, 2], 4)).toEqual([1, 1, 2, 2]);
    expect(resample([], 2)).toEqual([null, null]);
    expect(sparkline([0, 0.5, 1], 3, 1, 'block')).toBe(' ▄█');
    expect(sparkline([0, 0.5, 1], 3, 1, 'ascii')).toBe(' .|');
    expect(sparkline([0, 5, 10], 3, 0, 'block')).toBe(' ▄█'); // scale 0: the series' own peak
    expect(sparkline(undefined, 3, 1, 'block')).toBe('   ');
  });
});

describe("a host's detail", () => {
  const detail = (over: Partial<Parameters<typeof fleetDetailPanel>[0]> = {}, c = ctx(78, 21, 'block')) =>
    fleetDetailPanel(
      { host: 'web-1', row: HOSTS[0], history: history(['web-1']), error: null, at: NOW - 3, thresholds: T, nowSeconds: NOW, ascii: false, ...over },
      c,
    );

  it('shows its figures and its CPU, memory and network history as graphs filling the panel', () => {
    const panel = detail();
    const lines = panel.lines.map((l) => plain(l).trimEnd());
    expect(plain(panel.label)).toBe(' web-1 up ');
    expect(lines[0]).toBe('State up   exporters: shoji exporter, read 3s ago');
    expect(words(lines[1])).toEqual(['CPU', '42%', 'Memory', '75%', 'Load/core', '0.50', 'Disk', '40%', '/']);
    expect(lines[2]).toBe('Received 300K/s   Sent 150K/s   EC2 estimate $0.11/h, $2.10 since boot');
    expect(lines.filter((l) => /^(CPU|Memory|Received|Sent) (now|no history)/.test(l))).toEqual([
      'CPU now 42%, peak 100%, last 15m',
      'Memory now 75%, peak 50%, last 15m',
      'Received now 300K/s, peak 5.9K/s, last 15m',
      'Sent no history',
    ]);
    expect(panel.lines).toHaveLength(21);
    // Four graphs of 3 or 4 rows under the three lines of figures; CPU's last column full.
    const cpuRows = lines.slice(4, 8);
    expect(cpuRows.map((r) => r.at(-1))).toEqual(['█', '█', '█', '█']);
    expect(lines[8]).toMatch(/^Memory now/);
    for (const l of panel.lines) expect(displayWidth(plain(l))).toBe(78);
  });

  it('says when its history is on its way, or when the host has left the fleet', () => {
    expect(plain(detail({ history: null }).lines[3])).toMatch(/^CPU reading its history\.\.\./);
    const gone = detail({ row: null }).lines.map((l) => plain(l).trimEnd());
    expect(gone[0]).toBe('web-1 is no longer among the hosts Prometheus scrapes');
  });

  it('shows the error over the figures, and only ASCII under LANG=C', () => {
    const panel = detail({ error: 'Prometheus http://p: refused', ascii: true, host: '東京-1', row: { ...HOSTS[0], host: '東京-1' } }, ctx(78, 21, 'ascii'));
    expect(plain(panel.lines[0]).trimEnd()).toBe('! Prometheus http://p: refused');
    for (const l of [panel.label, ...panel.lines]) expect(plain(l)).toMatch(/^[\x20-\x7e]*$/);
  });

  it('drops graphs that have no room', () => {
    const lines = detail({}, ctx(78, 7)).lines.map(plain);
    expect(lines.filter((l) => /^(CPU|Memory|Received|Sent) now/.test(l))).toHaveLength(2);
  });
});

describe('no Prometheus configured', () => {
  it('says how to give the fleet module one', () => {
    const text = fleetSetupPanel('unset', ctx(78, 21)).lines.map((l) => plain(l).trimEnd());
    expect(text).toContain('    fleet:');
    expect(text).toContain('      prometheus: http://prometheus.example:9090');
    expect(text.join('\n')).toContain('docs/fleet.md');
    expect(fleetSetupPanel('disabled', ctx(78, 21)).lines.map(plain)[0]).toMatch(/modules\.fleet\.enabled: false/);
  });
});
