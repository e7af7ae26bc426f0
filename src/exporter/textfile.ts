/**
 * `shoji exporter --textfile DIR`: DIR/shoji.prom for node_exporter's textfile collector
 * (--collector.textfile.directory), written so that a scrape never reads half a file, and a
 * crash or power cut never leaves an empty one: the text goes to a new temporary file in DIR
 * (O_EXCL | O_NOFOLLOW: never through a link someone placed, never into a file that exists),
 * is flushed to disk (fsync), and is then renamed over shoji.prom (rename replaces a link at
 * that name rather than writing through it); the folder is flushed after, where it can be. The
 * temporary name ends in .tmp, so the collector, which reads *.prom, never sees it, and one left
 * behind by a writer that was killed is removed by a later write once a minute old.
 *
 * DIR is checked before each write: not a symlink, a folder, owned by you or root, and not
 * writable by group or others (anyone who can write there could swap shoji.prom). The folders
 * above it are not held to core/trust.ts's rules as shoji's own folders are: Debian's
 * /var/lib/prometheus/node-exporter sits in a folder owned by the prometheus user. Whoever owns
 * such a folder could swap DIR for a link between a check and the write, so DIR is opened once
 * (O_DIRECTORY | O_NOFOLLOW), the folder that open holds is the one checked (fstat), and every
 * file is created, renamed and removed through that open folder (Linux's /proc/self/fd/N),
 * never by DIR's name again: a swap after the open changes nothing. Without /proc, names under
 * DIR are used, and the temporary file is checked, once made, to be in the folder that was
 * opened (the write is refused otherwise); a swap in the moment between that check and the
 * rename is then what remains.
 *
 * The file is made readable by everyone (0644): node_exporter reads it as its own user, and it
 * holds what /metrics would serve, measurements only.
 */
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, type Stats, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeThenRename } from '../core/atomic.js';

export const TEXTFILE_NAME = 'shoji.prom';

/** Why DIR may not receive shoji.prom, or null when it may. */
export function textfileFolderProblem(dir: string, uid = process.getuid?.() ?? 0): string | null {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (err) {
    return `cannot use it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (st.isSymbolicLink()) return 'it is a symlink (give the folder it points to)';
  return folderProblem(st, dir, uid);
}

/** What textfileFolderProblem says of a folder's status (lstat's, or fstat's of the open folder). */
function folderProblem(st: Stats, dir: string, uid: number): string | null {
  if (!st.isDirectory()) return 'it is not a folder';
  if (st.uid !== uid && st.uid !== 0) return `it is owned by uid ${st.uid}, neither you (uid ${uid}) nor root`;
  if (st.mode & 0o022) {
    const who = st.mode & 0o002 ? 'others' : 'its group';
    return `it is writable by ${who} (mode ${(st.mode & 0o7777).toString(8)}): they could replace ${TEXTFILE_NAME} (chmod go-w ${dir})`;
  }
  return null;
}

const OPEN_FOLDER = constants.O_RDONLY | constants.O_DIRECTORY | (constants.O_NOFOLLOW ?? 0);
/** Temporary files of ours: .shoji.prom.PID.RANDOM.tmp */
const TEMP_NAME = /^\.shoji\.prom\.\d+\.[a-z0-9]+\.tmp$/;
/** A temporary file older than this was left by a writer that died (a write takes milliseconds). */
export const STALE_TEMP_MS = 60_000;

/** For tests: something to do between opening DIR and writing into it; whether to act as if there were no /proc. */
export interface WriteHooks {
  afterOpen?: () => void;
  withoutProc?: boolean;
}

/** Write DIR/shoji.prom atomically; throws an Error saying what went wrong. */
export function writeTextfile(dir: string, text: string, hooks: WriteHooks = {}): void {
  const uid = process.getuid?.() ?? 0;
  const why = textfileFolderProblem(dir, uid);
  if (why) throw new Error(`refusing ${dir}: ${why}`);
  const target = join(dir, TEXTFILE_NAME);
  let folder: number;
  try {
    folder = openSync(dir, OPEN_FOLDER);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Swapped for a link or a file since the check above.
    throw new Error(`refusing ${dir}: ${code === 'ENOTDIR' || code === 'ELOOP' ? 'it is not a folder (or is a symlink)' : `cannot use it: ${code}`}`);
  }
  try {
    const opened = fstatSync(folder);
    const problem = folderProblem(opened, dir, uid);
    if (problem) throw new Error(`refusing ${dir}: ${problem}`);
    hooks.afterOpen?.();
    const viaFd = `/proc/self/fd/${folder}`;
    const held = !hooks.withoutProc && sameFile(statOrNull(viaFd), opened) ? viaFd : undefined;
    removeStaleTemps(held ?? dir, uid);
    writeInto(held ?? dir, text, held === undefined ? opened : undefined);
    try {
      fsyncSync(folder); // the rename itself on disk; some file systems cannot, and the file is whole either way
    } catch {
      // best effort
    }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('refusing ')) throw err;
    throw new Error(`cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    closeSync(folder);
  }
}

/**
 * Write the temporary file in `base` (the open folder's /proc path, or DIR's name), flush it
 * and rename it over shoji.prom. `mustBe`: when `base` is DIR's name, the folder DIR was when
 * opened, which the temporary file must turn out to be in.
 */
function writeInto(base: string, text: string, mustBe: Stats | undefined): void {
  const tmp = join(base, `.${TEXTFILE_NAME}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  writeThenRename(tmp, join(base, TEXTFILE_NAME), text, {
    mode: 0o644,
    opened: (fd) => {
      if (mustBe && !(sameFile(statOrNull(base), mustBe) && sameFile(statOrNull(tmp, true), fstatSync(fd)))) {
        throw new Error('the folder changed while it was being written (swapped for a link?)');
      }
      fchmodSync(fd, 0o644); // whatever the umask: node_exporter reads it as another user
    },
    sync: true, // on disk before it takes shoji.prom's name: a crash never leaves an empty shoji.prom
  });
}

/** Remove temporary files of ours (by name, owner and kind) older than STALE_TEMP_MS: left by a writer that was killed. */
function removeStaleTemps(base: string, uid: number): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue;
    const path = join(base, name);
    const st = statOrNull(path, true);
    if (!st?.isFile() || st.uid !== uid || now - st.mtimeMs < STALE_TEMP_MS) continue;
    try {
      unlinkSync(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

function statOrNull(path: string, noFollow = false): Stats | null {
  try {
    return noFollow ? lstatSync(path) : statSync(path);
  } catch {
    return null;
  }
}

function sameFile(a: Stats | null, b: Stats): boolean {
  return a !== null && a.dev === b.dev && a.ino === b.ino;
}
