/**
 * The trust check's edges (src/core/trust.ts), on real folders under a temp dir: which owners
 * and modes pass for a folder, for the folders above it and for a file shoji runs; what is
 * remembered for the process and what is checked again. Ownership by someone else is made with
 * chown to an unused uid (the suite runs as root), or by checking as another uid (the `uid`
 * parameter), so no second user is needed here.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { folderProblem, forgetChecks, isTrustedFolder, privateFolder, runnableProblem, UnsafeFolderError } from '../../../src/core/trust.js';

const isRoot = process.getuid?.() === 0;
const me = process.getuid?.() ?? 0;
/** A uid no one on the machine has. */
const STRANGER = 4_000_123;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-trust-edges-'));
  forgetChecks();
});
afterEach(() => {
  forgetChecks();
  rmSync(dir, { recursive: true, force: true });
});

function folder(path: string, mode = 0o700): string {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  return path;
}

describe('folderProblem', () => {
  it('names what cannot be checked', () => {
    expect(folderProblem(join(dir, 'missing'))).toBe('cannot check it: ENOENT');
  });

  it('modes: group or others write refused (sticky or not), read and search allowed', () => {
    for (const mode of [0o700, 0o750, 0o755, 0o705, 0o500]) expect(folderProblem(folder(join(dir, `ok${mode.toString(8)}`), mode))).toBeNull();
    expect(folderProblem(folder(join(dir, 'g'), 0o720))).toBe('it is writable by its group (mode 720)');
    expect(folderProblem(folder(join(dir, 'o'), 0o702))).toBe('it is writable by others (mode 702)');
    expect(folderProblem(folder(join(dir, 'go'), 0o722))).toBe('it is writable by others (mode 722)');
    expect(folderProblem(folder(join(dir, 's'), 0o1777))).toBe('it is writable by others (mode 1777)');
  });

  it('a folder of yours is refused to anyone else, root included', () => {
    const f = folder(join(dir, 'mine'));
    expect(folderProblem(f, STRANGER)).toBe(`it is owned by uid ${me}, not by you (uid ${STRANGER})`);
  });

  it.skipIf(!isRoot)("a folder above may be yours or root's, never a third user's", () => {
    const above = folder(join(dir, 'above'), 0o755);
    const f = folder(join(above, 'state'));
    chownSync(f, STRANGER, STRANGER);
    // Checked as STRANGER: the folder is theirs, the one above is root's: fine.
    expect(folderProblem(f, STRANGER)).toBeNull();
    // The folder above theirs too: still fine.
    chownSync(above, STRANGER, STRANGER);
    expect(folderProblem(f, STRANGER)).toBeNull();
    // Checked as root with the folder root's again: the folder above is a third user's.
    chownSync(f, 0, 0);
    expect(folderProblem(f, 0)).toBe(`a folder above it is unsafe: ${above} is owned by uid ${STRANGER}, not by you (uid 0)`);
  });

  it.skipIf(!isRoot)('a sticky folder above is allowed only when root owns it', () => {
    const sticky = folder(join(dir, 'sticky'), 0o1777);
    const f = folder(join(sticky, 'state'));
    expect(folderProblem(f, 0)).toBeNull();
    chownSync(sticky, STRANGER, STRANGER);
    chownSync(f, STRANGER, STRANGER);
    expect(folderProblem(f, STRANGER)).toBe(`a folder above it is unsafe: ${sticky} is writable by others`);
    chmodSync(sticky, 0o1775);
    expect(folderProblem(f, STRANGER)).toBe(`a folder above it is unsafe: ${sticky} is writable by its group`);
  });

  it('a group-writable folder above, several levels up, is named', () => {
    const top = folder(join(dir, 'top'), 0o770);
    const f = folder(join(top, 'a', 'b', 'c'));
    chmodSync(join(top, 'a'), 0o755);
    chmodSync(join(top, 'a', 'b'), 0o755);
    expect(folderProblem(f)).toBe(`a folder above it is unsafe: ${top} is writable by its group`);
  });

  it('the folders above are checked by their real path', () => {
    const real = folder(join(dir, 'real'), 0o755);
    folder(join(real, 'state'));
    symlinkSync(real, join(dir, 'link'));
    expect(folderProblem(join(dir, 'link', 'state'))).toBeNull();
    chmodSync(real, 0o777);
    expect(folderProblem(join(dir, 'link', 'state'))).toBe(`a folder above it is unsafe: ${real} is writable by others`);
  });
});

describe('privateFolder and isTrustedFolder', () => {
  it('refuses with an UnsafeFolderError that names the folder and the reason', () => {
    const f = folder(join(dir, 'open'), 0o777);
    let caught: unknown;
    try {
      privateFolder(f);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnsafeFolderError);
    const e = caught as UnsafeFolderError;
    expect(e.name).toBe('UnsafeFolderError');
    expect(e.folder).toBe(f);
    expect(e.reason).toBe('it is writable by others (mode 777)');
    expect(e.message).toBe(`refusing ${f}: it is writable by others (mode 777)`);
  });

  it('remembers an answer for the process until forgetChecks', () => {
    const good = folder(join(dir, 'good'));
    expect(privateFolder(good)).toBe(good);
    chmodSync(good, 0o777);
    expect(privateFolder(good)).toBe(good);
    forgetChecks();
    expect(() => privateFolder(good)).toThrow(`refusing ${good}: it is writable by others (mode 777)`);
    chmodSync(good, 0o700);
    expect(() => privateFolder(good)).toThrow(UnsafeFolderError);
    forgetChecks();
    expect(privateFolder(good)).toBe(good);
  });

  it('a folder that cannot be created is refused and not remembered (the disk may come back)', () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, '');
    const f = join(blocker, 'state');
    let caught: Error | undefined;
    try {
      privateFolder(f);
    } catch (err) {
      caught = err as Error;
    }
    // The code alone, not the system's long message.
    expect(caught?.message).toBe(`refusing ${f}: cannot create it: ENOTDIR`);
    rmSync(blocker);
    expect(privateFolder(f)).toBe(f);
  });

  it('a file where the folder should be is refused as not a folder', () => {
    const f = join(dir, 'file');
    writeFileSync(f, '');
    expect(() => privateFolder(f)).toThrow(`refusing ${f}: it is not a folder`);
  });

  it('isTrustedFolder never creates; a missing folder is asked again, others are remembered', () => {
    const f = join(dir, 'later');
    expect(isTrustedFolder(f)).toBe(false);
    folder(f);
    expect(isTrustedFolder(f)).toBe(true);
    const open = folder(join(dir, 'open'), 0o777);
    expect(isTrustedFolder(open)).toBe(false);
    chmodSync(open, 0o700);
    expect(isTrustedFolder(open)).toBe(false);
    forgetChecks();
    expect(isTrustedFolder(open)).toBe(true);
    chmodSync(open, 0o777);
    expect(isTrustedFolder(open)).toBe(true);
  });

  it('isTrustedFolder and privateFolder share what they learned', () => {
    const open = folder(join(dir, 'open'), 0o777);
    expect(isTrustedFolder(open)).toBe(false);
    chmodSync(open, 0o700);
    expect(() => privateFolder(open)).toThrow(UnsafeFolderError);
  });
});

describe('runnableProblem', () => {
  function script(mode = 0o755): { top: string; file: string } {
    const top = folder(join(dir, 'scripts'), 0o755);
    const file = join(top, '5_hello');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, mode);
    return { top, file };
  }

  it('names a file that is not there, and a link to nothing', () => {
    const top = folder(join(dir, 'scripts'), 0o755);
    expect(runnableProblem(join(top, 'nope'), top)).toBe(`cannot check ${join(top, 'nope')}: ENOENT`);
    symlinkSync(join(dir, 'gone'), join(top, 'dangling'));
    expect(runnableProblem(join(top, 'dangling'), top)).toBe(`${join(top, 'dangling')} is a symlink to a file that does not exist`);
  });

  it('a file writable by others is named with the chmod that fixes it', () => {
    const { top, file } = script(0o757);
    expect(runnableProblem(file, top)).toBe(`${file} is writable by others (chmod o-w ${file})`);
  });

  it("a file of root or of yours passes; a third user's does not", () => {
    const { top, file } = script();
    expect(runnableProblem(file, top)).toBeNull();
    if (!isRoot) return;
    // Checked as STRANGER, everything here is root's: allowed.
    expect(runnableProblem(file, top, STRANGER)).toBeNull();
    chownSync(file, STRANGER, STRANGER);
    expect(runnableProblem(file, top, STRANGER)).toBeNull();
    expect(runnableProblem(file, top, 0)).toBe(`${file} is owned by uid ${STRANGER}, not by you (uid 0)`);
    chownSync(file, 0, 0);
    chownSync(top, STRANGER, STRANGER);
    expect(runnableProblem(file, top, 0)).toBe(`${top} is owned by uid ${STRANGER}, not by you (uid 0)`);
  });

  it('a symlinked file is checked as its target, and named as a link', () => {
    const { top, file } = script();
    const elsewhere = folder(join(dir, 'elsewhere'), 0o777);
    const target = join(elsewhere, 'real');
    writeFileSync(target, '#!/bin/sh\n', { mode: 0o755 });
    chmodSync(target, 0o755);
    const link = join(top, '6_link');
    symlinkSync(target, link);
    expect(runnableProblem(link, top)).toBe(`${link} is a symlink to ${target}: ${elsewhere} is writable by others (chmod o-w ${elsewhere})`);
    chmodSync(elsewhere, 0o755);
    expect(runnableProblem(link, top)).toBeNull();
    chmodSync(target, 0o775);
    expect(runnableProblem(link, top)).toBe(`${link} is a symlink to ${target}: ${target} is writable by its group (chmod g-w ${target})`);
    // The folder holding the link is checked too.
    chmodSync(target, 0o755);
    chmodSync(top, 0o775);
    expect(runnableProblem(link, top)).toBe(`${top} is writable by its group (chmod g-w ${top})`);
    expect(runnableProblem(file, top)).toBe(`${top} is writable by its group (chmod g-w ${top})`);
  });

  it('every folder from the file up to top is checked, then the folders above top as folders above', () => {
    const top = folder(join(dir, 'plugins'), 0o755);
    const sub = folder(join(top, 'mine', 'lib'), 0o755);
    chmodSync(join(top, 'mine'), 0o755);
    const file = join(sub, 'index.js');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    expect(runnableProblem(file, top)).toBeNull();
    chmodSync(join(top, 'mine'), 0o775);
    expect(runnableProblem(file, top)).toBe(`${join(top, 'mine')} is writable by its group (chmod g-w ${join(top, 'mine')})`);
    chmodSync(join(top, 'mine'), 0o755);
    chmodSync(dir, 0o775);
    expect(runnableProblem(file, top)).toBe(`a folder above ${top} is unsafe: ${dir} is writable by its group`);
    chmodSync(dir, 0o700);
  });

  it('with a top that is not above the file, every folder up to / gets the strict check', () => {
    // No sticky-folder exception on the way: /tmp (root, 1777) is refused like any open folder.
    const { file } = script();
    const t = tmpdir();
    expect(runnableProblem(file, join(dir, 'elsewhere'))).toBe(`${t} is writable by others (chmod o-w ${t})`);
    chmodSync(dir, 0o777);
    expect(runnableProblem(file, join(dir, 'elsewhere'))).toBe(`${dir} is writable by others (chmod o-w ${dir})`);
    chmodSync(dir, 0o700);
  });
});
