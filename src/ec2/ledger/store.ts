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
 * Concurrent writers (the tmux daemon, the exporter, the dashboard, one-shot runs) take a lock,
 * ledger.lock (core/lock.ts says how it is taken, taken over and released). A writer that cannot
 * take it within a few milliseconds skips its sample rather than waiting: the counters are
 * cumulative, so the next sample, a minute later, counts the same bytes and nothing is lost but a
 * little precision in where a month boundary falls. A lock whose holder is dead (same host, no
 * such pid) or that is older than STALE_LOCK_MS is taken over.
 *
 * A file that cannot be used (not JSON, another format, a symlink, too big) is set aside as
 * ledger.json.corrupt by the next writer, which starts a fresh ledger: shoji never stops working
 * over it. The folder is private (core/trust.ts): 0700, yours, not a symlink.
 */
import { lstatSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeThenRename } from '../../core/atomic.js';
import { readStateFile } from '../../core/state-read.js';
import { type Acquired, acquireLock, type LockPolicy, processAlive } from '../../core/lock.js';
import { stateDir } from '../../core/paths.js';
import { isTrustedFolder, privateFolder } from '../../core/trust.js';
import { foldIntoLedger, type LedgerBoot, SAMPLE_CLOCK_SLACK_S } from './fold.js';
import type { BootRecord, HostSample } from './types.js';
import { ledgerText, parseLedger, sampleProblem } from './validate.js';

/** A ledger file larger than this is not one shoji wrote (MAX_BOOTS lines of a few hundred bytes). */
export const MAX_LEDGER_BYTES = 4 * 1024 * 1024;
/** A lock held this long belongs to a writer that hung or died elsewhere: a write takes milliseconds. */
export const STALE_LOCK_MS = 30_000;
/**
 * The ledger's lock (core/lock.ts): tried four times, 2 ms apart, before the sample is skipped; a
 * file that names no holder is left alone until old (a writer of an earlier shoji created it
 * empty, then filled it).
 */
const LEDGER_LOCK: LockPolicy = { staleAfterMs: STALE_LOCK_MS, retries: 3, retryMs: 2, takeOverUnreadable: false };

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
  /** The ledger was written less than MIN_WRITE_INTERVAL_S (a one-shot run: ONE_SHOT_MIN_WRITE_INTERVAL_S) before this sample: skipped, as for busy. */
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

/**
 * The same for a one-shot run (`ec2-cost`, a one-shot `shoji status`): where a long-lived process
 * records every minute, a one-shot run mostly comes less than this after its latest write, and its
 * own write (2-3 ms of CPU in a process that starts cold, 8-9 % of `ec2-cost --detail`) would add
 * nothing the next minute's sample does not count. Under a minute, so that where no long-lived
 * process runs, a one-shot status line still records at each collect of the module (every 60 s,
 * a sample's time reading up to a second behind the clock) and one-shot runs a minute apart each
 * record. A report made now folds in its own sample all the same (readLedger's seenNow), so it
 * never shows the skipped seconds as unseen.
 */
export const ONE_SHOT_MIN_WRITE_INTERVAL_S = 50;

/** Who records: a long-lived process (every minute) or a one-shot run. */
export type Recorder = 'long-lived' | 'one-shot';

/** Whether the ledger was written within MIN_WRITE_INTERVAL_S before `at` (one lstat; a missing file throws nothing). */
function writtenJustBefore(path: string, at: number, minIntervalS: number): boolean {
  try {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st?.isFile()) return false;
    // A sample's time (btime + uptime) may read a little behind the clock.
    const since = at - st.mtimeMs / 1000;
    return since > -SAMPLE_CLOCK_SLACK_S && since < minIntervalS;
  } catch {
    return false;
  }
}

function load(path: string): Loaded {
  const read = readStateFile(path, MAX_LEDGER_BYTES, 'a ledger holds');
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
export function readLedger(env: NodeJS.ProcessEnv, seenNow?: HostSample): { boots: BootRecord[]; problem: string | null } {
  // `seenNow`: a sample taken by the reader itself, folded in as a write would fold it but
  // written nowhere, so a report made now sees the host up to now even when its own write was
  // skipped (the ledger written moments before, or another writer holding the lock).
  const upToNow = (boots: LedgerBoot[]) =>
    (seenNow === undefined || sampleProblem(seenNow) !== null ? boots : foldIntoLedger(boots, seenNow).boots).map(publicBoot);
  const dir = ledgerDir(env);
  if (!isTrustedFolder(dir)) {
    try {
      lstatSync(dir);
    } catch {
      return { boots: upToNow([]), problem: null }; // nothing recorded yet: the first write makes the folder
    }
    return { boots: [], problem: `${dir} is not a private folder of yours: the ledger in it is not read` };
  }
  const { boots, problem } = load(ledgerFile(env));
  return { boots: upToNow(boots), problem: problem && `${ledgerFile(env)}: ${problem}` };
}

/** The boots the ledger holds, sorted by bootTime ([] when there is none or it cannot be read). */
export function readBoots(env: NodeJS.ProcessEnv): BootRecord[] {
  return readLedger(env).boots;
}

function publicBoot(b: LedgerBoot): BootRecord {
  const { last: _last, ...record } = b;
  return record;
}

/** Temporary files (ledger.json.PID.*.tmp) left by writers of this host that were killed (core/lock.ts sweeps the lock's own). */
function sweepLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^ledger\.json\.(\d{1,10})\.[a-z0-9]*\.tmp$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Fold one sample into the ledger and write it. Never throws: what went wrong is the outcome
 * (the status line and the command carry on without it).
 */
export function recordSample(env: NodeJS.ProcessEnv, sample: HostSample, by: Recorder = 'long-lived'): RecordOutcome {
  const bad = sampleProblem(sample);
  if (bad) return { status: 'failed', reason: `not recorded: ${bad}` };
  const minInterval = by === 'one-shot' ? ONE_SHOT_MIN_WRITE_INTERVAL_S : MIN_WRITE_INTERVAL_S;
  if (writtenJustBefore(ledgerFile(env), sample.at, minInterval)) return { status: 'recent' };
  let dir: string;
  let lock: Acquired;
  try {
    dir = privateFolder(ledgerDir(env));
    lock = acquireLock(join(dir, 'ledger.lock'), LEDGER_LOCK);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
  if (!lock.ok) return { status: 'busy' };
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
    lock.release();
  }
}
