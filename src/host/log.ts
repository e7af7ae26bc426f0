/**
 * shoji's log: $XDG_STATE_HOME/shoji/shoji.log (SHOJI_LOG overrides). Long-lived processes
 * write what went wrong here instead of swallowing it; the file is cut in half when it
 * passes 1 MiB so it can never fill a disk. Its folder must pass the trust check, the file is
 * opened without following a symlink, and control characters in a message (from a script's
 * stderr, a file's content) are written escaped, so `cat shoji.log` is safe in a terminal.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '../core/paths.js';
import { privateFolder } from '../core/trust.js';
import { escapeControlLines } from '../render/sanitize.js';

const MAX_BYTES = 1024 * 1024;
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export function logFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHOJI_LOG || join(stateDir(env), 'shoji.log');
}

export function log(env: NodeJS.ProcessEnv, message: string): void {
  const file = logFile(env);
  try {
    privateFolder(dirname(file));
    const fd = openSync(file, APPEND, 0o600);
    let size: number;
    try {
      writeSync(fd, `${new Date().toISOString()} [${process.pid}] ${escapeControlLines(message)}\n`);
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    if (size > MAX_BYTES) {
      const text = readFileSync(file, 'utf8');
      const fd = openSync(file, constants.O_WRONLY | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0));
      try {
        writeSync(fd, text.slice(text.length / 2));
      } finally {
        closeSync(fd);
      }
    }
  } catch {
    // Logging must never take the status line down with it.
  }
}
