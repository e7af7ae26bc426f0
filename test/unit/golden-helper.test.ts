/**
 * The golden-file helper itself: a test run reads golden files and never writes them, so a
 * deleted or missing golden fails instead of passing with whatever the code prints today.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkGolden, updatingGolden } from '../helpers/golden.js';

describe('golden files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shoji-golden-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing golden file fails the test and is not written', () => {
    const file = join(dir, 'missing.txt');
    expect(() => checkGolden(file, 'output', false)).toThrow(/golden file .*missing\.txt is missing: run `npm run golden:update`/);
    expect(existsSync(file)).toBe(false);
  });

  it('a golden file that differs fails the test and is left as it was', () => {
    const file = join(dir, 'g.txt');
    writeFileSync(file, 'expected\n');
    expect(() => checkGolden(file, 'changed\n', false)).toThrow();
    expect(readFileSync(file, 'utf8')).toBe('expected\n');
    checkGolden(file, 'expected\n', false);
  });

  it('an update run writes new and changed golden files', () => {
    const file = join(dir, 'sub', 'g.txt');
    checkGolden(file, 'first\n', true);
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    checkGolden(file, 'second\n', true);
    expect(readFileSync(file, 'utf8')).toBe('second\n');
  });

  it('updates only when UPDATE_GOLDEN asks for it', () => {
    expect(updatingGolden({})).toBe(false);
    expect(updatingGolden({ UPDATE_GOLDEN: '' })).toBe(false);
    expect(updatingGolden({ UPDATE_GOLDEN: '0' })).toBe(false);
    expect(updatingGolden({ UPDATE_GOLDEN: 'false' })).toBe(false);
    // CI used to be the only guard against writing: it no longer matters either way.
    expect(updatingGolden({ CI: 'true' })).toBe(false);
    expect(updatingGolden({ UPDATE_GOLDEN: '1' })).toBe(true);
  });
});
