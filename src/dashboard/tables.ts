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
import { field, line, p, type Piece, st, type PanelCtx } from './text.js';

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

/** One column of the process table (COMMAND excepted: it takes the width that is left). */
interface ProcColumn {
  head: string;
  /** Cells, its separator excluded; numbers are right-aligned. */
  width: number;
  align: 'left' | 'right';
  /** What a click on its name sorts by. */
  sort?: ProcSort;
  /**
   * When it goes as the panel narrows: 1 first, then 2...; 0 never (PID, %CPU and %MEM, with
   * COMMAND, are the table at its narrowest).
   */
  drop: number;
  cell(r: ProcRow): string;
}

/** The process table's columns, left to right; the one place that says which drop first (`drop`). */
export const PROC_COLUMNS: readonly ProcColumn[] = [
  { head: 'PID', width: 7, align: 'right', sort: 'pid', drop: 0, cell: (r) => String(r.pid) },
  { head: 'USER', width: 8, align: 'left', drop: 5, cell: (r) => psUser(r.user ?? '', 8) },
  { head: '%CPU', width: 6, align: 'right', sort: 'cpu', drop: 0, cell: (r) => (r.cpu === null ? '-' : r.cpu.toFixed(1)) },
  { head: '%MEM', width: 5, align: 'right', sort: 'mem', drop: 0, cell: (r) => (r.mem * 100).toFixed(1) },
  { head: 'RSS', width: 6, align: 'right', sort: 'mem', drop: 4, cell: (r) => formatBytes(r.rssBytes) },
  { head: 'THR', width: 4, align: 'right', drop: 1, cell: (r) => (r.threads === null ? '-' : String(r.threads)) },
  { head: 'TIME', width: 8, align: 'right', drop: 2, cell: (r) => cpuTime(r.cpuSeconds) },
  { head: 'S', width: 1, align: 'left', drop: 3, cell: (r) => r.state },
];

/** COMMAND's cells before another column is dropped to widen it. */
const COMMAND_MIN = 16;

/** A user name in `width` cells as ps prints it: a longer one is cut one short, with `+` to say so. */
export function psUser(name: string, width: number): string {
  return displayWidth(name) <= width ? name : `${[...name].slice(0, width - 1).join('')}+`;
}

/** CPU time as ps's TIME column counts it, short: "0:05", "12:40", "3:02:11", "12d03h". */
export function cpuTime(seconds: number | null | undefined): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d${two(Math.floor((s % 86_400) / 3600))}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/**
 * The separating cells after a column: one, or two after a sortable column followed by a name
 * that starts at its left edge (USER, S, COMMAND), so that the `*` marking the sort, drawn in
 * the first, never touches the next name ("PID* USER", not "PID*USER").
 */
const gapAfter = (c: ProcColumn, next: ProcColumn | undefined) => (c.sort && (next === undefined || next.align === 'left') ? 2 : 1);

/** The columns shown in `width` cells, each with where it starts and the cells after it, and the cells left for COMMAND. */
export function procColumns(width: number): { columns: (ProcColumn & { from: number; gap: number })[]; command: number } {
  const cells = (cs: readonly ProcColumn[]) => cs.reduce((n, c, i) => n + c.width + gapAfter(c, cs[i + 1]), 0);
  let shown = PROC_COLUMNS.slice();
  while (width - cells(shown) < COMMAND_MIN) {
    const droppable = shown.filter((c) => c.drop > 0);
    if (droppable.length === 0) break;
    const next = Math.min(...droppable.map((c) => c.drop));
    shown = shown.filter((c) => c.drop !== next);
  }
  let from = 0;
  const columns = shown.map((c, i) => {
    const placed = { ...c, from, gap: gapAfter(c, shown[i + 1]) };
    from += c.width + placed.gap;
    return placed;
  });
  return { columns, command: Math.max(0, width - from) };
}

/** The sort a click on this cell of the header row asks for (in a table `width` cells wide), or null off the sortable columns. */
export function sortAtColumn(cell: number, width: number): ProcSort | null {
  return procColumns(width).columns.find((c) => c.sort && cell >= c.from && cell <= c.from + c.width)?.sort ?? null;
}

/**
 * A command line in `width` cells, in the first of its shorter forms that fits: as it is; the
 * program by its name rather than its path ("/usr/lib/jvm/.../bin/java -jar app.jar" -> "java
 * -jar app.jar"); then every path among the arguments by its last part too. Only when even that
 * is too long is it cut, at its end, so the program's name and first arguments stay.
 */
export function shortCommand(command: string, width: number): string {
  if (displayWidth(command) <= width) return command;
  const base = (word: string) => (/^\/\S*[^/]$/.test(word) ? word.slice(word.lastIndexOf('/') + 1) : word);
  const [program, ...args] = command.split(' ');
  const named = [base(program), ...args].join(' ');
  if (displayWidth(named) <= width) return named;
  return [base(program), ...args.map(base)].join(' ');
}

/**
 * A path too long for its `room` by its end, where its name is ("/var/crash/_usr_bin_x.crash"
 * -> "…/_usr_bin_x.crash"): the start of a long path says less than its last parts. Any other
 * text is left as it is (the line cuts it).
 */
export function shortPath(text: string, room: number, charset: PanelCtx['charset']): string {
  if (displayWidth(text) <= room || !/^~?\/\S+$/.test(text)) return text;
  const dots = charset === 'ascii' ? '...' : '…';
  const parts = text.split('/');
  for (let i = 1; i < parts.length; i++) {
    const tail = `${dots}/${parts.slice(i).join('/')}`;
    if (displayWidth(tail) <= room) return tail;
  }
  return `${dots}/${parts[parts.length - 1]}`;
}

/**
 * A detail's label in `room` cells: without its last words while it has more than one and is too
 * long ("Reboot required since" -> "Reboot required" -> "Reboot"), before it is cut.
 */
export function shortLabel(text: string, room: number): string {
  let words = text.split(' ');
  while (words.length > 1 && displayWidth(words.join(' ')) > room) words = words.slice(0, -1);
  return words.join(' ');
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
  // The longest form that fits the top border: the sort's key, then the sort itself (the header's * says it) go first.
  const tree = t.tree ? 'tree, siblings ' : '';
  const forms = [
    `${shown}, ${tree}by ${sortName} (s)${user}${filter}`,
    `${shown}, ${tree}by ${sortName}${user}${filter}`,
    `${shown}${t.tree ? ', tree' : ''}${user}${filter}`,
  ];
  const value = forms.find((f) => displayWidth(` Processes ${f} `) <= ctx.width - 1) ?? forms[forms.length - 1];
  const title = label(ctx, 'Processes', value, 'info');
  const lines: string[] = [];
  if (t.error) lines.push(line([p(`! ${t.error}`, st(ctx.theme, 'failed'))], ctx.width));
  if (t.notice) lines.push(line([p(t.notice.failed ? `! ${t.notice.text}` : t.notice.text, st(ctx.theme, t.notice.failed ? 'failed' : 'info'))], ctx.width));
  const { columns, command } = procColumns(ctx.width);
  // The sorted column's name (the first one, where RSS sorts as %MEM does) is marked with `*` in its separator's cell.
  const sorted = columns.find((c) => c.sort === t.sort);
  const head = columns.map((c) => `${field(c.head, c.width, c.align)}${c === sorted ? '*' : ' '}${' '.repeat(c.gap - 1)}`).join('');
  lines.push(line([p(`${head}COMMAND`, { bold: true, underscore: true })], ctx.width));
  const room = ctx.height - lines.length;
  for (let i = t.offset; i < Math.min(t.rows.length, t.offset + room); i++) {
    const r = t.rows[i];
    const indent = r.indent ?? '';
    const cells = columns.map((c) => `${field(c.cell(r), c.width, c.align)}${' '.repeat(c.gap)}`).join('');
    const text = `${cells}${indent}${shortCommand(stripControl(r.command ?? r.name), command - displayWidth(indent))}`;
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
  // Labels in a column as wide as the longest, while that leaves the values 10 cells; else 14.
  const longest = Math.max(0, ...v.detail.map((d) => displayWidth(stripControl(d.label)) + 1));
  const labelWidth = longest + 1 + 10 <= ctx.width ? longest : Math.min(14, longest);
  for (const d of v.detail)
    lines.push(
      line(
        [
          p(field(shortLabel(stripControl(d.label), labelWidth - 1), labelWidth), st(ctx.theme, 'idle')),
          p(` ${shortPath(stripControl(d.value), ctx.width - labelWidth - 1, ctx.charset)}`),
        ],
        ctx.width,
      ),
    );
  return { label: title, lines: lines.slice(0, ctx.height) };
}

/**
 * The modules without a panel of their own, each still saying its one line ("updates 5 (3
 * security)") in its state's colour: one a line where the rows allow, else side by side, two
 * spaces apart; those that find no room for their line are named at the end ("+ apport,
 * raid", or counted, "+2", where even their names do not fit), so that none is dropped unsaid.
 */
export function morePanel(views: ModuleView[], ctx: PanelCtx): PanelContent {
  const title = label(ctx, `${views.length} more`);
  const text = (v: ModuleView) => p(v.error ? `! ${v.error}` : v.text || '...', st(ctx.theme, v.error ? 'failed' : v.state));
  if (views.length <= ctx.height) {
    // One a line; the rows left over show detail lines under them, those needing attention first.
    const idWidth = Math.min(16, Math.max(...views.map((v) => displayWidth(v.id) + 1)));
    const details = new Map<ModuleView, number>();
    let spare = ctx.height - views.length;
    const urgent = (v: ModuleView) => Boolean(v.error) || ['critical', 'warning'].includes(v.state);
    for (const v of [...views.filter(urgent), ...views.filter((x) => !urgent(x))]) {
      const n = Math.min(spare, v.detail.length);
      details.set(v, n);
      spare -= n;
    }
    const lines: string[] = [];
    for (const v of views) {
      lines.push(line([p(field(v.id, idWidth), st(ctx.theme, 'idle')), text(v)], ctx.width));
      // Indented under the module's line, labels and values as in a panel of its own.
      const shown = v.detail.slice(0, details.get(v));
      const longest = Math.max(0, ...shown.map((d) => displayWidth(stripControl(d.label)) + 1));
      const labelWidth = longest + 13 <= ctx.width ? longest : Math.min(14, longest);
      for (const d of shown) {
        const value = shortPath(stripControl(d.value), ctx.width - 3 - labelWidth, ctx.charset);
        lines.push(line([p('  '), p(field(shortLabel(stripControl(d.label), labelWidth - 1), labelWidth), st(ctx.theme, 'idle')), p(` ${value}`)], ctx.width));
      }
    }
    return { label: title, lines };
  }
  const item = (v: ModuleView): Piece[] => [p(`${v.id} `, st(ctx.theme, 'idle')), text(v)];
  const cells = (items: ModuleView[]) =>
    items.reduce((n, v, i) => n + (i > 0 ? 2 : 0) + displayWidth(stripControl(`${v.id} ${v.error ? `! ${v.error}` : v.text || '...'}`)), 0);
  // Side by side, a row at a time; an item wider than a whole row still gets one (cut at its end).
  const rows: ModuleView[][] = [];
  let i = 0;
  for (; i < views.length; i++) {
    const row = rows[rows.length - 1];
    if (row && cells([...row, views[i]]) <= ctx.width) row.push(views[i]);
    else if (rows.length < ctx.height) rows.push([views[i]]);
    else break;
  }
  // Those left are named after the last row's items, which give up their place as needed.
  const last = rows[rows.length - 1];
  const rest = views.slice(i);
  const tail = () => (rest.length === 0 ? '' : ` + ${rest.map((v) => v.id).join(', ')}`);
  while (rest.length > 0 && last.length > 1 && cells(last) + tail().length > ctx.width) rest.unshift(last.pop()!);
  const restText = rest.length === 0 ? '' : cells(last) + tail().length <= ctx.width ? tail() : ` +${rest.length}`;
  // Where some would only be counted, every name rather, if they all fit.
  const names = wrap(views.map((v) => v.id).join(', '), ctx.width, Number.POSITIVE_INFINITY);
  if (restText.startsWith(' +') && !restText.startsWith(' + ') && names.length <= ctx.height && names.every((n) => displayWidth(n) <= ctx.width))
    return { label: title, lines: names.map((n) => line([p(n, st(ctx.theme, 'idle'))], ctx.width)) };
  const lines = rows.map((row, r) => {
    const pieces = row.flatMap((v, k) => [...(k > 0 ? [p('  ')] : []), ...item(v)]);
    if (r === rows.length - 1 && restText) pieces.push(p(restText, st(ctx.theme, 'idle')));
    return line(pieces, ctx.width);
  });
  return { label: title, lines };
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
