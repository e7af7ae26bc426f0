/** How the fleet's figures are written, in the table and on the status line alike. */
import { toAscii } from '../core/locale.js';
import { formatDuration, formatPercent, formatRate } from '../core/units.js';
import { escapeControl } from '../render/sanitize.js';
import type { FleetHost, FleetTotal } from './model.js';

/** "1 host", "2 hosts". */
export function hostCount(n: number): string {
  return `${n} host${n === 1 ? '' : 's'}`;
}

/**
 * How many hosts a cost covers, "2 of 4 hosts" (or "2 hosts"), and how many of them are down and
 * counted at their last known cost: "2 of 4 hosts; 1 down, at its last known cost".
 */
export function costCoverage(t: Pick<FleetTotal, 'hosts' | 'hostsWithCost' | 'hostsDownWithCost'>, ofAll = true): string {
  const covered = ofAll ? `${t.hostsWithCost} of ${hostCount(t.hosts)}` : hostCount(t.hostsWithCost);
  const down = t.hostsDownWithCost;
  return down === 0 ? covered : `${covered}; ${down} down, at ${down === 1 ? 'its' : 'their'} last known cost`;
}

/** $4.21, $0.012 under a cent's tenth... enough digits for a small instance's hourly price. */
export function formatUsd(usd: number): string {
  return `$${usd >= 100 ? usd.toFixed(0) : usd >= 0.1 ? usd.toFixed(2) : usd.toFixed(3)}`;
}

export function formatUsdOrDash(usd: number | null): string {
  return usd === null ? '-' : formatUsd(usd);
}

/**
 * The total's cost, "$0.31/h · $223 per 30 days (2 of 6 hosts)", as `shoji fleet` and the
 * dashboard's fleet page end their tables with it; null when no host publishes a cost.
 */
export function formatTotalCost(t: FleetTotal): string | null {
  if (t.costPerHourUsd === null) return null;
  return `${formatUsd(t.costPerHourUsd)}/h · ${formatUsd(t.costPer30DaysUsd ?? 0)} per 30 days (${costCoverage(t)})`;
}

/** "42%" (the status line's percent, src/core/units.ts), '-' when unknown. */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? '-' : formatPercent(ratio);
}

export function formatRateOrDash(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '-' : formatRate(bytesPerSecond);
}

/** Load per core, "0.50", '-' when unknown. */
export function formatLoad(loadPerCore: number | null): string {
  return loadPerCore === null ? '-' : loadPerCore.toFixed(2);
}

/**
 * Text from Prometheus's labels (host names, mountpoints) as a table may draw it: control
 * characters escaped, and ASCII when the locale wants it (before it is measured for width).
 */
export function outsideText(ascii: boolean): (s: string) => string {
  return ascii ? (s) => toAscii(escapeControl(s)) : escapeControl;
}

/** "up", "down 5m" (since its last successful scrape), "down" when that is not known. */
export function formatUp(h: Pick<FleetHost, 'up' | 'downSince'>, nowSeconds: number): string {
  if (h.up) return 'up';
  return h.downSince === null ? 'down' : `down ${formatDuration(nowSeconds - h.downSince)}`;
}

/** The worst figure of a host as the status line shows it: "97%", or "down". */
export function formatWorst(h: Pick<FleetHost, 'worst'>): string {
  if (!h.worst) return '-';
  return h.worst.figure === 'down' ? 'down' : formatRatio(h.worst.ratio);
}
