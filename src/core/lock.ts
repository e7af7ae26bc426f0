/**
 * A lock between processes, held as a file: the ledger's writers (ec2/ledger/store.ts) and the
 * price refresh (ec2/refresh/lock.ts) each take one, with their own policy (how long a lock may be
 * held, whether to wait for it, what to make of a lock file that names no holder).
 *
 * The lock file holds its holder's record, {pid, host, startedAt, token} as JSON, from the start:
 * it is written to a file of the taker's own (created O_EXCL, so never through a link) and
 * hard-linked to the lock's name, which fails like O_EXCL when the lock exists. So a lock is never
 * seen empty or half written, and of two takers exactly one creates it.
 *
 * A lock is stale when its holder is gone (on this host and no such process; a pid from another
 * host, over a shared home, means nothing here) or when it is older than the policy allows (a
 * holder that hung, or a pid reused). A stale lock is taken over, and a lock is released, through
 * a second exclusive step: a gate, <lock>.break, created like the lock. Only the process holding
 * the gate removes the lock, and only if it still reads as the lock that was judged (or, on
 * release, as our own). While the gate is held the lock cannot change: it is only ever created
 * where there is none, and only removed under the gate. A gate left by a taker killed in that
 * step is cleared once its holder is gone (judged as a lock is).
 *
 * Why this step (the ledger's) rather than moving the stale lock aside under a name of one's own
 * and putting back a fresh one moved by mistake (the refresh's): the put-back is not safe. When a
 * third process takes the emptied place first, the moved lock's owner and the third both hold
 * it; and when the owner releases in that moment (it finds no file, and is done), the lock is put
 * back for a process that will never release it, and every taker is refused until that process
 * exits or the lock is stale (six hours for a refresh). test/integration/core-lock.test.ts, eight
 * processes taking over each other's abandoned locks, stalled within seconds that way. What is
 * left with the gate: clearing a killed taker's gate is a read, then an unlink, so two processes
 * clearing the same one at once could let two takers in; it needs a taker killed during its
 * microseconds in the gate, then two more at once.
 *
 * The folder must be private (core/trust.ts): it is checked, and created 0700 when missing.
 */
import { closeSync, constants, linkSync, lstatSync, openSync, readdirSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { privateFolder } from './trust.js';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
/** Rounds of taking over (or finding the lock released) before answering busy: a bound against spinning under contention. */
const MAX_TAKEOVERS = 5;
/**
 * How long a release keeps trying to take the gate: a taker holds it for microseconds, but on a
 * loaded machine the one holding it may be off the CPU for tens of milliseconds.
 */
const RELEASE_FOR_MS = 500;

export interface LockPolicy {
  /** A lock held longer than this is taken over, even when its holder seems alive. */
  staleAfterMs: number;
  /** How many more times to try while a live holder has it, `retryMs` apart (0: answer at once). */
  retries: number;
  retryMs: number;
  /**
   * A lock file that names no holder (empty, or not a record: an older writer, a damaged file):
   * taken over at once, or only once older than staleAfterMs.
   */
  takeOverUnreadable: boolean;
}

/** Who holds a lock; pid 0 and empty strings where the file does not say. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

export type Acquired = { ok: true; release(): void } | { ok: false; holder: LockHolder };

/**
 * The tokens of the locks this copy of the module holds now; each token it makes starts with
 * OWN_MARK, drawn when the module loads. A lock file naming this process with a token of this
 * copy's making that is not here is one it failed to release (its release could not take the gate
 * in time): stale, as a dead holder's is, rather than blocking every taker, this one included,
 * until the process exits or the policy's staleAfterMs passes. Tokens of another copy (a plugin
 * worker thread loads its own, with its own set) or of other shoji versions are never judged this
 * way. A mark drawn at load rather than node:worker_threads' threadId: loading that module costs
 * the status line's one-shot start a stream stack it otherwise never loads.
 */
const heldTokens = new Set<string>();
const OWN_MARK = `${randomToken()}.`;

const NOBODY: LockHolder = { pid: 0, host: '', startedAt: '', token: '' };

/** Take the lock at `path`, or learn who holds it. Throws only for a folder that is not private or a failing file system. */
export function acquireLock(path: string, policy: LockPolicy, now = Date.now()): Acquired {
  privateFolder(dirname(path));
  const mine: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date(now).toISOString(), token: OWN_MARK + randomToken() };
  const text = `${JSON.stringify(mine)}\n`;
  let waits = 0;
  let takeovers = 0;
  while (takeovers < MAX_TAKEOVERS) {
    if (createExclusive(path, text)) {
      sweepLeftovers(path);
      heldTokens.add(mine.token);
      return {
        ok: true,
        release: () => {
          heldTokens.delete(mine.token);
          release(path, text, policy);
        },
      };
    }
    const held = readLockText(path);
    if (held === null || (isStale(path, held, policy, now) && removeIfStill(path, held, policy) !== 'kept')) {
      takeovers++; // released meanwhile, taken over, or a killed taker's gate cleared: try again at once
      continue;
    }
    if (waits++ >= policy.retries) return { ok: false, holder: parseHolder(held) ?? NOBODY };
    pause(policy.retryMs);
  }
  return { ok: false, holder: parseHolder(readLockText(path) ?? '') ?? NOBODY };
}

/**
 * Remove the lock if it is still ours: one taken over meanwhile (we ran past staleAfterMs) is
 * not. Through the gate like a takeover; a live taker holds the gate for microseconds.
 */
function release(path: string, text: string, policy: LockPolicy): void {
  const until = Date.now() + RELEASE_FOR_MS;
  do {
    const step = removeIfStill(path, text, policy);
    if (step === 'gone' || readLockText(path) !== text) return;
    if (step === 'kept') pause(1);
  } while (Date.now() < until);
}

/**
 * The exclusive step: only the process that creates the gate (<lock>.break, O_EXCL) may remove
 * the lock, and only if the lock is still the one `judged` describes; while it holds the gate the
 * lock cannot change under it (it is only ever created where there is none, and removed under the
 * gate). 'gone': that lock is gone; 'kept': it is not (another lock, or the gate is held);
 * 'cleared': the gate was left by a taker that is gone, and is removed. Exported for the tests of
 * two takers racing.
 */
export function removeIfStill(path: string, judged: string, policy: LockPolicy): 'gone' | 'kept' | 'cleared' {
  const gate = `${path}.break`;
  if (!createExclusive(gate, `${process.pid} ${hostname()}\n`)) {
    // Another process is at it; one killed while at it left its gate, removed once it is gone too.
    const other = readLockText(gate);
    if (other === null) return 'cleared';
    if (isStale(gate, other, { ...policy, takeOverUnreadable: false }, Date.now()) && readLockText(gate) === other) {
      removeQuietly(gate);
      return 'cleared';
    }
    return 'kept';
  }
  try {
    const now = readLockText(path);
    if (now === null) return 'gone';
    if (now !== judged) return 'kept';
    removeQuietly(path);
    return 'gone';
  } finally {
    removeQuietly(gate);
  }
}

function isStale(path: string, text: string, policy: LockPolicy, now: number): boolean {
  const holder = parseHolder(text);
  if (holder === null && policy.takeOverUnreadable) return true;
  const local = holder !== null && (holder.host === '' || holder.host === hostname());
  if (local && !processAlive(holder.pid)) return true;
  if (local && holder.pid === process.pid && holder.token.startsWith(OWN_MARK) && !heldTokens.has(holder.token)) return true;
  const started = holder ? Date.parse(holder.startedAt) : Number.NaN;
  const since = Number.isNaN(started) ? modifiedAt(path) : started;
  return since !== null && now - since > policy.staleAfterMs;
}

/**
 * The holder a lock's text names: the JSON record, or the line "pid host token" that shoji's
 * ledger wrote before (an older process may still be running; "pid host" in a gate); null when it
 * names none.
 */
export function parseHolder(text: string): LockHolder | null {
  const line = /^(\d{1,10}) (\S+)(?: (\S+))?\n?$/.exec(text);
  if (line) return { pid: Number(line[1]), host: line[2], startedAt: '', token: line[3] ?? '' };
  try {
    const o = JSON.parse(text) as Partial<LockHolder> | null;
    if (!o || !Number.isSafeInteger(o.pid) || (o.pid as number) <= 0) return null;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return { pid: o.pid as number, host: str(o.host), startedAt: str(o.startedAt), token: str(o.token) };
  } catch {
    return null;
  }
}

/**
 * Create `path` holding `text`, or return false when it exists: written to a file of our own
 * (O_EXCL, never through a link) and linked into place, so it is never seen empty.
 */
function createExclusive(path: string, text: string): boolean {
  const own = ownName(path);
  const fd = openSync(own, CREATE_NEW, 0o600);
  try {
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    linkSync(own, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    removeQuietly(own);
  }
}

/** `<file>.<pid>.<random>.tmp`: ours alone, and swept by name once our process is gone. */
function ownName(path: string): string {
  return `${path}.${process.pid}.${randomToken()}.tmp`;
}

/** Unique enough to tell two takes apart (it guards nothing): Math.random spares the status line loading node:crypto. */
function randomToken(): string {
  return Math.random().toString(36).slice(2);
}

/** The files of their own (<lock>.PID.*.tmp) that takers of this host left when they were killed. */
function sweepLeftovers(path: string): void {
  const dir = dirname(path);
  const own = new RegExp(`^${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:break\\.)?(\\d{1,10})\\.[a-z0-9]*\\.tmp$`);
  for (const entry of readdirSync(dir)) {
    const m = own.exec(entry);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) removeQuietly(join(dir, entry));
  }
}

/** The lock's text, read without following a link; '' when it cannot be read, null when there is none. */
function readLockText(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : '';
  }
  try {
    const buf = Buffer.alloc(1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

function modifiedAt(path: string): number | null {
  try {
    return lstatSync(path).mtimeMs;
  } catch {
    return null;
  }
}

export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user has that pid, so it exists.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Wait without giving up the thread (the status line's collect is synchronous). */
function pause(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
