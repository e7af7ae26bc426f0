/**
 * The text-heavy panels: the process table, one panel per other module (user plugins and
 * scripts included), the EC2 cost panel, the "more" panel and the help overlay.
 */
import { formatBytes } from '../core/units.js';
import { displayWidth } from '../core/width.js';
import { stripControl } from '../render/sanitize.js';
import { label, type PanelContent } from './panels.js';
import type { ModuleView } from './model.js';
import type { ProcRow, ProcSort } from './procs.js';
import { field, line, p, st, type PanelCtx } from './text.js';

// ---------------------------------------------------------------- processes

export interface ProcTable {
  rows: ProcRow[];
  total: number;
  /** While `/` or `u` filters: how many there are unfiltered ("3 of 212"). */
  of?: number;
  sort: ProcSort;
  /** First row shown (scrolling) and the selected row, both indexes into rows. */
  offset: number;
  selected: number;
  focused: boolean;
  error?: string;
  /** The last process action's outcome (a signal sent, EPERM...), shown above the columns. */
  notice?: { text: string; failed: boolean };
  /** The filter typed after `/`, shown in the title while it applies (and a cursor while typing). */
  filter?: { text: string; typing: boolean; user?: string | null };
  /** `T`: rows in tree order, each command after its `indent`. */
  tree?: boolean;
}

/**
 * Where the sortable columns sit in the header row, in cells from the panel's inner left edge
 * (as the header below lays them out), so that a click on a column name sorts by it.
 */
export const SORT_COLUMNS: readonly { sort: ProcSort; from: number; to: number }[] = [
  { sort: 'pid', from: 0, to: 7 },
  { sort: 'cpu', from: 18, to: 24 },
  { sort: 'mem', from: 25, to: 31 },
];

/** The sort a click on this cell of the header row asks for, or null off the sortable columns. */
export function sortAtColumn(cell: number): ProcSort | null {
  return SORT_COLUMNS.find((c) => cell >= c.from && cell <= c.to)?.sort ?? null;
}

/** The row of the process panel's content that holds the column names. */
export function procHeaderRow(t: Pick<ProcTable, 'error' | 'notice'>): number {
  return (t.error ? 1 : 0) + (t.notice ? 1 : 0);
}

export function procsPanel(t: ProcTable, ctx: PanelCtx): PanelContent {
  const sortName = { cpu: '%CPU', mem: '%MEM', pid: 'PID' }[t.sort];
  // Typed text is outside text: no control characters reach the terminal, and a long one is cut.
  const typed = stripControl(t.filter?.text ?? '');
  const filter = t.filter && (typed || t.filter.typing) ? `, /${typed.length > 24 ? `${typed.slice(0, 23)}~` : typed}${t.filter.typing ? '_' : ''}` : '';
  const user = t.filter?.user ? `, user ${stripControl(t.filter.user)}` : '';
  const shown = t.of !== undefined ? `${t.total} of ${t.of}` : `${t.total}`;
  const title = label(ctx, 'Processes', `${shown}, ${t.tree ? 'tree, siblings ' : ''}by ${sortName} (s)${user}${filter}`, 'info');
  const lines: string[] = [];
  if (t.error) lines.push(line([p(`! ${t.error}`, st(ctx.theme, 'failed'))], ctx.width));
  if (t.notice) lines.push(line([p(t.notice.failed ? `! ${t.notice.text}` : t.notice.text, st(ctx.theme, t.notice.failed ? 'failed' : 'info'))], ctx.width));
  const mark = (col: ProcSort, text: string) => (t.sort === col ? `${text}*` : `${text} `);
  const cols = `${field(mark('pid', 'PID'), 8, 'right')} ${field('USER', 9)}${field(mark('cpu', '%CPU'), 7, 'right')}${field(mark('mem', '%MEM'), 7, 'right')}${field('RSS', 7, 'right')} S COMMAND`;
  lines.push(line([p(cols, { bold: true, underscore: true })], ctx.width));
  const room = ctx.height - lines.length;
  for (let i = t.offset; i < Math.min(t.rows.length, t.offset + room); i++) {
    const r = t.rows[i];
    const cpu = r.cpu === null ? '-' : r.cpu.toFixed(1);
    const text = `${field(String(r.pid), 7, 'right')}  ${field(r.user ?? '', 8)} ${field(cpu, 6, 'right')} ${field((r.mem * 100).toFixed(1), 6, 'right')} ${field(formatBytes(r.rssBytes), 6, 'right')} ${r.state} ${r.indent ?? ''}${r.command ?? r.name}`;
    const style = t.focused && i === t.selected ? { reverse: true } : r.cpu !== null && r.cpu >= 50 ? st(ctx.theme, 'warning') : {};
    lines.push(line([p(text, style)], ctx.width));
  }
  return { label: title, lines };
}

// ---------------------------------------------------------------- any module

/** Content lines a module panel would like (its text, error, detail lines). */
export function moduleLines(v: ModuleView): number {
  return 1 + (v.error ? 2 : 0) + v.detail.length;
}

/** Text cut into lines of `width` cells at most (at spaces where it can), `max` lines at most. */
export function wrap(text: string, width: number, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest && out.length < max) {
    if (rest.length <= width || out.length === max - 1) {
      out.push(rest);
      break;
    }
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  return out;
}

export function modulePanel(v: ModuleView, ctx: PanelCtx, failedIcon: string): PanelContent {
  const title = label(ctx, v.id);
  const lines: string[] = [];
  // The error is what the user needs to read: it may take up to three lines.
  if (v.error) for (const l of wrap(`${failedIcon || '!'} ${v.error}`, ctx.width, 3)) lines.push(line([p(l, st(ctx.theme, 'failed'))], ctx.width));
  if (v.text) lines.push(line([p(v.text, st(ctx.theme, v.error ? 'idle' : v.state))], ctx.width));
  else if (!v.error) lines.push(line([p(!v.available ? 'not available here' : v.pending ? '...' : 'nothing to report', st(ctx.theme, 'idle'))], ctx.width));
  const labelWidth = Math.min(14, Math.max(0, ...v.detail.map((d) => d.label.length + 1)));
  for (const d of v.detail) lines.push(line([p(field(d.label, labelWidth), st(ctx.theme, 'idle')), p(` ${d.value}`)], ctx.width));
  return { label: title, lines: lines.slice(0, ctx.height) };
}

export function morePanel(ids: string[], ctx: PanelCtx): PanelContent {
  return { label: label(ctx, `+${ids.length} more`), lines: [line([p(ids.join(', '), st(ctx.theme, 'idle'))], ctx.width)] };
}

// ---------------------------------------------------------------- EC2 cost

type Rec = Record<string, unknown>;

/** The first of several names that holds a finite number (or a numeric string). */
function pick(d: Rec | null, names: string[]): number | null {
  for (const n of names) {
    const v = d?.[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  }
  return null;
}

function pickText(d: Rec | null, names: string[]): string | null {
  for (const n of names) if (typeof d?.[n] === 'string' && d[n]) return d[n] as string;
  return null;
}

const usd = (v: number | null, digits = 2) => (v === null ? '--' : `$${v.toFixed(digits)}`);

/**
 * The running total, the rate per hour, the projection over 30 days and where the prices come
 * from, from the ec2-cost module's data ({ totalUsd, hourlyTotalUsd, hourlyRateUsd,
 * per30DaysUsd, priceSource, pricesAsOf, mode, instanceType, region }); without those, its
 * text and detail lines are shown as they are.
 */
export function ec2Panel(v: ModuleView, ctx: PanelCtx): PanelContent {
  const d = v.data;
  const total = pick(d, ['totalUsd']);
  const hourly = pick(d, ['hourlyTotalUsd', 'hourlyRateUsd']);
  const instanceHourly = pick(d, ['hourlyRateUsd']);
  const month = pick(d, ['per30DaysUsd']) ?? (hourly !== null ? hourly * 24 * 30 : null);
  const source = pickText(d, ['priceSource']);
  const asOf = pickText(d, ['pricesAsOf']);
  const type = pickText(d, ['instanceType']);
  const what = [type, pickText(d, ['region'])].filter(Boolean).join(' ');
  const title = label(ctx, 'EC2 cost', total !== null ? `~${usd(total)}` : v.text || undefined, v.error ? 'failed' : v.state);
  const lines: string[] = [];
  const row = (name: string, value: string, state = v.state) => line([p(field(name, 10), st(ctx.theme, 'idle')), p(value, st(ctx.theme, state))], ctx.width);
  if (v.error) lines.push(line([p(`! ${v.error}`, st(ctx.theme, 'failed'))], ctx.width));
  if (total !== null) {
    lines.push(row('So far', `~${usd(total)}${what ? `  ${what}` : ''}`));
    const instance = instanceHourly !== null && hourly !== null && instanceHourly !== hourly ? `  (instance ${usd(instanceHourly, 4)})` : '';
    lines.push(row('Per hour', `${usd(hourly, 4)}${instance}`, 'idle'));
    lines.push(row('30 days', usd(month), 'idle'));
    lines.push(row('Prices', [source ?? '?', asOf ?? 'date unknown'].join(', '), 'idle'));
    const mode = d?.mode;
    const note =
      mode === 'off-ec2'
        ? `not on EC2: priced as ${type ?? '?'}`
        : mode === 'what-if'
          ? `what-if: priced as ${type ?? '?'}`
          : 'estimate from uptime and traffic';
    lines.push(row('Note', note, 'info'));
  } else {
    if (v.text) lines.push(line([p(v.text, st(ctx.theme, v.state))], ctx.width));
    for (const x of v.detail) lines.push(row(x.label, x.value, 'idle'));
    if (!v.text && !v.error) lines.push(line([p(v.pending ? 'estimating...' : 'no estimate', st(ctx.theme, 'idle'))], ctx.width));
  }
  return { label: title, lines: lines.slice(0, ctx.height) };
}

// ---------------------------------------------------------------- help

export const HELP_LINES: [string, string][] = [
  ['q, Ctrl-C', 'quit'],
  ['?', 'this help (arrows scroll it, other keys close it)'],
  ['p', 'pause / resume updates'],
  ['+ / -  (or = / _)', 'refresh slower / faster'],
  ['Tab, S-Tab', 'move focus between panels (mouse: click)'],
  ['Up, Down (j), PgUp, PgDn', 'move in the focused process table (mouse: wheel)'],
  ['s', 'process sort: %CPU, %MEM, PID (mouse: click a column)'],
  ['t', 'next theme'],
  ['k', 'send a signal to the selected process (menu, then y)'],
  ['/', 'filter processes by command, arguments or user (Esc clears)'],
  ['u', 'processes of one user: a menu of the users present'],
  ['H', 'show / hide kernel threads'],
  ['Enter', 'detail of the selected process (Esc: back)'],
  ['n / N', 'nice +1 / -1 for the selected process (-1 needs privilege)'],
  ['T', 'process tree (parent, children indented) / flat list'],
  ['f', 'fleet page (hosts from Prometheus) / this host'],
  ['Enter, Esc, s (fleet)', "a host's detail, back, sort (worst, name...)"],
];

/** Cells the help's longest line takes: the keys' column and the longest text, or the log file's line. */
export function helpWidth(logFile: string): number {
  return Math.max(...HELP_LINES.map(([, what]) => HELP_KEY_CELLS + what.length), HELP_LOG_PREFIX.length + logFile.length);
}

/** The keys' column: the longest key and two spaces, so that no key is ever cut. */
export const HELP_KEY_CELLS = Math.max(...HELP_LINES.map(([k]) => displayWidth(k))) + 2;
const HELP_LOG_PREFIX = 'Errors are written to ';
/** Below this many cells for the text beside the keys, each key gets a line of its own, its text under it. */
const HELP_MIN_TEXT_CELLS = 24;

/**
 * Every line of the help at ctx.width, none cut: a text too long for its column wraps under
 * it, and on a narrow screen each key stands on its own line with its text indented below.
 */
export function helpLines(ctx: PanelCtx, logFile: string): string[] {
  const width = Math.max(1, ctx.width);
  const keyCells = width - HELP_KEY_CELLS >= HELP_MIN_TEXT_CELLS ? HELP_KEY_CELLS : 0;
  const indent = keyCells || Math.min(2, width - 1);
  const lines: string[] = [];
  for (const [k, what] of HELP_LINES) {
    const texts = wrap(what, width - indent, Number.POSITIVE_INFINITY);
    if (keyCells) lines.push(line([p(field(k, keyCells), { bold: true }), p(texts.shift() ?? '')], width));
    else for (const part of wrap(k, width, Number.POSITIVE_INFINITY)) lines.push(line([p(part, { bold: true })], width));
    for (const t of texts) lines.push(line([p(' '.repeat(indent)), p(t)], width));
  }
  lines.push(line([p('')], width));
  for (const l of wrap(`${HELP_LOG_PREFIX}${logFile}`, width, Number.POSITIVE_INFINITY)) lines.push(line([p(l, st(ctx.theme, 'idle'))], width));
  return lines;
}

/**
 * The part of the help that `rows` lines show from `offset` (clamped, and returned). When it
 * does not all fit, the last row says how much is above and below and which keys scroll.
 */
export function helpView(all: string[], offset: number, rows: number, ctx: PanelCtx): { lines: string[]; offset: number } {
  if (all.length <= rows) return { lines: all, offset: 0 };
  const shown = Math.max(1, rows - 1);
  const at = Math.max(0, Math.min(offset, all.length - shown));
  const below = all.length - shown - at;
  const [up, down] = ctx.charset === 'ascii' ? ['^', 'v'] : ['\u25b2', '\u25bc'];
  const where = [at > 0 ? `${up} ${at} above` : '', below > 0 ? `${down} ${below} more` : 'end'].filter(Boolean).join('  ');
  const forms = [`${where}  (Up/Down/PgUp/PgDn scroll, other keys close)`, `${where}  (Up/Down scroll)`, where, below > 0 ? down : up];
  const marker = forms.find((f) => displayWidth(f) <= ctx.width) ?? '';
  return { lines: [...all.slice(at, at + shown), line([p(marker, st(ctx.theme, 'info'))], ctx.width)], offset: at };
}
