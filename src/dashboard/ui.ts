/**
 * The blessed side of `shoji dashboard`: boxes, keys, mouse and the frame loop.
 *
 * One render per tick. Each tick asks the scheduler to collect the graphed modules now (so the
 * graphs move at the dashboard's refresh, not at the status line's intervals), waits for those
 * /proc reads to come in, then updates every panel's text and calls screen.render() once;
 * blessed sends only the cells that changed. Readings that arrive between ticks are
 * picked up by the next one. Keys re-render at once, since they are what the user waits for.
 * The process table samples /proc on its own, slower interval.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isUtf8Locale } from '../core/locale.js';
import { configDir } from '../core/paths.js';
import { log, logFile } from '../host/log.js';
import type { App } from '../app/app.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { BUILTIN_THEMES, loadTheme, type Theme } from '../core/theme.js';
import { formatDuration } from '../core/units.js';
import { blessedWidgetStyle } from '../render/blessed.js';
import { loadBlessed, type Box, type Screen, withoutResizeRender } from './blessed-load.js';
import { FleetPage, fleetSettings } from './fleet-page.js';
import type { Charset } from './graph.js';
import { computeLayout, type Layout, type LayoutInput, type ModuleWant, modulesToPlace, type Rect } from './layout.js';
import { CORE_MODULES, HEADER_MODULES, hasSomethingToShow, Metrics, moduleView, type ModuleView, panelOrder } from './model.js';
import {
  batteryPanel,
  cpuPanel,
  diskPanel,
  gpuPanel,
  gpuPanelLines,
  headerLine,
  memoryPanel,
  networkPanel,
  type PanelContent,
  temperatureLines,
  temperaturePanel,
} from './panels.js';
import { PaintedLines, paintCells } from './paint.js';
import { drawLinesAsText } from './terminfo.js';
import { History } from './history.js';
import { PROC_SORTS, ProcSampler, sortProcs, type ProcRow, type ProcSort } from './procs.js';
import { openSignalDialog, renice, sendSignal, signalDialogKey, signalDialogLines, type ProcTarget, type SignalDialog } from './proc-actions.js';
import { type DetailView, type ProcDetail, procDetailLines } from './proc-detail.js';
import { treeOrder, treePrefix } from './proc-tree.js';
import {
  DEFAULT_VIEW,
  filterKey,
  filterProcs,
  needsDescription,
  openUserMenu,
  type ProcView,
  type UserMenu,
  userMenuKey,
  userMenuLines,
  usersPresent,
} from './proc-filter.js';
import { ec2Panel, helpLines, helpView, helpWidth, moduleLines, modulePanel, morePanel, procHeaderRow, procsPanel, sortAtColumn } from './tables.js';
import type { PanelCtx } from './text.js';
import { line, p, st } from './text.js';

/** A placeholder id for where the "more" panel would go (no module has a space in its id). */
const MORE_SLOT = ' more';

export const REFRESH_STEPS = [0.25, 0.5, 1, 2, 3, 5, 10, 30];
/** Modules collected on every tick: the ones with history graphs (load keeps its own interval). */
const TICK_MODULES = ['cpu', 'memory', 'swap', 'network', 'diskio'];
/** The longest a tick waits for its collects (plain /proc reads, normally a few ms) before drawing. */
const SETTLE_MS = 200;
/** The least time a process list from systeminformation (ps) is waited for before it is given up on. */
const PROC_LIST_WAIT_MIN_MS = 30_000;

export interface UiOptions {
  env: NodeJS.ProcessEnv;
  app: App;
  refreshSeconds: number;
  processSeconds: number;
  charset: Charset;
  /** Static header facts. */
  os: string;
  statuses(): Map<string, ModuleStatus>;
  /** Ask the scheduler to collect a module now; resolves when that collect has settled. */
  refresh(id: string): Promise<void>;
  /** The app may be reloaded when the config changes. */
  currentApp(): App;
  procRoot: string;
  sysRoot: string;
  root: string;
  now(): number;
}

export class DashboardUi {
  private screen: Screen;
  private blessed = loadBlessed();
  /** Whether the terminal is sent characters beyond ASCII (UTF-8 locale, not the ascii icon set). */
  private get unicode(): boolean {
    return this.opts.charset !== 'ascii';
  }
  private header: Box;
  private boxes = new Map<string, Box>();
  private lastContent = new Map<string, string>();
  private versions = new Map<string, string | undefined>();
  private painted = new Map<Box, PaintedLines>();
  /** The last layout and what it was computed from (the size, what each panel wants). */
  private layoutCache?: { key: string; layout: Layout };
  /** Counts process samples, so the table is rebuilt only when there is something new. */
  private procVersion = 0;
  private help: Box;
  /** The help's first line shown, when it has more lines than the screen has rows. */
  private helpOffset = 0;
  private tooSmall: Box;
  private metrics: Metrics;
  private theme: Theme;
  private refreshSeconds: number;
  private paused = false;
  private focus = 0;
  private focusOrder: string[] = [];
  /** Every process sampled, sorted; `procs` is what the view (filter, user, kernel threads) shows of it. */
  private allProcs: ProcRow[] = [];
  private procs: ProcRow[] = [];
  private procView: ProcView = DEFAULT_VIEW;
  private procUnfiltered = 0;
  /** `T`: the table as a tree of parents and children. */
  private procTree = false;
  /** Keys go to the `/` filter while this is set. */
  private procTyping = false;
  private procNotice?: { text: string; failed: boolean };
  private signalDialog?: SignalDialog;
  /** The `u` menu while open (drawn in the dialog box). */
  private userMenu?: UserMenu;
  private dialogBox: Box;
  /** The detail view (Enter): the process, its last reading, and the timer that polls it while open. */
  private detail?: { target: { pid: number; start: string; command: string; user: string }; view: DetailView; at: number; box: Box };
  private detailTimer?: NodeJS.Timeout;
  /** Set only for a few seconds after a signal is sent, to say when the process ends. */
  private endWatch?: NodeJS.Timeout;
  private procSort: ProcSort = 'cpu';
  private procSelected = 0;
  private procOffset = 0;
  private procError?: string;
  private sampler: ProcSampler;
  private tickTimer?: NodeJS.Timeout;
  private settleTimer?: NodeJS.Timeout;
  private procTimer?: NodeJS.Timeout;
  private message?: { text: string; state: 'warning' | 'failed' | 'info'; until: number };
  /** The page shown: this host's panels, or the fleet from Prometheus (f switches). */
  private page: 'host' | 'fleet' = 'host';
  private fleet: FleetPage;
  private loggedErrors = new Set<string>();
  private done = false;
  private resolveDone!: (code: number) => void;
  readonly finished: Promise<number>;

  constructor(private opts: UiOptions) {
    this.finished = new Promise((resolve) => (this.resolveDone = resolve));
    this.theme = opts.app.theme;
    this.metrics = new Metrics({ procRoot: opts.procRoot });
    this.refreshSeconds = opts.refreshSeconds;
    this.sampler = new ProcSampler({ env: opts.env, procRoot: opts.procRoot, sysRoot: opts.sysRoot, root: opts.root, now: opts.now });
    this.fleet = new FleetPage({
      env: opts.env,
      settings: () => fleetSettings(this.opts.currentApp()),
      changed: () => this.frame(),
      paused: () => this.paused,
      ascii: !isUtf8Locale(opts.env),
    });
    this.screen = this.createScreen();
    this.header = this.paintable(this.blessed.box({ parent: this.screen, top: 0, left: 0, height: 1, width: '100%' }), 0);
    this.tooSmall = this.blessed.box({
      parent: this.screen,
      tags: true,
      hidden: true,
      top: 0,
      left: 0,
      width: '100%',
      height: '100%',
      valign: 'middle',
      align: 'center',
    });
    this.help = this.blessed.box({
      parent: this.screen,
      tags: true,
      hidden: true,
      border: { type: 'line' },
      label: ' shoji dashboard: keys ',
      top: 'center',
      left: 'center',
      width: 70,
      height: 14,
      wrap: false,
    });
    this.dialogBox = this.blessed.box({ parent: this.screen, tags: true, hidden: true, border: { type: 'line' }, top: 'center', left: 'center', wrap: false });
    this.bindKeys();
    this.screen.on('resize', () => this.frame());
  }

  /** Draw the first frame now (the panels, with whatever values there are yet). */
  start(): void {
    this.sampleProcs();
    this.frame();
  }

  /**
   * Start ticking, once the modules' first collects are under way. The first tick comes soon:
   * CPU %, rates and process %CPU need a second sample, and the first frame with real values
   * should not wait a whole refresh interval for it.
   */
  run(firstTickMs: number): void {
    if (this.done || this.tickTimer) return;
    this.tickTimer = setTimeout(() => this.tick(), firstTickMs);
    this.procTimer = setTimeout(() => this.procLoop(), firstTickMs);
  }

  stop(code = 0): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.settleTimer);
    clearTimeout(this.procTimer);
    clearTimeout(this.endWatch);
    clearTimeout(this.detailTimer);
    this.fleet.stop();
    try {
      // Restoring a terminal that has gone (its tmux killed, its ssh dropped) fails with EIO; the
      // dashboard must end all the same. It did not: `done` was set, the run never finished, and
      // the process went on collecting with no terminal, for good.
      this.screen.destroy();
    } catch (err) {
      log(this.opts.env, `dashboard: the terminal could not be restored: ${(err as Error).message}`);
    } finally {
      this.resolveDone(code);
    }
  }

  // ------------------------------------------------------------ screen

  private createScreen(): Screen {
    const env = this.opts.env;
    // blessed reports terminfo trouble with console.error, which would draw over the UI
    // before its first frame: route it to the log instead, where it can be read.
    const consoleError = console.error;
    console.error = (...args: unknown[]) => log(env, `blessed: ${args.map(String).join(' ')}`);
    try {
      const screen = this.blessed.screen({
        smartCSR: true,
        // Wide characters (emoji, CJK in process names) take their two cells, as the panels count them.
        fullUnicode: this.unicode,
        autoPadding: true,
        warnings: false,
        title: 'shoji dashboard',
        terminal: env.TERM || 'xterm',
        forceUnicode: this.unicode,
      } as never);
      drawLinesAsText(screen.tput as never, this.unicode);
      screen.program.on('warning', (text: string) => log(env, `blessed: ${text}`));
      return screen;
    } finally {
      console.error = consoleError;
    }
  }

  /** A box whose interior is painted from our lines after blessed draws it (see paint.ts). */
  private paintable(b: Box, inset: number): Box {
    const lines = new PaintedLines(this.unicode);
    this.painted.set(b, lines);
    b.on('render', (coords: { xi: number; xl: number; yi: number; yl: number }) => {
      paintCells(
        (this.screen as unknown as { lines: never }).lines,
        lines.rows,
        coords.xi + inset,
        coords.yi + inset,
        coords.xl - coords.xi - 2 * inset,
        coords.yl - coords.yi - 2 * inset,
      );
    });
    return b;
  }

  /** Give a painted box its lines (tagged, as the panels make them). */
  private paint(b: Box, lines: string[]): void {
    const base = (b as unknown as { sattr(style: unknown): number }).sattr(b.style);
    this.painted.get(b)!.set(lines, base);
  }

  private box(id: string): Box {
    let b = this.boxes.get(id);
    if (!b) {
      b = this.paintable(
        withoutResizeRender(this.blessed.box({ parent: this.screen, tags: true, border: { type: 'line' }, label: ` ${id} `, hidden: true })),
        1,
      );
      b.on('click', () => {
        const i = this.focusOrder.indexOf(id);
        if (i >= 0) this.setFocus(i);
      });
      if (id === 'fleet') {
        b.on('wheeldown', () => this.moveFleet(3));
        b.on('wheelup', () => this.moveFleet(-3));
      }
      if (id === 'procs') {
        b.on('wheeldown', () => this.moveProc(3));
        b.on('wheelup', () => this.moveProc(-3));
        b.on('click', (m: { x: number; y: number }) => this.clickProcs(b!, m));
      }
      this.boxes.set(id, b);
    }
    return b;
  }

  /**
   * Put a panel in its place and give it its content. `version` names what the content depends
   * on besides size, focus and theme; when it is unchanged the content is not built again
   * (the process table and module panels change far less often than the graphs).
   */
  private place(id: string, rect: Rect | undefined, content: (ctx: PanelCtx) => PanelContent, version?: string): void {
    if (!rect || rect.height < 3) {
      this.boxes.get(id)?.hide();
      return;
    }
    const focused = this.focusOrder[this.focus] === id;
    const key = version === undefined ? undefined : `${version}|${rect.left},${rect.top},${rect.width},${rect.height}|${focused}|${this.theme.name}`;
    if (key !== undefined && this.versions.get(id) === key) {
      this.boxes.get(id)?.show();
      return;
    }
    this.versions.set(id, key);
    const b = this.box(id);
    b.left = rect.left;
    b.top = rect.top;
    b.width = rect.width;
    b.height = rect.height;
    const border = focused ? { ...st(this.theme, 'info'), bold: true } : st(this.theme, 'idle');
    b.style = { border: blessedWidgetStyle(border), label: {} } as never;
    const c = content({ theme: this.theme, charset: this.opts.charset, width: rect.width - 2, height: rect.height - 2 });
    this.paint(b, c.lines.slice(0, rect.height - 2));
    if (this.lastContent.get(`${id}:label`) !== c.label) {
      b.setLabel(c.label);
      this.lastContent.set(`${id}:label`, c.label);
    }
    b.show();
  }

  // ------------------------------------------------------------ frames

  private tick(): void {
    if (this.done) return;
    if (!this.paused) {
      const statuses = this.opts.statuses();
      const collects: Promise<void>[] = [];
      for (const id of TICK_MODULES) {
        // A module with nothing to show (no swap, say) keeps its own, slower interval.
        const s = statuses.get(id);
        if (s?.hasValue && s.reading === null && id === 'swap') continue;
        collects.push(this.opts.refresh(id));
      }
      // Draw once this tick's readings are in; a collect that is slow is drawn by a later tick.
      clearTimeout(this.settleTimer);
      let drawn = false;
      const draw = () => {
        if (drawn) return;
        drawn = true;
        clearTimeout(this.settleTimer);
        this.frame();
      };
      this.settleTimer = setTimeout(draw, SETTLE_MS);
      void Promise.all(collects).then(draw);
    }
    this.tickTimer = setTimeout(() => this.tick(), this.refreshSeconds * 1000);
  }

  private procLoop(): void {
    if (this.done) return;
    if (!this.paused) this.sampleProcs();
    this.procTimer = setTimeout(() => this.procLoop(), this.opts.processSeconds * 1000);
  }

  /** A list still being read (systeminformation's ps): the table keeps the last one meanwhile, and no second is asked for. */
  private procPending = false;
  /** Which list is awaited: one that comes after it was given up on is dropped. */
  private procAsked = 0;

  private sampleProcs(): void {
    if (this.procPending) return;
    const failed = (err: unknown) => {
      this.procError = (err as Error).message;
      this.logOnce(`process table: ${this.procError}`);
    };
    const take = (rows: ProcRow[]) => {
      try {
        this.allProcs = sortProcs(rows, this.procSort);
        this.applyProcView();
        this.procError = undefined;
      } catch (err) {
        failed(err);
      }
    };
    try {
      const rows = this.sampler.sample();
      if (!(rows instanceof Promise)) {
        take(rows);
        return;
      }
      this.procPending = true;
      const asked = ++this.procAsked;
      // A ps that never answers must not stop the table for good: it is given up on (and said so),
      // and the next turn asks again.
      const waitMs = Math.max(PROC_LIST_WAIT_MIN_MS, this.opts.processSeconds * 5000);
      const giveUp = setTimeout(() => {
        if (asked !== this.procAsked) return;
        this.procAsked++;
        this.procPending = false;
        failed(new Error(`the process list did not come in ${Math.round(waitMs / 1000)} s`));
        this.frame();
      }, waitMs);
      giveUp.unref?.();
      rows
        .then(
          (list) => asked === this.procAsked && take(list),
          (err) => asked === this.procAsked && failed(err),
        )
        .finally(() => {
          clearTimeout(giveUp);
          if (asked !== this.procAsked) return;
          this.procPending = false;
          this.frame();
        });
    } catch (err) {
      failed(err);
    }
  }

  /** Update every panel and render once. */
  frame(): void {
    if (this.done) return;
    try {
      this.draw();
    } catch (err) {
      // Shown and logged, never swallowed; the next frame tries again.
      const msg = (err as Error).message;
      this.logOnce(`dashboard render failed: ${(err as Error).stack ?? msg}`);
      this.message = { text: `render failed: ${msg} (see ${logFile(this.opts.env)})`, state: 'failed', until: Date.now() + 10_000 };
      this.paint(this.header, [headerLine(this.headerInfo(), this.ctx(this.screen.width as number, 1))]);
    }
    this.screen.render();
  }

  /**
   * An alert from the long-lived side (host/alerts-watch.ts): shown on the header line for 10 s,
   * a critical one in the failed colours. The dashboard shows its alerts here only: a tmux
   * message or a notification would come again from the tmux daemon.
   */
  alert(text: string, critical: boolean): void {
    this.message = { text, state: critical ? 'failed' : 'warning', until: Date.now() + 10_000 };
    this.frame();
  }

  private ctx(width: number, height: number): PanelCtx {
    return { theme: this.theme, charset: this.opts.charset, width, height };
  }

  private draw(): void {
    const statuses = this.opts.statuses();
    const app = this.opts.currentApp();
    if (!this.paused) this.metrics.update(statuses);
    const view = (id: string): ModuleView => moduleView(id, statuses.get(id));
    const cols = this.screen.width as number;
    const rows = this.screen.height as number;

    const onLine = [...app.modules.left, ...app.modules.right].map((m) => m.id);
    const others = panelOrder(
      [...statuses.keys()].filter(
        (id) =>
          !(CORE_MODULES as readonly string[]).includes(id) &&
          !(HEADER_MODULES as readonly string[]).includes(id) &&
          statuses.get(id)?.available !== false &&
          hasSomethingToShow(view(id)),
      ),
      onLine,
    );
    const battery = view('battery');
    const ec2 = view('ec2-cost');
    const frame = {
      cols,
      rows,
      battery: statuses.has('battery') && battery.available && (battery.data !== null || Boolean(battery.error)),
      ec2: statuses.has('ec2-cost') && ec2.available,
      temperature: temperatureLines(this.metrics, rows),
      quietNetwork: this.metrics.net.length === 0 && !view('network').pending && !view('network').error,
    };
    // The modules on the line, and any other that needs attention, first; the rest where room is left.
    const want = (id: string) => ({ id, lines: id === 'gpu' ? gpuPanelLines(view(id)) : moduleLines(view(id)) });
    const first = others.filter((id) => onLine.includes(id) || ['warning', 'critical', 'failed'].includes(view(id).state));
    const then = others.filter((id) => !first.includes(id));
    const [firstWants, thenWants] = [first.map(want), then.map(want)];
    // Laid out again only when the size or what the panels want changes, not every frame.
    const key = JSON.stringify([frame, firstWants, thenWants]);
    if (this.layoutCache?.key !== key) this.layoutCache = { key, layout: layoutFor(frame, firstWants, thenWants) };
    const layout = this.layoutCache.layout;

    if (layout.tooSmall) {
      for (const b of this.boxes.values()) b.hide();
      this.header.hide();
      this.tooSmall.setContent(line([p(layout.tooSmall, st(this.theme, 'warning'))], Math.max(1, cols), false));
      this.tooSmall.show();
      return;
    }
    this.tooSmall.hide();
    this.header.show();
    this.header.style = blessedWidgetStyle(this.theme.base) as never;

    const order = ['cpu', 'memory', 'network', 'disk', 'procs'];
    if (layout.battery) order.push('battery');
    if (layout.ec2) order.push('ec2');
    if (layout.temperature) order.push('temperature');
    order.push(...layout.modules.map((m) => `mod:${m.id}`));
    const focusedId = this.focusOrder[this.focus];
    this.focusOrder = order;
    this.focus = Math.max(0, focusedId ? order.indexOf(focusedId) : 0);

    this.paint(this.header, [headerLine(this.headerInfo(), this.ctx(cols, 1))]);
    if (this.page === 'fleet') {
      for (const [id, b] of this.boxes) if (id !== 'fleet') b.hide();
      this.place('fleet', { left: 0, top: 1, width: cols, height: rows - 1 }, (c) => this.fleet.content(c));
      if (!this.help.hidden) this.layoutHelp();
      return;
    }
    this.place('cpu', layout.cpu, (c) => cpuPanel(this.metrics, view('cpu'), view('load'), c));
    this.place('memory', layout.memory, (c) => memoryPanel(this.metrics, view('memory'), view('swap'), c));
    const icons = app.icons.icons;
    this.place('network', layout.network, (c) =>
      networkPanel(this.metrics, view('network'), c, { rx: icons['network-rx'] ?? '', tx: icons['network-tx'] ?? '' }),
    );
    this.place('disk', layout.disk, (c) => diskPanel(this.metrics, view('disk'), view('diskio'), c));
    this.place(
      'procs',
      layout.procs,
      (c) => this.procPanel(c),
      `${this.procVersion}|${this.procSort}|${this.procSelected}|${this.procOffset}|${this.procError}|${this.procTyping}`,
    );
    this.place('battery', layout.battery, (c) => batteryPanel(battery, c), statusVersion(statuses.get('battery')));
    this.place('ec2', layout.ec2, (c) => ec2Panel(ec2, c), statusVersion(statuses.get('ec2-cost')));
    this.place('temperature', layout.temperature, (c) => temperaturePanel(this.metrics, view('temperature'), c), statusVersion(statuses.get('temperature')));
    const placed = new Set(['cpu', 'memory', 'network', 'disk', 'procs', 'battery', 'ec2', 'temperature', 'more']);
    for (const m of layout.modules) {
      placed.add(`mod:${m.id}`);
      const content =
        m.id === 'gpu' ? (c: PanelCtx) => gpuPanel(this.metrics, view(m.id), c) : (c: PanelCtx) => modulePanel(view(m.id), c, icons.failed ?? '!');
      this.place(`mod:${m.id}`, m.rect, content, statusVersion(statuses.get(m.id)));
    }
    this.place(
      'more',
      layout.more?.rect,
      (c) => morePanel(layout.more!.ids.map(view), c),
      layout.more?.ids.map((id) => `${id}:${statusVersion(statuses.get(id))}`).join(','),
    );
    for (const [id, b] of this.boxes) if (!placed.has(id)) b.hide();
    if (!layout.battery) this.boxes.get('battery')?.hide();
    if (!layout.ec2) this.boxes.get('ec2')?.hide();
    if (!layout.temperature) this.boxes.get('temperature')?.hide();
    if (!layout.more) this.boxes.get('more')?.hide();
    if (!this.help.hidden) this.layoutHelp();
    if (this.detail) this.drawDetail(cols, rows);
    if (this.signalDialog) this.drawSignalDialog(cols);
    if (this.userMenu) this.drawUserMenu(cols, rows);
  }

  private procPanel(c: PanelCtx): PanelContent {
    const room = Math.max(1, c.height - 1 - (this.procError ? 1 : 0) - (this.procNotice ? 1 : 0));
    this.procSelected = Math.max(0, Math.min(this.procSelected, this.procs.length - 1));
    if (this.procSelected < this.procOffset) this.procOffset = this.procSelected;
    if (this.procSelected >= this.procOffset + room) this.procOffset = this.procSelected - room + 1;
    this.procOffset = Math.max(0, Math.min(this.procOffset, Math.max(0, this.procs.length - room)));
    const visible = this.sampler.describe(this.procs.slice(this.procOffset, this.procOffset + room));
    const rows = [...this.procs.slice(0, this.procOffset), ...visible];
    return procsPanel(
      {
        rows,
        total: this.procs.length,
        of: needsDescription(this.procView) ? this.procUnfiltered : undefined,
        sort: this.procSort,
        offset: this.procOffset,
        selected: this.procSelected,
        focused: this.focusOrder[this.focus] === 'procs',
        error: this.procError,
        notice: this.procNotice,
        tree: this.procTree,
        filter: { text: this.procView.text, typing: this.procTyping, user: this.procView.user },
      },
      c,
    );
  }

  private headerInfo() {
    const statuses = this.opts.statuses();
    const host = statuses.get('hostname')?.data as { hostname?: string } | undefined;
    const up = statuses.get('uptime');
    const upData = up?.data as { seconds?: number } | undefined;
    // The uptime module runs once a minute: add the time since its reading.
    const upSeconds = typeof upData?.seconds === 'number' ? upData.seconds + (Date.now() - (up!.lastOkWall ?? Date.now())) / 1000 : null;
    const now = new Date();
    const two = (n: number) => String(n).padStart(2, '0');
    if (this.message && this.message.until < Date.now()) this.message = undefined;
    return {
      host: host?.hostname ?? statuses.get('hostname')?.reading?.text ?? '',
      os: this.opts.os,
      uptime: upSeconds === null ? '--' : formatDuration(upSeconds),
      time: `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`,
      refreshSeconds: this.refreshSeconds,
      paused: this.paused,
      theme: this.theme.name,
      message: this.message,
    };
  }

  private logOnce(msg: string): void {
    if (this.loggedErrors.has(msg)) return;
    this.loggedErrors.add(msg);
    log(this.opts.env, msg);
  }

  // ------------------------------------------------------------ keys

  private bindKeys(): void {
    this.screen.on('keypress', (ch: string | undefined, key: { full?: string; name?: string } | undefined) => {
      try {
        this.onKey(ch ?? '', key?.full ?? key?.name ?? '');
      } catch (err) {
        this.logOnce(`key handler failed: ${(err as Error).stack ?? err}`);
      }
    });
  }

  private onKey(ch: string, full: string): void {
    if (full === 'C-c') {
      this.stop(0);
      return;
    }
    // The filter being typed and the signal dialog take every key (q included) until closed.
    if (this.procTyping) {
      this.typeFilter(ch, full);
      return;
    }
    if (this.signalDialog) {
      this.signalDialogKey(ch, full);
      return;
    }
    if (this.userMenu) {
      this.userMenuKey(ch, full);
      return;
    }
    if (this.detail && this.detailKey(ch, full)) return;
    if (ch === 'q') {
      this.stop(0);
      return;
    }
    if (!this.help.hidden) {
      const scroll = { up: -1, down: 1, pageup: -10, pagedown: 10, home: -Infinity, end: Infinity }[full];
      if (scroll !== undefined) this.helpOffset += scroll;
      else this.help.hide();
      this.frame();
      return;
    }
    if (this.page === 'fleet') {
      const done = this.fleet.onKey(ch, full);
      if (done === 'back') this.showPage('host');
      if (done) {
        this.frame();
        return;
      }
    }
    switch (ch || full) {
      case 'f':
        this.showPage(this.page === 'fleet' ? 'host' : 'fleet');
        break;
      case '?':
        this.showHelp();
        break;
      case 'p':
        this.paused = !this.paused;
        break;
      case '+':
      case '=':
        this.stepRefresh(1);
        break;
      case '-':
      case '_':
        this.stepRefresh(-1);
        break;
      case 's':
        this.sortProcsBy(PROC_SORTS[(PROC_SORTS.indexOf(this.procSort) + 1) % PROC_SORTS.length]);
        break;
      case 't':
        this.nextTheme();
        break;
      case 'k':
        this.openSignalDialog();
        break;
      case 'H':
        this.setProcView({ ...this.procView, kernelThreads: !this.procView.kernelThreads });
        this.setNotice(this.procView.kernelThreads ? 'kernel threads shown (H hides them)' : 'kernel threads hidden (H shows them)', false);
        break;
      case 'u':
        this.nextUser();
        break;
      case 'T':
        this.procTree = !this.procTree;
        this.applyProcView();
        this.procSelected = 0;
        break;
      case 'n':
      case 'N':
        this.reniceSelected(ch === 'n' ? 1 : -1);
        break;
      case '/':
        this.procTyping = true;
        this.focusProcs();
        this.procVersion++;
        break;
      default:
        if (full === 'tab') this.setFocus(this.focus + 1, false);
        else if (full === 'S-tab') this.setFocus(this.focus - 1, false);
        else if (full === 'down' || full === 'j') this.moveProc(1, false);
        else if (full === 'up') this.moveProc(-1, false);
        else if (full === 'enter' && this.page === 'host') this.openDetail();
        else if (full === 'escape' && this.procView.text) this.setProcView({ ...this.procView, text: '' });
        else if (full === 'pagedown') this.moveProc(10, false);
        else if (full === 'pageup') this.moveProc(-10, false);
        else return;
    }
    this.frame();
  }

  private showHelp(): void {
    this.helpOffset = 0;
    this.help.show();
    this.layoutHelp();
  }

  /** Size the help to its lines within the screen (it wraps, then scrolls), show its part, bring it to the front. */
  private layoutHelp(): void {
    const cols = this.screen.width as number;
    const rows = this.screen.height as number;
    // As wide as its longest line needs (and its two borders), within the screen.
    const width = Math.max(3, Math.min(helpWidth(logFile(this.opts.env)) + 2, cols - 2));
    const all = helpLines(this.ctx(width - 2, 1), logFile(this.opts.env));
    const height = Math.max(3, Math.min(all.length + 2, rows - 2));
    const view = helpView(all, this.helpOffset, height - 2, this.ctx(width - 2, height - 2));
    this.helpOffset = view.offset;
    this.help.width = width;
    this.help.height = height;
    this.help.setContent(view.lines.join('\n'));
    this.help.setFront();
  }

  private stepRefresh(dir: 1 | -1): void {
    const i = REFRESH_STEPS.findIndex((s) => s >= this.refreshSeconds);
    const next = REFRESH_STEPS[Math.max(0, Math.min(REFRESH_STEPS.length - 1, (i < 0 ? REFRESH_STEPS.length - 1 : i) + dir))];
    this.refreshSeconds = next;
    clearTimeout(this.tickTimer);
    this.tickTimer = setTimeout(() => this.tick(), next * 1000);
  }

  private sortProcsBy(sort: ProcSort): void {
    this.procSort = sort;
    this.allProcs = sortProcs(this.allProcs, sort);
    this.applyProcView();
    this.procSelected = 0;
  }

  /** A click on a column name in the process table's header sorts by that column. */
  private clickProcs(b: Box, m: { x: number; y: number }): void {
    const at = b as unknown as { aleft: number; atop: number; width: number };
    const row = m.y - at.atop - 1;
    const sort = row === procHeaderRow({ error: this.procError, notice: this.procNotice }) ? sortAtColumn(m.x - at.aleft - 1, at.width - 2) : null;
    if (sort === null || sort === this.procSort) return;
    this.sortProcsBy(sort);
    this.frame();
  }

  private setFocus(i: number, render = true): void {
    const n = this.focusOrder.length;
    if (n === 0) return;
    this.focus = ((i % n) + n) % n;
    if (render) this.frame();
  }

  private moveProc(delta: number, render = true): void {
    if (this.focusOrder[this.focus] !== 'procs' && render === false) return;
    this.procSelected = Math.max(0, Math.min(this.procs.length - 1, this.procSelected + delta));
    if (render) this.frame();
  }

  // ------------------------------------------------------------ process actions

  /** What the table shows of the sampled processes: the `/` filter, `u` and `H` applied. */
  private applyProcView(): void {
    // User and command line for every row only while a filter needs them (cached per process).
    const rows = needsDescription(this.procView) ? this.sampler.describe(this.allProcs) : this.allProcs;
    const shown = filterProcs(rows, this.procView);
    const ascii = this.opts.charset === 'ascii';
    this.procs = this.procTree ? treeOrder(shown).map((t) => ({ ...t.row, indent: treePrefix(t, ascii) })) : shown;
    // "3 of 212": counted among the processes the view would show without `/` and `u`.
    const unfiltered = { ...DEFAULT_VIEW, kernelThreads: this.procView.kernelThreads };
    if (needsDescription(this.procView)) this.procUnfiltered = filterProcs(this.allProcs, unfiltered).length;
    this.procVersion++;
  }

  private setProcView(view: ProcView): void {
    this.procView = view;
    this.applyProcView();
    this.procSelected = 0;
  }

  private focusProcs(): void {
    const i = this.focusOrder.indexOf('procs');
    if (i >= 0) this.focus = i;
  }

  /** `u`: a menu of the users present (their processes' owners), every user first. */
  private nextUser(): void {
    this.focusProcs();
    this.userMenu = openUserMenu(usersPresent(this.sampler.describe(this.allProcs)), this.procView.user);
  }

  private userMenuKey(ch: string, full: string): void {
    const r = userMenuKey(this.userMenu!, ch, full);
    if (r.kind === 'open') this.userMenu = r.menu;
    else {
      this.userMenu = undefined;
      this.dialogBox.hide();
    }
    if (r.kind === 'pick') this.setProcView({ ...this.procView, user: r.user });
    this.frame();
  }

  private typeFilter(ch: string, full: string): void {
    const next = filterKey(this.procView.text, ch, full);
    if (next === 'done' || next === 'clear') this.procTyping = false;
    if (next === 'clear') this.setProcView({ ...this.procView, text: '' });
    else if (next !== 'done' && next !== this.procView.text) this.setProcView({ ...this.procView, text: next });
    this.procVersion++;
    this.frame();
  }

  /** `n` / `N`: the selected process's nice value one step up or down, said on the table. */
  private reniceSelected(delta: 1 | -1): void {
    const target = this.selectedTarget();
    if (!target) return;
    const result = renice(this.sampler.probe, target, delta);
    this.setNotice(result.text, !result.ok);
  }

  /** The selected process as an action's target (focusing the table), or null, said, when there is none. */
  private selectedTarget(): ProcTarget | null {
    this.focusProcs();
    const selected = this.procs[this.procSelected];
    if (!selected) {
      this.setNotice('no process selected', true);
      return null;
    }
    const [row] = this.sampler.describe([selected]);
    return { pid: row.pid, start: row.start, name: row.name, command: row.command ?? row.name, user: row.user ?? '' };
  }

  /** `k`: the signal menu for the selected process, as it is now. */
  private openSignalDialog(): void {
    const target = this.selectedTarget();
    if (target) this.signalDialog = openSignalDialog(target);
  }

  private signalDialogKey(ch: string, full: string): void {
    const r = signalDialogKey(this.signalDialog!, ch, full);
    if (r.kind === 'open') this.signalDialog = r.dialog;
    else {
      this.signalDialog = undefined;
      this.dialogBox.hide();
    }
    if (r.kind === 'send') {
      const result = sendSignal(this.sampler.probe, r.target, r.signal);
      this.setNotice(result.text, !result.ok);
      if (result.ok) this.watchForEnd(r.target);
    }
    this.frame();
  }

  /** Enter: the selected process's detail over the panels, read again every second while open. */
  private openDetail(): void {
    const selected = this.procs[this.procSelected];
    if (!selected) return;
    const [row] = this.sampler.describe([selected]);
    const box = this.blessed.box({ parent: this.screen, tags: true, border: { type: 'line' }, wrap: false });
    const target = { pid: row.pid, start: row.start, command: row.command ?? row.name, user: row.user ?? '' };
    const view: DetailView = { detail: null, cpu: new History(), mem: new History(), seconds: 0 };
    this.detail = { target, view, at: this.opts.now(), box };
    this.detailBoot = this.sampler.bootTime();
    this.pollDetail();
  }

  private detailBoot: number | null = null;

  private pollDetail(): void {
    const d = this.detail;
    if (!d || this.done) return;
    const now = this.opts.now();
    const before: ProcDetail | null = d.view.detail;
    const read = this.sampler.readDetail(d.target, before, (now - d.at) / 1000, this.detailBoot);
    if (read) {
      d.view.cpu.push(read.cpu);
      d.view.mem.push(read.detail.rssBytes);
      if (before) d.view.seconds += (now - d.at) / 1000;
      d.view.detail = read.detail;
      d.at = now;
    } else if (!d.view.gone) d.view.gone = `PID ${d.target.pid} has ended: the figures are its last`;
    clearTimeout(this.detailTimer);
    // Nothing more to read once it has ended.
    if (read) this.detailTimer = setTimeout(() => this.pollDetail(), 1000);
    this.frame();
  }

  /** Keys while the detail is open: Esc, Enter or Backspace close it, k signals its process. */
  private detailKey(ch: string, full: string): boolean {
    if (full === 'escape' || full === 'enter' || full === 'backspace') {
      clearTimeout(this.detailTimer);
      this.detail!.box.destroy();
      this.detail = undefined;
      this.frame();
      return true;
    }
    if (ch === 'k' && this.detail!.view.detail) {
      const { target } = this.detail!;
      this.signalDialog = openSignalDialog({ ...target, name: this.detail!.view.detail!.name });
      this.frame();
      return true;
    }
    // Every other key is the view's, but q still quits and ? still shows the help.
    return ch !== '?' && ch !== 'q';
  }

  private drawDetail(cols: number, rows: number): void {
    const d = this.detail!;
    d.box.left = 0;
    d.box.top = 1;
    d.box.width = cols;
    d.box.height = rows - 1;
    d.box.setLabel(` Process ${d.target.pid} `);
    d.box.setContent(procDetailLines(d.view, this.ctx(cols - 2, rows - 3)).join('\n'));
    d.box.setFront();
  }

  /** After a signal, say so when the process ends: a few checks of its stat, then nothing more. */
  private watchForEnd(target: { pid: number; start: string; name: string }, checksLeft = 20): void {
    clearTimeout(this.endWatch);
    this.endWatch = setTimeout(() => {
      if (this.done) return;
      if (this.sampler.probe.gone(target.pid, target.start)) {
        this.setNotice(`PID ${target.pid} (${target.name}) has ended`, false);
        this.sampleProcs();
        this.frame();
      } else if (checksLeft > 1) this.watchForEnd(target, checksLeft - 1);
    }, 250);
  }

  private setNotice(text: string, failed: boolean): void {
    this.procNotice = { text, failed };
    this.procVersion++;
  }

  private drawUserMenu(cols: number, rows: number): void {
    const text = userMenuLines(this.userMenu!, Math.max(3, Math.min(16, rows - 4)));
    const width = Math.min(Math.max(30, ...text.map((l) => l.length + 2)), cols - 4, 50);
    this.dialogBox.width = width;
    this.dialogBox.height = text.length + 2;
    this.dialogBox.setLabel(' processes of ');
    this.dialogBox.setContent(text.map((l) => line([p(l, l.startsWith('>') ? { reverse: true } : {})], width - 2)).join('\n'));
    this.dialogBox.show();
    this.dialogBox.setFront();
  }

  private drawSignalDialog(cols: number): void {
    const text = signalDialogLines(this.signalDialog!, process.pid);
    const width = Math.min(Math.max(36, ...text.map((l) => l.length + 2)), cols - 4, 72);
    const c = this.ctx(width - 2, text.length);
    this.dialogBox.width = width;
    this.dialogBox.height = text.length + 2;
    this.dialogBox.setLabel(this.signalDialog!.step === 'confirm' ? ' confirm ' : ' send a signal ');
    // The choice in reverse video, a warning in the warning colours (and in words, for NO_COLOR).
    const style = (l: string) => (l.startsWith('>') ? { reverse: true } : l.startsWith('Careful') ? st(this.theme, 'warning') : {});
    this.dialogBox.setContent(text.map((l) => line([p(l, style(l))], c.width)).join('\n'));
    this.dialogBox.show();
    this.dialogBox.setFront();
  }

  private showPage(page: 'host' | 'fleet'): void {
    this.page = page;
    if (page === 'fleet') this.fleet.show();
    else this.fleet.hide();
  }

  private moveFleet(delta: number): void {
    this.fleet.move(delta);
    this.frame();
  }

  private nextTheme(): void {
    const names = themeNames(this.opts.env);
    const name = names[(names.indexOf(this.theme.name) + 1) % names.length];
    try {
      this.theme = loadTheme(name, configDir(this.opts.env), this.opts.env);
      this.message = { text: `theme ${this.theme.name}${this.opts.env.NO_COLOR ? ' (NO_COLOR is set)' : ''}`, state: 'info', until: Date.now() + 3000 };
      this.lastContent.clear();
      this.versions.clear();
    } catch (err) {
      this.message = { text: `theme ${name}: ${(err as Error).message}`, state: 'failed', until: Date.now() + 10_000 };
      this.logOnce(`theme ${name}: ${(err as Error).message}`);
    }
  }
}

/**
 * The panels' places: the modules that go first always, then those that fit whole beside them;
 * those left without a panel are listed in "more" where a row for it is left, never dropped unsaid.
 */
function layoutFor(frame: Omit<LayoutInput, 'modules'>, first: ModuleWant[], then: ModuleWant[]): Layout {
  const given = modulesToPlace(frame, first, then);
  const layout = computeLayout({ ...frame, modules: given });
  const unplaced = then.filter((w) => !given.includes(w)).map((w) => w.id);
  if (unplaced.length === 0 || layout.more) return layout;
  const withMore = computeLayout({ ...frame, modules: [...given, { id: MORE_SLOT, lines: 1 }] });
  const slot = withMore.modules.find((m) => m.id === MORE_SLOT);
  if (!slot || withMore.modules.length !== layout.modules.length + 1) return layout;
  // The last panel placed, at the foot of its column: it takes the rows down to the screen's end.
  const rect = { ...slot.rect, height: frame.rows - slot.rect.top };
  return { ...withMore, modules: withMore.modules.filter((m) => m.id !== MORE_SLOT), more: { rect, ids: unplaced } };
}

/** What a module panel's content depends on: a new reading, a failure, availability. */
function statusVersion(s: ModuleStatus | undefined): string {
  return s ? `${s.lastOkWall}|${s.failures}|${s.error}|${s.available}|${s.hasValue}` : '-';
}

/** shoji's themes, then the user's own (themes/*.json in the config folder). */
export function themeNames(env: NodeJS.ProcessEnv): string[] {
  const names: string[] = [...BUILTIN_THEMES];
  try {
    for (const f of readdirSync(join(configDir(env), 'themes')).sort()) {
      const name = f.replace(/\.json$/, '');
      if (f.endsWith('.json') && !names.includes(name)) names.push(name);
    }
  } catch {
    // no themes folder: the built-in ones
  }
  return names;
}
