/**
 * Status lines kept in files that `tail -F` follows (the tmux job, the screen job): each change
 * is appended as a line of its own, so a reader sees whole lines only, and nothing is written
 * when a line has not changed. A file starts over with just its newest line once it would pass
 * MAX_FILE_BYTES; tail -F notices the truncation and reads the file again.
 */
import { appendFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const MAX_FILE_BYTES = 16 * 1024;

/** A writer of the line files in `dir`; `onError` hears of a file that cannot be written. */
export function lineFiles(dir: string, onError: (file: string, err: Error) => void): (name: string, line: string) => void {
  // Per file name: the last line written and the file's size.
  const lastLine = new Map<string, string>();
  const size = new Map<string, number>();
  return (name, line) => {
    if (line === lastLine.get(name)) return;
    lastLine.set(name, line);
    const file = join(dir, name);
    const data = `${line}\n`;
    const had = size.get(name) ?? 0;
    try {
      if (had === 0 || had + data.length > MAX_FILE_BYTES) {
        overwriteFile(file, data);
        size.set(name, data.length);
      } else {
        appendFileSync(file, data);
        size.set(name, had + data.length);
      }
    } catch (err) {
      onError(file, err as Error);
    }
  };
}

/** Truncate-and-write in place (not rename): tail -F follows the same file through truncation. */
function overwriteFile(file: string, data: string): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}
