/**
 * `shoji fleet`'s table: one row per host, worst first, columns aligned by display width
 * (src/core/width.ts), then the total. Host names and mountpoints come from Prometheus's labels:
 * their control characters are shown escaped, never sent to the terminal.
 */
import type { State } from '../core/contract.js';
import { toAscii } from '../core/locale.js';
import { displayWidth } from '../core/width.js';
import { formatLoad, formatRateOrDash, formatRatio, formatTotalCost, formatUp, formatUsdOrDash, hostCount, outsideText } from './format.js';
import type { FleetHost, FleetSnapshot } from './model.js';

export interface TableOptions {
  /** ASCII only (a locale that is not UTF-8): outside text is made ASCII before it is measured. */
  ascii: boolean;
  /** Paints a host's state cell; absent: plain text (NO_COLOR, not a terminal). */
  paint?: (state: State, text: string) => string;
}

const HEADER = ['HOST', 'STATE', 'CPU', 'MEM', 'LOAD', 'RX/S', 'TX/S', 'DISK', '', '$/H', 'SINCE BOOT'];
/** Columns aligned right: the numbers. */
const RIGHT = new Set([2, 3, 4, 5, 6, 7, 9, 10]);
const STATE_COLUMN = 1;

function cells(h: FleetHost, now: number, text: (s: string) => string): string[] {
  return [
    text(h.host),
    formatUp(h, now),
    formatRatio(h.cpuRatio),
    formatRatio(h.memoryRatio),
    formatLoad(h.loadPerCore),
    formatRateOrDash(h.receiveBytesPerSecond),
    formatRateOrDash(h.transmitBytesPerSecond),
    h.fullestDisk ? formatRatio(h.fullestDisk.ratio) : '-',
    h.fullestDisk ? text(h.fullestDisk.mountpoint) : '',
    formatUsdOrDash(h.costPerHourUsd),
    formatUsdOrDash(h.costSinceBootUsd),
  ];
}

/** The table, the "and N more" line and the total, each line ending in a newline. */
export function fleetTable(s: FleetSnapshot, o: TableOptions): string {
  const text = outsideText(o.ascii);
  const rows = [HEADER, ...s.rows.map((h) => cells(h, s.at, text))];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]))));
  const lines = rows.map((r, n) => {
    const padded = r.map((cell, i) => {
      const pad = ' '.repeat(widths[i] - displayWidth(cell));
      const aligned = RIGHT.has(i) ? pad + cell : cell + pad;
      const host = n > 0 ? s.rows[n - 1] : undefined;
      return i === STATE_COLUMN && host && o.paint ? o.paint(host.state, aligned) : aligned;
    });
    return padded.join('  ').trimEnd();
  });
  if (s.omitted > 0) lines.push(`... and ${s.omitted} more`);
  const t = s.total;
  const cost = formatTotalCost(t);
  lines.push(`total: ${hostCount(t.hosts)}, ${t.hostsUp} up, ${t.hostsDown} down${cost === null ? '' : ` · ${cost}`}`);
  return `${lines.map((l) => (o.ascii ? toAscii(l) : l)).join('\n')}\n`;
}
