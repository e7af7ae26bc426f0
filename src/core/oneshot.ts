/**
 * One-shot collection for `shoji status`: no daemon, no sleeping. The previous call's readings
 * and counters are kept in a state file (per user, per boot), so rates come from the counters
 * of the last call and the monotonic time since then, and a module is only re-run when its
 * interval has passed — byobu's cache, without the races:
 *
 * - the file is replaced atomically, so 20 concurrent calls each read a whole file and the
 *   last writer wins (a lost update costs one reading, never a corrupt file);
 * - a corrupt file is ignored and rebuilt; an unwritable one is reported, and the line is
 *   still printed.
 */
import { readFileSync } from 'node:fs';
import { UnsafeFolderError } from './trust.js';
import { jsonDataProblem, readingProblem } from './reading-check.js';
import type { History } from './format-apply.js';
import { historyProblem } from './spark.js';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { bootIdOf } from './boot-id.js';
import { checkAvailable, collectModule, monotonicMs, timeoutFor } from './collect.js';
import type { Reading } from './contract.js';
import { ONE_SHOT_POLICY, waitAfterFailure, waitAfterHandOff, waitAfterSuccess } from './due.js';
import { hostRoots, runtimeDir } from './paths.js';
import { packageRoot } from './package-root.js';
import type { ResolvedModule } from './resolve.js';
import { newStatus, recordOutcome, type ModuleStatus } from './scheduler.js';

// 2: due times on the monotonic clock (dueMono), and the module options they were collected with.
// A saved module's `data` (what it published) is optional: a file written before it is still read.
const STATE_VERSION = 2;
/** A one-shot call is on the status line's clock: never wait long for one module. */
export const ONE_SHOT_TIMEOUT_CAP_MS = 2000;

interface SavedModule {
  reading: Reading | null;
  hasValue: boolean;
  data?: unknown;
  memo?: unknown;
  error?: string;
  failures: number;
  lastRunMono: number;
  lastOkWall?: number;
  /**
   * Monotonic time (CLOCK_MONOTONIC, ms; the state file is per boot) after which the module is
   * due again: a wall clock stepped backwards by NTP or by hand would freeze it until it caught up.
   */
  dueMono: number;
  available?: boolean;
  /** The reason it gave for not being available, when it gave one. */
  unavailableWhy?: string;
  /** The module's options when it was last run: an edit to them makes it due at once. */
  optionsKey?: string;
  /** Recent values its sparklines draw (format-apply.ts), so that repeated calls build a history. */
  history?: History;
}

interface SavedState {
  version: number;
  bootId: string;
  modules: Record<string, SavedModule>;
}

export function stateFile(env: NodeJS.ProcessEnv): string {
  return join(runtimeDir(env), 'status-state.json');
}

/** This boot's id (core/boot-id.ts: boot_id on Linux, kern.boottime on macOS and the BSDs). */
export function bootId(env: NodeJS.ProcessEnv, platform: string = process.platform): Promise<string> {
  return bootIdOf(hostRoots(env).procRoot, env, platform);
}

/**
 * The saved state, or an empty one when missing, corrupt, or from another boot. Each module's
 * entry is checked as strictly as a fresh collect (core/reading-check.ts): one that fails is
 * dropped and that module collected again, never shown as it was saved.
 */
export function readState(file: string | null, boot: string): SavedState {
  const empty: SavedState = { version: STATE_VERSION, bootId: boot, modules: {} };
  if (file === null) return empty;
  let parsed: SavedState;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  } catch {
    return empty; // Missing or corrupt: start afresh; the write below replaces it.
  }
  if (!parsed || parsed.version !== STATE_VERSION || parsed.bootId !== boot || typeof parsed.modules !== 'object' || parsed.modules === null) {
    return empty;
  }
  const modules: Record<string, SavedModule> = Object.create(null);
  for (const [id, saved] of Object.entries(parsed.modules)) {
    if (savedProblem(saved) === null) modules[id] = saved;
  }
  return { ...parsed, modules };
}

function savedProblem(m: SavedModule): string | null {
  if (typeof m !== 'object' || m === null) return 'not an object';
  if (typeof m.dueMono !== 'number' || Number.isNaN(m.dueMono) || typeof m.failures !== 'number') return 'no due time';
  if (m.unavailableWhy !== undefined && typeof m.unavailableWhy !== 'string') return 'a reason that is not text';
  if (m.reading !== null && readingProblem(m.reading)) return readingProblem(m.reading);
  if (m.data !== undefined && jsonDataProblem('data', m.data)) return jsonDataProblem('data', m.data);
  if (m.history !== undefined && historyProblem(m.history)) return historyProblem(m.history);
  return m.memo === undefined ? null : jsonDataProblem('memo', m.memo);
}

export interface OneShotResult {
  statuses: Map<string, ModuleStatus>;
  /** A problem saving the state, to report on stderr (the line is printed regardless). */
  saveError?: string;
  /** Slow modules handed to a background `shoji collect` (see below). */
  background: string[];
}

export interface OneShotOptions {
  /**
   * Collect background modules here too, with their full timeouts (`shoji collect`). Otherwise
   * a due module that is collected in the background (ResolvedModule.background; updates: apt
   * takes seconds) is handed to a detached `shoji collect` process, and this call shows its
   * last reading: a status line never waits for apt.
   */
  inline?: boolean;
  /** Starts the background collector; tests replace it. */
  startBackground?: (ids: string[], env: NodeJS.ProcessEnv) => void | Promise<void>;
}

export async function collectOneShot(modules: readonly ResolvedModule[], env: NodeJS.ProcessEnv, opts: OneShotOptions = {}): Promise<OneShotResult> {
  let file: string | null = null;
  let folderError: string | undefined;
  try {
    file = stateFile(env);
  } catch (err) {
    if (!(err instanceof UnsafeFolderError)) throw err;
    folderError = `${err.message}; running without saved counters (rates will show "no value yet" each time)`;
  }
  const boot = await bootId(env);
  const state = readState(file, boot);
  const statuses = new Map<string, ModuleStatus>();
  const nowMono = monotonicMs();
  const changed = new Set<string>();
  const background: string[] = [];

  await Promise.all(
    modules.map(async (mod) => {
      const { id } = mod;
      const saved = state.modules[id];
      const status = newStatus(id);
      if (saved) {
        Object.assign(status, {
          reading: saved.reading,
          hasValue: saved.hasValue,
          data: saved.data,
          memo: saved.memo,
          error: saved.error,
          failures: saved.failures,
          lastOkWall: saved.lastOkWall,
          available: saved.available,
          unavailableWhy: saved.unavailableWhy,
          history: saved.history,
        });
      }
      statuses.set(id, status);
      const optionsKey = mod.settingsKey;
      const optionsChanged = saved !== undefined && saved.optionsKey !== optionsKey;
      const due = !saved || optionsChanged || nowMono >= saved.dueMono;
      // `shoji collect` (inline) runs the modules it was handed even before they are due.
      if (!due && (!opts.inline || saved.available === false)) return;
      changed.add(id);
      if (!opts.inline && mod.background) {
        background.push(id);
        // Not due again until the background collector has had its chance.
        state.modules[id] = { ...toSaved(status), lastRunMono: saved?.lastRunMono ?? 0, dueMono: nowMono + waitAfterHandOff(mod.timeoutMs), optionsKey };
        return;
      }
      const cap = opts.inline ? Infinity : ONE_SHOT_TIMEOUT_CAP_MS;
      // Asked again when it was never asked, said no (at its recheck time), or its options changed.
      if ((!saved || saved.available === false || optionsChanged) && mod.def.available) {
        const avail = await checkAvailable(mod, env, timeoutFor(mod, cap));
        status.available = avail.available;
        status.unavailableWhy = avail.why;
        if (!avail.available) {
          const askedAt = monotonicMs();
          state.modules[id] = { ...toSaved(status), lastRunMono: askedAt, dueMono: askedAt + ONE_SHOT_POLICY.unavailableMs, optionsKey };
          return;
        }
      } else {
        status.available = true;
      }
      const outcome = await collectModule(mod, env, status.memo, timeoutFor(mod, cap));
      recordOutcome(status, outcome, { mod, env });
      // How long until it is due again, from now; the due time is kept on the monotonic clock.
      const wait = outcome.ok
        ? (await waitAfterSuccess(mod.interval, mod.def.align === true, Date.now(), ONE_SHOT_POLICY)).ms
        : waitAfterFailure(mod.interval, status.failures);
      const ranAt = monotonicMs();
      state.modules[id] = { ...toSaved(status), lastRunMono: ranAt, dueMono: Math.min(Number.MAX_SAFE_INTEGER, ranAt + wait), optionsKey };
    }),
  );

  let saveError = folderError;
  if (file !== null && changed.size > 0) {
    // Merge into what is on disk now: another call may have saved other modules meanwhile.
    const latest = readState(file, boot);
    for (const id of changed) latest.modules[id] = state.modules[id];
    try {
      writeFileAtomic(file, JSON.stringify(latest));
    } catch (err) {
      saveError = `cannot save ${file}: ${(err as Error).message} (rates will show "no value yet" each time)`;
    }
  }
  if (background.length > 0 && !saveError) await (opts.startBackground ?? startBackgroundCollect)(background, env);
  return { statuses, saveError, background };
}

/** Start `shoji collect ID...` detached: it saves its readings for the next `shoji status`. */
export async function startBackgroundCollect(ids: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'shoji'), 'collect', ...ids], {
    detached: true,
    stdio: 'ignore',
    env,
  });
  child.on('error', () => {
    // Nothing to report to: the module shows its last reading and is retried when due.
  });
  child.unref();
}

function toSaved(s: ModuleStatus): Omit<SavedModule, 'lastRunMono' | 'dueMono' | 'optionsKey'> {
  return {
    reading: s.reading,
    hasValue: s.hasValue,
    data: s.data,
    memo: s.memo,
    error: s.error,
    failures: s.failures,
    lastOkWall: s.lastOkWall,
    available: s.available,
    ...(s.unavailableWhy !== undefined ? { unavailableWhy: s.unavailableWhy } : {}),
    ...(s.history !== undefined ? { history: s.history } : {}),
  };
}
