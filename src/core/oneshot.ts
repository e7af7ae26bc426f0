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
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { checkAvailable, collectModule, DEFAULT_TIMEOUT_MS, monotonicMs, timeoutFor } from './collect.js';
import type { ShojiConfig } from './config.js';
import type { Reading } from './contract.js';
import { intervalOf, msUntilAligned, msUntilNext, nominalMs } from './interval.js';
import { hostRoots, runtimeDir } from './paths.js';
import { packageRoot } from './package-root.js';
import { readLine } from './read.js';
import type { Registry } from './registry.js';
import { backoffMs, newStatus, recordOutcome, type ModuleStatus } from './scheduler.js';

const STATE_VERSION = 1;
/** A one-shot call is on the status line's clock: never wait long for one module. */
export const ONE_SHOT_TIMEOUT_CAP_MS = 2000;

interface SavedModule {
  reading: Reading | null;
  hasValue: boolean;
  memo?: unknown;
  error?: string;
  failures: number;
  lastRunMono: number;
  lastOkWall?: number;
  /** Wall-clock time after which the module is due again. */
  dueWall: number;
  available?: boolean;
}

interface SavedState {
  version: number;
  bootId: string;
  modules: Record<string, SavedModule>;
}

export function stateFile(env: NodeJS.ProcessEnv): string {
  return join(runtimeDir(env), 'status-state.json');
}

export function bootId(env: NodeJS.ProcessEnv): string {
  return readLine(join(hostRoots(env).procRoot, 'sys/kernel/random/boot_id')) ?? 'unknown-boot';
}

/** The saved state, or an empty one when missing, corrupt, or from another boot. */
export function readState(file: string, boot: string): SavedState {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
    if (parsed && parsed.version === STATE_VERSION && parsed.bootId === boot && typeof parsed.modules === 'object') {
      return parsed;
    }
  } catch {
    // Missing or corrupt: start afresh; the write below replaces it.
  }
  return { version: STATE_VERSION, bootId: boot, modules: {} };
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
   * Collect slow modules here too, with their full timeouts (`shoji collect`). Otherwise a due
   * module that declares a timeout above the default (updates: apt takes seconds) is handed to a
   * detached `shoji collect` process, and this call shows its last reading: a status line
   * never waits for apt.
   */
  inline?: boolean;
  /** Starts the background collector; tests replace it. */
  startBackground?: (ids: string[], env: NodeJS.ProcessEnv) => void | Promise<void>;
}

export async function collectOneShot(
  ids: string[],
  registry: Registry,
  config: ShojiConfig,
  env: NodeJS.ProcessEnv,
  opts: OneShotOptions = {},
): Promise<OneShotResult> {
  const file = stateFile(env);
  const boot = bootId(env);
  const state = readState(file, boot);
  const statuses = new Map<string, ModuleStatus>();
  const nowWall = Date.now();
  const changed = new Set<string>();
  const background: string[] = [];

  await Promise.all(
    ids.map(async (id) => {
      const def = registry.modules.get(id)?.def;
      if (!def) return;
      const saved = state.modules[id];
      const status = newStatus(id);
      if (saved) {
        Object.assign(status, {
          reading: saved.reading,
          hasValue: saved.hasValue,
          memo: saved.memo,
          error: saved.error,
          failures: saved.failures,
          lastOkWall: saved.lastOkWall,
          available: saved.available,
        });
      }
      statuses.set(id, status);
      if (!opts.inline && saved && nowWall < saved.dueWall) return;
      if (saved?.available === false) return;
      changed.add(id);
      const fullTimeout = timeoutFor(def, config);
      if (!opts.inline && fullTimeout > DEFAULT_TIMEOUT_MS) {
        background.push(id);
        // Not due again until the background collector has had its chance.
        state.modules[id] = { ...toSaved(status), lastRunMono: saved?.lastRunMono ?? 0, dueWall: nowWall + fullTimeout + 5000 };
        return;
      }
      const cap = opts.inline ? Infinity : ONE_SHOT_TIMEOUT_CAP_MS;
      const interval = intervalOf(def, config);
      if (!saved && def.available) {
        const avail = await checkAvailable(def, config, env, timeoutFor(def, config, cap));
        status.available = avail.available;
        if (!avail.available) {
          state.modules[id] = { ...toSaved(status), lastRunMono: monotonicMs(), dueWall: nowWall + 10 * 60_000 };
          return;
        }
      } else {
        status.available = true;
      }
      const outcome = await collectModule(def, config, env, status.memo, timeoutFor(def, config, cap));
      let due: number;
      recordOutcome(status, outcome);
      if (outcome.ok) {
        const now = Date.now();
        if (def.align && interval.kind === 'every') {
          due = now + msUntilAligned(interval.ms, now) - 20;
        } else {
          const next = interval.kind === 'every' ? nominalMs(interval) : await msUntilNext(interval, now).catch(() => 60_000);
          // Re-collect a little early: a status line asking every second should not see a rate skip a beat.
          due = next === Infinity ? Number.MAX_SAFE_INTEGER : now + next * 0.9;
        }
      } else {
        due = Date.now() + backoffMs(interval.kind === 'every' ? interval.ms : 60_000, status.failures);
      }
      state.modules[id] = { ...toSaved(status), lastRunMono: monotonicMs(), dueWall: due };
    }),
  );

  let saveError: string | undefined;
  if (changed.size > 0) {
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

function toSaved(s: ModuleStatus): Omit<SavedModule, 'lastRunMono' | 'dueWall'> {
  return {
    reading: s.reading,
    hasValue: s.hasValue,
    memo: s.memo,
    error: s.error,
    failures: s.failures,
    lastOkWall: s.lastOkWall,
    available: s.available,
  };
}
