/**
 * The tmux and screen jobs (sh) and shoji itself (Node) must pick the same runtime folder, or
 * the job would follow lines nobody writes: bin/shoji-runtime-dir.sh against paths.ts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeDir } from '../../../src/core/paths.js';
import { forgetChecks } from '../../../src/core/trust.js';
import { ROOT } from '../../helpers/cli.js';
import { NO_SECOND_USER, testUser } from '../../helpers/users.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-rtdir-'));
  forgetChecks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function shChoice(env: NodeJS.ProcessEnv): { rt: string; out: string } {
  const r = spawnSync('sh', ['-c', `. "${ROOT}/bin/shoji-runtime-dir.sh" && shoji_runtime_dir && printf %s "$rt"`], {
    env: { PATH: process.env.PATH, HOME: join(dir, 'home'), ...env },
    encoding: 'utf8',
  });
  return { rt: r.status === 0 ? r.stdout : '', out: r.stdout };
}

function nodeChoice(env: NodeJS.ProcessEnv): string {
  try {
    return runtimeDir({ HOME: join(dir, 'home'), ...env });
  } catch {
    return '';
  }
}

describe('the runtime folder the jobs and shoji choose', () => {
  it('both take $XDG_RUNTIME_DIR/shoji, created 0700, when it is safe', () => {
    const env = { XDG_RUNTIME_DIR: dir };
    expect(shChoice(env).rt).toBe(join(dir, 'shoji'));
    expect(nodeChoice(env)).toBe(join(dir, 'shoji'));
  });

  it.each([
    [
      'writable by others',
      (p: string) => {
        mkdirSync(p);
        chmodSync(p, 0o777);
      },
    ],
    [
      'writable by its group',
      (p: string) => {
        mkdirSync(p);
        chmodSync(p, 0o770);
      },
    ],
    [
      'a symlink',
      (p: string) => {
        mkdirSync(`${p}-real`, { mode: 0o700 });
        symlinkSync(`${p}-real`, p);
      },
    ],
  ])('both pass over $XDG_RUNTIME_DIR/shoji when it is %s, to the same folder', (_what, prepare) => {
    prepare(join(dir, 'shoji'));
    const env = { XDG_RUNTIME_DIR: dir };
    const sh = shChoice(env).rt;
    expect(sh).not.toBe(join(dir, 'shoji'));
    expect(sh).not.toBe('');
    expect(nodeChoice(env)).toBe(sh);
  });

  it.skipIf(!!NO_SECOND_USER)('both pass over a folder another user owns, to the same folder', () => {
    const other = testUser('shoji-attacker');
    mkdirSync(join(dir, 'shoji'), { mode: 0o700 });
    chownSync(join(dir, 'shoji'), other.uid, other.gid);
    const env = { XDG_RUNTIME_DIR: dir };
    const sh = shChoice(env).rt;
    expect(sh).not.toBe(join(dir, 'shoji'));
    expect(nodeChoice(env)).toBe(sh);
  });

  it('SHOJI_RUNTIME_DIR is the only choice: refused by both when unsafe, with the reason from the job', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const sh = shChoice({ SHOJI_RUNTIME_DIR: open });
    expect(sh.rt).toBe('');
    expect(sh.out).toBe(`shoji: no safe runtime folder (${open} is not yours alone)\n`);
    expect(nodeChoice({ SHOJI_RUNTIME_DIR: open })).toBe('');
  });
});
