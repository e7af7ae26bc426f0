/**
 * `shoji dashboard`: the full-screen view, fed by the same plugin host and modules as the
 * status line (src/host/live.ts), so every enabled module — built-in, the user's plugins and
 * scripts, the EC2 cost estimate — appears without extra work. This file wires the pieces:
 * the app and its config, the live scheduler, and the blessed UI (loaded only here).
 */
import { readFileSync } from 'node:fs';
import { release, type } from 'node:os';
import { join } from 'node:path';
import { loadApp, type App } from '../app/app.js';
import { monotonicMs } from '../core/collect.js';
import { isUtf8Locale } from '../core/locale.js';
import { configDir, hostRoots } from '../core/paths.js';
import type { ResolvedModule } from '../core/resolve.js';
import { loadTheme, resolveIconSetName } from '../core/theme.js';
import { LiveStatus } from '../host/live.js';
import { log } from '../host/log.js';
import type { Charset } from './graph.js';
import { DashboardUi } from './ui.js';

export interface DashboardOptions {
  env: NodeJS.ProcessEnv;
  /** Seconds between frames; default: config dashboard.refresh. */
  refresh?: number;
  /** Seconds between process-table samples; default: config dashboard.process_interval. */
  processInterval?: number;
  /** A theme name instead of the configured one. */
  theme?: string;
}

/**
 * Every module the user has not disabled, except datetime: the header shows the time to the
 * second from the dashboard's own clock, and running that module every second for nothing
 * would cost CPU on every tick. (The fleet module is not available until it has a Prometheus.)
 */
export function dashboardModules(app: App): ResolvedModule[] {
  return [...app.modules.all.values()].filter((m) => m.id !== 'datetime' && m.enabled);
}

/** Braille graphs on UTF-8 terminals; plain ASCII with the ascii icon set or another locale. */
export function chooseCharset(iconSet: string, env: NodeJS.ProcessEnv): Charset {
  if (!isUtf8Locale(env)) return 'ascii';
  return resolveIconSetName(iconSet, env) === 'ascii' ? 'ascii' : 'braille';
}

/**
 * "Debian GNU/Linux 12 (bookworm), Linux 6.1.0" from os-release, else the kernel's name. The
 * kernel is read where the rest of /proc is (SHOJI_PROC_ROOT), as uname(2) gives it, falling
 * back to uname where there is no such file (not Linux).
 */
export function osName(root: string, procRoot: string): string {
  const read = (file: string) => {
    try {
      return readFileSync(join(procRoot, 'sys/kernel', file), 'utf8').trim() || null;
    } catch {
      return null;
    }
  };
  const kernel = `${read('ostype') ?? type()} ${(read('osrelease') ?? release()).replace(/-.*$/, '')}`;
  for (const file of ['etc/os-release', 'usr/lib/os-release']) {
    try {
      const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync(join(root, file), 'utf8'));
      if (m?.[1]) return `${m[1]}, ${kernel}`;
    } catch {
      // try the next one
    }
  }
  return kernel;
}

/** How long the background modules' first collects wait: past the first frame with CPU %, at ~0.7 s on a slow VM. */
const DEFER_BACKGROUND_MS = 1500;

export async function runDashboard(opts: DashboardOptions): Promise<number> {
  const { env } = opts;
  const app = await loadApp(env);
  if (opts.theme) app.theme = loadTheme(opts.theme, configDir(env), env);
  if (app.configError) log(env, `dashboard: config problem, using defaults:\n${app.configError.message}`);
  const roots = hostRoots(env);

  let ui: DashboardUi | undefined;
  const started = monotonicMs();
  const live = new LiveStatus({
    env,
    app,
    modules: dashboardModules,
    // The slow modules (updates' apt, services' systemctl, the network lookups) after the first
    // frames with values, whose start they would slow.
    deferBackgroundMs: DEFER_BACKGROUND_MS,
    // Frames come from the UI's own tick; only the first readings after start are drawn as
    // they arrive, so the first frame with real values does not wait for a tick.
    onRender: () => {
      if (monotonicMs() - started < 1000) ui?.frame();
    },
    // Alerts (a module's `alert` key) on the dashboard's own header line (docs/alerts.md).
    alerts: { show: (message, say) => ui?.alert(message, say.state === 'critical') },
  });
  // Modules start collecting first, while blessed loads: their first readings (and the first
  // of the two CPU samples a percentage needs) are under way before the screen exists.
  const liveStarted = live.start();
  // A UI that cannot be built (SHOJI_BACKEND naming no reader, say) ends the run with its reason:
  // the modules just started are stopped first, or their timers would keep the process alive.
  try {
    ui = new DashboardUi({
      env,
      app,
      refreshSeconds: opts.refresh ?? app.config.dashboard.refresh,
      processSeconds: opts.processInterval ?? app.config.dashboard.process_interval,
      charset: chooseCharset(app.config.icons, env),
      os: osName(roots.root, roots.procRoot),
      statuses: () => live.statuses(),
      refresh: (id) => live.refresh(id),
      currentApp: () => live.app ?? app,
      procRoot: roots.procRoot,
      sysRoot: roots.sysRoot,
      root: roots.root,
      now: monotonicMs,
    });
  } catch (err) {
    live.stop();
    throw err;
  }

  const ending = (signal: NodeJS.Signals) => () => {
    log(env, `dashboard: ${signal}`);
    ui!.stop(0);
  };
  const onSigterm = ending('SIGTERM');
  const onSighup = ending('SIGHUP');
  // Restore the terminal before anything unexpected ends the process; report it, then exit.
  const onCrash = (err: unknown) => {
    ui!.stop(1);
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(env, `dashboard crashed: ${text}`);
    process.stderr.write(`shoji dashboard: ${text}\n`);
    process.exit(1);
  };
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);
  process.on('uncaughtException', onCrash);
  try {
    ui.start();
    await liveStarted;
    ui.run(Math.max(0, 100 - (monotonicMs() - started)));
    ui.frame();
    return await ui.finished;
  } finally {
    live.stop();
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSighup);
    process.off('uncaughtException', onCrash);
  }
}
