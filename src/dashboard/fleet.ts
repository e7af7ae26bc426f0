/**
 * The dashboard's fleet page, drawn from what src/fleet reads back from Prometheus: one row per
 * host as `shoji fleet` shows them, each with short sparklines of its CPU, memory and network
 * history, sortable, with the total last; and one host's detail, its history drawn larger.
 *
 * Pure functions from a FleetSnapshot and a FleetHistory to panel lines, so every width, sort,
 * error and locale is tested without a terminal. src/dashboard/fleet-page.ts holds the state
 * (sort, selection, the last good read) and does the reads.
 *
 * Host names and mountpoints are Prometheus's labels: their control characters are shown
 * escaped, and under a locale without UTF-8 (`ascii`) everything is made ASCII.
 */
import { toAscii } from '../core/locale.js';
import type { DrawState } from '../core/theme.js';
import { stateFor, type Thresholds } from '../core/thresholds.js';
import { formatDuration } from '../core/units.js';
import { displayWidth } from '../core/width.js';
import { formatLoad, formatRateOrDash, formatRatio, formatTotalCost, formatUp, formatUsd, formatUsdOrDash, hostCount, outsideText } from '../fleet/format.js';
import { compareHosts, type FleetHistory, type FleetHost, type FleetSnapshot, type FleetTotal } from '../fleet/model.js';
import { areaGraph, type Charset, resolution } from './graph.js';
import { label, type PanelContent } from './panels.js';
import { field, line, p, type PanelCtx, type Piece, st } from './text.js';

// ---------------------------------------------------------------- sorting

export type FleetSort = 'worst' | 'name' | 'cpu' | 'memory' | 'cost';
/** The order the sort key steps through. */
export const FLEET_SORTS: readonly FleetSort[] = ['worst', 'name', 'cpu', 'memory', 'cost'];

const byName = (a: FleetHost, b: FleetHost) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0);

/** Highest first; hosts without the figure (down, or no exporter publishes it) last; ties worst first. */
function byFigure(get: (h: FleetHost) => number | null) {
  return (a: FleetHost, b: FleetHost) => {
    const x = get(a);
    const y = get(b);
    if (x === y) return compareHosts(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x;
  };
}

const COMPARE: Record<FleetSort, (a: FleetHost, b: FleetHost) => number> = {
  worst: compareHosts,
  name: byName,
  cpu: byFigure((h) => h.cpuRatio),
  memory: byFigure((h) => h.memoryRatio),
  cost: byFigure((h) => h.costPerHourUsd),
};

export function sortHosts(rows: readonly FleetHost[], sort: FleetSort): FleetHost[] {
  return [...rows].sort(COMPARE[sort]);
}

// ---------------------------------------------------------------- sparklines

/**
 * A series squeezed or stretched to exactly `slots` points, so a sparkline covers the whole
 * range whatever its width: each slot is the mean of the points that fall in it (null when
 * none has a value), or, with fewer points than slots, the point under it.
 */
export function resample(values: readonly (number | null)[], slots: number): (number | null)[] {
  const n = values.length;
  if (slots <= 0) return [];
  if (n === 0) return Array(slots).fill(null);
  const out: (number | null)[] = [];
  for (let i = 0; i < slots; i++) {
    const from = Math.floor((i * n) / slots);
    const to = Math.max(from + 1, Math.floor(((i + 1) * n) / slots));
    let sum = 0;
    let count = 0;
    for (let k = from; k < to; k++) {
      const v = values[k];
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    out.push(count ? sum / count : null);
  }
  return out;
}

/** The largest finite value of a series, or 0. */
function peak(values: readonly (number | null)[]): number {
  let max = 0;
  for (const v of values) if (v !== null && Number.isFinite(v) && v > max) max = v;
  return max;
}

/** A series as graph rows over its whole range, `width` cells by `height` rows; `max` 0: its own peak. */
export function historyGraph(values: readonly (number | null)[], width: number, height: number, max: number, charset: Charset): string[] {
  if (width <= 0 || height <= 0) return [];
  const slots = width * resolution(charset).across;
  const points = resample(values, slots);
  const scale = max > 0 ? max : peak(points) || 1;
  return areaGraph(points, width, height, scale, charset);
}

/** A one-row sparkline of a series over its whole range. */
export function sparkline(values: readonly (number | null)[] | undefined, width: number, max: number, charset: Charset): string {
  return historyGraph(values ?? [], width, 1, max, charset)[0] ?? '';
}

/** Received plus sent, point by point (null where neither is known). */
export function networkSeries(history: FleetHistory | null, host: string): (number | null)[] | undefined {
  const rx = history?.receiveBytesPerSecond[host];
  const tx = history?.transmitBytesPerSecond[host];
  if (!rx && !tx) return undefined;
  const n = Math.max(rx?.length ?? 0, tx?.length ?? 0);
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const a = rx?.[i] ?? null;
    const b = tx?.[i] ?? null;
    out.push(a === null && b === null ? null : (a ?? 0) + (b ?? 0));
  }
  return out;
}

// ---------------------------------------------------------------- the list

/** What the list page draws. */
export interface FleetListInput {
  /** The last good read, null before the first one answered. */
  snapshot: FleetSnapshot | null;
  history: FleetHistory | null;
  /** The last read's failure (a PrometheusError's message, already escaped), null when it answered. */
  error: string | null;
  /** The Prometheus asked, for the line shown before the first answer. */
  prometheus: string;
  sort: FleetSort;
  /** Index of the selected row (in sorted order) and of the first row shown. */
  selected: number;
  offset: number;
  thresholds: Thresholds;
  /** Wall clock, Unix seconds: how long hosts have been down, how old the rows are. */
  nowSeconds: number;
  /** No UTF-8 in the locale: ASCII only. */
  ascii: boolean;
}

/** A cell's text and the state it is drawn in (none: the panel's own colours). */
interface Cell {
  text: string;
  state?: DrawState;
}

interface RowCtx {
  now: number;
  thresholds: Thresholds;
  history: FleetHistory | null;
  charset: Charset;
  text: (s: string) => string;
}

interface Column {
  id: string;
  title: string;
  align: 'left' | 'right';
  /** Columns with the lowest priority go first when the page is narrow. */
  priority: number;
  sort?: FleetSort;
  /** Longest a text column grows (host names, mountpoints); cut with '~' beyond. */
  maxWidth?: number;
  /** Text column: its cell. */
  cell?: (h: FleetHost, c: RowCtx) => Cell;
  /** Sparkline column: the series, its scale (0: the series' own peak) and its colour. */
  spark?: { values: (h: FleetHost, c: RowCtx) => readonly (number | null)[] | undefined; max: number; state: (h: FleetHost, c: RowCtx) => DrawState };
}

const ratioState = (ratio: number | null, t: Thresholds): DrawState => (ratio === null ? 'idle' : stateFor(ratio * 100, t));
/** A ratio's cell in its threshold's state ('-' in the idle one when unknown). */
const ratioCell = (ratio: number | null, t: Thresholds): Cell => ({ text: formatRatio(ratio), state: ratioState(ratio, t) });
const usdCell = (usd: number | null): Cell => ({ text: formatUsdOrDash(usd) });

export const SPARK_MIN = 8;
export const SPARK_MAX = 20;
/** A host column narrower than its longest name is shrunk to this before any column is dropped. */
export const HOST_MIN = 12;

const COLUMNS: Column[] = [
  { id: 'host', title: 'HOST', align: 'left', priority: 100, sort: 'name', maxWidth: 40, cell: (h, c) => ({ text: c.text(h.host) }) },
  { id: 'state', title: 'STATE', align: 'left', priority: 95, sort: 'worst', cell: (h, c) => ({ text: formatUp(h, c.now), state: h.state }) },
  { id: 'cpu', title: 'CPU', align: 'right', priority: 90, sort: 'cpu', cell: (h, c) => ratioCell(h.cpuRatio, c.thresholds) },
  {
    id: 'cpu-history',
    title: '',
    align: 'left',
    priority: 75,
    spark: { values: (h, c) => c.history?.cpuRatio[h.host], max: 1, state: (h, c) => ratioState(h.cpuRatio, c.thresholds) },
  },
  { id: 'memory', title: 'MEM', align: 'right', priority: 85, sort: 'memory', cell: (h, c) => ratioCell(h.memoryRatio, c.thresholds) },
  {
    id: 'memory-history',
    title: '',
    align: 'left',
    priority: 70,
    spark: { values: (h, c) => c.history?.memoryRatio[h.host], max: 1, state: (h, c) => ratioState(h.memoryRatio, c.thresholds) },
  },
  { id: 'load', title: 'LOAD', align: 'right', priority: 60, cell: (h) => ({ text: formatLoad(h.loadPerCore) }) },
  { id: 'rx', title: 'RX/S', align: 'right', priority: 55, cell: (h) => ({ text: formatRateOrDash(h.receiveBytesPerSecond) }) },
  { id: 'tx', title: 'TX/S', align: 'right', priority: 54, cell: (h) => ({ text: formatRateOrDash(h.transmitBytesPerSecond) }) },
  {
    id: 'network-history',
    title: 'NET',
    align: 'left',
    priority: 40,
    spark: { values: (h, c) => networkSeries(c.history, h.host), max: 0, state: (h) => (h.up ? 'info' : 'idle') },
  },
  { id: 'disk', title: 'DISK', align: 'right', priority: 65, cell: (h, c) => ratioCell(h.fullestDisk?.ratio ?? null, c.thresholds) },
  { id: 'mount', title: '', align: 'left', priority: 30, maxWidth: 16, cell: (h, c) => ({ text: h.fullestDisk ? c.text(h.fullestDisk.mountpoint) : '' }) },
  { id: 'cost', title: '$/H', align: 'right', priority: 80, sort: 'cost', cell: (h) => usdCell(h.costPerHourUsd) },
  { id: 'boot', title: 'SINCE BOOT', align: 'right', priority: 35, cell: (h) => usdCell(h.costSinceBootUsd) },
];

/** A column at the width it is drawn. */
export interface PlacedColumn {
  id: string;
  width: number;
}

/** The header's text of a column: a sortable one keeps a cell for the '*' that marks the sort. */
function headerText(col: Column, sort: FleetSort): string {
  if (!col.sort) return col.title;
  return `${col.title}${col.sort === sort ? '*' : ' '}`;
}

/**
 * Which columns fit in `width` cells, and how wide each is drawn: every column as wide as its
 * header and its widest cell; a long host name shrinks first (to HOST_MIN), then columns go by
 * priority until the rest fit; room left over widens the sparklines, then the host column.
 */
export function fitColumns(natural: ReadonlyMap<string, number>, width: number): PlacedColumn[] {
  const byId = new Map(COLUMNS.map((c) => [c.id, c]));
  const kept = COLUMNS.map((c) => ({ id: c.id, width: c.spark ? SPARK_MIN : (natural.get(c.id) ?? 0) }));
  const used = () => kept.reduce((sum, c) => sum + c.width, 0) + kept.length - 1;
  const host = kept[0];
  const hostNatural = host.width;
  if (used() > width) host.width = Math.min(hostNatural, Math.max(HOST_MIN, hostNatural - (used() - width)));
  while (used() > width && kept.length > 2) {
    let lowest = 1;
    for (let i = 2; i < kept.length; i++) if (byId.get(kept[i].id)!.priority < byId.get(kept[lowest].id)!.priority) lowest = i;
    kept.splice(lowest, 1);
  }
  // The room left: the sparklines first (evenly, up to SPARK_MAX), then the host names.
  const sparks = kept.filter((c) => byId.get(c.id)!.spark);
  let room = width - used();
  while (room > 0 && sparks.some((s) => s.width < SPARK_MAX)) {
    for (const s of sparks) {
      if (room > 0 && s.width < SPARK_MAX) {
        s.width++;
        room--;
      }
    }
  }
  if (room > 0 && host.width < hostNatural) host.width += Math.min(room, hostNatural - host.width);
  return kept;
}

/** Rows the list has room for under its error line, header and total. */
export function listRoom(ctx: Pick<PanelCtx, 'height'>, hasError: boolean): number {
  return Math.max(1, ctx.height - (hasError ? 1 : 0) - 2);
}

/** The first row to show so that the selected one is in view. */
export function scrollOffset(selected: number, offset: number, room: number, count: number): number {
  let o = offset;
  if (selected < o) o = selected;
  if (selected >= o + room) o = selected - room + 1;
  return Math.max(0, Math.min(o, Math.max(0, count - room)));
}

/** "3s", "2m": how long ago the rows were read. */
function age(nowSeconds: number, at: number): string {
  return formatDuration(Math.max(0, nowSeconds - at));
}

/**
 * The total row as `shoji fleet`'s table writes it (src/fleet/table.ts): hosts up and down, the
 * cost per hour and per 30 days, how many hosts it covers and how many of those are down and
 * counted at their last known cost.
 */
function totalPieces(t: FleetTotal, omitted: number, ctx: PanelCtx): Piece[] {
  const pieces: Piece[] = [p(`total: ${hostCount(t.hosts)}, `, { bold: true }), p(`${t.hostsUp} up`, { bold: true }), p(', ', { bold: true })];
  pieces.push(p(`${t.hostsDown} down`, t.hostsDown > 0 ? { ...st(ctx.theme, 'critical'), bold: true } : { bold: true }));
  const cost = formatTotalCost(t);
  if (cost !== null) pieces.push(p(` · ${cost}`, { bold: true }));
  if (omitted > 0) pieces.push(p(` · ${omitted} more not shown`, st(ctx.theme, 'idle')));
  return pieces;
}

/** Pieces made ASCII (the page's own text has a middle dot or two). */
function asciiPieces(pieces: Piece[], ascii: boolean): Piece[] {
  return ascii ? pieces.map((x) => ({ ...x, text: toAscii(x.text) })) : pieces;
}

const SORT_NAMES: Record<FleetSort, string> = { worst: 'worst', name: 'name', cpu: 'CPU', memory: 'memory', cost: 'cost' };

/** The list: an error line when the last read failed, the header, one row per host, the total. */
export function fleetListPanel(input: FleetListInput, ctx: PanelCtx): PanelContent {
  const { snapshot: s, ascii } = input;
  const text = outsideText(ascii);
  const rows = s ? sortHosts(s.rows, input.sort) : [];
  const summary = [s ? `${s.total.hostsUp}/${s.total.hosts} up` : '', `by ${SORT_NAMES[input.sort]} (s)`];
  if (s) summary.push(`read ${age(input.nowSeconds, s.at)} ago`);
  const headState: DrawState = input.error ? 'failed' : s ? (s.total.hostsDown > 0 ? 'critical' : (rows[0]?.state ?? 'idle')) : 'idle';
  const title = label(ctx, 'Fleet', (ascii ? toAscii : String)(summary.filter(Boolean).join(' · ')), headState);
  const lines: string[] = [];
  if (input.error) lines.push(line([p(`! ${text(input.error)}`, st(ctx.theme, 'failed'))], ctx.width));
  if (!s) {
    const waiting = input.error ? 'no answer from Prometheus yet' : `reading the fleet from ${text(input.prometheus)}...`;
    lines.push(line([p(waiting, st(ctx.theme, 'idle'))], ctx.width));
    return { label: title, lines: lines.slice(0, ctx.height) };
  }
  if (rows.length === 0) {
    const why = s.match ? `no target of Prometheus matches ${text(s.match)}` : 'Prometheus has no scrape targets';
    lines.push(line([p(`${why} (${text(s.prometheus)})`, st(ctx.theme, 'idle'))], ctx.width));
    lines.push(line(asciiPieces(totalPieces(s.total, s.omitted, ctx), ascii), ctx.width));
    return { label: title, lines: lines.slice(0, ctx.height) };
  }

  const rc: RowCtx = { now: input.nowSeconds, thresholds: input.thresholds, history: input.history, charset: ctx.charset, text };
  const cells = new Map<string, Cell[]>();
  const natural = new Map<string, number>();
  for (const col of COLUMNS) {
    if (!col.cell) continue;
    const column = rows.map((h) => col.cell!(h, rc));
    cells.set(col.id, column);
    const widest = Math.max(displayWidth(headerText(col, input.sort)), ...column.map((c) => displayWidth(c.text)));
    natural.set(col.id, Math.min(col.maxWidth ?? widest, widest));
  }
  const placed = fitColumns(natural, ctx.width);
  const columns = placed.map((pc) => ({ ...pc, col: COLUMNS.find((c) => c.id === pc.id)! }));

  lines.push(line([p(columns.map((c) => field(headerText(c.col, input.sort), c.width, c.col.align)).join(' '), { bold: true, underscore: true })], ctx.width));
  const room = listRoom(ctx, Boolean(input.error));
  for (let i = input.offset; i < Math.min(rows.length, input.offset + room); i++) {
    const h = rows[i];
    const selected = i === input.selected;
    const pieces: Piece[] = [];
    columns.forEach((c, n) => {
      if (n > 0) pieces.push(p(' ', selected ? { reverse: true } : undefined));
      let piece: Piece;
      if (c.col.spark) {
        const graph = sparkline(c.col.spark.values(h, rc), c.width, c.col.spark.max, ctx.charset);
        piece = p(field(graph, c.width), st(ctx.theme, c.col.spark.state(h, rc)));
      } else {
        const cell = cells.get(c.id)![i];
        piece = p(field(cell.text, c.width, c.col.align), cell.state ? st(ctx.theme, cell.state) : undefined);
      }
      pieces.push(selected ? { ...piece, style: { ...piece.style, reverse: true } } : piece);
    });
    lines.push(line(pieces, ctx.width));
  }
  // The total sits on the panel's last line, below the rows.
  while (lines.length < ctx.height - 1) lines.push(line([p('')], ctx.width));
  lines.push(line(asciiPieces(totalPieces(s.total, s.omitted, ctx), ascii), ctx.width));
  return { label: title, lines: lines.slice(0, ctx.height) };
}

// ---------------------------------------------------------------- one host

export interface FleetDetailInput {
  host: string;
  /** The host's row in the last good read, null when it is no longer in the fleet. */
  row: FleetHost | null;
  /** Its history (a read narrowed to the host), or the list's while that is on its way. */
  history: FleetHistory | null;
  error: string | null;
  /** When the row was read (Unix seconds), null before any read. */
  at: number | null;
  thresholds: Thresholds;
  nowSeconds: number;
  ascii: boolean;
}

const EXPORTER_NAMES = { node: 'node_exporter', shoji: 'shoji exporter' } as const;

/** One labelled figure: "CPU " in the idle colour, its value in its own. */
function fact(name: string, cell: Cell, ctx: PanelCtx): Piece[] {
  return [p(`${name} `, st(ctx.theme, 'idle')), p(cell.text, cell.state ? st(ctx.theme, cell.state) : undefined), p('   ')];
}

/** A host's figures, its state, and its CPU, memory and network history as graphs. */
export function fleetDetailPanel(input: FleetDetailInput, ctx: PanelCtx): PanelContent {
  const text = outsideText(input.ascii);
  const h = input.row;
  const t = input.thresholds;
  const title = label(ctx, text(input.host), h ? formatUp(h, input.nowSeconds) : 'not in the fleet', h ? h.state : 'idle');
  const lines: string[] = [];
  const add = (pieces: Piece[]) => lines.push(line(asciiPieces(pieces, input.ascii), ctx.width));
  if (input.error) add([p(`! ${text(input.error)}`, st(ctx.theme, 'failed'))]);
  if (!h) {
    add([p(input.at === null ? 'reading the fleet...' : `${text(input.host)} is no longer among the hosts Prometheus scrapes`, st(ctx.theme, 'idle'))]);
    add([p('Esc: back to the fleet', st(ctx.theme, 'idle'))]);
    return { label: title, lines: lines.slice(0, ctx.height) };
  }
  const exporters = h.exporters.map((e) => EXPORTER_NAMES[e]).join(', ') || 'none answering';
  const read = input.at === null ? '' : `, read ${age(input.nowSeconds, input.at)} ago`;
  add([...fact('State', { text: formatUp(h, input.nowSeconds), state: h.state }, ctx), p(`exporters: ${exporters}${read}`, st(ctx.theme, 'idle'))]);
  add([
    ...fact('CPU', ratioCell(h.cpuRatio, t), ctx),
    ...fact('Memory', ratioCell(h.memoryRatio, t), ctx),
    ...fact('Load/core', { text: formatLoad(h.loadPerCore) }, ctx),
    ...fact(
      'Disk',
      h.fullestDisk ? { ...ratioCell(h.fullestDisk.ratio, t), text: `${formatRatio(h.fullestDisk.ratio)} ${text(h.fullestDisk.mountpoint)}` } : { text: '-' },
      ctx,
    ),
  ]);
  const cost =
    h.costPerHourUsd === null ? '-' : `${formatUsd(h.costPerHourUsd)}/h${h.costSinceBootUsd === null ? '' : `, ${formatUsd(h.costSinceBootUsd)} since boot`}`;
  add([
    ...fact('Received', { text: formatRateOrDash(h.receiveBytesPerSecond) }, ctx),
    ...fact('Sent', { text: formatRateOrDash(h.transmitBytesPerSecond) }, ctx),
    ...fact('EC2 estimate', { text: cost }, ctx),
  ]);

  const hist = input.history;
  const range = hist && hist.times.length > 1 ? formatDuration(hist.times[hist.times.length - 1] - hist.times[0]) : null;
  const graphs: { name: string; values: readonly (number | null)[] | undefined; max: number; now: string; state: DrawState; shown: (v: number) => string }[] = [
    { name: 'CPU', values: hist?.cpuRatio[input.host], max: 1, now: formatRatio(h.cpuRatio), state: ratioState(h.cpuRatio, t), shown: (v) => formatRatio(v) },
    {
      name: 'Memory',
      values: hist?.memoryRatio[input.host],
      max: 1,
      now: formatRatio(h.memoryRatio),
      state: ratioState(h.memoryRatio, t),
      shown: (v) => formatRatio(v),
    },
    {
      name: 'Received',
      values: hist?.receiveBytesPerSecond[input.host],
      max: 0,
      now: formatRateOrDash(h.receiveBytesPerSecond),
      state: 'info',
      shown: (v) => formatRateOrDash(v),
    },
    {
      name: 'Sent',
      values: hist?.transmitBytesPerSecond[input.host],
      max: 0,
      now: formatRateOrDash(h.transmitBytesPerSecond),
      state: 'info',
      shown: (v) => formatRateOrDash(v),
    },
  ];
  const left = ctx.height - lines.length;
  // Each graph takes a title line and at least one row; those that do not fit are left out.
  const count = Math.max(0, Math.min(graphs.length, Math.floor(left / 2)));
  const rowsEach = count ? Math.floor((left - count) / count) : 0;
  // Rows left over go to the first graphs, one each, so the graphs fill the panel.
  let spare = count ? left - count - rowsEach * count : 0;
  for (const g of graphs.slice(0, count)) {
    const rows = rowsEach + (spare-- > 0 ? 1 : 0);
    const known = g.values?.some((v) => v !== null) ?? false;
    const top = g.max > 0 ? g.max : peak(g.values ?? []);
    const about = known
      ? `now ${g.now}, peak ${g.shown(peak(g.values ?? []))}${range ? `, last ${range}` : ''}`
      : hist
        ? 'no history'
        : 'reading its history...';
    add([p(`${g.name} `, { bold: true }), p(about, st(ctx.theme, 'idle'))]);
    for (const row of historyGraph(g.values ?? [], ctx.width, rows, top, ctx.charset)) lines.push(line([p(row, st(ctx.theme, g.state))], ctx.width));
  }
  return { label: title, lines: lines.slice(0, ctx.height) };
}

// ---------------------------------------------------------------- no Prometheus

/** Why there is no fleet to read: no Prometheus given, or the module turned off. */
export type FleetUnconfigured = 'unset' | 'disabled';

/** How to give the page a Prometheus: the fleet module's `prometheus` option (docs/fleet.md). */
export function fleetSetupPanel(why: FleetUnconfigured, ctx: PanelCtx): PanelContent {
  const idle = st(ctx.theme, 'idle');
  const first =
    why === 'disabled'
      ? 'The fleet module is turned off (modules.fleet.enabled: false): turn it on, then'
      : 'The fleet is read from Prometheus through the fleet module, which has no Prometheus yet.';
  const text = [
    [p(first, st(ctx.theme, 'warning'))],
    [p('')],
    [p('Give it your Prometheus server in config.yaml:')],
    [p('')],
    [p('  modules:', { bold: true })],
    [p('    fleet:', { bold: true })],
    [p('      prometheus: http://prometheus.example:9090', { bold: true })],
    [p('')],
    [p('Every host that Prometheus scrapes (shoji exporter, node_exporter) then gets a row here.', idle)],
    [p('Credentials, match and thresholds: docs/fleet.md. f or Esc: back to this host.', idle)],
  ];
  return { label: label(ctx, 'Fleet', 'not configured', 'warning'), lines: text.map((pieces) => line(pieces, ctx.width)).slice(0, ctx.height) };
}
