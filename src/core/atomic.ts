/**
 * Write a file so that readers see either the old content or the new, never half of it:
 * write a uniquely named temporary file beside it, then rename over. Concurrent writers
 * (20 `shoji status` calls at once) each rename a whole file; the last one wins.
 *
 * The folder must pass the trust check (core/trust.ts) and is created 0700 when missing; the
 * temporary file is created exclusively (O_EXCL: never through a symlink or into an existing
 * file), and rename replaces a symlink at the destination rather than writing through it.
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateFolder } from './trust.js';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  privateFolder(dirname(path));
  writeThenRename(`${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`, path, data, { mode });
}

export interface TempWriteOptions {
  /** The temporary file's mode at creation (the umask applies). */
  mode: number;
  /** Runs on the new, empty temporary file before anything is written; a throw abandons the write. */
  opened?: (fd: number) => void;
  /** Flush the file to disk before it takes `path`'s name, so a crash never leaves `path` empty. */
  sync?: boolean;
}

/**
 * Create `tmp` (exclusively, never through a link), write all of `data` to it and rename it over
 * `path`; the temporary file is removed when anything fails. The caller has checked the folder.
 */
export function writeThenRename(tmp: string, path: string, data: string | Uint8Array, o: TempWriteOptions): void {
  let fd: number | undefined;
  try {
    fd = openSync(tmp, CREATE_NEW, o.mode);
    o.opened?.(fd);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    if (o.sync) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw err;
  }
}
