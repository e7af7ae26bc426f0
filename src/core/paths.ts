/**
 * Where shoji keeps things, following the XDG base directories. Every location can be
 * overridden (SHOJI_CONFIG_DIR, SHOJI_STATE_DIR, SHOJI_CACHE_DIR, SHOJI_RUNTIME_DIR) so tests
 * and people checking a number can point shoji at a scratch tree.
 */
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { privateFolder, UnsafeFolderError } from './trust.js';

type Env = NodeJS.ProcessEnv;

function home(env: Env): string {
  return env.HOME || homedir();
}

/** $XDG_CONFIG_HOME/shoji: config.yaml, plugins/, scripts/, themes/. */
export function configDir(env: Env = process.env): string {
  return env.SHOJI_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(home(env), '.config'), 'shoji');
}

/** $XDG_STATE_HOME/shoji: persisted counters, logs. */
export function stateDir(env: Env = process.env): string {
  return env.SHOJI_STATE_DIR || join(env.XDG_STATE_HOME || join(home(env), '.local', 'state'), 'shoji');
}

/** $XDG_CACHE_HOME/shoji: refreshed price lists, IMDS answers (keyed by boot id inside). */
export function cacheDir(env: Env = process.env): string {
  return env.SHOJI_CACHE_DIR || join(env.XDG_CACHE_HOME || join(home(env), '.cache'), 'shoji');
}

/**
 * Where the live status lines, the daemon's pid file, the one-shot state and the config cache
 * may go, in order of preference. SHOJI_RUNTIME_DIR, when set, is the only one.
 * - $XDG_RUNTIME_DIR/shoji: a per-user tmpfs that vanishes at logout;
 * - /tmp/shoji-UID: when XDG_RUNTIME_DIR is unset (cron, su, many SSH and container set-ups).
 *   Anyone can create that name first, so it is used only when it passes the trust check;
 * - $XDG_CACHE_HOME/shoji/run-HOST: in your home, for when another user holds /tmp/shoji-UID
 *   (HOST because a home on NFS is shared by machines whose pids differ).
 * bin/shoji-runtime-dir.sh makes the same choice for the tmux and screen jobs.
 */
export function runtimeCandidates(env: Env = process.env): string[] {
  if (env.SHOJI_RUNTIME_DIR) return [env.SHOJI_RUNTIME_DIR];
  const out: string[] = [];
  if (env.XDG_RUNTIME_DIR) out.push(join(env.XDG_RUNTIME_DIR, 'shoji'));
  out.push(join('/tmp', `shoji-${process.getuid?.() ?? 'user'}`));
  out.push(join(cacheDir(env), `run-${hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host'}`));
  return out;
}

/** Folders refused while choosing the runtime folder, one line each, for the caller to report. */
export const runtimeRefusals: string[] = [];

/**
 * The first runtime folder that passes the trust check (created 0700 when missing). Every
 * refusal is recorded in runtimeRefusals; when no candidate passes, throws UnsafeFolderError
 * naming the first, and shoji runs without one (no saved counters, no daemon).
 */
export function runtimeDir(env: Env = process.env): string {
  const candidates = runtimeCandidates(env);
  let first: UnsafeFolderError | undefined;
  for (const dir of candidates) {
    try {
      return privateFolder(dir);
    } catch (err) {
      const refusal = err instanceof UnsafeFolderError ? err : new UnsafeFolderError(dir, (err as Error).message);
      first ??= refusal;
      if (!runtimeRefusals.includes(refusal.message)) runtimeRefusals.push(refusal.message);
    }
  }
  throw first!;
}

/** Roots of the host files modules read; tests point them at fixture trees. */
export function hostRoots(env: Env = process.env): { procRoot: string; sysRoot: string; root: string } {
  return {
    procRoot: env.SHOJI_PROC_ROOT || '/proc',
    sysRoot: env.SHOJI_SYS_ROOT || '/sys',
    root: env.SHOJI_ROOT || '/',
  };
}
