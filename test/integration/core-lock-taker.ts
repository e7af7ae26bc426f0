/**
 * A lock taker for test/integration/core-lock.test.ts, bundled by it into a scratch folder and run
 * as a real process, many at once: takes the lock again and again; while it holds it, creates a
 * marker file exclusively (so two holders at once show as "overlap") and removes it; then either
 * releases the lock or, every third time, leaves it behind as a dead process would (renamed over
 * with the record of a pid that has exited), so that the others race to take it over.
 *
 *   node taker.cjs <lock> <marker> <rounds> <dead pid>     prints one line a round: held, busy or overlap
 */
import { closeSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { acquireLock } from '../../src/core/lock.js';

const [lock, marker, rounds, dead] = process.argv.slice(2);
const policy = { staleAfterMs: 3600_000, retries: 2000, retryMs: 1, takeOverUnreadable: false };
for (let i = 0; i < Number(rounds); i++) {
  const got = acquireLock(lock, policy);
  if (!got.ok) {
    writeSync(1, 'busy\n');
    continue;
  }
  let line = 'held';
  try {
    closeSync(openSync(marker, 'wx'));
    unlinkSync(marker);
  } catch {
    line = 'overlap';
  }
  if (i % 3 === 2) {
    const left = `${lock}.${process.pid}.left`;
    writeFileSync(left, `${JSON.stringify({ pid: Number(dead), host: hostname(), startedAt: new Date().toISOString(), token: `d${i}` })}\n`);
    renameSync(left, lock);
  } else got.release();
  writeSync(1, `${line}\n`);
}
