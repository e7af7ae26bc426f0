/**
 * The ledger's file: <state>/ec2/ledger.json, what shoji has seen of this host's boots (fold.ts
 * says how a sample is counted, validate.ts what the file holds).
 *
 * Why one small file rewritten whole rather than an append-only log: the file holds one line per
 * boot (a few hundred bytes; 13 months of daily reboots is about 150 KB), so a rewrite costs no
 * more than an append would, and a reader needs no compaction or replay. Rewrites go through
 * core/atomic.ts (a new file renamed over the old one), so a writer killed with `kill -9` at any
 * moment leaves either the old file or the new one, never half of either: a sample is kept once
 * its rename is done, and the one being written when the writer died is simply not there.
 *
 * Concurrent writers (the tmux daemon, the exporter, the dashboard, one-shot runs) take a lock:
 * ledger.lock, created exclusively and holding "pid host token" from the start (written to a file
 * of the writer's own, made with O_EXCL, then linked to the lock's name, which fails like O_EXCL
 * when the lock exists; so a lock is never seen empty). A writer that cannot take it
 * within a few milliseconds skips its sample rather than waiting: the counters are cumulative,
 * so the next sample, a minute later, counts the same bytes and nothing is lost but a little
 * precision in where a month boundary falls. A lock whose holder is dead (same host, no such pid)
 * or that is older than STALE_LOCK_MS is taken over, through a second O_EXCL file (ledger.lock.break)
 * so that two writers cannot both break it and then both hold it.
 *
 * A file that cannot be used (not JSON, another format, a symlink, too big) is set aside as
 * ledger.json.corrupt by the next writer, which starts a fresh ledger: shoji never stops working
 * over it. The folder is private (core/trust.ts): 0700, yours, not a symlink.
 */
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeThenRename } from '../../core/atomic.js';
import { stateDir } from '../../core/paths.js';
import { isTrustedFolder, privateFolder } from '../../core/trust.js';
import { foldIntoLedger, type LedgerBoot } from './fold.js';
import type { BootRecord, HostSample } from './types.js';
import { ledgerText, parseLedger, sampleProblem } from './validate.js';

/** A ledger file larger than this is not one shoji wrote (MAX_BOOTS lines of a few hundred bytes). */
export const MAX_LEDGER_BYTES = 4 * 1024 * 1024;
/** A lock held this long belongs to a writer that hung or died elsewhere: a write takes milliseconds. */
export const STALE_LOCK_MS = 30_000;
/** Tries to take the lock, 2 ms apart, before the sample is skipped. */
const LOCK_TRIES = 4;
const LOCK_RETRY_MS = 2;

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;

export function ledgerDir(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'ec2');
}

export function ledgerFile(env: NodeJS.ProcessEnv): string {
  return join(ledgerDir(env), 'ledger.json');
}

export type RecordOutcome =
  /** Folded in and written; `setAside` names a damaged ledger that was moved away first. */
  | { status: 'recorded'; newBoot: boolean; setAside?: string }
  /** No later than the boot's last sample (the clock went back, a replay): nothing written. */
  | { status: 'older' }
  /** Another writer held the lock: skipped, the next sample counts the same bytes. */
  | { status: 'busy' }
  /** The ledger was written less than MIN_WRITE_INTERVAL_S before this sample: skipped, as for busy. */
  | { status: 'recent' }
  /** Could not record (an unsafe folder, a full disk, a bad sample): why, in one line. */
  | { status: 'failed'; reason: string };

type Loaded = { boots: LedgerBoot[]; problem: string | null };

/**
 * A sample taken this soon after the ledger's last write is not written: it would only move the
 * boot's latest sample a few seconds on (its bytes are counted by the next sample, the counters
 * being cumulative), and it would cost a run of `ec2-cost` a lock, a read and a write (a few
 * milliseconds of file-system work) for nothing. The status module samples once a minute.
 */
export const MIN_WRITE_INTERVAL_S = 10;

/** Whether the ledger was written within MIN_WRITE_INTERVAL_S before `at` (one lstat; a missing file throws nothing). */
function writtenJustBefore(path: string, at: number): boolean {
  try {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st?.isFile()) return false;
    // btime is in whole seconds, so a sample's time (btime + uptime) may read up to a second before the clock.
    const since = at - st.mtimeMs / 1000;
    return since > -2 && since < MIN_WRITE_INTERVAL_S;
  } catch {
    return false;
  }
}

/** The file's text, read without following a link, or why it cannot be; null when there is none. */
function readLedgerText(path: string): { text: string } | { problem: string } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return { problem: code === 'ELOOP' ? 'it is a symlink' : `cannot read it (${code ?? (err as Error).message})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: 'it is not a regular file' };
    if (st.size > MAX_LEDGER_BYTES) return { problem: `it is ${st.size} bytes, more than a ledger holds` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return { text: buf.subarray(0, got).toString('utf8') };
  } catch (err) {
    return { problem: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

function load(path: string): Loaded {
  const read = readLedgerText(path);
  if (read === null) return { boots: [], problem: null };
  if ('problem' in read) return { boots: [], problem: read.problem };
  const parsed = parseLedger(read.text);
  return { boots: parsed.boots, problem: parsed.problem };
}

/**
 * What the ledger holds, for the month bill: the boots that check out, sorted by bootTime, and
 * why the ledger could not be read when it could not (an unsafe folder, a damaged file). Reading
 * changes nothing; the next writer sets a damaged file aside.
 */
export function readLedger(env: NodeJS.ProcessEnv): { boots: BootRecord[]; problem: string | null } {
  const dir = ledgerDir(env);
  if (!isTrustedFolder(dir)) {
    try {
      lstatSync(dir);
    } catch {
      return { boots: [], problem: null }; // nothing recorded yet
    }
    return { boots: [], problem: `${dir} is not a private folder of yours: the ledger in it is not read` };
  }
  const { boots, problem } = load(ledgerFile(env));
  return { boots: boots.map(publicBoot), problem: problem && `${ledgerFile(env)}: ${problem}` };
}

/** The boots the ledger holds, sorted by bootTime ([] when there is none or it cannot be read). */
export function readBoots(env: NodeJS.ProcessEnv): BootRecord[] {
  return readLedger(env).boots;
}

function publicBoot(b: LedgerBoot): BootRecord {
  const { last: _last, ...record } = b;
  return record;
}

/** Wait without giving up the thread (the status line's collect is synchronous here). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readSmall(path: string): string | null {
  try {
    const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
    try {
      const buf = Buffer.alloc(256);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function ageMs(path: string): number | null {
  try {
    return Date.now() - lstatSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Create `path` holding `text`, or return false when it exists. The text is written to a file of
 * this writer's own (created O_EXCL) and linked to `path`, which fails if `path` exists: so the
 * file never exists empty, even for a writer killed between creating and filling it.
 */
function createExclusive(path: string, text: string): boolean {
  const own = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
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

/** Temporary files (ledger.json.PID.*.tmp, ledger.lock.PID.*.tmp) left by writers of this host that were killed. */
function sweepLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^ledger\.(?:json|lock(?:\.break)?)\.(\d{1,10})\.[a-z0-9]*\.tmp$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) removeQuietly(join(dir, name));
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The pid a lock names, when it was taken on this host (a pid from another host means nothing here). */
function localHolder(content: string): number | null {
  const [pid, host] = content.trim().split(' ');
  return host === hostname() && /^\d{1,10}$/.test(pid) ? Number(pid) : null;
}

/** Whether the writer named in a lock-like file is gone: dead (same host), or holding it longer than any write takes. */
function holderGone(path: string, content: string): boolean {
  const holder = localHolder(content);
  const dead = holder !== null && !processAlive(holder);
  const age = ageMs(path);
  return dead || (age !== null && age > STALE_LOCK_MS);
}

/**
 * Take over the lock if its holder is gone. Only the writer that creates ledger.lock.break may
 * remove the lock, and only if the lock is still the one it judged stale. Returns whether the lock
 * was removed.
 */
function breakStaleLock(lock: string): boolean {
  const content = readSmall(lock);
  if (content === null) return true; // released meanwhile: try again
  if (!holderGone(lock, content)) return false;
  const breaker = `${lock}.break`;
  if (!createExclusive(breaker, `${process.pid} ${hostname()}\n`)) {
    // Another writer is breaking it; one killed while at it left its file, removed once it is gone too.
    const other = readSmall(breaker);
    if (other !== null && holderGone(breaker, other) && readSmall(breaker) === other) removeQuietly(breaker);
    return false;
  }
  try {
    if (readSmall(lock) !== content) return false;
    unlinkSync(lock);
    return true;
  } finally {
    removeQuietly(breaker);
  }
}

/** Take the lock (the token to release it with), or null when another writer holds it. */
function takeLock(dir: string): string | null {
  const lock = join(dir, 'ledger.lock');
  const token = `${process.pid} ${hostname()} ${Math.random().toString(36).slice(2)}\n`;
  for (let i = 0; i < LOCK_TRIES; i++) {
    if (createExclusive(lock, token)) return token;
    if (breakStaleLock(lock)) continue;
    if (i < LOCK_TRIES - 1) pause(LOCK_RETRY_MS);
  }
  return null;
}

/** Release the lock, unless another writer took it over meanwhile (then it is theirs). */
function releaseLock(dir: string, token: string): void {
  const lock = join(dir, 'ledger.lock');
  if (readSmall(lock) === token) removeQuietly(lock);
}

/**
 * Fold one sample into the ledger and write it. Never throws: what went wrong is the outcome
 * (the status line and the command carry on without it).
 */
export function recordSample(env: NodeJS.ProcessEnv, sample: HostSample): RecordOutcome {
  const bad = sampleProblem(sample);
  if (bad) return { status: 'failed', reason: `not recorded: ${bad}` };
  if (writtenJustBefore(ledgerFile(env), sample.at)) return { status: 'recent' };
  let dir: string;
  let token: string | null;
  try {
    dir = privateFolder(ledgerDir(env));
    token = takeLock(dir);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
  if (token === null) return { status: 'busy' };
  try {
    const path = join(dir, 'ledger.json');
    sweepLeftovers(dir);
    const loaded = load(path);
    let setAside: string | undefined;
    if (loaded.problem) {
      setAside = `${path}.corrupt`;
      renameSync(path, setAside);
    }
    const { boots, result } = foldIntoLedger(loaded.boots, sample);
    if (result.kind === 'older') return { status: 'older' };
    writeThenRename(`${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`, path, ledgerText(boots), { mode: 0o600 });
    return setAside ? { status: 'recorded', newBoot: result.newBoot, setAside } : { status: 'recorded', newBoot: result.newBoot };
  } catch (err) {
    return { status: 'failed', reason: `${ledgerFile(env)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  } finally {
    releaseLock(dir, token);
  }
}
