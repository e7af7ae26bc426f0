/**
 * Where a program shoji runs is: looked up in PATH as execFile would, but in PATH's absolute
 * folders only. An empty or relative entry ('', '.', 'bin') means wherever the process happens to
 * be, which another user may have written a `systemctl` or `nvidia-smi` into.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * The executable file `name` runs as: a name with a slash as it is (a configured path), else the
 * first regular, executable file of that name in PATH's absolute folders; null when none.
 */
export function findExecutable(name: string, path: string | undefined): string | null {
  const dirs = name.includes('/') ? [''] : (path ?? '').split(':').filter((d) => isAbsolute(d));
  for (const dir of dirs) {
    const file = dir === '' ? name : join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here: try the next PATH entry
    }
  }
  return null;
}
