/**
 * The worker thread one user plugin runs in (built to dist/plugin-worker.cjs; plugin-host.ts
 * starts it). The plugin cannot freeze or crash shoji from here: shoji's own thread stays free
 * to enforce timeouts (it terminates this worker), and the worker's heap is capped.
 *
 * Before the plugin is imported, every file it could load is put under the trust check the
 * plugin itself passed (src/core/trust.ts): ES modules through loader hooks (plugin-hooks.ts,
 * which run on a thread of their own), CommonJS files through the require() loader below.
 * So a plugin importing a helper that another user can write fails to load, naming the helper.
 *
 * Everything that crosses to shoji is structured-cloned: a reading holding a function or a
 * symbol becomes a failure that says so, not a crash.
 */
import Module from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { availabilityOf, type Interval, type ModuleContext, type ModuleOptions, type PluginModule, type ShojiModule } from './contract.js';
import { optionsFromExport } from './options.js';
import { pluginFileProblem } from './plugin-trust.js';

/** What plugin-host.ts gives the worker. */
export interface WorkerSetup {
  /** The plugin's entry file. */
  file: string;
  /** The plugins folder, as configured and as its real path (files are checked up to it). */
  top: string;
  realTop: string;
  /** The loader hooks module (dist/plugin-hooks.mjs) as a file: URL. */
  hooksUrl: string;
  /** For interval(options) asked synchronously: the worker answers here and bumps `flag`. */
  intervalPort: MessagePort;
  flag: Int32Array;
}

/** The parts of a ModuleContext that can be cloned; the worker adds the clock and the signal. */
export type ContextData = Omit<ModuleContext, 'now' | 'wallNow' | 'signal'>;

/** What the worker tells once the plugin is loaded. */
export interface PluginMeta {
  id: string;
  description: string;
  options: ShojiModule['options'];
  /** The interval, or for interval(options) its value for the defaults (the host asks for others). */
  interval: Interval;
  intervalIsFunction: boolean;
  align?: boolean;
  timeoutMs?: number;
  priority?: number;
  background?: boolean;
  icons?: Record<string, string>;
  hasAvailable: boolean;
}

export type HostMessage = { kind: 'collect' | 'available'; id: number; ctx: ContextData; memo?: unknown } | { kind: 'abort'; id: number };

export type WorkerMessage =
  | { kind: 'ready'; meta: PluginMeta }
  | { kind: 'failed'; message: string }
  | { kind: 'output'; text: string }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string };

/** The first line of whatever was thrown (which may be anything, even a throwing getter). */
export function describeThrown(err: unknown): string {
  try {
    const text = err instanceof Error ? err.message : String(err);
    return text.split('\n')[0].slice(0, 300) || 'failed';
  } catch {
    return 'threw something that cannot be shown';
  }
}

function isModule(x: unknown): x is PluginModule {
  const m = x as PluginModule;
  return (
    !!m &&
    typeof m.id === 'string' &&
    /^[a-z0-9][a-z0-9-]*$/.test(m.id) &&
    typeof m.collect === 'function' &&
    typeof m.description === 'string' &&
    !!m.options &&
    typeof m.options === 'object' &&
    ['number', 'string', 'function'].includes(typeof m.interval)
  );
}

/** require() of a file that fails the trust check throws, naming the file and what is wrong. */
function guardRequire(top: string, realTop: string): void {
  type Loader = (this: unknown, mod: unknown, filename: string) => unknown;
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  for (const ext of Object.keys(extensions)) {
    const load = extensions[ext];
    extensions[ext] = function guarded(mod, filename) {
      const why = pluginFileProblem(filename, top, realTop);
      if (why) throw new Error(`refusing to load ${filename}: ${why}`);
      return load.call(this, mod, filename);
    };
  }
}

/**
 * console.log and friends, and writes to process.stdout/stderr, go to shoji as messages: on the
 * same port as the answers, so shoji has the output before the answer it came with.
 */
function captureOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      send({ kind: 'output', text });
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof stream.write;
  }
}

function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

function send(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

async function loadPlugin(setup: WorkerSetup): Promise<PluginModule | null> {
  // The entry file again, here: it may have changed since shoji looked.
  const why = pluginFileProblem(setup.file, setup.top, setup.realTop);
  if (why) {
    send({ kind: 'failed', message: `${why}: refusing to run it` });
    return null;
  }
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(setup.file).href)) as { default?: unknown }).default;
  } catch (err) {
    send({ kind: 'failed', message: `failed to load: ${describeThrown(err)}` });
    return null;
  }
  if (!isModule(exported)) {
    send({
      kind: 'failed',
      message: 'the default export is not a shoji module (needs id, description, options, interval, collect)',
    });
    return null;
  }
  return exported;
}

function metaOf(def: PluginModule, options: ModuleOptions<Record<string, unknown>>): PluginMeta {
  const intervalIsFunction = typeof def.interval === 'function';
  const interval = intervalIsFunction ? (def.interval as (o: unknown) => Interval)(options.defaults) : (def.interval as Interval);
  return {
    id: def.id,
    description: def.description,
    options: { schema: options.schema, defaults: options.defaults },
    interval,
    intervalIsFunction,
    align: typeof def.align === 'boolean' ? def.align : undefined,
    timeoutMs: typeof def.timeoutMs === 'number' ? def.timeoutMs : undefined,
    priority: typeof def.priority === 'number' ? def.priority : undefined,
    background: typeof def.background === 'boolean' ? def.background : undefined,
    icons: iconTexts(def.icons),
    hasAvailable: typeof def.available === 'function',
  };
}

/** The plugin's icon texts, when they are strings by icon key (the host checks each text again when it draws it). */
function iconTexts(icons: unknown): Record<string, string> | undefined {
  if (typeof icons !== 'object' || icons === null || Array.isArray(icons)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(icons)) if (typeof text === 'string') out[key] = text;
  return out;
}

/** Answer interval(options) on its own port, so the host can wait for it without its event loop. */
function answerIntervals(def: PluginModule, setup: WorkerSetup, fallback: Interval): void {
  setup.intervalPort.on('message', ({ seq, options }: { seq: number; options: unknown }) => {
    let value: unknown = fallback;
    try {
      value = (def.interval as (o: unknown) => Interval)(options);
    } catch {
      // keep the defaults' interval
    }
    if (typeof value !== 'number' && typeof value !== 'string') value = fallback;
    setup.intervalPort.postMessage({ seq, value });
    Atomics.store(setup.flag, 0, seq);
    Atomics.notify(setup.flag, 0);
  });
}

function serve(def: PluginModule): void {
  const running = new Map<number, AbortController>();
  parentPort!.on('message', (msg: HostMessage) => {
    if (msg.kind === 'abort') {
      running.get(msg.id)?.abort(new Error('timed out'));
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    void answer(def, msg, controller.signal).finally(() => running.delete(msg.id));
  });
}

async function answer(def: PluginModule, msg: Extract<HostMessage, { ctx: ContextData }>, signal: AbortSignal): Promise<void> {
  const ctx: ModuleContext = { ...msg.ctx, now: monotonicMs, wallNow: Date.now, signal };
  let value: unknown;
  try {
    value = msg.kind === 'collect' ? await def.collect(ctx, msg.memo) : availabilityOf(await def.available!(ctx));
  } catch (err) {
    send({ kind: 'reply', id: msg.id, ok: false, error: describeThrown(err) });
    return;
  }
  try {
    send({ kind: 'reply', id: msg.id, ok: true, value });
  } catch (err) {
    // DataCloneError: a function, a symbol, a class with private state...
    const what = msg.kind === 'collect' ? 'the reading' : 'the answer';
    send({ kind: 'reply', id: msg.id, ok: false, error: `${what} cannot be passed to shoji (plain data only): ${describeThrown(err)}` });
  }
}

async function main(setup: WorkerSetup): Promise<void> {
  if (typeof Module.register !== 'function') {
    send({ kind: 'failed', message: `user plugins need Node.js 20.6 or later (this is ${process.version})` });
    return;
  }
  captureOutput();
  // Synchronous: returns once the hooks are in place on their own thread.
  Module.register(setup.hooksUrl, { data: { top: setup.top, realTop: setup.realTop } });
  guardRequire(setup.top, setup.realTop);
  const def = await loadPlugin(setup);
  if (!def) return;
  let options: ModuleOptions<Record<string, unknown>>;
  try {
    // Declarations, one per option, or the older { schema, defaults }: the host reads the latter.
    options = optionsFromExport(def.options);
  } catch (err) {
    send({ kind: 'failed', message: `its options: ${describeThrown(err)}` });
    return;
  }
  let meta: PluginMeta;
  try {
    meta = metaOf(def, options);
  } catch (err) {
    send({ kind: 'failed', message: `interval(options) failed for the default options: ${describeThrown(err)}` });
    return;
  }
  answerIntervals(def, setup, meta.interval);
  serve(def);
  try {
    send({ kind: 'ready', meta });
  } catch (err) {
    send({ kind: 'failed', message: `its options or interval cannot be passed to shoji (plain data only): ${describeThrown(err)}` });
  }
}

if (parentPort && workerData) void main(workerData as WorkerSetup);
