/**
 * Reading back a file shoji wrote into its own private state folder (the month ledger, the usage
 * record): never through a symlink (O_NOFOLLOW), only a regular file, and within a size bound, so
 * that a file planted or damaged there is refused with why, rather than followed or read whole.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * The file's text; null when there is none; else why it cannot be used, in words that end the
 * sentence "<file>: ...". `what` names what the bound stands for ("a ledger holds").
 */
export function readStateFile(path: string, maxBytes: number, what: string): { text: string } | { problem: string } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return { problem: code === 'ELOOP' ? 'it is a symlink' : `cannot read it (${code ?? (err as Error).message})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: 'it is not a regular file' };
    if (st.size > maxBytes) return { problem: `it is ${st.size} bytes, more than ${what}` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { text: buf.subarray(0, got).toString('utf8') };
  } catch (err) {
    return { problem: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}
