/**
 * Where the hourly usage rows live: <state>/ec2/usage/, beside the month ledger, in a private
 * folder (core/trust.ts).
 *
 * - open-hour.json: the hour in progress (its minute figures, at most 60) and the latest
 *   sample's counters; rewritten at each counted sample, about 4 KB.
 * - hours-YYYY-MM.json: the completed hours of one UTC month, one row a line (validate.ts); a
 *   file is rewritten whole when an hour ends (60 KB at most, once an hour), so readers never see
 *   half a file and nothing needs compacting. Per month so that a reader of the last 14 days
 *   parses one or two files, and pruning is deleting a file: a month file whose month ended more
 *   than USAGE_RETENTION_DAYS before the newest row is removed. 13 months is about 9,500 rows.
 *
 * Every write is a new file renamed over the old (core/atomic.ts), under usage.lock (core/lock.ts,
 * the ledger's policy: a writer that cannot take it within a few milliseconds skips its sample:
 * the next one, a minute later, differences the same cumulative counters, so only a minute's
 * figure is lost). Files are opened without following links and refused when too big; a file that
 * is not shoji's is set aside as <name>.corrupt by the next writer, which starts afresh. Nothing
 * here throws into the status module's collect: recordUsage returns an outcome.
 */
import { lstatSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeThenRename } from '../../core/atomic.js';
import { readStateFile } from '../../core/state-read.js';
import { type Acquired, acquireLock, type LockPolicy, processAlive } from '../../core/lock.js';
import { isTrustedFolder, privateFolder } from '../../core/trust.js';
import { SAMPLE_CLOCK_SLACK_S } from '../ledger/fold.js';
import { STALE_LOCK_MS } from '../ledger/store.js';
import { usageDir } from './dir.js';
import type { HostSample } from '../ledger/types.js';
import { foldHour, HOUR_S, MIN_INTERVAL_S, type OpenHour, type StepResult, step } from './fold.js';
import type { UsageReading } from './sample.js';
import { type HourUsage, USAGE_RETENTION_DAYS } from './types.js';
import { hourProblem, monthOf, monthText, openHourText, parseMonth, parseOpenHour } from './validate.js';

/** A month file larger than this is not one shoji wrote (744 rows of about 100 bytes). */
export const MAX_MONTH_FILE_BYTES = 1024 * 1024;
/** An open-hour file larger than this is not one shoji wrote (60 minutes and a few counters). */
export const MAX_OPEN_FILE_BYTES = 64 * 1024;
const USAGE_LOCK: LockPolicy = { staleAfterMs: STALE_LOCK_MS, retries: 3, retryMs: 2, takeOverUnreadable: false };
const MONTH_FILE = /^hours-(\d{4}-(?:0[1-9]|1[0-2]))\.json$/;
const OPEN_FILE = 'open-hour.json';
/** Month files never pruned, newest first by name: the retention's months and the current one. */
const KEEP_NEWEST_MONTHS = Math.ceil(USAGE_RETENTION_DAYS / 31) + 1;

export { usageDir };

/** A month's file in the usage folder: hours-YYYY-MM.json (MONTH_FILE matches it). */
const monthFileIn = (dir: string, month: string): string => join(dir, `hours-${month}.json`);

export function monthFile(env: NodeJS.ProcessEnv, month: string): string {
  return monthFileIn(usageDir(env), month);
}

export function openHourFile(env: NodeJS.ProcessEnv): string {
  return join(usageDir(env), OPEN_FILE);
}

export type UsageOutcome =
  /** Written: a minute figure ('counted') or only the counters ('counters'); `completed` is the hour folded, if one ended. */
  | { status: 'counted' | 'counters'; completed: HourUsage | null; setAside?: string[] }
  /** Nothing to do: the minute was already sampled, or the sample is older than the latest. */
  | { status: 'recent' | 'older' }
  /** Another writer held the lock: skipped. */
  | { status: 'busy' }
  | { status: 'failed'; reason: string };

function loadMonth(path: string, month: string): { hours: HourUsage[]; problem: string | null; dropped: string[] } {
  const read = readStateFile(path, MAX_MONTH_FILE_BYTES, 'shoji writes there');
  if (read === null) return { hours: [], problem: null, dropped: [] };
  if ('problem' in read) return { hours: [], problem: read.problem, dropped: [] };
  return parseMonth(read.text, month);
}

function loadOpen(path: string): { open: OpenHour | null; problem: string | null } {
  const read = readStateFile(path, MAX_OPEN_FILE_BYTES, 'shoji writes there');
  if (read === null) return { open: null, problem: null };
  if ('problem' in read) return { open: null, problem: read.problem };
  return parseOpenHour(read.text);
}

/** The months of the files in the folder, oldest first. */
function monthsStored(dir: string): string[] {
  const months: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = MONTH_FILE.exec(name);
    if (m) months.push(m[1]);
  }
  return months.sort();
}

/** The first UTC second of the month after `month` ("YYYY-MM"). */
function monthEnd(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y, m, 1) / 1000;
}

/**
 * The completed hours whose start lies in [from, to) (seconds), oldest first, for
 * `ec2-cost --fit` and the report's "here" figures; `problems` has one line per file skipped or
 * row dropped. An open hour that has ended without a later sample to fold it (no long-lived
 * process ran since) is folded here, in memory. Never throws: an unreadable folder or file is a
 * problem line.
 */
export function readUsageHours(env: NodeJS.ProcessEnv, from: number, to: number): { hours: HourUsage[]; problems: string[] } {
  const dir = usageDir(env);
  if (!isTrustedFolder(dir)) {
    try {
      lstatSync(dir);
    } catch {
      return { hours: [], problems: [] }; // nothing recorded yet
    }
    return { hours: [], problems: [`${dir} is not a private folder of yours: the usage recorded in it is not read`] };
  }
  const hours: HourUsage[] = [];
  const problems: string[] = [];
  let months: string[];
  try {
    months = monthsStored(dir);
  } catch (err) {
    return { hours: [], problems: [`${dir}: cannot list it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`] };
  }
  for (const month of months) {
    if (monthEnd(month) <= from || Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 1, 1) / 1000 >= to) continue;
    const path = monthFileIn(dir, month);
    const loaded = loadMonth(path, month);
    if (loaded.problem) problems.push(`${path}: skipped: ${loaded.problem}`);
    if (loaded.dropped.length > 0) problems.push(`${path}: ${loaded.dropped.length} row(s) dropped (${loaded.dropped[0]})`);
    for (const h of loaded.hours) if (h.hour >= from && h.hour < to) hours.push(h);
  }
  const pending = loadOpen(join(dir, OPEN_FILE));
  if (pending.problem) problems.push(`${join(dir, OPEN_FILE)}: skipped: ${pending.problem}`);
  const open = pending.open;
  if (open && open.minutes.length > 0 && open.hour + HOUR_S <= Date.now() / 1000 && open.hour >= from && open.hour < to) {
    if (!hours.some((h) => h.hour === open.hour)) hours.push(foldHour(open.hour, open.minutes));
  }
  // Months are read in order and each month's rows come sorted: a sort only when the open hour,
  // or a clock set back, put one out of place.
  for (let i = 1; i < hours.length; i++) if (hours[i].hour <= hours[i - 1].hour) return { hours: hours.sort((a, b) => a.hour - b.hour), problems };
  return { hours, problems };
}

/** Temporary files (<file>.PID.*.tmp) left in the folder by writers of this host that were killed. */
function sweepLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^(?:hours-\d{4}-\d{2}|open-hour)\.json\.(\d{1,10})\.[a-z0-9]*\.tmp$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
      try {
        unlinkSync(join(dir, name));
      } catch {
        // already gone
      }
    }
  }
}

function writeFile(path: string, text: string): void {
  writeThenRename(`${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`, path, text, { mode: 0o600 });
}

/** Move a damaged file out of the way (a link is moved, not followed); returns its new name. */
function setAside(path: string): string {
  const aside = `${path}.corrupt`;
  renameSync(path, aside);
  return aside;
}

/**
 * Merge rows into their month files and prune; the lock is held. A row for an hour already
 * stored replaces it (a fold repeated after a writer died between writing the row and the open
 * hour). Returns the damaged files set aside.
 */
function mergeRows(dir: string, rows: HourUsage[]): string[] {
  const asideList: string[] = [];
  const byMonth = new Map<string, HourUsage[]>();
  for (const h of rows) {
    const month = monthOf(h.hour);
    byMonth.set(month, [...(byMonth.get(month) ?? []), h]);
  }
  for (const [month, fresh] of byMonth) {
    const path = monthFileIn(dir, month);
    const loaded = loadMonth(path, month);
    if (loaded.problem) asideList.push(setAside(path));
    const merged = new Map(loaded.hours.map((h) => [h.hour, h]));
    for (const h of fresh) merged.set(h.hour, h);
    writeFile(
      path,
      monthText(
        month,
        [...merged.values()].sort((a, b) => a.hour - b.hour),
      ),
    );
  }
  // Pruned against the newest row rather than the clock: a clock set back does not keep too much, and rows written for another time (tests, an import) are not lost at once.
  // The newest KEEP_NEWEST_MONTHS files are kept whatever the rows say: one row from a clock that ran decades ahead must not make the whole history look old.
  const newest = Math.max(...rows.map((h) => h.hour));
  const cutoff = newest - USAGE_RETENTION_DAYS * 86_400;
  const stored = monthsStored(dir);
  for (const month of stored.slice(0, Math.max(0, stored.length - KEEP_NEWEST_MONTHS))) {
    if (monthEnd(month) <= cutoff) unlinkSync(monthFileIn(dir, month));
  }
  return asideList;
}

/** Run `work` in the private folder under the lock; null when another writer holds it. */
function underLock<T>(env: NodeJS.ProcessEnv, work: (dir: string) => T): T | null {
  const dir = privateFolder(usageDir(env));
  const lock: Acquired = acquireLock(join(dir, 'usage.lock'), USAGE_LOCK);
  if (!lock.ok) return null;
  try {
    sweepLeftovers(dir);
    return work(dir);
  } finally {
    lock.release();
  }
}

/**
 * Store completed hours (validated; a row for an hour already stored replaces it), as the hour
 * fold does; also how tests make fixture rows. Throws on an invalid row (naming it), on a folder
 * that is not private, on a failing disk, and when the lock stays held.
 */
export function appendUsageHours(env: NodeJS.ProcessEnv, hours: HourUsage[]): void {
  for (const h of hours) {
    const bad = hourProblem(h);
    if (bad) throw new Error(`usage row for hour ${h.hour}: ${bad}`);
  }
  if (hours.length === 0) return;
  const done = underLock(env, (dir) => mergeRows(dir, hours));
  if (done === null) throw new Error(`${join(usageDir(env), 'usage.lock')}: held by another writer`);
}

/** Whether the open hour was written within MIN_INTERVAL_S before `at`: then this minute is taken (one lstat, no lock). */
function writtenJustBefore(path: string, at: number): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return false;
  const since = at - st.mtimeMs / 1000;
  return since > -SAMPLE_CLOCK_SLACK_S && since < MIN_INTERVAL_S;
}

/**
 * Take one minute sample into the store: the ledger's sample (boot, time, sent-byte counters)
 * and the usage reading taken with it. Never throws.
 */
export function recordUsage(env: NodeJS.ProcessEnv, sample: HostSample, reading: UsageReading): UsageOutcome {
  try {
    if (writtenJustBefore(openHourFile(env), sample.at)) return { status: 'recent' };
    const outcome = underLock(env, (dir): UsageOutcome => {
      const path = join(dir, OPEN_FILE);
      const aside: string[] = [];
      const loaded = loadOpen(path);
      if (loaded.problem) aside.push(setAside(path));
      const { open, completed, result } = step(loaded.open, sample, reading);
      if (result === 'recent' || result === 'older') return { status: result };
      // The row first, then the open hour: a writer killed between the two leaves the hour to be folded again, and the row replaced by the same.
      if (completed) aside.push(...mergeRows(dir, [completed]));
      writeFile(path, openHourText(open));
      const status = result as Exclude<StepResult, 'recent' | 'older'>;
      return aside.length > 0 ? { status, completed, setAside: aside } : { status, completed };
    });
    return outcome ?? { status: 'busy' };
  } catch (err) {
    return { status: 'failed', reason: `${usageDir(env)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}
