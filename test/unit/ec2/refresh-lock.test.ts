/**
 * The price refresh's lock policy (src/ec2/refresh/lock.ts; the lock itself:
 * test/unit/core-lock.test.ts): held, a second refresh is refused at once with who holds it; a
 * lock older than a refresh can take, or damaged, is taken over; one lock per region. And the background refresh's arithmetic: the setting's
 * durations, the back-off after failures, the jitter's bound.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs, jitterMs, refreshPeriodMs } from '../../../src/ec2/refresh/background.js';
import { acquireRefreshLock, busyMessage, refreshLockFile, STALE_AFTER_MS } from '../../../src/ec2/refresh/lock.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-lock-'));
  env = { SHOJI_CACHE_DIR: join(dir, 'cache') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lockFile = () => refreshLockFile(env, 'eu-west-1');
const writeLock = (pid: number, startedAt: string, token = 'theirs') => {
  mkdirSync(join(dir, 'cache', 'ec2'), { recursive: true, mode: 0o700 });
  writeFileSync(lockFile(), JSON.stringify({ pid, startedAt, token }));
};

describe('the refresh lock', () => {
  it('is taken, then refused to a second taker with who holds it, then released', () => {
    const first = acquireRefreshLock(env, 'eu-west-1');
    expect(first.ok).toBe(true);
    const second = acquireRefreshLock(env, 'eu-west-1');
    expect(second).toMatchObject({ ok: false, holder: { pid: process.pid } });
    if (!second.ok)
      expect(busyMessage('eu-west-1', second.holder)).toMatch(/^another refresh of eu-west-1 prices is under way \(pid \d+, since \d\d:\d\d:\d\d UTC\)/);
    // Another region is another lock.
    expect(acquireRefreshLock(env, 'us-east-1').ok).toBe(true);
    if (first.ok) first.release();
    expect(existsSync(lockFile())).toBe(false);
    expect(acquireRefreshLock(env, 'eu-west-1').ok).toBe(true);
  });

  it('a lock older than a refresh can take is taken over even when its pid is alive (reused)', () => {
    writeLock(process.pid, new Date(Date.now() - STALE_AFTER_MS - 60_000).toISOString());
    expect(acquireRefreshLock(env, 'eu-west-1').ok).toBe(true);
  });

  it('a damaged lock file is taken over', () => {
    mkdirSync(join(dir, 'cache', 'ec2'), { recursive: true, mode: 0o700 });
    writeFileSync(lockFile(), 'not json');
    expect(acquireRefreshLock(env, 'eu-west-1').ok).toBe(true);
  });

  it('only for a region shoji knows: a name from outside never becomes a path', () => {
    expect(() => refreshLockFile(env, '../../x')).toThrow(/not a region shoji knows/);
  });
});

describe('the background refresh', () => {
  it('takes hours, days or weeks', () => {
    expect(refreshPeriodMs('12h')).toBe(12 * 3600_000);
    expect(refreshPeriodMs('30d')).toBe(30 * 86_400_000);
    expect(refreshPeriodMs('4w')).toBe(28 * 86_400_000);
    for (const bad of ['0d', '30', '1m', '1.5d', '-1d', '99999d']) expect(refreshPeriodMs(bad)).toBeNull();
  });

  it('backs off an hour after a failure, doubling to a day, never beyond the setting', () => {
    const h = 3600_000;
    expect([1, 2, 3, 5, 6, 40].map((n) => backoffMs(n, 30 * 24 * h) / h)).toEqual([1, 2, 4, 16, 24, 24]);
    expect(backoffMs(10, 12 * h) / h).toBe(12);
  });

  it('waits up to an hour at random, or SHOJI_PRICE_REFRESH_JITTER seconds (at most a day)', () => {
    expect(jitterMs({})).toBe(3600_000);
    expect(jitterMs({ SHOJI_PRICE_REFRESH_JITTER: '0' })).toBe(0);
    expect(jitterMs({ SHOJI_PRICE_REFRESH_JITTER: '90' })).toBe(90_000);
    expect(jitterMs({ SHOJI_PRICE_REFRESH_JITTER: '999999' })).toBe(86_400_000);
    expect(jitterMs({ SHOJI_PRICE_REFRESH_JITTER: 'soon' })).toBe(3600_000);
  });
});
