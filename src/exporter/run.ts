/**
 * `shoji exporter`'s three ways of running (src/cli/exporter.ts parses the flags):
 *
 * - serveMetrics: the HTTP(S) server (server.ts) in front of one long-lived scheduler;
 * - keepTextfile: the same scheduler, rewriting DIR/shoji.prom as the readings change;
 * - textfileOnce: one collect on the one-shot path (core/oneshot.ts), as `shoji status` does,
 *   so a cron job or a systemd timer gets rates from the previous run's saved counters.
 *
 * Which modules: every enabled module that declares metrics (ShojiModule.metrics, not empty)
 * and every user plugin (exported as shoji_plugin_value), whatever the layout's left and right
 * say; never `fleet`, which reads Prometheus back (exporting it would feed the fleet into itself).
 * Each runs on its own interval in the scheduler (host/live.ts's LiveStatus, which also reloads
 * the config); a scrape renders the latest statuses and never collects or waits, so a slow
 * module cannot slow a scrape and ec2-cost never queries IMDS because someone scraped.
 */
import { loadApp, type App } from '../app/app.js';
import { formatProblem, isConfigError } from '../core/config-schema.js';
import { collectOneShot } from '../core/oneshot.js';
import type { ResolvedModule } from '../core/resolve.js';
import { LiveStatus } from '../host/live.js';
import { log } from '../host/log.js';
import { escapeControl, escapeControlLines } from '../render/sanitize.js';
import { exposition, formatFor } from './exposition.js';
import { exposureWarning } from './exposure.js';
import { startServer } from './server.js';
import { sharedRender } from './shared-render.js';
import { TEXTFILE_NAME, writeTextfile } from './textfile.js';
// The web config's reader (with the YAML parser) and bcrypt load only for --web-config-file: an
// exporter without one, the usual case, keeps their ~300 KB of code out of its memory.
import type { WebConfig } from './web-config.js';

/** The module that reads the fleet back from Prometheus: never exported. */
const FLEET_MODULE = 'fleet';
/** How often the long-running textfile writer looks at the readings (it writes only what changed). */
export const TEXTFILE_CHECK_MS = 5_000;
/**
 * Rewritten at least this often even when nothing changed: node_exporter exports the file's
 * mtime (node_textfile_mtime_seconds), and an alert on a stale file must not fire on a quiet host.
 */
const TEXTFILE_REFRESH_MS = 60_000;

/**
 * The least time between two collects of a module in the exporter, unless the config sets the
 * module's `interval`. The modules' own intervals are a status line's (cpu every 2 s, network
 * every 3 s), which the exporter's reader, a scrape every 15-60 s, does not need: collected that
 * often, an unscraped exporter used 410 ms of CPU a minute, at 10 s 260 ms (measured here, the
 * updates module off). 15 s is Prometheus's most common scrape interval (and a divisor of 30 s
 * and 60 s): collected on its wall-clock multiples (startLive aligns them), every counter is read
 * the same time before each scrape, so Prometheus's rate() and irate() over two scrapes see
 * exactly the counters' change over the scrape interval. At 10 s the lag alternated between two
 * values and moved a single irate() point by up to a third.
 */
export const EXPORTER_MIN_INTERVAL_MS = 15_000;

/**
 * How often the exporter looks for a config edit. The status line's 2 s would be the idle
 * exporter's most frequent wake-up; its reader scrapes every 15-60 s, so an edit may take 15 s
 * (75 s on a host where no reading changes: LiveOptions.configCheckOnChange).
 */
export const EXPORTER_CONFIG_POLL_MS = 15_000;

export function exportedModules(app: App): ResolvedModule[] {
  return [...app.modules.all.values()]
    .filter((m) => m.enabled && m.id !== FLEET_MODULE && ((m.def.metrics?.families.length ?? 0) > 0 || m.source === 'plugin'))
    .map(atExporterPace);
}

/**
 * The module collected at most every EXPORTER_MIN_INTERVAL_MS, and on a multiple of it (the
 * nearest to its own interval: reboot-required's 17 s is 15 s, a 25 s one 30 s), unless the user
 * set its interval. On their wall-clock multiples every module then collects in the same
 * wake-ups: reboot-required's own 17 s woke an idle exporter once more in every 15 s for a
 * collect of a few microseconds, where a wake-up alone costs about half a millisecond of CPU.
 */
export function atExporterPace(m: ResolvedModule): ResolvedModule {
  const i = m.interval;
  if (m.intervalGiven || i.kind !== 'every') return m;
  const ms = Math.max(1, Math.round(i.ms / EXPORTER_MIN_INTERVAL_MS)) * EXPORTER_MIN_INTERVAL_MS;
  if (ms === i.ms) return m;
  // The same resolved module (its getters included) with only its interval replaced.
  return Object.create(m, { interval: { value: { kind: 'every', ms }, enumerable: true } });
}

export interface ServeOptions {
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  webConfigFile?: string;
}

export async function serveMetrics(o: ServeOptions): Promise<number> {
  const web = o.webConfigFile === undefined ? undefined : await checkedWebConfig(o.webConfigFile);
  if (web === null) return 1;
  let tls: ReturnType<typeof import('./web-config.js').loadTlsMaterial> | undefined;
  if (web?.tls) {
    try {
      const { loadTlsMaterial } = await import('./web-config.js');
      tls = loadTlsMaterial(web);
    } catch (err) {
      return reportConfigError(err, 'web config problem');
    }
  }
  const live = await startLive(o.env);
  const auth = web && web.users.size > 0 ? new (await import('./basic-auth.js')).BasicAuth(web.users) : undefined;
  const render = sharedRender((format) => exposition({ modules: exportedModules(live.app), statuses: live.statuses() }, format));
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      host: o.host,
      port: o.port,
      env: o.env,
      ...(tls && web?.tls && { tls: { ...tls, clientAuth: web.tls.clientAuth, clientAllowedSans: web.tls.clientAllowedSans } }),
      ...(auth && { auth: (header, client) => auth.check(header, client) }),
      headers: web?.headers,
      rateLimit: web?.rateLimit,
      metrics: (accept) => render(formatFor(accept)),
    });
  } catch (err) {
    live.stop();
    process.stderr.write(`shoji: ${escapeControl((err as Error).message)}\n`);
    return 1;
  }
  process.stderr.write(`shoji exporter: listening on ${server.url}\n`);
  const warning = exposureWarning(server.address, server.port, { tls: web?.tls !== undefined, password: auth !== undefined });
  if (warning) process.stderr.write(`shoji exporter: warning: ${warning}\n`);
  log(o.env, `exporter: listening on ${server.url}`);
  await untilStopped();
  live.stop();
  await server.close();
  return 0;
}

/** Keep DIR/shoji.prom current until stopped: checked every TEXTFILE_CHECK_MS, written when it changed. */
export async function keepTextfile(env: NodeJS.ProcessEnv, dir: string): Promise<number> {
  const live = await startLive(env);
  let last = '';
  let lastWrite = 0;
  let lastError = '';
  const write = async () => {
    const text = (await exposition({ modules: exportedModules(live.app), statuses: live.statuses(), processMetrics: false }, 'prometheus')).body;
    if (text === last && performance.now() - lastWrite < TEXTFILE_REFRESH_MS) return;
    try {
      writeTextfile(dir, text);
      last = text;
      lastWrite = performance.now();
      lastError = '';
    } catch (err) {
      const message = (err as Error).message;
      // Once per distinct failure, not every few seconds: a full disk would fill the log.
      if (message !== lastError) {
        process.stderr.write(`shoji: ${escapeControl(message)}\n`);
        log(env, `exporter: ${message}`);
      }
      lastError = message;
    }
  };
  process.stderr.write(`shoji exporter: keeping ${escapeControl(dir)}/${TEXTFILE_NAME} current\n`);
  const timer = setInterval(() => void write().catch((err) => log(env, `exporter: textfile: ${(err as Error).stack ?? err}`)), TEXTFILE_CHECK_MS);
  await untilStopped();
  clearInterval(timer);
  live.stop();
  return 0;
}

/** Collect once (one-shot path, with the previous run's counters) and write DIR/shoji.prom. */
export async function textfileOnce(env: NodeJS.ProcessEnv, dir: string): Promise<number> {
  const app = await loadApp(env);
  reportAppConfig(app);
  const modules = exportedModules(app);
  const { statuses, saveError } = await collectOneShot(modules, env);
  if (saveError) process.stderr.write(`shoji: ${escapeControl(saveError)}\n`);
  const { body } = await exposition({ modules, statuses, processMetrics: false }, 'prometheus');
  try {
    writeTextfile(dir, body);
  } catch (err) {
    process.stderr.write(`shoji: ${escapeControl((err as Error).message)}\n`);
    return 1;
  }
  return 0;
}

async function startLive(env: NodeJS.ProcessEnv): Promise<LiveStatus> {
  // Every module on the wall-clock multiples of its interval: those sharing the 15 s pace are
  // collected in one wake-up, not each on a timer of its own.
  // Nothing drawn and the config looked at in the collects' wake-ups: an exporter between
  // scrapes wakes for its collects and little else.
  const live = new LiveStatus({ env, modules: exportedModules, alignIntervals: true, configPollMs: EXPORTER_CONFIG_POLL_MS, configCheckOnChange: true });
  await live.start();
  reportAppConfig(live.app);
  return live;
}

function reportAppConfig(app: App): void {
  if (!app.configError) return;
  const problems = app.configError.problems.map((p) => escapeControl(formatProblem(p)));
  process.stderr.write(`shoji: config problem (defaults in use):\n${problems.join('\n')}\n`);
}

/** The web config, or null after printing its problems. */
async function checkedWebConfig(file: string): Promise<WebConfig | null> {
  try {
    const { readWebConfig } = await import('./web-config.js');
    return readWebConfig(file);
  } catch (err) {
    reportConfigError(err, 'web config problem');
    return null;
  }
}

function reportConfigError(err: unknown, what: string): number {
  if (!isConfigError(err)) throw err;
  process.stderr.write(`shoji: ${what}:\n${escapeControlLines(err.problems.map(formatProblem).join('\n'))}\n`);
  return 1;
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
