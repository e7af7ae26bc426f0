/**
 * User plugins run isolated from shoji's own thread: each in a worker thread of its own
 * (plugin-worker.ts, built to dist/plugin-worker.cjs), with a capped heap. To the rest of shoji
 * a plugin is still a ShojiModule: collect() and available() send the request to the worker
 * and return a promise of its answer. So a plugin that blocks (`for(;;){}`) or allocates without
 * end cannot stop the status line or the daemon:
 *
 * - a collect that overruns its timeout (collect.ts aborts ctx.signal) gets its worker
 *   terminated, after a moment for the plugin to see the abort and stop its children; the next
 *   collect starts a fresh worker (the scheduler's back-off spaces the tries);
 * - a worker out of heap dies alone, and its collect fails with "ran out of memory";
 * - an idle worker does not keep shoji running, and one unused for IDLE_STOP_MS is stopped.
 *
 * Only loaded when plugin files exist (user-plugins.ts imports this lazily).
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Availability, Collected, Interval, ModuleContext, ShojiModule } from './contract.js';
import { packageRoot } from './package-root.js';
import type { ContextData, HostMessage, PluginMeta, WorkerMessage, WorkerSetup } from './plugin-worker.js';
import { escapeControl } from '../render/sanitize.js';

/** A plugin's heap (V8's old generation); more is "ran out of memory". */
export const HEAP_LIMIT_MB = 128;
/** Loading a plugin (its worker, the loader hooks, its imports) longer than this fails it. */
export const LOAD_TIMEOUT_MS = 5000;
/** After a timeout, how long the plugin has to act on its aborted signal before it is stopped. */
const ABORT_GRACE_MS = 100;
/** A worker nobody asked anything for this long is stopped (a later request starts it again). */
export const IDLE_STOP_MS = 10 * 60_000;
/** How long the worker of a plugin loaded again (a config reload) is left to the old load's collects. */
const REPLACED_STOP_MS = 30_000;
/** How long shoji waits, its thread blocked, for a plugin's interval(options). */
const INTERVAL_WAIT_MS = 250;
/**
 * Memory outside the heap (Buffers, typed arrays) has no limit in a worker: while a plugin is
 * working, shoji's resident memory may grow by at most this much before the worker is stopped.
 */
export const OUTSIDE_HEAP_LIMIT_MB = 512;
const MEMORY_CHECK_MS = 100;
/** Lines of a plugin's console output passed on to shoji's stderr, per worker. */
const MAX_OUTPUT_LINES = 20;

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** The worker's files, from the build (npm run build). */
function workerFiles(): { worker: string; hooksUrl: string } {
  const dist = join(packageRoot(), 'dist');
  const worker = join(dist, 'plugin-worker.cjs');
  if (!existsSync(worker)) throw new Error(`${worker} is missing: run \`npm run build\` in the shoji folder`);
  return { worker, hooksUrl: pathToFileURL(join(dist, 'plugin-hooks.mjs')).href };
}

function pluginName(file: string): string {
  const name = basename(file);
  return name.startsWith('index.') ? basename(dirname(file)) : name;
}

/** One plugin's worker: started on demand, restarted after it was stopped. */
export class PluginHost {
  private worker?: Worker;
  private loading?: Promise<PluginMeta>;
  private loadWaiter?: Waiter;
  private loadTimer?: NodeJS.Timeout;
  private requests = new Map<number, Waiter>();
  private nextId = 0;
  private idleTimer?: NodeJS.Timeout;
  private intervalPort?: MessagePort;
  private intervalFlag?: Int32Array;
  private intervalSeq = 0;
  private intervals = new Map<string, Interval>();
  private memoryWatch?: NodeJS.Timeout;
  private outputLines = 0;
  private partialLine = '';
  /** Why the last worker ended, for requests that come too late to be told. */
  private lastEnd = 'stopped';

  constructor(
    readonly file: string,
    private readonly top: string,
  ) {}

  /** Start the worker when none runs; resolves when the plugin is loaded, rejects with why not. */
  start(): Promise<PluginMeta> {
    if (this.loading) return this.loading;
    let files: ReturnType<typeof workerFiles>;
    try {
      files = workerFiles();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.loading = new Promise<PluginMeta>((resolve, reject) => {
      this.loadWaiter = { resolve: resolve as (m: unknown) => void, reject };
    });
    // The promise is awaited by whoever asked; this keeps an unawaited failure quiet.
    this.loading.catch(() => {});
    let realTop = this.top;
    try {
      realTop = realpathSync(this.top);
    } catch {
      // checked against the folder as written
    }
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const setup: WorkerSetup = { file: this.file, top: this.top, realTop, hooksUrl: files.hooksUrl, intervalPort: port2, flag };
    const worker = new Worker(files.worker, {
      workerData: setup,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
      stdout: true,
      stderr: true,
    });
    this.worker = worker;
    this.intervalPort = port1;
    this.intervalFlag = flag;
    this.watchMemory(worker);
    this.outputLines = 0;
    this.partialLine = '';
    this.forwardOutput(worker.stdout);
    this.forwardOutput(worker.stderr);
    worker.on('message', (msg: WorkerMessage) => this.onMessage(worker, msg));
    worker.on('error', (err: Error & { code?: string }) => {
      const why = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (limit ${HEAP_LIMIT_MB} MiB)` : `crashed: ${escapeControl(describe(err))}`;
      this.end(worker, why);
    });
    worker.on('exit', (code) => this.end(worker, `stopped (exit code ${code})`));
    this.loadTimer = setTimeout(() => this.end(worker, `did not finish loading within ${LOAD_TIMEOUT_MS} ms`), LOAD_TIMEOUT_MS);
    return this.loading;
  }

  /** Run collect or available in the worker. Rejects with the reason when it fails or dies. */
  async request(kind: 'collect' | 'available', ctx: ModuleContext, memo?: unknown): Promise<unknown> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new Error(this.lastEnd);
    if (ctx.signal.aborted) throw new Error('aborted');
    const id = ++this.nextId;
    const data: ContextData = {
      options: ctx.options,
      procRoot: ctx.procRoot,
      sysRoot: ctx.sysRoot,
      root: ctx.root,
      env: { ...ctx.env },
      stateDir: ctx.stateDir,
      configDir: ctx.configDir,
    };
    const onAbort = () => this.abort(worker, id);
    try {
      return await new Promise((resolve, reject) => {
        this.requests.set(id, { resolve, reject });
        this.busy(worker);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        const msg: HostMessage = { kind, id, ctx: data, memo };
        try {
          worker.postMessage(msg);
        } catch (err) {
          this.settle(id, { ok: false, error: `its options or memo cannot be passed to it: ${describe(err)}` });
        }
      });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * interval(options) of a plugin whose interval is a function: asked of the worker and waited
   * for with shoji's thread blocked (the scheduler needs it at once), briefly; the defaults'
   * interval when the worker is not running or does not answer in time.
   */
  intervalFor(options: unknown, fallback: Interval): Interval {
    let key: string;
    try {
      key = JSON.stringify(options);
    } catch {
      return fallback;
    }
    const known = this.intervals.get(key);
    if (known !== undefined) return known;
    const answer = this.askInterval(options);
    if (answer === undefined) return fallback;
    this.intervals.set(key, answer);
    return answer;
  }

  /** Stop the worker now (a later request starts a fresh one). */
  stop(why = 'stopped'): void {
    if (this.worker) this.end(this.worker, why);
  }

  private askInterval(options: unknown): Interval | undefined {
    const port = this.intervalPort;
    const flag = this.intervalFlag;
    if (!port || !flag || !this.worker || this.loadWaiter) return undefined;
    const seq = ++this.intervalSeq;
    try {
      port.postMessage({ seq, options });
    } catch {
      return undefined;
    }
    const deadline = Date.now() + INTERVAL_WAIT_MS;
    for (;;) {
      // The worker posts its answer before it bumps the flag: read the flag, then the port.
      const seen = Atomics.load(flag, 0);
      const reply = receiveMessageOnPort(port)?.message as { seq: number; value: Interval } | undefined;
      if (reply?.seq === seq) return reply.value;
      if (reply) continue; // a late answer to an earlier question
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(flag, 0, seen, left);
    }
  }

  private onMessage(worker: Worker, msg: WorkerMessage): void {
    if (worker !== this.worker) return;
    if (msg.kind === 'ready') {
      clearTimeout(this.loadTimer);
      this.loadWaiter?.resolve(msg.meta);
      this.loadWaiter = undefined;
      this.idle(worker);
    } else if (msg.kind === 'output') {
      this.output(msg.text);
    } else if (msg.kind === 'failed') {
      this.end(worker, escapeControl(msg.message));
    } else {
      this.settle(msg.id, msg);
    }
  }

  private settle(id: number, reply: { ok: true; value: unknown } | { ok: false; error: string }): void {
    const waiter = this.requests.get(id);
    if (!waiter) return;
    this.requests.delete(id);
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new Error(escapeControl(reply.error)));
    if (this.worker) this.idle(this.worker);
  }

  /** A request timed out: tell the plugin (its signal), then stop the worker whatever it does. */
  private abort(worker: Worker, id: number): void {
    if (worker !== this.worker) return;
    try {
      worker.postMessage({ kind: 'abort', id } satisfies HostMessage);
    } catch {
      // the worker is going anyway
    }
    setTimeout(() => this.end(worker, 'stopped after its timeout'), ABORT_GRACE_MS).unref();
  }

  /** The worker is gone or must go: fail what waits on it, and start afresh next time. */
  private end(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.loading = undefined;
    this.intervalPort?.close();
    this.intervalPort = undefined;
    this.lastEnd = why;
    clearTimeout(this.loadTimer);
    clearTimeout(this.idleTimer);
    clearInterval(this.memoryWatch);
    this.memoryWatch = undefined;
    void worker.terminate();
    const error = new Error(why);
    this.loadWaiter?.reject(error);
    this.loadWaiter = undefined;
    const waiting = [...this.requests.values()];
    this.requests.clear();
    for (const w of waiting) w.reject(error);
  }

  /** Something waits on the worker: it keeps shoji running until answered or stopped. */
  private busy(worker: Worker): void {
    clearTimeout(this.idleTimer);
    worker.ref();
    this.watchMemory(worker);
  }

  /** While the plugin works, stop it if shoji's memory grows past OUTSIDE_HEAP_LIMIT_MB. */
  private watchMemory(worker: Worker): void {
    if (this.memoryWatch) return;
    const before = process.memoryUsage.rss();
    this.memoryWatch = setInterval(() => {
      const grown = (process.memoryUsage.rss() - before) / 2 ** 20;
      if (grown > OUTSIDE_HEAP_LIMIT_MB) {
        this.end(worker, `used too much memory: shoji grew by ${Math.round(grown)} MiB while it ran (limit ${OUTSIDE_HEAP_LIMIT_MB} MiB outside its heap)`);
      }
    }, MEMORY_CHECK_MS);
    this.memoryWatch.unref();
  }

  private idle(worker: Worker): void {
    if (this.requests.size > 0 || this.loadWaiter) return;
    clearInterval(this.memoryWatch);
    this.memoryWatch = undefined;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.end(worker, 'stopped while idle'), IDLE_STOP_MS);
    this.idleTimer.unref();
  }

  /**
   * A plugin's console output goes to shoji's stderr, escaped, a few lines per worker. The
   * worker sends it as messages (plugin-worker.ts), so it arrives before the answer it came
   * with; the worker's own streams are a fallback for what bypasses that.
   */
  private forwardOutput(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.output(chunk));
  }

  private output(text: string): void {
    const name = escapeControl(pluginName(this.file));
    const parts = (this.partialLine + text).split('\n');
    this.partialLine = parts.pop()!.slice(0, 1000);
    for (const line of parts) {
      this.outputLines++;
      if (this.outputLines <= MAX_OUTPUT_LINES) process.stderr.write(`shoji: plugin ${name}: ${escapeControl(line.slice(0, 500))}\n`);
      else if (this.outputLines === MAX_OUTPUT_LINES + 1) process.stderr.write(`shoji: plugin ${name}: (more output not shown)\n`);
    }
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 300);
}

/** The module shoji's scheduler sees: the plugin's own metadata, its calls sent to the worker. */
export function hostedModule(host: PluginHost, meta: PluginMeta): ShojiModule {
  const def: ShojiModule = {
    id: meta.id,
    description: meta.description,
    options: meta.options,
    interval: meta.intervalIsFunction ? (options: unknown) => host.intervalFor(options, meta.interval) : meta.interval,
    collect: (ctx, memo) => host.request('collect', ctx, memo) as Promise<Collected>,
  };
  if (meta.align !== undefined) def.align = meta.align;
  if (meta.timeoutMs !== undefined) def.timeoutMs = meta.timeoutMs;
  if (meta.priority !== undefined) def.priority = meta.priority;
  if (meta.background !== undefined) def.background = meta.background;
  if (meta.icons !== undefined) def.icons = meta.icons;
  if (meta.hasAvailable) def.available = (ctx) => host.request('available', ctx) as Promise<Availability>;
  return def;
}

/** The host of each plugin file, so a reload stops the worker of the load it replaces. */
const hosts = new Map<string, PluginHost>();

/** Load one plugin in a fresh worker: its module, or why it cannot be loaded. */
export async function loadHostedPlugin(file: string, top: string): Promise<{ def: ShojiModule } | { error: string }> {
  const previous = hosts.get(file);
  if (previous) setTimeout(() => previous.stop('replaced by a newer load of the plugin'), REPLACED_STOP_MS).unref();
  const host = new PluginHost(file, top);
  hosts.set(file, host);
  try {
    return { def: hostedModule(host, await host.start()) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Stop every plugin's worker (tests; a process about to exit needs not: its workers end with it). */
export function stopAllPlugins(): void {
  for (const host of hosts.values()) host.stop();
  hosts.clear();
}
