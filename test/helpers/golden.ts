/**
 * Golden files: expected outputs kept in test/golden/. A test run only reads them: a mismatch
 * fails the test, and so does a missing file (a deleted golden must never pass with whatever
 * the code prints today). Rewriting them is an explicit step after a deliberate change:
 * `npm run golden:update` (or UPDATE_GOLDEN=1 for one test file), then review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/** True when this run was asked to rewrite golden files (UPDATE_GOLDEN=1, not "0" or empty). */
export function updatingGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.UPDATE_GOLDEN;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/**
 * Compare `actual` with the golden file at `file`; with `update`, write it first (only when it
 * differs, so an update run leaves untouched files' times alone).
 */
export function checkGolden(file: string, actual: string, update: boolean): void {
  if (update) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== actual) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, actual);
    }
  } else if (!existsSync(file)) {
    throw new Error(`golden file ${file} is missing: run \`npm run golden:update\` to write it, then review it`);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

export function expectGolden(name: string, actual: string): void {
  checkGolden(join(GOLDEN_DIR, name), actual, updatingGolden());
}
