/**
 * The trust check on shoji's folders and on what it runs (src/core/trust.ts), on real folders.
 * Ownership is tested with a real second user where the suite runs as root, and the mode
 * checks as well as root (root bypasses permissions, not these checks).
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderProblem, forgetChecks, privateFolder, runnableProblem, UnsafeFolderError } from '../../../src/core/trust.js';
import { NO_SECOND_USER, testUser } from '../../helpers/users.js';

let dir: string;
const uid = process.getuid?.() ?? 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-trust-'));
  forgetChecks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('folders shoji keeps state in', () => {
  it('creates a missing folder, and the folders above it, with mode 0700', () => {
    const folder = join(dir, 'a', 'b');
    expect(privateFolder(folder)).toBe(folder);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
  });

  it('accepts a folder of yours that others cannot write (0755 too)', () => {
    mkdirSync(join(dir, 'ok'), { mode: 0o755 });
    chmodSync(join(dir, 'ok'), 0o755);
    expect(folderProblem(join(dir, 'ok'))).toBeNull();
  });

  it('refuses a folder writable by others or by its group, naming the mode', () => {
    for (const [mode, who] of [
      [0o777, 'others'],
      [0o770, 'its group'],
    ] as const) {
      const f = join(dir, `m${mode.toString(8)}`);
      mkdirSync(f);
      chmodSync(f, mode);
      expect(folderProblem(f)).toBe(`it is writable by ${who} (mode ${mode.toString(8)})`);
      expect(() => privateFolder(f)).toThrow(UnsafeFolderError);
      expect(() => privateFolder(f)).toThrow(`refusing ${f}: it is writable by ${who}`);
    }
  });

  it('refuses a symlink, even to a good folder of yours', () => {
    mkdirSync(join(dir, 'real'), { mode: 0o700 });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(folderProblem(join(dir, 'link'))).toBe('it is a symlink');
  });

  it('refuses a file where a folder should be', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(folderProblem(join(dir, 'file'))).toBe('it is not a folder');
  });

  it('refuses a good folder inside a folder others can write to (they could swap it)', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    mkdirSync(join(open, 'mine'), { mode: 0o700 });
    expect(folderProblem(join(open, 'mine'))).toBe(`a folder above it is unsafe: ${open} is writable by others`);
  });

  it('accepts a folder inside a sticky folder of root such as /tmp', () => {
    // dir itself is in /tmp (root, 1777): the check passed above for every folder in it.
    expect(statSync(tmpdir()).mode & 0o1000).toBe(0o1000);
    mkdirSync(join(dir, 'x'), { mode: 0o700 });
    expect(folderProblem(join(dir, 'x'))).toBeNull();
  });

  it.skipIf(!!NO_SECOND_USER)('refuses a folder owned by another user, though it is 0700', () => {
    const other = testUser('shoji-attacker');
    const f = join(dir, 'theirs');
    mkdirSync(f, { mode: 0o700 });
    chownSync(f, other.uid, other.gid);
    expect(folderProblem(f)).toBe(`it is owned by uid ${other.uid}, not by you (uid ${uid})`);
  });
});

describe('files shoji runs (plugins, scripts)', () => {
  function script(mode = 0o755): { top: string; file: string } {
    const top = join(dir, 'scripts');
    mkdirSync(top, { recursive: true, mode: 0o755 });
    chmodSync(top, 0o755);
    const file = join(top, '5_hello');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    chmodSync(file, mode);
    return { top, file };
  }

  it('accepts a file of yours in a folder of yours', () => {
    const { top, file } = script();
    expect(runnableProblem(file, top)).toBeNull();
  });

  it('refuses a group-writable file although you own it', () => {
    const { top, file } = script(0o775);
    expect(runnableProblem(file, top)).toBe(`${file} is writable by its group (chmod g-w ${file})`);
  });

  it('refuses a world-writable folder holding the file', () => {
    const { top, file } = script();
    chmodSync(top, 0o777);
    expect(runnableProblem(file, top)).toBe(`${top} is writable by others (chmod o-w ${top})`);
  });

  it('follows a symlinked folder (dotfiles) and names it as a symlink when its target is unsafe', () => {
    const target = join(dir, 'dotfiles', 'scripts');
    mkdirSync(target, { recursive: true, mode: 0o755 });
    chmodSync(target, 0o755);
    writeFileSync(join(target, '5_x'), '#!/bin/sh\n', { mode: 0o755 });
    const link = join(dir, 'scripts');
    symlinkSync(target, link);
    expect(runnableProblem(join(link, '5_x'), link)).toBeNull();
    chmodSync(target, 0o777);
    expect(runnableProblem(join(link, '5_x'), link)).toBe(`${link} is a symlink to ${target}, and ${target} is writable by others (chmod o-w ${target})`);
  });

  it.skipIf(!!NO_SECOND_USER)('refuses a file owned by another user', () => {
    const other = testUser('shoji-attacker');
    const { top, file } = script();
    chownSync(file, other.uid, other.gid);
    expect(runnableProblem(file, top)).toBe(`${file} is owned by uid ${other.uid}, not by you (uid ${uid})`);
  });
});
