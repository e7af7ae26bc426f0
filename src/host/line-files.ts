/**
 * Status lines kept in files that `tail -F` follows (the tmux job, the screen job): each change
 * is appended as a line of its own, so a reader sees whole lines only, and nothing is written
 * when a line has not changed. A file starts over with just its newest line once it would pass
 * MAX_FILE_BYTES; tail -F notices the truncation and reads the file again.
 *
 * The folder is shoji's own (it passed the trust check), and files are opened with O_NOFOLLOW:
 * a line is never written through a symlink. Something else in a line file's place (a folder,
 * a link, a socket) is moved aside once, reported, and the line written anew.
 */
import { closeSync, constants, lstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MAX_FILE_BYTES = 16 * 1024;

// O_NONBLOCK: a FIFO in a line file's place fails at once (ENXIO) instead of blocking the daemon.
const NOFOLLOW = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW;
const TRUNCATE = constants.O_WRONLY | constants.O_TRUNC | constants.O_CREAT | NOFOLLOW;

/** A writer of the line files in `dir`; `onError` hears of a file that cannot be written. */
export function lineFiles(dir: string, onError: (file: string, err: Error) => void): (name: string, line: string) => void {
  // Per file name: the last line written and the file's size.
  const lastLine = new Map<string, string>();
  const size = new Map<string, number>();
  return (name, line) => {
    if (line === lastLine.get(name)) return;
    const file = join(dir, name);
    const data = Buffer.from(`${line}\n`);
    const had = size.get(name) ?? 0;
    const fresh = had === 0 || had + data.length > MAX_FILE_BYTES;
    try {
      const movedAside = writeLine(file, data, fresh ? TRUNCATE : APPEND);
      size.set(name, fresh || movedAside ? data.length : had + data.length);
      lastLine.set(name, line);
      if (movedAside) onError(file, new Error(movedAside));
    } catch (err) {
      // Not remembered as written: the next render tries again (a full disk may clear).
      size.delete(name);
      onError(file, err as Error);
    }
  };
}

/** Write one line; returns what was moved out of the file's place, when something was. */
function writeLine(file: string, data: Buffer, flags: number): string | null {
  let fd: number;
  try {
    fd = openSync(file, flags, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ELOOP: a symlink (O_NOFOLLOW); EISDIR: a folder. Move it aside, once, and write anew.
    if (code !== 'ELOOP' && code !== 'EISDIR' && code !== 'ENXIO' && code !== 'EOPNOTSUPP') throw err;
    const aside = `${file}.not-a-file.${Date.now()}`;
    renameSync(file, aside);
    fd = openSync(file, TRUNCATE, 0o600);
    try {
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
    return `${file} was a ${describe(aside)}, not a file: moved it to ${aside}`;
  }
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
  return null;
}

function writeAll(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
}

function describe(path: string): string {
  try {
    const st = lstatSync(path);
    return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'folder' : 'special file';
  } catch {
    return 'special file';
  }
}
