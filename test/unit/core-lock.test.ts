/**
 * The lock between processes (src/core/lock.ts), on real files under a temp dir and real pids:
 * taken whole and exclusively, refused with who holds it, taken over from a holder that is gone
 * (dead on this host, or held longer than the policy allows) and never from a live one or one on
 * another host that is not old, released only by its owner, a lock taken afresh is never removed
 * by a second taker that judged the old one, and what killed takers left is cleared. The ledger's
 * and the refresh's policies are tested with their callers.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, type LockPolicy, parseHolder, removeIfStill } from '../../src/core/lock.js';
import { forgetChecks } from '../../src/core/trust.js';

const STALE = 60_000;
const policy = (o: Partial<LockPolicy> = {}): LockPolicy => ({ staleAfterMs: STALE, retries: 0, retryMs: 0, takeOverUnreadable: false, ...o });

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-core-lock-'));
  lock = join(dir, 'locks', 'x.lock');
  forgetChecks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const hold = (text: string) => {
  mkdirSync(join(dir, 'locks'), { recursive: true, mode: 0o700 });
  writeFileSync(lock, text);
};
const record = (o: object) => `${JSON.stringify(o)}\n`;
const age = (path: string, ms: number) => {
  const at = (Date.now() - ms) / 1000;
  utimesSync(path, at, at);
};
const lockFolder = () => readdirSync(join(dir, 'locks'));

describe('taking and releasing', () => {
  it('is taken whole (pid, host, start, token) in a private folder, refused to a second taker with who holds it, released', () => {
    const first = acquireLock(lock, policy());
    expect(first.ok).toBe(true);
    expect(statSync(join(dir, 'locks')).mode & 0o777).toBe(0o700);
    expect(statSync(lock).mode & 0o777).toBe(0o600);
    const held = JSON.parse(readFileSync(lock, 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), token: expect.stringMatching(/^[a-z0-9]+\.[a-z0-9]+$/) });
    expect(Date.parse(held.startedAt)).not.toBeNaN();
    // A second taker, even one that waits, is refused while the holder lives.
    expect(acquireLock(lock, policy({ retries: 3, retryMs: 1 }))).toEqual({ ok: false, holder: held });
    if (first.ok) first.release();
    expect(lockFolder()).toEqual([]);
    expect(acquireLock(lock, policy()).ok).toBe(true);
  });

  it('in a folder another user could write: refused, nothing written', () => {
    mkdirSync(join(dir, 'locks'), { mode: 0o700 });
    chmodSync(join(dir, 'locks'), 0o777);
    expect(() => acquireLock(lock, policy())).toThrow(/writable by others/);
    expect(existsSync(lock)).toBe(false);
  });

  it('a symlink in the lock place is not followed: its target is left alone', () => {
    mkdirSync(join(dir, 'locks'), { recursive: true, mode: 0o700 });
    const target = join(dir, 'elsewhere');
    writeFileSync(target, 'precious');
    symlinkSync(target, lock);
    expect(acquireLock(lock, policy()).ok).toBe(false); // names no holder, and it is new
    expect(acquireLock(lock, policy({ takeOverUnreadable: true })).ok).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(lstatSync(lock).isFile()).toBe(true);
  });

  it('released only by its owner: a lock taken over from us meanwhile is left to its new owner', () => {
    const mine = acquireLock(lock, policy());
    const theirs = record({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: 'someone-else' });
    writeFileSync(lock, theirs);
    if (mine.ok) mine.release();
    expect(readFileSync(lock, 'utf8')).toBe(theirs);
    expect(lockFolder()).toEqual(['x.lock']);
  });
});

describe('taking over', () => {
  it('from a holder of this host that is gone, leaving no file of the takeover behind', () => {
    hold(record({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), token: 't' }));
    expect(acquireLock(lock, policy()).ok).toBe(true);
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    expect(lockFolder()).toEqual(['x.lock']);
  });

  it('never from a live holder that is not old', () => {
    // The parent process: alive, and not this one (whose own leftovers are judged below).
    const text = record({ pid: process.ppid, host: hostname(), startedAt: new Date().toISOString(), token: 't' });
    hold(text);
    expect(acquireLock(lock, policy())).toMatchObject({ ok: false, holder: { pid: process.ppid, token: 't' } });
    expect(readFileSync(lock, 'utf8')).toBe(text);
  });

  it('from this process itself when it no longer holds that lock (a release that could not take the gate), never while it does', () => {
    const held = acquireLock(lock, policy());
    expect(held.ok).toBe(true);
    expect(acquireLock(lock, policy()).ok).toBe(false);
    // Every token this copy of lock.ts makes starts with the same mark, drawn when it loaded.
    const mark = JSON.parse(readFileSync(lock, 'utf8')).token.split('.')[0];
    // A token of another copy's making (a worker thread's, another version's) is a live holder's.
    hold(record({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: 'another-copy.x' }));
    expect(acquireLock(lock, policy()).ok).toBe(false);
    // What a release that gave up leaves: our pid, a token of this copy's making from a take that is over.
    hold(record({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), token: `${mark}.released-long-ago` }));
    const again = acquireLock(lock, policy());
    expect(again.ok).toBe(true);
    if (again.ok) again.release();
    expect(lockFolder()).toEqual([]);
  });

  it('from a holder older than the policy allows, even when its pid is alive (reused)', () => {
    hold(record({ pid: process.pid, host: hostname(), startedAt: new Date(Date.now() - STALE - 5000).toISOString(), token: 't' }));
    expect(acquireLock(lock, policy()).ok).toBe(true);
  });

  it('a holder on another host (a shared home) is not judged by a pid of ours: busy until it is old', () => {
    hold(record({ pid: deadPid(), host: 'another-host', startedAt: new Date().toISOString(), token: 't' }));
    expect(acquireLock(lock, policy()).ok).toBe(false);
    hold(record({ pid: deadPid(), host: 'another-host', startedAt: new Date(Date.now() - STALE - 5000).toISOString(), token: 't' }));
    expect(acquireLock(lock, policy()).ok).toBe(true);
  });

  it('the line an earlier ledger wrote ("pid host token") is read: its age is the file time', () => {
    hold('1 another-host token\n');
    expect(acquireLock(lock, policy())).toMatchObject({ ok: false, holder: { pid: 1, host: 'another-host', token: 'token' } });
    age(lock, STALE + 5000);
    expect(acquireLock(lock, policy()).ok).toBe(true);
  });

  it('a file that names no holder: at once, or once old by its file time, as the policy says', () => {
    for (const text of ['', 'not json', '{"pid":-1}', 'null']) {
      hold(text);
      expect(acquireLock(lock, policy()).ok).toBe(false);
      age(lock, STALE + 5000);
      expect(acquireLock(lock, policy()).ok).toBe(true);
      hold(text);
      expect(acquireLock(lock, policy({ takeOverUnreadable: true })).ok).toBe(true);
    }
  });

  it('two takers of one stale lock: the one that judged it after the other took it afresh removes nothing', () => {
    const stale = record({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), token: 'old' });
    hold(stale);
    // Both read the stale lock; the first takes it over and holds a fresh one.
    const first = acquireLock(lock, policy());
    expect(first.ok).toBe(true);
    const fresh = readFileSync(lock, 'utf8');
    // The second, acting on what it read before, finds another lock there and leaves it.
    expect(removeIfStill(lock, stale, policy())).toBe('kept');
    expect(readFileSync(lock, 'utf8')).toBe(fresh);
    expect(acquireLock(lock, policy()).ok).toBe(false);
    expect(lockFolder()).toEqual(['x.lock']);
  });
});

describe('what killed takers left', () => {
  it('their own files are swept by the next taker once their process is gone; a live one keeps its, another lock its own', () => {
    const dead = deadPid();
    hold(record({ pid: dead, host: hostname(), startedAt: new Date().toISOString(), token: 't' }));
    for (const name of [`x.lock.${dead}.abc.tmp`, `x.lock.break.${dead}.def.tmp`, `x.lock.${process.pid}.ghi.tmp`, `y.lock.${dead}.abc.tmp`, 'x.lockx.1.a.tmp'])
      writeFileSync(join(dir, 'locks', name), '');
    expect(acquireLock(lock, policy()).ok).toBe(true);
    expect(lockFolder().sort()).toEqual(['x.lock', `x.lock.${process.pid}.ghi.tmp`, 'x.lockx.1.a.tmp', `y.lock.${dead}.abc.tmp`]);
  });

  it('the gate (lock.break) of a taker killed while taking over is cleared once its holder is gone, and the lock taken over', () => {
    hold(`${deadPid()} ${hostname()} token\n`);
    writeFileSync(`${lock}.break`, `${deadPid()} ${hostname()}\n`);
    expect(acquireLock(lock, policy()).ok).toBe(true);
    expect(lockFolder()).toEqual(['x.lock']);
  });

  it("a live taker's gate is left alone: the stale lock waits for it", () => {
    const stale = record({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), token: 'old' });
    hold(stale);
    writeFileSync(`${lock}.break`, `${process.pid} ${hostname()}\n`);
    expect(acquireLock(lock, policy()).ok).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(stale);
    expect(lockFolder().sort()).toEqual(['x.lock', 'x.lock.break']);
  });
});

describe('the holder record', () => {
  it('JSON, or the earlier line; null when it names none', () => {
    expect(parseHolder('{"pid":5,"host":"h","startedAt":"2026-12-01T00:00:00.000Z","token":"t"}\n')).toEqual({
      pid: 5,
      host: 'h',
      startedAt: '2026-12-01T00:00:00.000Z',
      token: 't',
    });
    expect(parseHolder('{"pid":5,"startedAt":7}')).toEqual({ pid: 5, host: '', startedAt: '', token: '' });
    expect(parseHolder('5 h t\n')).toEqual({ pid: 5, host: 'h', startedAt: '', token: 't' });
    for (const none of ['', 'x', '5', '{"pid":"5"}', '[]', '{"pid":1.5}']) expect(parseHolder(none)).toBeNull();
  });
});
