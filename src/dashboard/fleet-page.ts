/**
 * The fleet page's state and its reads from Prometheus (src/dashboard/fleet.ts draws it).
 *
 * Where Prometheus is, how to sign in, which targets make the fleet, the thresholds and how
 * often to read all come from the fleet module's options, as the app resolved them (one
 * declaration for `shoji fleet`, the module and this page); a config reload is picked up at the
 * next read.
 *
 * Reads happen only while the page is shown, on the fleet module's interval (default 15 s), not
 * the dashboard's frame tick: a fleet's figures move at Prometheus's scrape interval, and a user
 * who never opens the page costs Prometheus nothing. Opening the page reads at once when the
 * rows are older than one interval, so it never shows a stale fleet for long; the last rows
 * stay meanwhile, with their age. Reads never block a frame: they run in the background, a read
 * in flight is never started twice, and every request has the module's timeout. A failing
 * Prometheus leaves the last good rows on the page under a one-line error.
 *
 * One refresh makes a fixed number of requests whatever the number of hosts: the snapshot
 * (one, two while a host is down) and the history for the sparklines (four range queries),
 * plus four for the host whose detail is open; and, on the first read and every few minutes
 * after, one asking which figures Prometheus has recorded (src/fleet/rules.ts).
 */
import type { App } from '../app/app.js';
import { configDir } from '../core/paths.js';
import type { Thresholds } from '../core/thresholds.js';
import type { FleetHistory, FleetSnapshot, PrometheusTarget } from '../fleet/model.js';
import { type FleetOptions, fleetOptions, targetOf } from '../fleet/options.js';
import type { RecordedRulesProbe } from '../fleet/rules.js';
import { escapeControl } from '../render/sanitize.js';
import type { PanelContent } from './panels.js';
import {
  FLEET_SORTS,
  type FleetSort,
  type FleetUnconfigured,
  fleetDetailPanel,
  fleetListPanel,
  fleetSetupPanel,
  listRoom,
  scrollOffset,
  sortHosts,
} from './fleet.js';
import type { PanelCtx } from './text.js';

/** The fleet module's interval when it has none in seconds ('once', a cron expression). */
const DEFAULT_INTERVAL_MS = 15_000;
/** How far back a host's detail reaches (the list's sparklines: readFleetHistory's default, 15 minutes). */
export const DETAIL_RANGE_SECONDS = 3600;
/**
 * Its points' spacing: the list's. The newest point is on a whole step, so a longer one (the
 * default would be a minute) would leave the last minute out of the graphs.
 */
export const DETAIL_STEP_SECONDS = 15;

/** How the page reads the fleet, from the fleet module's resolved options. */
export interface FleetSettings {
  /** Why there is nothing to read, or null when there is. */
  unconfigured: FleetUnconfigured | null;
  target: PrometheusTarget;
  match?: string;
  thresholds: Thresholds;
  intervalMs: number;
  /** Each request's limit: the module's own timeout. */
  timeoutMs: number;
  /** Changes when what is read changes (another Prometheus, match, thresholds): rows read before are dropped. */
  key: string;
}

/**
 * The page's settings: the fleet module's, read only once its `prometheus` option is set (until
 * then the page says how to set it, as the module is not available).
 */
export function fleetSettings(app: App): FleetSettings {
  const m = app.modules.all.get('fleet');
  const o = (m?.options ?? fleetOptions.defaults) as FleetOptions;
  const unconfigured: FleetUnconfigured | null = m && !m.enabled ? 'disabled' : !m || o.prometheus === undefined ? 'unset' : null;
  const target = targetOf(o.prometheus ?? '', o, configDir(app.env));
  const thresholds = { info: o.info, warning: o.warning, critical: o.critical };
  return {
    unconfigured,
    target,
    match: o.match,
    thresholds,
    intervalMs: m?.interval.kind === 'every' ? m.interval.ms : DEFAULT_INTERVAL_MS,
    timeoutMs: m?.timeoutMs ?? 4000,
    key: JSON.stringify([target, o.match, thresholds]),
  };
}

/** A failure as the page shows it: Prometheus's errors are one escaped line already. */
function messageOf(err: unknown): string {
  const e = err as Error;
  if (e?.name === 'PrometheusError') return e.message;
  return escapeControl(e instanceof Error ? e.message : String(err)).replace(/\s+/g, ' ');
}

/** The URL as the page shows it before the first answer: a user or password in it (refused by the read) left out. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

export interface FleetPageOptions {
  env: NodeJS.ProcessEnv;
  /** The settings now (the app may have been reloaded). */
  settings(): FleetSettings;
  /** A read started or ended: draw a frame. */
  changed(): void;
  /** Updates are paused: no reads. */
  paused(): boolean;
  /** No UTF-8 in the locale: ASCII only. */
  ascii: boolean;
  /** Wall clock in ms; Date.now by default. */
  now?: () => number;
}

/** Keys the list takes for itself. */
const LIST_KEYS = new Set(['s', 'down', 'j', 'up', 'k', 'pagedown', 'pageup', 'enter', 'return']);

/** What a key did on the page: handled, or asks to leave the page. */
export type FleetKey = 'handled' | 'back' | undefined;

export class FleetPage {
  sort: FleetSort = 'worst';
  /** The host whose detail is open, or null on the list. */
  detail: string | null = null;
  private selectedHost: string | null = null;
  private selected = 0;
  private offset = 0;
  /** Rows in view at the last frame, for PgUp and PgDn. */
  private room = 10;
  private snapshot: FleetSnapshot | null = null;
  private history: FleetHistory | null = null;
  private detailHistory: { host: string; history: FleetHistory } | null = null;
  private error: string | null = null;
  private detailError: string | null = null;
  private reading = false;
  /** Which figures Prometheus has recorded (src/fleet/rules.ts), remembered for a few minutes across reads. */
  private recorded: RecordedRulesProbe | undefined;
  private readingDetail = false;
  private active = false;
  private stopped = false;
  private key: string | null = null;
  private timer?: NodeJS.Timeout;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  /** Reads started (list and detail), for the tests: a read in flight is never started twice. */
  readsStarted = 0;

  constructor(private readonly o: FleetPageOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The page is shown: read now if the rows are older than an interval, then on the interval. */
  show(): void {
    if (this.stopped) return;
    this.active = true;
    const s = this.adopt();
    const at = this.snapshot ? this.snapshot.at * 1000 : -Infinity;
    if (this.error !== null || this.now() - at >= s.intervalMs) this.refresh();
    this.schedule(s.intervalMs);
  }

  /** The page is hidden: no more reads (one in flight ends and is kept for the next visit). */
  hide(): void {
    this.active = false;
    clearTimeout(this.timer);
  }

  stop(): void {
    this.hide();
    this.stopped = true;
    this.abort.abort();
  }

  /** Start the reads that are not in flight already: the list, and the open detail's history. */
  refresh(): void {
    if (this.stopped || this.o.paused()) return;
    const s = this.adopt();
    if (s.unconfigured) return;
    void this.readList(s);
    if (this.detail !== null) void this.readDetail(s, this.detail);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.active) return;
      this.refresh();
      this.schedule(this.adopt().intervalMs);
    }, ms);
    this.timer.unref?.();
  }

  /** The settings now; when they name another fleet, what was read from the old one goes. */
  private adopt(): FleetSettings {
    const s = this.o.settings();
    if (s.key !== this.key) {
      this.key = s.key;
      this.snapshot = null;
      this.history = null;
      this.detailHistory = null;
      this.error = null;
      this.detailError = null;
    }
    return s;
  }

  private readOptions(s: FleetSettings) {
    return { target: s.target, match: s.match, thresholds: s.thresholds, timeoutMs: s.timeoutMs, signal: this.abort.signal, env: this.o.env };
  }

  private async readList(s: FleetSettings): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    this.readsStarted++;
    try {
      // src/fleet's client and queries load when the page first reads, not with the dashboard.
      const { readFleet, readFleetHistory, rememberingProbe } = await import('../fleet/read.js');
      this.recorded ??= rememberingProbe();
      const [snapshot, history] = await Promise.allSettled([
        readFleet({ ...this.readOptions(s), recorded: this.recorded }),
        readFleetHistory(this.readOptions(s)),
      ]);
      if (this.key !== s.key) return; // another fleet since: this answer is not its
      if (snapshot.status === 'fulfilled') this.snapshot = snapshot.value;
      if (history.status === 'fulfilled') this.history = history.value;
      const failed = snapshot.status === 'rejected' ? snapshot.reason : history.status === 'rejected' ? history.reason : undefined;
      this.error = failed === undefined ? null : messageOf(failed);
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.reading = false;
      if (!this.stopped) this.o.changed();
    }
  }

  private async readDetail(s: FleetSettings, host: string): Promise<void> {
    if (this.readingDetail) return;
    this.readingDetail = true;
    this.readsStarted++;
    try {
      const { readFleetHistory } = await import('../fleet/read.js');
      const history = await readFleetHistory({ ...this.readOptions(s), host, rangeSeconds: DETAIL_RANGE_SECONDS, stepSeconds: DETAIL_STEP_SECONDS });
      if (this.key !== s.key) return;
      this.detailHistory = { host, history };
      this.detailError = null;
    } catch (err) {
      if (this.key === s.key) this.detailError = messageOf(err);
    } finally {
      this.readingDetail = false;
      if (!this.stopped) this.o.changed();
    }
  }

  /** Keys of the page; anything else is the dashboard's (q, ?, p, t, f...). */
  onKey(ch: string, full: string): FleetKey {
    const name = full || ch;
    if (this.detail !== null) {
      if (name === 'escape' || name === 'backspace') {
        this.detail = null;
        return 'handled';
      }
      // The list's keys do nothing here (rather than sort or move the host page's process table).
      return LIST_KEYS.has(name) ? 'handled' : undefined;
    }
    switch (name) {
      case 's':
        this.sort = FLEET_SORTS[(FLEET_SORTS.indexOf(this.sort) + 1) % FLEET_SORTS.length];
        return 'handled';
      case 'down':
      case 'j':
        this.move(1);
        return 'handled';
      case 'up':
      case 'k':
        this.move(-1);
        return 'handled';
      case 'pagedown':
        this.move(this.room);
        return 'handled';
      case 'pageup':
        this.move(-this.room);
        return 'handled';
      case 'enter':
      case 'return':
        this.openDetail();
        return 'handled';
      case 'escape':
      case 'backspace':
        return 'back';
      default:
        return undefined;
    }
  }

  /** Move the selection by `delta` rows (the mouse wheel, the arrows). */
  move(delta: number): void {
    const rows = this.sortedRows();
    if (rows.length === 0) return;
    this.selected = Math.max(0, Math.min(rows.length - 1, this.currentIndex(rows) + delta));
    this.selectedHost = rows[this.selected].host;
  }

  private openDetail(): void {
    const rows = this.sortedRows();
    const host = rows[this.currentIndex(rows)]?.host;
    if (host === undefined) return;
    this.detail = host;
    this.detailError = null;
    if (this.detailHistory?.host !== host) this.detailHistory = null;
    const s = this.adopt();
    if (!s.unconfigured && !this.o.paused()) void this.readDetail(s, host);
  }

  private sortedRows() {
    return this.snapshot ? sortHosts(this.snapshot.rows, this.sort) : [];
  }

  /** The selected row's index: the same host as before a refresh or a new sort, wherever it went. */
  private currentIndex(rows: readonly { host: string }[]): number {
    const i = this.selectedHost === null ? -1 : rows.findIndex((r) => r.host === this.selectedHost);
    return i >= 0 ? i : Math.max(0, Math.min(this.selected, rows.length - 1));
  }

  /** The page's panel for a box of this size. */
  content(ctx: PanelCtx): PanelContent {
    const s = this.adopt();
    if (s.unconfigured) return fleetSetupPanel(s.unconfigured, ctx);
    const nowSeconds = this.now() / 1000;
    const ascii = this.o.ascii;
    if (this.detail !== null) {
      const host = this.detail;
      const row = this.snapshot?.rows.find((r) => r.host === host) ?? null;
      const own = this.detailHistory?.host === host ? this.detailHistory.history : null;
      return fleetDetailPanel(
        {
          host,
          row,
          // The list's 15 minutes of the host while its own hour is on its way.
          history: own ?? this.history,
          error: this.detailError ?? this.error,
          at: this.snapshot?.at ?? null,
          thresholds: s.thresholds,
          nowSeconds,
          ascii,
        },
        ctx,
      );
    }
    const rows = this.sortedRows();
    const selected = this.currentIndex(rows);
    this.selected = selected;
    this.selectedHost = rows[selected]?.host ?? null;
    this.room = listRoom(ctx, this.error !== null);
    this.offset = scrollOffset(selected, this.offset, this.room, rows.length);
    return fleetListPanel(
      {
        snapshot: this.snapshot,
        history: this.history,
        error: this.error,
        prometheus: withoutCredentials(s.target.url),
        sort: this.sort,
        selected,
        offset: this.offset,
        thresholds: s.thresholds,
        nowSeconds,
        ascii,
      },
      ctx,
    );
  }
}
