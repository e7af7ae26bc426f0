/**
 * A real Prometheus (Debian's /usr/bin/prometheus) and a real node_exporter
 * (/usr/bin/prometheus-node-exporter) for the fleet tests: each on a free loopback port (never
 * 9090 or 9100), Prometheus with a generated config and a TSDB in a temporary folder. Both are
 * stopped and their folders removed by stop(); stopAll() stops whatever is still running, for an
 * afterAll that must clean up even when a test failed half way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireProgram, waitFor } from './cli.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const NODE_EXPORTER_BIN = '/usr/bin/prometheus-node-exporter';

/** A port nothing listens on right now: bind port 0 on loopback, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One scrape target: `address` is host:port; `labels` are set on every series it yields. */
export interface Target {
  address: string;
  labels?: Record<string, string>;
}

export interface ScrapeJob {
  job: string;
  /** Static targets, written into the config. */
  targets?: Target[];
  /** file_sd files (absolute paths, JSON or YAML) Prometheus reads its targets from instead. */
  files?: string[];
  metricsPath?: string;
  /** Defaults to the server's scrapeInterval. */
  scrapeInterval?: string;
}

export interface PrometheusOptions {
  jobs: ScrapeJob[];
  /** Default '1s': tests want data quickly; rates need two scrapes. */
  scrapeInterval?: string;
  /** '@every' of file_sd re-reads; default '1s'. */
  fileSdRefresh?: string;
  /** Rule files (absolute paths) Prometheus loads; rules are evaluated at the scrape interval. */
  ruleFiles?: string[];
  /** Extra command-line flags. */
  flags?: string[];
  /** How long to wait for /-/ready; default 20 s (it takes well under 2 s here). */
  readyTimeoutMs?: number;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dir: string;
  configFile: string;
  /** The shell that runs it and stops it when this process goes (spawnTied). */
  process: ChildProcess;
  /** Everything it printed, for a failure message. */
  log(): string;
  /** GET a path of its HTTP API and parse the JSON ("data" of a success, an error otherwise). */
  api<T = unknown>(path: string): Promise<T>;
  /** An instant query: the vector's samples. */
  query(promql: string): Promise<PromSample[]>;
  /** The active targets as /api/v1/targets lists them. */
  targets(): Promise<PrometheusTarget[]>;
  /** Wait until `count` active targets (of `job`, when given) are up. */
  waitForTargetsUp(count: number, job?: string, timeoutMs?: number): Promise<PrometheusTarget[]>;
  /** Wait until a query returns at least `atLeast` samples (default 1). */
  waitForQuery(promql: string, atLeast?: number, timeoutMs?: number): Promise<PromSample[]>;
  /** Replace the config and make Prometheus re-read it (SIGHUP). */
  reload(options: Pick<PrometheusOptions, 'jobs' | 'scrapeInterval' | 'fileSdRefresh'>): Promise<void>;
  stop(): Promise<void>;
}

export interface RunningNodeExporter {
  url: string;
  address: string;
  port: number;
  /** The shell that runs it and stops it when this process goes (spawnTied). */
  process: ChildProcess;
  log(): string;
  /** Its /metrics as text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** Every process started here and not yet stopped, so stopAll() can clean up after a failure. */
const running = new Set<{ stop(): Promise<void> }>();

/**
 * Run `bin` under a small shell that stops it when this process goes, however it goes (a test
 * file without stopAll(), a worker killed at a timeout): the shell holds the read end of a pipe
 * we hold the write end of, and when that closes it sends SIGTERM, waits, and removes `dir`.
 * The shell leads its own process group, so terminate() can SIGKILL both at once.
 */
function spawnTied(bin: string, args: string[], dir?: string): ChildProcess {
  const script =
    'exec 3<&0; "$@" </dev/null & p=$!; (cat <&3 >/dev/null; kill $p 2>/dev/null) & ' + 'wait $p; s=$?; [ -n "$TIED_DIR" ] && rm -rf "$TIED_DIR"; exit $s';
  return spawn('/bin/sh', ['-c', script, 'sh', bin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, TIED_DIR: dir ?? '' },
  });
}

/** Stop every Prometheus and node_exporter still running (for afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((r) => r.stop()));
}

function quote(s: string): string {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

/** prometheus.yml for the jobs: static targets grouped by their label sets, or file_sd files. */
export function prometheusConfig(o: Pick<PrometheusOptions, 'jobs' | 'scrapeInterval' | 'fileSdRefresh' | 'ruleFiles'>): string {
  const interval = o.scrapeInterval ?? '1s';
  const lines = ['global:', `  scrape_interval: ${interval}`, `  scrape_timeout: ${interval}`, `  evaluation_interval: ${interval}`];
  if (o.ruleFiles?.length) lines.push(`rule_files: [${o.ruleFiles.map(quote).join(', ')}]`);
  lines.push('scrape_configs:');
  for (const job of o.jobs) {
    lines.push(`  - job_name: ${quote(job.job)}`);
    if (job.scrapeInterval) lines.push(`    scrape_interval: ${job.scrapeInterval}`, `    scrape_timeout: ${job.scrapeInterval}`);
    if (job.metricsPath) lines.push(`    metrics_path: ${quote(job.metricsPath)}`);
    if (job.targets?.length) {
      lines.push('    static_configs:');
      for (const t of job.targets) {
        lines.push(`      - targets: [${quote(t.address)}]`);
        const labels = Object.entries(t.labels ?? {});
        if (labels.length) {
          lines.push('        labels:');
          for (const [k, v] of labels) lines.push(`          ${k}: ${quote(v)}`);
        }
      }
    }
    if (job.files?.length) {
      lines.push('    file_sd_configs:', `      - files: [${job.files.map(quote).join(', ')}]`, `        refresh_interval: ${o.fileSdRefresh ?? '1s'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A file_sd file's content (JSON): one group per target, so each gets its own labels. */
export function fileSd(targets: Target[]): string {
  return `${JSON.stringify(targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })))}\n`;
}

function collectOutput(child: ChildProcess): () => string {
  let out = '';
  const keep = (c: Buffer) => {
    out += c.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => out;
}

/**
 * Stop a spawnTied process: close its pipe (its shell sends SIGTERM and waits), then SIGKILL the
 * whole group if it has not gone within `graceMs`; resolves once the shell has exited.
 */
function terminate(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.stdin?.end();
  });
}

async function getText(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Start a Prometheus on a free loopback port and wait until it is ready. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  requireProgram('prometheus');
  // A port taken between freePort() and Prometheus's bind makes it exit at once: try again.
  for (let attempt = 1; ; attempt++) {
    // Its own folder each try: the shell of a try that failed removes the folder it was given.
    const dir = mkdtempSync(join(tmpdir(), 'shoji-prom-'));
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(configFile, prometheusConfig(options));
    mkdirSync(join(dir, 'data'));
    const port = await freePort();
    const child = spawnTied(
      PROMETHEUS_BIN,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--log.level=warn',
        ...(options.flags ?? []),
      ],
      dir,
    );
    const log = collectOutput(child);
    const url = `http://127.0.0.1:${port}`;
    let stopped = false;
    const handle: RunningPrometheus = {
      url,
      port,
      dir,
      configFile,
      process: child,
      log,
      async api<T>(path: string): Promise<T> {
        const { status, body } = await getText(`${url}${path}`);
        const parsed = JSON.parse(body) as { status: string; data: T; error?: string };
        if (parsed.status !== 'success') throw new Error(`Prometheus ${path}: HTTP ${status}: ${parsed.error ?? body}`);
        return parsed.data;
      },
      async query(promql) {
        const data = await handle.api<{ resultType: string; result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
        return data.result;
      },
      async targets() {
        const data = await handle.api<{ activeTargets: PrometheusTarget[] }>('/api/v1/targets?state=active');
        return data.activeTargets;
      },
      waitForTargetsUp(count, job, timeoutMs = 20_000) {
        return waitFor(
          `${count} targets up${job ? ` in job ${job}` : ''} in Prometheus (${url})`,
          async () => {
            const ts = (await handle.targets()).filter((t) => !job || t.labels.job === job);
            const up = ts.filter((t) => t.health === 'up');
            if (up.length >= count) return up;
            throw new Error(ts.map((t) => `${t.scrapeUrl} ${t.health} ${t.lastError}`).join('; ') || 'no targets yet');
          },
          timeoutMs,
        );
      },
      waitForQuery(promql, atLeast = 1, timeoutMs = 20_000) {
        return waitFor(
          `${promql} to return ${atLeast} sample(s) from Prometheus`,
          async () => {
            const r = await handle.query(promql);
            return r.length >= atLeast ? r : false;
          },
          timeoutMs,
        );
      },
      async reload(o) {
        writeFileSync(configFile, prometheusConfig(o));
        const res = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(5000) });
        if (!res.ok) throw new Error(`Prometheus reload: HTTP ${res.status}: ${await res.text()}\n${log()}`);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        running.delete(handle);
        await terminate(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
    running.add(handle);
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)));
    const ready = waitFor(
      `Prometheus to be ready on ${url}`,
      async () => (await getText(`${url}/-/ready`, 1000)).status === 200,
      options.readyTimeoutMs ?? 20_000,
    ).then(() => 'ready');
    const outcome = await Promise.race([ready, exited]).catch((err: Error) => err.message);
    if (outcome === 'ready') return handle;
    const out = log();
    running.delete(handle);
    await terminate(child);
    if (attempt < 3 && /address already in use/.test(out)) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Prometheus did not start: ${outcome}\n${out}`);
  }
}

export interface NodeExporterOptions {
  /** Collectors to enable (after --collector.disable-defaults); `'defaults'` keeps node_exporter's own set. */
  collectors?: string[] | 'defaults';
  /** --path.procfs, --path.sysfs, --path.rootfs: fixture trees instead of the host's. */
  procfs?: string;
  sysfs?: string;
  rootfs?: string;
  flags?: string[];
}

/** The minimal set the fleet view reads: CPU, memory, load, network, filesystems, uname. */
export const FLEET_COLLECTORS = ['cpu', 'meminfo', 'loadavg', 'netdev', 'filesystem', 'uname'];

/** Start a node_exporter on a free loopback port and wait until /metrics answers. */
export async function startNodeExporter(options: NodeExporterOptions = {}): Promise<RunningNodeExporter> {
  requireProgram('prometheus-node-exporter');
  const collectors = options.collectors ?? FLEET_COLLECTORS;
  const collectorFlags = collectors === 'defaults' ? [] : ['--collector.disable-defaults', ...collectors.map((c) => `--collector.${c}`)];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const child = spawnTied(NODE_EXPORTER_BIN, [
      `--web.listen-address=${address}`,
      '--log.level=warn',
      ...collectorFlags,
      ...(options.procfs ? [`--path.procfs=${options.procfs}`] : []),
      ...(options.sysfs ? [`--path.sysfs=${options.sysfs}`] : []),
      ...(options.rootfs ? [`--path.rootfs=${options.rootfs}`] : []),
      ...(options.flags ?? []),
    ]);
    const log = collectOutput(child);
    const url = `http://${address}`;
    let stopped = false;
    const handle: RunningNodeExporter = {
      url,
      address,
      port,
      process: child,
      log,
      async metrics() {
        const { status, body } = await getText(`${url}/metrics`);
        if (status !== 200) throw new Error(`node_exporter /metrics: HTTP ${status}`);
        return body;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        running.delete(handle);
        await terminate(child);
      },
    };
    running.add(handle);
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)));
    const ready = waitFor(`node_exporter to answer on ${url}`, async () => (await getText(`${url}/metrics`, 2000)).status === 200, 15_000).then(() => 'ready');
    const outcome = await Promise.race([ready, exited]).catch((err: Error) => err.message);
    if (outcome === 'ready') return handle;
    const out = log();
    running.delete(handle);
    await terminate(child);
    if (attempt < 3 && /address already in use/.test(out)) continue;
    throw new Error(`node_exporter did not start: ${outcome}\n${out}`);
  }
}

/**
 * The samples of one metric family in an exposition text: [{labels, value}], so a test can
 * compare what Prometheus stored with what the exporter served. Enough of the text format for
 * that (no escapes inside label values beyond \" \\ \n).
 */
export function parseExposition(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const labels: Record<string, string> = {};
    let valuePart = rest;
    if (rest[0] === '{') {
      const close = rest.lastIndexOf('}');
      const body = rest.slice(1, close);
      for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
      valuePart = rest.slice(close + 1);
    }
    const value = valuePart.trim().split(/\s+/)[0];
    out.push({ labels, value: value === '+Inf' ? Infinity : value === '-Inf' ? -Infinity : Number(value) });
  }
  return out;
}
