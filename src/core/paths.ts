/**
 * Where shoji keeps things, following the XDG base directories. Every location can be
 * overridden (SHOJI_CONFIG_DIR, SHOJI_STATE_DIR, SHOJI_CACHE_DIR, SHOJI_RUNTIME_DIR) so tests
 * and people checking a number can point shoji at a scratch tree.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

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
 * $XDG_RUNTIME_DIR/shoji (a per-user tmpfs that vanishes at logout), else /tmp/shoji-UID:
 * the live status lines and the daemon's lock and pid files.
 */
export function runtimeDir(env: Env = process.env): string {
  if (env.SHOJI_RUNTIME_DIR) return env.SHOJI_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'shoji');
  return join('/tmp', `shoji-${process.getuid?.() ?? 'user'}`);
}

/** Roots of the host files modules read; tests point them at fixture trees. */
export function hostRoots(env: Env = process.env): { procRoot: string; sysRoot: string; root: string } {
  return {
    procRoot: env.SHOJI_PROC_ROOT || '/proc',
    sysRoot: env.SHOJI_SYS_ROOT || '/sys',
    root: env.SHOJI_ROOT || '/',
  };
}
