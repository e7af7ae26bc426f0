/**
 * One price refresh per region at a time, across processes: a lock (core/lock.ts) beside the
 * region's cache file, cacheDir()/ec2/prices-<region>.lock. A second refresh, from the command or
 * a long-lived process, is told who holds it and does not wait: a refresh takes minutes, and its
 * result is what the second one wanted anyway. A lock whose owner is gone, that names no owner, or
 * that is older than STALE_AFTER_MS (a pid reused by an unrelated process) is taken over.
 */
import { join } from 'node:path';
import { type Acquired, acquireLock, type LockHolder, type LockPolicy } from '../../core/lock.js';
import { cacheDir } from '../../core/paths.js';
import { isKnownRegion } from '../regions.js';

/** Longer than any refresh can take (the download's own timeouts end one long before). */
export const STALE_AFTER_MS = 6 * 3600_000;

/** No waiting; a damaged lock file is taken over at once, since waiting out its age would stop refreshes for hours. */
const REFRESH_LOCK: LockPolicy = { staleAfterMs: STALE_AFTER_MS, retries: 0, retryMs: 0, takeOverUnreadable: true };

export type LockOwner = LockHolder;

export function refreshLockFile(env: NodeJS.ProcessEnv, region: string): string {
  if (!isKnownRegion(region)) throw new Error(`not a region shoji knows: "${region.slice(0, 40)}"`);
  return join(cacheDir(env), 'ec2', `prices-${region}.lock`);
}

/** Take the region's refresh lock, or learn who holds it. */
export function acquireRefreshLock(env: NodeJS.ProcessEnv, region: string, now = Date.now()): Acquired {
  return acquireLock(refreshLockFile(env, region), REFRESH_LOCK, now);
}

/** "another refresh of eu-west-1 prices is under way (pid 1234, since 12:00:03 UTC)". */
export function busyMessage(region: string, holder: LockOwner): string {
  const since = Number.isNaN(Date.parse(holder.startedAt)) ? '' : `, since ${holder.startedAt.slice(11, 19)} UTC`;
  return `another refresh of ${region} prices is under way (pid ${holder.pid}${since}): try again when it has finished`;
}
