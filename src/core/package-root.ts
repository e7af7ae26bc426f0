import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding shoji's package.json, themes/ and data/: found by walking up from this
 * file, because the same code runs from src/ (tests) and from the bundle in dist/.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('shoji: cannot find its installation folder (package.json)');
    dir = parent;
  }
  return (cached = dir);
}
