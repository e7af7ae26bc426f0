/**
 * `shoji fleet`'s table: columns aligned by display width (wide host names included), numbers
 * to the right, host names and mountpoints with their control characters shown escaped, ASCII
 * only when asked, the state cell painted only when a painter is given, the total last.
 */
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../src/core/width.js';
import { type FleetHost, type FleetSnapshot, hostWithoutFigures, judgeHost, totalOf } from '../../../src/fleet/model.js';
import { fleetTable } from '../../../src/fleet/table.js';

const NOW = 1_700_000_000;
const figures = {
  up: true,
  downSince: null,
  cpuRatio: 0.42,
  memoryRatio: 0.751,
  loadPerCore: 0.5,
  receiveBytesPerSecond: 1536,
  transmitBytesPerSecond: 250,
  fullestDisk: { mountpoint: '/data', ratio: 0.97 },
  costPerHourUsd: 0.109,
  costSinceBootUsd: 2.1,
  exporters: ['shoji' as const],
};
const t = { warning: 85, critical: 95 };

function snapshot(rows: FleetHost[], omitted = 0): FleetSnapshot {
  return { prometheus: 'http://p:9090', at: NOW, match: null, rows, omitted, total: totalOf(rows), requests: 1 };
}

const rows = [
  judgeHost({ ...hostWithoutFigures('gone'), downSince: NOW - 330 }, t),
  judgeHost({ ...figures, host: '東京-1' }, t),
  judgeHost({ ...figures, host: 'evil\x1b]0;x\x07', fullestDisk: { mountpoint: '/mnt/\x1b[2J', ratio: 0.2 }, costPerHourUsd: null, costSinceBootUsd: null }, t),
];

describe('fleet table', () => {
  it('aligns every column by display width and ends with the total', () => {
    const lines = fleetTable(snapshot(rows), { ascii: false }).trimEnd().split('\n');
    expect(lines).toEqual([
      'HOST              STATE    CPU  MEM  LOAD    RX/S    TX/S  DISK                  $/H  SINCE BOOT',
      'gone              down 5m    -    -     -       -       -     -                    -           -',
      '東京-1            up       42%  75%  0.50  1.5K/s  250B/s   97%  /data         $0.11       $2.10',
      'evil\\x1b]0;x\\x07  up       42%  75%  0.50  1.5K/s  250B/s   20%  /mnt/\\x1b[2J      -           -',
      'total: 3 hosts, 2 up, 1 down · $0.11/h · $78.48 per 30 days (1 of 3 hosts)',
    ]);
    // The STATE column starts at the same cell on every row, whatever the host name's width.
    const stateAt = lines.slice(0, 4).map((l) => displayWidth(l.slice(0, l.search(/STATE|down|up /))));
    expect(new Set(stateAt).size).toBe(1);
  });

  it('is ASCII only when asked, host names included', () => {
    const out = fleetTable(snapshot(rows), { ascii: true });
    expect(out).toMatch(/^\?\?-1 +up/m);
    expect(out).toContain('total: 3 hosts, 2 up, 1 down - $0.11/h');
    expect(/^[\x20-\x7e\n]*$/.test(out)).toBe(true);
  });

  it("paints the state cell with the host's state, and nothing else", () => {
    const out = fleetTable(snapshot(rows.slice(0, 2)), { ascii: false, paint: (state, text) => `<${state}>${text}</>` });
    expect(out).toContain('gone    <critical>down 5m</>');
    expect(out).toContain('東京-1  <critical>up     </>');
    expect(out.match(/</g)).toHaveLength(4);
  });

  it('says "1 host", and how many hosts in the cost are down at their last known cost', () => {
    const one = fleetTable(snapshot(rows.slice(1, 2)), { ascii: false });
    expect(one.trimEnd().split('\n').at(-1)).toBe('total: 1 host, 1 up, 0 down · $0.11/h · $78.48 per 30 days (1 of 1 host)');
    const downWithCost = judgeHost({ ...rows[0], costPerHourUsd: 0.2 }, t);
    const out = fleetTable(snapshot([downWithCost, rows[1], rows[2]]), { ascii: false });
    expect(out).toMatch(/^gone +down 5m( +-){6} +\$0\.20 +-$/m);
    expect(out.trimEnd().split('\n').at(-1)).toBe('total: 3 hosts, 2 up, 1 down · $0.31/h · $222 per 30 days (2 of 3 hosts; 1 down, at its last known cost)');
  });

  it('says how many rows were left out', () => {
    expect(fleetTable(snapshot(rows.slice(0, 1), 41), { ascii: false })).toContain('... and 41 more\ntotal:');
  });
});
