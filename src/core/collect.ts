/**
 * Running one collect of one module: building its context, enforcing its timeout, and turning
 * a throw, a rejection or a hang into a failure value. Shared by the live scheduler and the
 * one-shot `shoji status`.
 */
import { type AnyModule, availabilityOf, type Collected, type LongLivedHost, type ModuleContext } from './contract.js';
import { MAX_TIMEOUT_S } from './config.js';
import { configDir, hostRoots, stateDir } from './paths.js';
import { collectedProblem } from './reading-check.js';

/** CLOCK_MONOTONIC in ms: unlike performance.now(), comparable between processes on one boot. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export interface CollectOutcome {
  ok: boolean;
  collected?: Collected;
  error?: string;
  /** True when the collect did not settle within its timeout. */
  timedOut?: boolean;
  durationMs: number;
  /** Still-pending collect after a timeout (for single-flight: never start a second one). */
  pending?: Promise<unknown>;
}

/** What one module is run with: its definition and its effective options (a ResolvedModule, core/resolve.ts). */
export interface Runnable {
  def: AnyModule;
  options: Readonly<Record<string, unknown>>;
}

export function makeContext<O>(mod: Runnable, env: NodeJS.ProcessEnv, signal: AbortSignal, longLived?: LongLivedHost): ModuleContext<O> {
  const roots = hostRoots(env);
  return {
    // A copy for each run: what one collect does to its options is not seen by the next.
    options: { ...mod.options } as O,
    ...roots,
    now: monotonicMs,
    wallNow: Date.now,
    signal,
    env,
    stateDir: stateDir(env),
    configDir: configDir(env),
    ...(longLived ? { longLived } : {}),
  };
}

/** The longest a collect may take, whatever a module or the config says (the config's own cap on `timeout`). */
export const MAX_TIMEOUT_MS = MAX_TIMEOUT_S * 1000;

/** The module's timeout (a ResolvedModule's, core/resolve.ts), capped by `capMs`. */
export function timeoutFor(mod: { timeoutMs: number }, capMs = Infinity): number {
  return Math.min(mod.timeoutMs, capMs);
}

function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 300) || 'failed';
}

/** Settle within timeoutMs whatever the module does. */
export async function runWithTimeout<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  timeoutMs: number,
): Promise<{ ok: true; value: T; durationMs: number } | { ok: false; error: string; timedOut: boolean; durationMs: number; pending?: Promise<unknown> }> {
  const started = monotonicMs();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let promise: Promise<T>;
  try {
    const answer = work(controller.signal);
    // A module that answered at once (most read /proc synchronously) needs no timer: a cleared
    // timer still wakes an idle process when it would have fired (Node does not re-arm its one
    // OS timer later), half a millisecond of CPU each time in a long-lived host.
    if (typeof (answer as PromiseLike<T> | undefined)?.then !== 'function') return { ok: true, value: answer as T, durationMs: monotonicMs() - started };
    promise = Promise.resolve(answer);
  } catch (err) {
    return { ok: false, error: errorText(err), timedOut: false, durationMs: monotonicMs() - started };
  }
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const winner = await Promise.race([promise, timeout]);
    if (winner === 'timeout') {
      controller.abort(new Error('timed out'));
      const pending = promise.then(
        () => undefined,
        () => undefined,
      );
      return { ok: false, error: `no answer within ${Math.round(timeoutMs)} ms`, timedOut: true, durationMs: timeoutMs, pending };
    }
    return { ok: true, value: winner as T, durationMs: monotonicMs() - started };
  } catch (err) {
    return { ok: false, error: errorText(err), timedOut: false, durationMs: monotonicMs() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** `longLived`: given by the live scheduler only (ModuleContext.longLived). */
export async function collectModule(
  mod: Runnable,
  env: NodeJS.ProcessEnv,
  memo: unknown,
  timeoutMs: number,
  longLived?: LongLivedHost,
): Promise<CollectOutcome> {
  const result = await runWithTimeout((signal) => mod.def.collect(makeContext(mod, env, signal, longLived), memo), timeoutMs);
  if (!result.ok) return result;
  // Checked here, once for every consumer: a bad value fails this module, never the line.
  const problem = collectedProblem(result.value);
  if (problem) return { ok: false, error: problem, durationMs: result.durationMs };
  return { ok: true, collected: result.value as Collected, durationMs: result.durationMs };
}

/**
 * Ask a module whether it can work here. `why`: the reason a module gave with its no
 * (contract.ts's Unavailable), cut to one line. `longLived`: given by the live scheduler only, as
 * for a collect (a module unavailable here may still keep a long-lived process's record going).
 */
export async function checkAvailable(
  mod: Runnable,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  longLived?: LongLivedHost,
): Promise<{ available: boolean; why?: string; error?: string }> {
  const { def } = mod;
  if (!def.available) return { available: true };
  const result = await runWithTimeout((signal) => def.available!(makeContext(mod, env, signal, longLived)), timeoutMs);
  if (!result.ok) return { available: false, error: result.error };
  return availabilityOf(result.value);
}
