import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The folder holding shoji's package.json, themes/ and data/: found by walking up from this
 * file, because the same code runs from src/ (tests) and from the bundle in dist/.
 */
export function packageRoot(): string {
  if (cached) return cached;
  // import.meta.dirname, not the URL: converting a URL to a path costs ~0.3 ms at start-up.
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('shoji: cannot find its installation folder (package.json)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
