/**
 * The fleet module's collect (plugins/fleet loads it on its first run): one refresh of the fleet
 * from Prometheus, as "12/13 · $4.21/h · web-3 97%" with the worst hosts in the detail.
 * Whatever goes wrong with Prometheus throws one line naming the URL, and the host marks the
 * module failed: the line never shows an old fleet as if it were current.
 */
import type { Collected, DetailLine, ModuleContext, State } from '../core/contract.js';
import { stripControl } from '../render/sanitize.js';
import type { FleetData } from './data.js';
import { costCoverage, formatRateOrDash, formatRatio, formatUp, formatUsd, formatWorst } from './format.js';
import { type FleetSnapshot, MATCH_KEY } from './model.js';
import { type FleetOptions, targetOf } from './options.js';
import { readFleet, rememberingProbe } from './read.js';

/** Which figures Prometheus has recorded, asked every few minutes rather than every collect. */
const recorded = rememberingProbe();

/** Hosts named in the detail. */
const DETAIL_HOSTS = 10;
/** Our own timeout, under the module's: our message ("no answer within 3.5 s") beats the host's generic one. */
const MARGIN_MS = 500;

export async function collectFleet(ctx: ModuleContext<FleetOptions>, moduleTimeoutMs: number): Promise<Collected<FleetData>> {
  const o = ctx.options;
  // The module is available only with a Prometheus (plugins/fleet), so this is a caller's slip.
  if (o.prometheus === undefined) throw new Error('no Prometheus: set modules.fleet.prometheus (docs/fleet.md)');
  // The config's schema checks each key alone; these two together are refused here, by their keys.
  if (o.bearer_token_file !== undefined && o.username !== undefined) {
    throw new Error('modules.fleet: both bearer_token_file and username are set: keep one way to sign in to Prometheus');
  }
  const snapshot = await readFleet({
    target: targetOf(o.prometheus, o, ctx.configDir),
    match: o.match,
    matchName: MATCH_KEY,
    thresholds: { info: o.info, warning: o.warning, critical: o.critical },
    timeoutMs: Math.max(500, moduleTimeoutMs - MARGIN_MS),
    signal: ctx.signal,
    env: ctx.env,
    maxRows: DETAIL_HOSTS,
    recorded,
  });
  return { reading: fleetReading(snapshot), data: fleetDataOf(snapshot) };
}

/** The snapshot as the status line shows it. */
export function fleetReading(s: FleetSnapshot): Collected<FleetData>['reading'] {
  const { total } = s;
  const worst = s.rows[0];
  const parts = [`${total.hostsUp}/${total.hosts}`];
  if (total.costPerHourUsd !== null) parts.push(`${formatUsd(total.costPerHourUsd)}/h`);
  const short = parts.join(' ');
  // Host names come from Prometheus's labels: no control character reaches the line.
  if (worst) parts.push(`${stripControl(worst.host)} ${formatWorst(worst)}`);
  const state: State = total.hostsDown > 0 ? 'critical' : (worst?.state ?? 'idle');
  const detail: DetailLine[] = [
    { label: 'Prometheus', value: s.prometheus },
    { label: 'Hosts', value: `${total.hostsUp} up, ${total.hostsDown} down${s.match ? ` (match ${s.match})` : ''}` },
  ];
  if (total.costPerHourUsd !== null) {
    detail.push({
      label: 'EC2 estimate',
      value: `${formatUsd(total.costPerHourUsd)}/h, ${formatUsd(total.costPer30DaysUsd ?? 0)} per 30 days (${costCoverage(total, false)})`,
    });
  }
  for (const h of s.rows) {
    const figures = h.up
      ? `cpu ${formatRatio(h.cpuRatio)} · mem ${formatRatio(h.memoryRatio)} · disk ${h.fullestDisk ? `${formatRatio(h.fullestDisk.ratio)} ${stripControl(h.fullestDisk.mountpoint)}` : '-'} · rx ${formatRateOrDash(h.receiveBytesPerSecond)} tx ${formatRateOrDash(h.transmitBytesPerSecond)}`
      : formatUp(h, s.at);
    detail.push({ label: stripControl(h.host), value: figures });
  }
  const more = total.hosts - s.rows.length;
  if (more > 0) detail.push({ label: '', value: `and ${more} more` });
  return { text: parts.join(' · '), short, state, icon: 'fleet', detail };
}

export function fleetDataOf(s: FleetSnapshot): FleetData {
  const worst = s.rows[0];
  return {
    hosts: s.total.hosts,
    hostsUp: s.total.hostsUp,
    hostsDown: s.total.hostsDown,
    costPerHourUsd: s.total.costPerHourUsd,
    costPer30DaysUsd: s.total.costPer30DaysUsd,
    worstHost: worst?.host ?? null,
    worstFigure: worst?.worst?.figure ?? null,
    worstRatio: worst?.worst?.ratio ?? null,
    prometheus: s.prometheus,
  };
}
