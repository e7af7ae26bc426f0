/**
 * shoji's log: $XDG_STATE_HOME/shoji/shoji.log (SHOJI_LOG overrides). Long-lived processes
 * write what went wrong here instead of swallowing it; the file is cut in half when it
 * passes 1 MiB so it can never fill a disk.
 */
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '../core/paths.js';

const MAX_BYTES = 1024 * 1024;

export function logFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHOJI_LOG || join(stateDir(env), 'shoji.log');
}

export function log(env: NodeJS.ProcessEnv, message: string): void {
  const file = logFile(env);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${message}\n`, { mode: 0o600 });
    if (statSync(file).size > MAX_BYTES) {
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.slice(text.length / 2));
    }
  } catch {
    // Logging must never take the status line down with it.
  }
}
