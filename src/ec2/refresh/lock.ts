/**
 * One price refresh per region at a time, across processes: a lock file beside the region's
 * cache file (cacheDir()/ec2/prices-<region>.lock), holding the owner's pid, when it started
 * and a random token. A second refresh, from the command or a long-lived process, is told who
 * holds it and does not wait: a refresh takes minutes, and its result is what the second one
 * wanted anyway.
 *
 * The file appears whole (written under another name, then hard-linked into place, which fails
 * when the lock exists), so a reader never sees it half written. A lock whose owner is gone (no
 * such process) or that is older than STALE_AFTER_MS (a pid reused by an unrelated process) is
 * taken over: moved aside under a name of our own first, so that of two processes taking over
 * the same stale lock only one removes it, and a fresh lock moved aside by mistake is put back.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from '../../core/paths.js';
import { privateFolder } from '../../core/trust.js';
import { isKnownRegion } from '../regions.js';

/** Longer than any refresh can take (the download's own timeouts end one long before). */
export const STALE_AFTER_MS = 6 * 3600_000;

export interface LockOwner {
  pid: number;
  startedAt: string;
  token: string;
}

export type Acquired = { ok: true; release(): void } | { ok: false; holder: LockOwner };

export function refreshLockFile(env: NodeJS.ProcessEnv, region: string): string {
  if (!isKnownRegion(region)) throw new Error(`not a region shoji knows: "${region.slice(0, 40)}"`);
  return join(cacheDir(env), 'ec2', `prices-${region}.lock`);
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    if (Number.isSafeInteger(o.pid) && o.pid > 0 && typeof o.startedAt === 'string' && typeof o.token === 'string') return o;
    return { pid: 0, startedAt: '', token: String(o?.token ?? '') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable or not ours to parse: treated as stale (its owner is unknown).
    return { pid: 0, startedAt: '', token: '' };
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: a process of another user has that pid, so it exists.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(o: LockOwner, now: number): boolean {
  const started = Date.parse(o.startedAt);
  return !isAlive(o.pid) || Number.isNaN(started) || now - started > STALE_AFTER_MS;
}

/** Take the region's refresh lock, or learn who holds it. */
export function acquireRefreshLock(env: NodeJS.ProcessEnv, region: string, now = Date.now()): Acquired {
  const file = refreshLockFile(env, region);
  privateFolder(dirname(file));
  const mine: LockOwner = { pid: process.pid, startedAt: new Date(now).toISOString(), token: randomBytes(8).toString('hex') };
  const tmp = `${file}.${mine.token}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        return { ok: true, release: () => release(file, mine.token) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const held = readOwner(file);
      if (held === null) continue; // released meanwhile: try again
      if (!isStale(held, now)) return { ok: false, holder: held };
      const aside = `${file}.${mine.token}.stale`;
      try {
        renameSync(file, aside);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process took it over first
        throw err;
      }
      const moved = readOwner(aside);
      if (moved !== null && moved.token !== held.token) {
        // A fresh lock, taken after we looked: put it back (unless a third is there by now).
        try {
          linkSync(aside, file);
        } catch {
          // the lock is held either way
        }
        unlinkSync(aside);
        return { ok: false, holder: moved };
      }
      unlinkSync(aside);
    }
    const held = readOwner(file);
    return { ok: false, holder: held ?? { pid: 0, startedAt: '', token: '' } };
  } finally {
    unlinkSync(tmp);
  }
}

function release(file: string, token: string): void {
  // Only our own lock: one taken over as stale (a refresh that ran past STALE_AFTER_MS) is not ours.
  if (readOwner(file)?.token === token) {
    try {
      unlinkSync(file);
    } catch {
      // gone already
    }
  }
}

/** "another refresh of eu-west-1 prices is under way (pid 1234, since 12:00:03 UTC)". */
export function busyMessage(region: string, holder: LockOwner): string {
  const since = Number.isNaN(Date.parse(holder.startedAt)) ? '' : `, since ${holder.startedAt.slice(11, 19)} UTC`;
  return `another refresh of ${region} prices is under way (pid ${holder.pid}${since}): try again when it has finished`;
}
