/**
 * What another local user could have written. shoji runs on shared servers (jump hosts, build
 * boxes, university machines), and everything it reads live state from, writes to, or runs
 * must be out of other users' reach:
 *
 * - a folder shoji keeps state in is a real folder (not a symlink), owned by you, and not
 *   writable by group or others; it is created with mode 0700;
 * - every folder above it, and above a plugin or script, is owned by you or root and not
 *   writable by group or others, unless it is a sticky folder owned by root such as /tmp
 *   (where others cannot rename what is yours). These are OpenSSH's StrictModes rules.
 *
 * Checks are a few lstat calls. Answers for folders are kept for the process, since only their
 * owner can change a folder that passed.
 */
import { lstatSync, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

function myUid(): number {
  return process.getuid?.() ?? 0;
}

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

/** A refused folder, with what is wrong in one line. */
export class UnsafeFolderError extends Error {
  override name = 'UnsafeFolderError';
  constructor(
    readonly folder: string,
    readonly reason: string,
  ) {
    super(`refusing ${folder}: ${reason}`);
  }
}

function ownerText(st: Stats, uid: number): string {
  return `owned by uid ${st.uid}, not by you (uid ${uid})`;
}

/** Why a folder above something of yours is unsafe, or null. */
function ancestorProblem(path: string, st: Stats, uid: number): string | null {
  if (st.uid !== uid && st.uid !== 0) return `${path} is ${ownerText(st, uid)}`;
  if (st.mode & GROUP_OR_OTHER_WRITE && !(st.mode & STICKY && st.uid === 0)) {
    return `${path} is writable by ${st.mode & 0o002 ? 'others' : 'its group'}`;
  }
  return null;
}

/** Check every folder from `start` (a real path) up to /. */
function ancestorsProblem(start: string, uid: number): string | null {
  let path = start;
  for (;;) {
    let st: Stats;
    try {
      st = statSync(path);
    } catch (err) {
      return `cannot check ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    const why = ancestorProblem(path, st, uid);
    if (why) return why;
    const up = dirname(path);
    if (up === path) return null;
    path = up;
  }
}

/**
 * Why `folder` may not hold shoji's state, or null when it may: it must exist as a folder of
 * its own (not a symlink), be owned by you and not be writable by group or others, and the
 * folders above it must pass ancestorsProblem.
 */
export function folderProblem(folder: string, uid = myUid()): string | null {
  let st: Stats;
  try {
    st = lstatSync(folder);
  } catch (err) {
    return `cannot check it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (st.isSymbolicLink()) return 'it is a symlink';
  if (!st.isDirectory()) return 'it is not a folder';
  if (st.uid !== uid) return `it is ${ownerText(st, uid)}`;
  if (st.mode & GROUP_OR_OTHER_WRITE) {
    return `it is writable by ${st.mode & 0o002 ? 'others' : 'its group'} (mode ${(st.mode & 0o7777).toString(8)})`;
  }
  let parent: string;
  try {
    parent = realpathSync(dirname(folder));
  } catch (err) {
    return `cannot check the folder above it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  const above = ancestorsProblem(parent, uid);
  return above ? `a folder above it is unsafe: ${above}` : null;
}

const checked = new Map<string, string | null>();

/**
 * Make `folder` (and missing folders above it) with mode 0700, then check it; throws
 * UnsafeFolderError when it is not safe to use. Returns the folder.
 */
export function privateFolder(folder: string): string {
  let why = checked.get(folder);
  if (why === undefined) {
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // Not cached: a full disk or a missing mount may go away.
        throw new UnsafeFolderError(folder, `cannot create it: ${code ?? (err as Error).message}`);
      }
    }
    why = folderProblem(folder);
    checked.set(folder, why);
  }
  if (why) throw new UnsafeFolderError(folder, why);
  return folder;
}

/** Whether `folder` exists and passes the check, without creating it (for reading only). */
export function isTrustedFolder(folder: string): boolean {
  let why = checked.get(folder);
  if (why === undefined) {
    why = folderProblem(folder);
    // An absent folder may be created later by this process: do not remember that answer.
    if (!why?.startsWith('cannot check it')) checked.set(folder, why);
  }
  return why === null;
}

/** Forget what was checked (tests, and a long-lived process after it removed a folder). */
export function forgetChecks(): void {
  checked.clear();
}

/**
 * Why a file shoji would run (a plugin, a script) could have been written by someone else, or
 * null when it could not: the file and every folder up to and including `top` must be owned by
 * you or root and not be writable by group or others, and the folders above `top` must pass
 * ancestorsProblem. `top` may be a symlink (a dotfiles checkout): its target is checked.
 */
export function runnableProblem(file: string, top: string, uid = myUid()): string | null {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (err) {
    return `cannot check ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (st.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(file);
    } catch {
      return `${file} is a symlink to a file that does not exist`;
    }
    const why = runnableProblem(target, dirname(target), uid);
    if (why) return `${file} is a symlink to ${target}: ${why}`;
  } else {
    const why = ownedProblem(file, st, uid);
    if (why) return why;
  }
  // The folders from the file's up to top, as written (a link among them is checked as its target).
  let path = dirname(file);
  for (;;) {
    let real: string;
    try {
      real = realpathSync(path);
      st = statSync(real);
    } catch (err) {
      return `cannot check ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    const why = ownedProblem(real, st, uid);
    if (why) return real === path ? why : `${path} is a symlink to ${real}, and ${why}`;
    if (path === top || dirname(path) === path) {
      const above = dirname(real) === real ? null : ancestorsProblem(dirname(real), uid);
      return above ? `a folder above ${path} is unsafe: ${above}` : null;
    }
    path = dirname(path);
  }
}

function ownedProblem(path: string, st: Stats, uid: number): string | null {
  if (st.uid !== uid && st.uid !== 0) return `${path} is ${ownerText(st, uid)}`;
  if (st.mode & 0o002) return `${path} is writable by others (chmod o-w ${path})`;
  if (st.mode & 0o020) return `${path} is writable by its group (chmod g-w ${path})`;
  return null;
}
