/**
 * The long-lived side of shoji: one scheduler for the modules a layout (or the dashboard)
 * uses, one render per burst of changes, and a config that reloads itself.
 *
 * A config edit takes effect within a couple of seconds without restarting anything: the
 * file (and the plugins and scripts folders) are polled with a stat, and on a change the
 * app is rebuilt and the scheduler restarted with the modules' previous readings and
 * counters, so rates carry on. A broken edit keeps the last good config and shows a
 * 'config' failure segment until it is fixed.
 */
import { statSync, watchFile, unwatchFile } from 'node:fs';
import { join } from 'node:path';
import { loadApp, type App } from '../app/app.js';
import { configFile } from '../core/config.js';
import { configDir } from '../core/paths.js';
import type { ResolvedModule } from '../core/resolve.js';
import { Scheduler, type ModuleStatus } from '../core/scheduler.js';
import { AlertWatch, type AlertWatchOptions } from './alerts-watch.js';
import { log } from './log.js';

export interface LiveOptions {
  env: NodeJS.ProcessEnv;
  /** Which modules to run, given the app (e.g. the status line's left and right sides). */
  modules(app: App): ResolvedModule[];
  /**
   * Called at most once per `coalesceMs` with the current statuses. A host that draws nothing
   * (the exporter) gives none, and a burst of changes then sets no timer.
   */
  onRender?(app: App, statuses: Map<string, ModuleStatus>): void;
  coalesceMs?: number;
  /** How often to look for config changes (ms). */
  configPollMs?: number;
  /**
   * Look for a config change when a module's reading changes (about once per `configPollMs`),
   * in the wake-up its collect already costs, rather than on a stat poll of its own; a timer
   * every five `configPollMs` still looks on a host whose readings do not change. For a host
   * that is idle between collects (the exporter): each wake-up of an idle Node process costs
   * about half a millisecond of CPU (docs/benchmarks.md), the poll's stat two of them.
   */
  configCheckOnChange?: boolean;
  /** Modules on a fixed interval run on its wall-clock multiples (core/scheduler.ts's SchedulerOptions). */
  alignIntervals?: boolean;
  /** The first collect of a background module waits this long (core/scheduler.ts's SchedulerOptions). */
  deferBackgroundMs?: number;
  /** The app, when the caller has loaded it already (it is loaded again only on config changes). */
  app?: App;
  /**
   * Tell the user when a module whose config sets `alert` stays at warning or critical
   * (host/alerts-watch.ts); how, and for which tmux server. Off when not given.
   */
  alerts?: Pick<AlertWatchOptions, 'tmuxServerPid' | 'show'>;
}

export class LiveStatus {
  app!: App;
  private scheduler?: Scheduler;
  private renderTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private fingerprint = '';
  /** When checkConfigNowAndThen last looked (performance.now()); the first change looks at once. */
  private lastConfigCheck = -Infinity;
  private stopped = false;
  private alerts?: AlertWatch;

  constructor(private opts: LiveOptions) {
    if (opts.alerts) {
      this.alerts = new AlertWatch({
        ...opts.alerts,
        env: opts.env,
        current: () => ({ app: this.app, statuses: this.statuses() }),
        log: (message) => log(opts.env, message),
      });
    }
  }

  async start(): Promise<void> {
    this.app = this.opts.app ?? (await loadApp(this.opts.env));
    this.fingerprint = this.configFingerprint();
    await this.startScheduler();
    if (!this.opts.configCheckOnChange) {
      // watchFile polls with stat: it works for a file that does not exist yet and on every filesystem.
      watchFile(configFile(this.opts.env), { interval: this.opts.configPollMs ?? 2000, persistent: false }, () => void this.maybeReload());
    }
    this.pollTimer = setInterval(() => void this.maybeReload(), (this.opts.configPollMs ?? 2000) * 5);
  }

  stop(): void {
    this.stopped = true;
    this.scheduler?.stop();
    this.alerts?.stop();
    clearTimeout(this.renderTimer);
    clearInterval(this.pollTimer);
    if (!this.opts.configCheckOnChange) unwatchFile(configFile(this.opts.env));
  }

  statuses(): Map<string, ModuleStatus> {
    return this.scheduler?.statuses() ?? new Map();
  }

  /** Ask a module to run now; resolves when that collect has settled. */
  refresh(id: string): Promise<void> {
    return this.scheduler?.refresh(id) ?? Promise.resolve();
  }

  private async startScheduler(previous?: Map<string, ModuleStatus>): Promise<void> {
    const scheduler = new Scheduler(
      this.opts.modules(this.app),
      this.opts.env,
      previous,
      { log: (message) => log(this.opts.env, message) },
      {
        alignIntervals: this.opts.alignIntervals,
        deferBackgroundMs: this.opts.deferBackgroundMs,
      },
    );
    scheduler.on('change', () => {
      this.scheduleRender();
      if (this.opts.configCheckOnChange) this.checkConfigNowAndThen();
    });
    this.scheduler = scheduler;
    await scheduler.start();
    this.scheduleRender();
  }

  /**
   * maybeReload at most once per half configPollMs (configCheckOnChange): one round of collects
   * changes within milliseconds, once; and a round every configPollMs (the exporter's modules on
   * its 15 s multiples) that comes a millisecond early must not wait for the next.
   */
  private checkConfigNowAndThen(): void {
    const now = performance.now();
    if (now - this.lastConfigCheck < (this.opts.configPollMs ?? 2000) / 2) return;
    this.lastConfigCheck = now;
    void this.maybeReload();
  }

  private scheduleRender(): void {
    if (this.renderTimer || this.stopped || (this.opts.onRender === undefined && this.alerts === undefined)) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      try {
        this.alerts?.update();
      } catch (err) {
        log(this.opts.env, `alerts failed: ${(err as Error).stack ?? err}`);
      }
      try {
        this.opts.onRender?.(this.app, this.statuses());
      } catch (err) {
        log(this.opts.env, `render failed: ${(err as Error).stack ?? err}`);
      }
    }, this.opts.coalesceMs ?? 30);
  }

  /** What changes when the config, a plugin, a script or the theme in use changes. */
  private configFingerprint(): string {
    const dir = configDir(this.opts.env);
    // The theme's own file too: an edit in place leaves the themes folder's mtime as it was.
    const theme = join(dir, 'themes', `${this.app.config.theme}.json`);
    const parts = [configFile(this.opts.env), join(dir, 'plugins'), join(dir, 'scripts'), join(dir, 'themes'), theme].map((p) => {
      try {
        const st = statSync(p);
        return `${p}:${st.mtimeMs}:${st.size}`;
      } catch {
        return `${p}:-`;
      }
    });
    return parts.join('|');
  }

  private async maybeReload(): Promise<void> {
    if (this.stopped) return;
    const fp = this.configFingerprint();
    if (fp === this.fingerprint) return;
    this.fingerprint = fp;
    let app: App;
    try {
      app = await loadApp(this.opts.env);
    } catch (err) {
      log(this.opts.env, `config reload failed: ${(err as Error).message}`);
      return;
    }
    if (this.stopped) return;
    if (app.configError) {
      // Keep running on the last good config; only surface the problem.
      log(this.opts.env, `config problem, keeping the last good config:\n${app.configError.message}`);
      this.app = { ...this.app, configError: app.configError };
      this.scheduleRender();
      return;
    }
    const previous = this.statuses();
    this.scheduler?.stop();
    this.app = app;
    log(this.opts.env, 'config reloaded');
    await this.startScheduler(previous);
  }
}
