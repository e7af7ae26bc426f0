/**
 * The system panels' contents: CPU (+ load), memory and swap, network, disk, battery, and the
 * header line. Pure functions from values to tagged text, sized to the box they fill.
 */
import type { DrawState, Style } from '../core/theme.js';
import { formatBytes, formatDuration, formatPercent, formatRate } from '../core/units.js';
import { blessedStyled } from '../render/blessed.js';
import { areaGraph, gauge, resolution, stackedBar, stackGlyphs } from './graph.js';
import type { History } from './history.js';
import type { Metrics, ModuleView } from './model.js';
import { beside, field, line, p, st, type PanelCtx, type Piece } from './text.js';
import { osForms } from './header.js';
import { displayWidth } from '../core/width.js';
import { stripControl } from '../render/sanitize.js';

export interface PanelContent {
  /** The box's label (tagged). */
  label: string;
  /** The box's lines (tagged), at most ctx.height. */
  lines: string[];
}

const pctText = (r: number | null, digits = 0) => (r === null ? '--' : formatPercent(r, digits));

export function label(ctx: PanelCtx, title: string, value?: string, state: DrawState = 'idle'): string {
  const head = blessedStyled(` ${title} `, { bold: true });
  return value ? `${head}${blessedStyled(`${value} `, st(ctx.theme, state))}` : head;
}

/** The error line of a failed module, in the failed style (the last good values stay below). */
function errorLine(view: ModuleView, ctx: PanelCtx): string[] {
  return view.error ? [line([p(`! ${view.error}`, st(ctx.theme, 'failed'))], ctx.width)] : [];
}

/** A history as graph rows in one style; `max` fixes the scale (ratios: 1). */
export function graphLines(h: History | undefined, width: number, rows: number, max: number, style: Style, ctx: PanelCtx): string[] {
  if (rows <= 0 || width <= 0) return [];
  return areaGraph(h?.values() ?? [], width, rows, max, ctx.charset).map((row) => blessedStyled(row, style));
}

/** A labelled gauge: "Mem  ███▌····  4.1G/23.5G 17%". */
function gaugeLine(name: string, ratio: number | null, value: string, state: DrawState, ctx: PanelCtx, nameWidth = 5): string {
  const right = ` ${value}`;
  const barWidth = Math.max(4, ctx.width - nameWidth - right.length);
  const [filled, empty] = gauge(ratio ?? 0, barWidth, ctx.charset);
  return line([p(field(name, nameWidth)), p(filled, st(ctx.theme, state)), p(empty, st(ctx.theme, 'idle')), p(right)], ctx.width);
}

// ---------------------------------------------------------------- CPU

function coreBars(cores: (number | null)[], width: number, rows: number, ctx: PanelCtx, state: DrawState): string[] {
  if (cores.length === 0 || rows <= 0) return [];
  const columns = Math.ceil(cores.length / rows);
  const colWidth = Math.floor((width - (columns - 1)) / columns);
  const nameWidth = String(cores.length - 1).length + 1;
  if (colWidth < nameWidth + 8) {
    // Too many cores for bars: one cell per core, its level as a block (or digit in ASCII).
    const glyph = (r: number | null) => (r === null ? '?' : ctx.charset === 'ascii' ? String(Math.min(9, Math.floor(r * 10))) : ' ▁▂▃▄▅▆▇█'[Math.round(r * 8)]);
    const perRow = Math.max(1, width);
    const out: string[] = [];
    for (let i = 0; i < cores.length && out.length < rows; i += perRow) {
      out.push(
        line(
          [
            p(
              cores
                .slice(i, i + perRow)
                .map(glyph)
                .join(''),
              st(ctx.theme, state),
            ),
          ],
          width,
        ),
      );
    }
    return out;
  }
  const cell = (i: number) => {
    const r = cores[i];
    const [filled, empty] = gauge(r ?? 0, colWidth - nameWidth - 5, ctx.charset);
    return line(
      [p(`${field(`${i}`, nameWidth - 1, 'right')} `), p(filled, st(ctx.theme, state)), p(empty, st(ctx.theme, 'idle')), p(field(pctText(r), 5, 'right'))],
      colWidth,
    );
  };
  const out: string[] = [];
  for (let r = 0; r < Math.min(rows, cores.length); r++) {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) if (c * rows + r < cores.length) cells.push(cell(c * rows + r));
    out.push(cells.join(' '));
  }
  return out;
}

export function cpuPanel(m: Metrics, cpu: ModuleView, load: ModuleView, ctx: PanelCtx): PanelContent {
  const state: DrawState = cpu.error ? 'failed' : m.cpuTotal === null ? 'idle' : cpu.state;
  // In a container with a quota the total is its share of the quota; the bars stay the host's cores.
  const quota = cpu.data?.scope === 'cgroup' && typeof cpu.data.quotaCores === 'number' ? cpu.data.quotaCores : null;
  const title = label(ctx, quota === null ? 'CPU' : `CPU (of a ${+quota.toFixed(2)}-CPU quota)`, pctText(m.cpuTotal), state);
  const err = errorLine(cpu, ctx);
  const loadData = load.data;
  const loadText = load.error
    ? line([p('load: '), p(load.error, st(ctx.theme, 'failed'))], ctx.width)
    : loadData
      ? line(
          [
            p('load '),
            p([loadData.one, loadData.five, loadData.fifteen].map((v) => (typeof v === 'number' ? v.toFixed(2) : '--')).join(' '), st(ctx.theme, load.state)),
            p(typeof loadData.cores === 'number' ? `  (${loadData.cores} cores)` : ''),
          ],
          ctx.width,
        )
      : line([p('load --', st(ctx.theme, 'idle'))], ctx.width);
  const rows = ctx.height - err.length - 1;
  const graphStyle = st(ctx.theme, state);
  let body: string[];
  if (ctx.width >= 56) {
    const barsWidth = Math.max(20, Math.min(44, Math.floor(ctx.width * 0.42)));
    const graphWidth = ctx.width - barsWidth - 1;
    const bars = coreBars(m.cores, barsWidth, rows, ctx, state);
    body = beside(
      bars.length > 0 ? bars : [line([p('per core: --', st(ctx.theme, 'idle'))], barsWidth)],
      ratioGraph('total', m.history.get('cpu'), graphWidth, rows, graphStyle, ctx),
      barsWidth,
    );
  } else {
    const barRows = Math.min(m.cores.length, Math.max(1, Math.floor(rows / 2)));
    const bars = coreBars(m.cores, ctx.width, barRows, ctx, state);
    body = [...bars, ...ratioGraph('total', m.history.get('cpu'), ctx.width, rows - bars.length, graphStyle, ctx)];
  }
  return { label: title, lines: [...err, ...body.slice(0, rows), loadText] };
}

// ---------------------------------------------------------------- memory and swap

/** A ratio graph (0-100 %) with its label over its oldest samples: what it is, its scale and the time its width spans. */
function ratioGraph(name: string, h: History, width: number, rows: number, style: Style, ctx: PanelCtx): string[] {
  const cells = graphLines(h, width, rows, 1, style, ctx);
  if (cells.length === 0) return cells;
  const span = h.span(width * resolution(ctx.charset).across);
  const sep = ctx.charset === 'ascii' ? ',' : ' ·';
  const text = `${name} of 100%${span === null ? '' : `${sep} ${spanText(span)}`} `;
  const raw = areaGraph(h.values(), width, rows, 1, ctx.charset)[0];
  const room = Math.min(text.length, width);
  cells[0] = line([p(text.slice(0, room), { bold: true }), p(raw.slice(room), style)], width);
  return cells;
}

/**
 * Memory: one bar of used, buff/cache and free, then each figure on a line of its own (two to a
 * line where rows are few) with the bar's glyph before it, so the bar reads without colour;
 * in a container, the cgroup's limit instead of the host's cache. Then swap, and the share of
 * memory in use over time.
 */
export function memoryPanel(m: Metrics, mem: ModuleView, swap: ModuleView, ctx: PanelCtx): PanelContent {
  const md = mem.data;
  const ratio = typeof md?.ratio === 'number' ? md.ratio : null;
  const title = label(ctx, 'Memory', pctText(ratio), mem.error ? 'failed' : mem.state);
  const lines = [...errorLine(mem, ctx)];
  const f = m.memory;
  const glyphs = stackGlyphs(ctx.charset);
  const usedStyle = st(ctx.theme, mem.state);
  const cacheStyle = st(ctx.theme, 'info');
  if (f === null) {
    lines.push(gaugeLine('Mem', null, '--', mem.state, ctx));
  } else {
    const share = (v: number) => (f.total > 0 ? v / f.total : 0);
    // The cache shown in the bar is what is left beside used: used (total − available) already
    // counts the part of the page cache the kernel cannot drop.
    const cacheInBar = f.cache === null ? 0 : Math.min(f.cache, Math.max(0, f.total - f.used));
    const right = ` ${formatBytes(f.used)}/${formatBytes(f.total)} ${pctText(share(f.used))}`;
    const bar = stackedBar([share(f.used), share(cacheInBar)], Math.max(4, ctx.width - 5 - right.length), ctx.charset);
    lines.push(line([p('Mem  '), p(bar.parts[0], usedStyle), p(bar.parts[1], cacheStyle), p(bar.empty, st(ctx.theme, 'idle')), p(right)], ctx.width));
    // One figure a line (in columns) while at least one graph row is left under swap; else two to a line.
    const oneEach = ctx.height - lines.length - (f.cache === null ? 2 : 3) - (f.cgroup ? 1 : 0) - 1 >= 1;
    const figure = (glyph: string, style: Style, name: string, bytes: number, percent = true) => [
      p(`${glyph} `, style),
      p(oneEach ? field(name, 13) : `${name} `),
      p(oneEach ? field(formatBytes(bytes), 6, 'right') : formatBytes(bytes), { bold: true }),
      p(percent ? ` ${oneEach ? field(pctText(share(bytes)), 4, 'right') : pctText(share(bytes))}` : ''),
    ];
    const figures: Piece[][] = [figure(glyphs.parts[0], usedStyle, 'used', f.used)];
    if (f.cache !== null) figures.push(figure(glyphs.parts[1], cacheStyle, 'buff/cache', f.cache));
    figures.push(figure(glyphs.empty, st(ctx.theme, 'idle'), 'available', f.available));
    if (f.cgroup) figures.push(figure(' ', {}, 'cgroup limit', f.total, false));
    if (oneEach) for (const fig of figures) lines.push(line(fig, ctx.width));
    else for (let i = 0; i < figures.length; i += 2) lines.push(line([...figures[i], ...(figures[i + 1] ? [p('  '), ...figures[i + 1]] : [])], ctx.width));
  }
  const sd = swap.data;
  const swapRatio = typeof sd?.ratio === 'number' ? sd.ratio : null;
  const sizes = (d: Record<string, unknown>) =>
    typeof d.used === 'number' && typeof d.total === 'number' ? `${formatBytes(d.used)}/${formatBytes(d.total)} ${pctText(d.ratio as number)}` : '--';
  if (swap.error) lines.push(line([p('Swap '), p(swap.error, st(ctx.theme, 'failed'))], ctx.width));
  else if (!sd) lines.push(line([p('Swap '), p(swap.pending ? '--' : 'none', st(ctx.theme, 'idle'))], ctx.width));
  else lines.push(gaugeLine('Swap', swapRatio, sizes(sd), swap.state, ctx));
  const rows = ctx.height - lines.length;
  if (sd && rows >= 5) {
    // Memory gets most of the room; swap a strip below it.
    const swapRows = Math.max(1, Math.floor(rows / 3));
    lines.push(...ratioGraph('used', m.history.get('memory'), ctx.width, rows - swapRows, usedStyle, ctx));
    lines.push(...ratioGraph('swap', m.history.get('swap'), ctx.width, swapRows, st(ctx.theme, swap.state), ctx));
  } else {
    lines.push(...ratioGraph('used', m.history.get('memory'), ctx.width, rows, usedStyle, ctx));
  }
  return { label: title, lines };
}

// ---------------------------------------------------------------- two directions in one graph

/** One direction of a mirrored graph: its name in text ("rx", "read"), history and style. */
export interface GraphSide {
  name: string;
  history: History;
  style: Style;
}

/** "60s", "5m", "2h": the time a graph's width covers. */
export function spanText(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}

/** A side's label: its name, the peak its scale goes to and (for the upper side) the time the width spans. */
function sideLabel(side: GraphSide, peak: number, span: number | null, ctx: PanelCtx): string {
  const sep = ctx.charset === 'ascii' ? ',' : ' ·';
  return `${side.name} peak ${formatRate(peak)}${span === null ? '' : `${sep} ${spanText(span)}`}`;
}

/**
 * Two directions of one rate as one picture, as btop draws them: `upper` (receive, read) rises
 * from a shared axis in the middle and `lower` (send, write) hangs below it, each on its own
 * scale (its peak over the samples shown: a busy download must not flatten uploads). Each half
 * is labelled in text at its outer edge with its name, its peak and (above) the time the width
 * spans, over the oldest samples, so the picture reads in a monochrome capture and under NO_COLOR.
 */
export function mirroredGraph(upper: GraphSide, lower: GraphSide, width: number, rows: number, ctx: PanelCtx): string[] {
  if (rows <= 0 || width <= 0) return [];
  const samples = width * resolution(ctx.charset).across;
  const span = upper.history.span(samples);
  const half = (side: GraphSide, n: number, direction: 'up' | 'down', withSpan: boolean) => {
    const peak = side.history.max(samples);
    const cells = areaGraph(side.history.values(), width, n, Math.max(1, peak), ctx.charset, direction);
    const labelAt = direction === 'up' ? 0 : n - 1;
    return cells.map((row, i) => {
      if (i !== labelAt) return blessedStyled(row, side.style);
      const text = `${sideLabel(side, peak, withSpan ? span : null, ctx)} `;
      const room = Math.min(text.length, width);
      return line([p(text.slice(0, room), { bold: true }), p(row.slice(room), side.style)], width);
    });
  };
  if (rows === 1) return half(upper, 1, 'up', true);
  const up = Math.ceil(rows / 2);
  return [...half(upper, up, 'up', true), ...half(lower, rows - up, 'down', false)];
}

// ---------------------------------------------------------------- network

export function networkPanel(m: Metrics, net: ModuleView, ctx: PanelCtx, arrows: { rx: string; tx: string }): PanelContent {
  const total = m.net.reduce((s, r) => s + (r.rx ?? 0) + (r.tx ?? 0), 0);
  const anyValue = m.net.some((r) => r.rx !== null);
  const title = label(ctx, 'Network', anyValue ? formatRate(total) : undefined, net.error ? 'failed' : 'info');
  const lines = [...errorLine(net, ctx)];
  if (m.net.length === 0) {
    // The longest of its forms that fits, rather than one cut short.
    const forms = !net.available
      ? ['not available here']
      : net.pending
        ? ['measuring...']
        : ['no interface to show (no default route?)', 'no interface (no default route?)', 'no interface'];
    const why = forms.find((f) => displayWidth(f) <= ctx.width) ?? forms[forms.length - 1];
    lines.push(line([p(why, st(ctx.theme, 'idle'))], ctx.width));
    return { label: title, lines };
  }
  const rxStyle = st(ctx.theme, 'info');
  const txStyle = st(ctx.theme, 'good');
  const rate = (v: number | null) => (v === null ? '--' : formatRate(v));
  const per = Math.max(2, Math.floor((ctx.height - lines.length) / m.net.length));
  for (const r of m.net) {
    if (lines.length >= ctx.height) break;
    lines.push(
      line([p(`${r.name} `, { bold: true }), p(`${arrows.rx}rx ${rate(r.rx)}`, rxStyle), p('  '), p(`${arrows.tx}tx ${rate(r.tx)}`, txStyle)], ctx.width),
    );
    const rows = Math.min(per - 1, ctx.height - lines.length);
    lines.push(
      ...mirroredGraph(
        { name: 'rx', history: m.history.get(`net:${r.name}:rx`), style: rxStyle },
        { name: 'tx', history: m.history.get(`net:${r.name}:tx`), style: txStyle },
        ctx.width,
        rows,
        ctx,
      ),
    );
  }
  return { label: title, lines };
}

// ---------------------------------------------------------------- disk

export function diskPanel(m: Metrics, disk: ModuleView, io: ModuleView, ctx: PanelCtx): PanelContent {
  const mounts = Array.isArray(disk.data?.mounts) ? (disk.data!.mounts as Record<string, unknown>[]) : [];
  const worst = mounts.reduce((w, x) => Math.max(w, typeof x.ratio === 'number' ? x.ratio : 0), 0);
  const title = label(ctx, 'Disk', mounts.length > 0 ? pctText(worst) : undefined, disk.error ? 'failed' : disk.state);
  const lines = [...errorLine(disk, ctx)];
  const nameWidth = Math.min(14, Math.max(5, ...mounts.map((x) => String(x.mount ?? '').length + 1)));
  const ioRows = io.available ? 3 : 0;
  for (const x of mounts) {
    if (lines.length >= ctx.height - ioRows) break;
    const value =
      typeof x.used === 'number' && typeof x.total === 'number' ? `${formatBytes(x.used)}/${formatBytes(x.total)} ${pctText(x.ratio as number)}` : '--';
    lines.push(gaugeLine(String(x.mount ?? '?'), typeof x.ratio === 'number' ? x.ratio : null, value, disk.state, ctx, nameWidth));
  }
  if (mounts.length === 0 && !disk.error) lines.push(line([p(disk.pending ? 'measuring...' : 'no filesystem', st(ctx.theme, 'idle'))], ctx.width));
  if (io.available && lines.length < ctx.height) {
    const rate = (v: number | null) => (v === null ? '--' : formatRate(v));
    if (io.error) lines.push(line([p('I/O: '), p(io.error, st(ctx.theme, 'failed'))], ctx.width));
    else
      lines.push(
        line([p('I/O  '), p(`read ${rate(m.io.read)}`, st(ctx.theme, 'info')), p('  '), p(`write ${rate(m.io.write)}`, st(ctx.theme, 'good'))], ctx.width),
      );
    lines.push(
      ...mirroredGraph(
        { name: 'read', history: m.history.get('io:read'), style: st(ctx.theme, 'info') },
        { name: 'write', history: m.history.get('io:write'), style: st(ctx.theme, 'good') },
        ctx.width,
        ctx.height - lines.length,
        ctx,
      ),
    );
  }
  return { label: title, lines };
}

// ---------------------------------------------------------------- temperature

/** The temperature graphs' floor (°C): room temperature, so that a few degrees' change shows. */
const TEMP_FLOOR = 20;

/** Sensor lines the temperature panel would like: the hottest few, more on a tall terminal; 0 without sensors. */
export function temperatureLines(m: Metrics, terminalRows: number): number {
  return Math.min(m.sensors.length, terminalRows >= 40 ? 6 : 3);
}

/**
 * The hottest sensors, one a line: its id, its temperature (in its state's style: the kernel's
 * own high and critical points where it gives them, else 80 and 95 °C, as the module judges)
 * and its recent history, all on one scale from 20 °C to 100 °C (or the hottest reading) that
 * the label names with the time the graphs span.
 */
export function temperaturePanel(m: Metrics, v: ModuleView, ctx: PanelCtx): PanelContent {
  const deg = ctx.charset === 'ascii' ? 'C' : '°C';
  const shown = m.sensors.slice(0, Math.max(1, ctx.height - (v.error ? 1 : 0)));
  const top = Math.max(100, ...m.sensors.map((s) => s.celsius));
  const hottest = m.sensors[0];
  const sep = ctx.charset === 'ascii' ? ',' : ' ·';
  const room = Math.max(4, Math.floor(ctx.width * 0.45));
  // A name too long for its field drops its chip ("coretemp/Package id 0" -> "Package id 0") where
  // that still tells the sensors apart, before it is cut.
  const labels = shown.map((s) => s.id.slice(s.id.indexOf('/') + 1));
  const names = shown.map((s, i) => (s.id.length > room && labels.filter((l) => l === labels[i]).length === 1 ? labels[i] : s.id));
  const nameWidth = Math.min(Math.max(...names.map((n) => n.length), 4), room);
  const graphWidth = Math.max(0, ctx.width - nameWidth - 7);
  const span = hottest ? m.history.get(`temp:${hottest.id}`).span(graphWidth * resolution(ctx.charset).across) : null;
  const scale = `${TEMP_FLOOR}-${Math.round(top)}${deg}${span === null ? '' : `${sep} ${spanText(span)}`}`;
  const title = label(ctx, 'Temperature', hottest ? `${Math.round(hottest.celsius)}${deg}  ${scale}` : undefined, v.error ? 'failed' : v.state);
  const lines = [...errorLine(v, ctx)];
  if (!hottest) {
    lines.push(line([p(v.pending ? 'measuring...' : 'no sensor', st(ctx.theme, 'idle'))], ctx.width));
    return { label: title, lines };
  }
  for (const [i, s] of shown.entries()) {
    const state: DrawState = s.celsius >= (s.critical ?? 95) ? 'critical' : s.celsius >= (s.high ?? (s.critical ?? 90) - 10) ? 'warning' : 'good';
    const h = m.history.get(`temp:${s.id}`);
    const graph = areaGraph(
      h.values().map((c) => (c === null ? null : c - TEMP_FLOOR)),
      graphWidth,
      1,
      top - TEMP_FLOOR,
      ctx.charset,
    )[0];
    lines.push(
      line(
        [
          p(field(names[i], nameWidth)),
          p(field(`${Math.round(s.celsius)}${deg}`, 6, 'right'), { ...st(ctx.theme, state), bold: true }),
          p(' '),
          p(graph, st(ctx.theme, state)),
        ],
        ctx.width,
      ),
    );
  }
  return { label: title, lines: lines.slice(0, ctx.height) };
}

// ---------------------------------------------------------------- battery

export function batteryPanel(bat: ModuleView, ctx: PanelCtx): PanelContent {
  const d = bat.data;
  const percent = typeof d?.percent === 'number' ? d.percent : null;
  const title = label(ctx, 'Battery', percent === null ? undefined : `${Math.round(percent)}%`, bat.error ? 'failed' : bat.state);
  if (bat.error) return { label: title, lines: errorLine(bat, ctx) };
  const status = typeof d?.status === 'string' ? d.status.replace('-', ' ') : '';
  const left = typeof d?.seconds === 'number' ? ` ${formatDuration(d.seconds)}` : '';
  const [filled, empty] = gauge((percent ?? 0) / 100, Math.max(4, ctx.width - 24), ctx.charset);
  return { label: title, lines: [line([p(filled, st(ctx.theme, bat.state)), p(empty, st(ctx.theme, 'idle')), p(` ${status}${left}`)], ctx.width)] };
}

// ---------------------------------------------------------------- GPU

type GpuRow = Record<string, unknown>;

/** The gpu module's rows (its published data), each with an id. */
function gpuRows(v: ModuleView): GpuRow[] {
  const rows = Array.isArray(v.data?.gpus) ? (v.data!.gpus as unknown[]) : [];
  return rows.filter((g): g is GpuRow => typeof g === 'object' && g !== null && typeof (g as GpuRow).id === 'string');
}

/** Graph rows under each awake GPU's line: enough to read a trend, few enough for two GPUs at 80x24. */
const GPU_GRAPH_ROWS = 2;

/** The lines the gpu panel would like: a line per GPU, and its graphs under each awake one. */
export function gpuPanelLines(v: ModuleView): number {
  const rows = gpuRows(v);
  const lines = rows.reduce((n, g) => n + 1 + (g.asleep === true ? 0 : GPU_GRAPH_ROWS), 0);
  return Math.max(1, lines) + (v.error ? 1 : 0);
}

/**
 * Each GPU: "0 37% 4.1G/24G 61°C 123W  NVIDIA GeForce RTX 3090" (with "util" and "mem" before
 * the figures where there is room), and under it its utilisation (left) and memory in use (right)
 * over time, each on a 0-100 % scale. A GPU asleep is one line.
 */
export function gpuPanel(m: Metrics, v: ModuleView, ctx: PanelCtx): PanelContent {
  const title = label(ctx, 'GPU', v.text || undefined, v.error ? 'failed' : v.state);
  const lines = [...errorLine(v, ctx)];
  const rows = gpuRows(v);
  if (rows.length === 0) {
    const why = !v.available ? 'not available here' : v.pending ? '...' : (v.detail[0]?.value ?? 'no GPU to show');
    lines.push(line([p(why, st(ctx.theme, 'idle'))], ctx.width));
    return { label: title, lines };
  }
  const awake = rows.filter((g) => g.asleep !== true).length;
  // The room for graphs, shared between the awake GPUs; each keeps its own line.
  const graphRows = awake > 0 ? Math.max(0, Math.floor((ctx.height - lines.length - rows.length) / awake)) : 0;
  const half = Math.floor((ctx.width - 1) / 2);
  for (const g of rows) {
    if (lines.length >= ctx.height) break;
    const name = typeof g.name === 'string' ? g.name : '';
    if (g.asleep === true) {
      lines.push(line([p(g.id as string, { bold: true }), p(' asleep', st(ctx.theme, 'idle')), p(`  ${name}`, st(ctx.theme, 'idle'))], ctx.width));
      continue;
    }
    const util = typeof g.utilization === 'number' ? g.utilization : null;
    const used = typeof g.memoryUsed === 'number' ? g.memoryUsed : null;
    const total = typeof g.memoryTotal === 'number' ? g.memoryTotal : null;
    const extra = [typeof g.celsius === 'number' ? `${Math.round(g.celsius)}°C` : '', typeof g.watts === 'number' ? `${Math.round(g.watts)}W` : '']
      .filter(Boolean)
      .join(' ');
    // The figures first and the name last, so that a narrow box cuts the name, never a figure;
    // with room, each figure says what it is.
    const wide = ctx.width >= 60;
    lines.push(
      line(
        [
          p(g.id as string, { bold: true }),
          p(` ${wide ? 'util ' : ''}${pctText(util)}`, st(ctx.theme, v.state)),
          p(` ${wide ? 'mem ' : ''}${used !== null && total !== null ? `${formatBytes(used)}/${formatBytes(total)}` : '--'}`, st(ctx.theme, 'info')),
          p(extra ? ` ${extra}` : ''),
          p(`  ${name}`, st(ctx.theme, 'idle')),
        ],
        ctx.width,
      ),
    );
    const rowsHere = Math.min(graphRows, ctx.height - lines.length);
    lines.push(
      ...beside(
        graphLines(m.history.get(`gpu:${g.id}:util`), half, rowsHere, 1, st(ctx.theme, v.state), ctx),
        graphLines(m.history.get(`gpu:${g.id}:mem`), ctx.width - half - 1, rowsHere, 1, st(ctx.theme, 'info'), ctx),
        half,
      ),
    );
  }
  return { label: title, lines: lines.slice(0, ctx.height) };
}

// ---------------------------------------------------------------- header

export interface HeaderInfo {
  host: string;
  os: string;
  uptime: string;
  time: string;
  refreshSeconds: number;
  paused: boolean;
  theme: string;
  /** A passing message (a theme that failed to load, a render error). */
  message?: { text: string; state: DrawState };
}

/**
 * The header: host, OS, uptime, the clock, the refresh interval (and PAUSED, and a passing
 * message), with the keys' hint at the right. Short of room, the OS name shortens and then
 * goes, then the interval, the date and the uptime drop and the hint shortens, so that the
 * clock is never cut; a message gets the room of those before it is cut itself.
 */
export function headerLine(h: HeaderInfo, ctx: PanelCtx): string {
  const base = ctx.theme.base;
  const bold = { ...base, bold: true };
  const tail: Piece[] = [];
  if (h.paused) tail.push(p('  PAUSED', { ...st(ctx.theme, 'warning'), bg: base.bg }));
  const message = h.message ? [p(`  ${h.message.text}`, { ...st(ctx.theme, h.message.state), bg: st(ctx.theme, h.message.state).bg ?? base.bg })] : [];
  const clockOnly = /\d\d:\d\d:\d\d$/.exec(h.time)?.[0] ?? h.time;
  const full = { os: '', up: true, date: true, every: true, hint: '? help  q quit ' };
  const forms = [
    ...osForms(h.os).map((os) => ({ ...full, os })),
    full,
    { ...full, every: false },
    { ...full, every: false, date: false },
    { ...full, every: false, date: false, up: false },
    { ...full, every: false, date: false, up: false, hint: '? help ' },
  ];
  const pieces = (f: (typeof forms)[number], host = h.host): Piece[] => [
    p(` ${host}`, bold),
    ...(f.os ? [p(`  ${f.os}`, base)] : []),
    ...(f.up ? [p(`  up ${h.uptime}`, base)] : []),
    p(`  ${f.date ? h.time : clockOnly}`, bold),
    ...(f.every ? [p(`  every ${h.refreshSeconds}s`, base)] : []),
    ...tail,
  ];
  const cells = (ps: Piece[]) => ps.reduce((n, x) => n + displayWidth(stripControl(x.text)), 0);
  const room = (f: (typeof forms)[number]) => Math.max(0, ctx.width - f.hint.length - 1);
  const fits = (f: (typeof forms)[number], extra: Piece[]) => cells([...pieces(f), ...extra]) <= room(f);
  const chosen = forms.find((f) => fits(f, message)) ?? forms.find((f) => fits(f, [])) ?? forms[forms.length - 1];
  let left = pieces(chosen);
  if (cells(left) > room(chosen)) {
    // Even the barest form is too wide: the host name is cut, never the clock.
    const hostRoom = Math.max(1, room(chosen) - cells(left.slice(1)) - 1);
    left = pieces(chosen, field(stripControl(h.host), hostRoom));
  }
  return `${line([...left, ...message], room(chosen), true)} ${blessedStyled(chosen.hint, base)}`;
}
