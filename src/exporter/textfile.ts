/**
 * `shoji exporter --textfile DIR`: DIR/shoji.prom for node_exporter's textfile collector
 * (--collector.textfile.directory), written so that a scrape never reads half a file: the text
 * goes to a new temporary file in DIR (O_EXCL | O_NOFOLLOW: never through a link someone placed,
 * never into a file that exists), which is then renamed over shoji.prom (rename replaces a link
 * at that name rather than writing through it). The temporary name ends in .tmp, so the
 * collector, which reads *.prom, never sees it.
 *
 * DIR is checked before each write: not a symlink, a folder, owned by you or root, and not
 * writable by group or others (anyone who can write there could swap shoji.prom). The folders
 * above it are not held to core/trust.ts's rules as shoji's own folders are: Debian's
 * /var/lib/prometheus/node-exporter sits in a folder owned by the prometheus user.
 *
 * The file is made readable by everyone (0644): node_exporter reads it as its own user, and it
 * holds what /metrics would serve, measurements only.
 */
import { closeSync, constants, fchmodSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const TEXTFILE_NAME = 'shoji.prom';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Why DIR may not receive shoji.prom, or null when it may. */
export function textfileFolderProblem(dir: string, uid = process.getuid?.() ?? 0): string | null {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir);
  } catch (err) {
    return `cannot use it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (st.isSymbolicLink()) return 'it is a symlink (give the folder it points to)';
  if (!st.isDirectory()) return 'it is not a folder';
  if (st.uid !== uid && st.uid !== 0) return `it is owned by uid ${st.uid}, neither you (uid ${uid}) nor root`;
  if (st.mode & 0o022) {
    const who = st.mode & 0o002 ? 'others' : 'its group';
    return `it is writable by ${who} (mode ${(st.mode & 0o7777).toString(8)}): they could replace ${TEXTFILE_NAME} (chmod go-w ${dir})`;
  }
  return null;
}

/** Write DIR/shoji.prom atomically; throws an Error saying what went wrong. */
export function writeTextfile(dir: string, text: string): void {
  const why = textfileFolderProblem(dir);
  if (why) throw new Error(`refusing ${dir}: ${why}`);
  const target = join(dir, TEXTFILE_NAME);
  const tmp = join(dir, `.${TEXTFILE_NAME}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, CREATE_NEW, 0o644);
    fchmodSync(fd, 0o644); // whatever the umask: node_exporter reads it as another user
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new Error(`cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
