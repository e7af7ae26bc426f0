/**
 * The runtime folder where XDG_RUNTIME_DIR is unset, as on macOS: /tmp/shoji-UID, where /tmp is a
 * link to /private/tmp (a sticky folder anyone can write in). Made here under a temporary
 * folder laid out the same way: the folder is created 0700 and accepted through the link, the
 * shell jobs (bin/shoji-runtime-dir.sh) choose the same one, and one that another user could
 * write in is still refused.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeDir } from '../../src/core/paths.js';
import { forgetChecks, UnsafeFolderError } from '../../src/core/trust.js';

let dir: string;
let tmp: string;
beforeEach(() => {
  forgetChecks();
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'shoji-macos-run-')));
  mkdirSync(join(dir, 'private', 'tmp'), { recursive: true });
  chmodSync(join(dir, 'private', 'tmp'), 0o1777);
  tmp = join(dir, 'tmp');
  symlinkSync(join(dir, 'private', 'tmp'), tmp);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The folder bin/shoji-runtime-dir.sh chooses, or its message. */
function shellChoice(env: NodeJS.ProcessEnv): string {
  const lib = resolve(__dirname, '../../bin/shoji-runtime-dir.sh');
  const r = spawnSync('sh', ['-c', `. '${lib}'; shoji_runtime_dir && echo "$rt"`], { env, encoding: 'utf8' });
  return r.stdout.trim();
}

describe('the runtime folder without XDG_RUNTIME_DIR, /tmp being a link', () => {
  it('is made 0700 through the link and accepted, the same in the shell jobs', () => {
    const env = { SHOJI_RUNTIME_DIR: join(tmp, 'shoji-501'), PATH: process.env.PATH, HOME: dir };
    expect(runtimeDir(env)).toBe(join(tmp, 'shoji-501'));
    expect(statSync(join(dir, 'private', 'tmp', 'shoji-501')).mode & 0o777).toBe(0o700);
    expect(shellChoice(env)).toBe(join(tmp, 'shoji-501'));
  });

  it('is refused when others can write in it', () => {
    mkdirSync(join(tmp, 'shoji-501'));
    chmodSync(join(tmp, 'shoji-501'), 0o777);
    const env = { SHOJI_RUNTIME_DIR: join(tmp, 'shoji-501'), PATH: process.env.PATH, HOME: dir };
    expect(() => runtimeDir(env)).toThrow(UnsafeFolderError);
    expect(shellChoice(env)).toMatch(/^shoji: no safe runtime folder/);
  });
});
