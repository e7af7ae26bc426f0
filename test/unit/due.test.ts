/**
 * The one due-time policy (src/core/due.ts) that the daemon's scheduler and the one-shot
 * `shoji status` share, with the differences between the two as its named parameters.
 * Times are given, never read from the clock.
 */
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  DAEMON_POLICY,
  FALLBACK_WAIT_MS,
  MAX_BACKOFF_MS,
  msUntilAligned,
  ONE_SHOT_POLICY,
  waitAfterFailure,
  waitAfterHandOff,
  waitAfterSuccess,
} from '../../src/core/due.js';
import type { ParsedInterval } from '../../src/core/interval.js';

const every = (ms: number): ParsedInterval => ({ kind: 'every', ms });
const cron = (expr: string): ParsedInterval => ({ kind: 'cron', expr });
const ONCE: ParsedInterval = { kind: 'once' };
/** A whole minute in every time zone (so a cron's next minute is the same everywhere). */
const MINUTE = 60_000 * 29_000_000;

describe('after a success', () => {
  it('the daemon waits the whole interval; the one-shot path 90% of it, to never skip a beat', async () => {
    expect(await waitAfterSuccess(every(2000), false, MINUTE + 123, DAEMON_POLICY)).toEqual({ ms: 2000 });
    expect(await waitAfterSuccess(every(2000), false, MINUTE + 123, ONE_SHOT_POLICY)).toEqual({ ms: 1800 });
    expect(await waitAfterSuccess(every(10_000), false, 0, ONE_SHOT_POLICY)).toEqual({ ms: 9000 });
  });

  it("a cron expression: until its next time (at least a second), the one-shot path's 90% of that", async () => {
    expect(await waitAfterSuccess(cron('* * * * *'), false, MINUTE + 30_000, DAEMON_POLICY)).toEqual({ ms: 30_000 });
    expect(await waitAfterSuccess(cron('* * * * *'), false, MINUTE + 30_000, ONE_SHOT_POLICY)).toEqual({ ms: 27_000 });
    expect(await waitAfterSuccess(cron('* * * * *'), false, MINUTE + 59_500, DAEMON_POLICY)).toEqual({ ms: 1000 });
  });

  it("'once' is never due again, on both paths", async () => {
    expect(await waitAfterSuccess(ONCE, false, 0, DAEMON_POLICY)).toEqual({ ms: Infinity });
    expect(await waitAfterSuccess(ONCE, false, 0, ONE_SHOT_POLICY)).toEqual({ ms: Infinity });
  });

  it('an aligned module: the daemon fires 20 ms after the boundary, the one-shot path is due on it', async () => {
    expect(await waitAfterSuccess(every(60_000), true, MINUTE + 59_000, DAEMON_POLICY)).toEqual({ ms: 1020 });
    expect(await waitAfterSuccess(every(60_000), true, MINUTE + 59_000, ONE_SHOT_POLICY)).toEqual({ ms: 1000 });
    expect(await waitAfterSuccess(every(1000), true, 12_345, DAEMON_POLICY)).toEqual({ ms: 675 });
    expect(await waitAfterSuccess(every(1000), true, 12_000, ONE_SHOT_POLICY)).toEqual({ ms: 1000 });
  });

  it('align means nothing to a cron or once interval', async () => {
    expect(await waitAfterSuccess(cron('* * * * *'), true, MINUTE + 30_000, DAEMON_POLICY)).toEqual({ ms: 30_000 });
    expect(await waitAfterSuccess(ONCE, true, 0, DAEMON_POLICY)).toEqual({ ms: Infinity });
  });

  it('a cron expression whose next time cannot be computed: a minute (less the early share), and why', async () => {
    const daemon = await waitAfterSuccess(cron('not a cron'), false, 0, DAEMON_POLICY);
    expect(daemon.ms).toBe(FALLBACK_WAIT_MS);
    expect(daemon.problem).toEqual(expect.any(String));
    expect((await waitAfterSuccess(cron('not a cron'), false, 0, ONE_SHOT_POLICY)).ms).toBe(54_000);
  });
});

describe('aligning', () => {
  it('to the next wall-clock multiple, then the late part', () => {
    expect(msUntilAligned(1000, 12_345, 20)).toBe(675);
    expect(msUntilAligned(1000, 12_000, 20)).toBe(1020);
    expect(msUntilAligned(60_000, 60_000 * 7 + 59_999, 20)).toBe(21);
    expect(msUntilAligned(60_000, 60_000 * 7 + 59_999, 0)).toBe(1);
  });
});

describe('after a failure', () => {
  it('backs off from the interval: doubled for each failure after the first, at least 1 s, at most 5 min', () => {
    expect(waitAfterFailure(every(4000), 1)).toBe(4000);
    expect(waitAfterFailure(every(4000), 2)).toBe(8000);
    expect(waitAfterFailure(every(4000), 3)).toBe(16_000);
    expect(waitAfterFailure(every(250), 1)).toBe(1000);
    expect(waitAfterFailure(every(4000), 30)).toBe(MAX_BACKOFF_MS);
  });

  it('a cron or once module backs off from a minute', () => {
    expect(waitAfterFailure(cron('0 0 1 1 *'), 1)).toBe(60_000);
    expect(waitAfterFailure(ONCE, 2)).toBe(120_000);
    expect(waitAfterFailure(ONCE, 4)).toBe(MAX_BACKOFF_MS);
  });

  it('backoffMs itself: no failure counts as one', () => {
    expect(backoffMs(2000, 0)).toBe(2000);
    expect(backoffMs(150_000, 2)).toBe(MAX_BACKOFF_MS);
  });
});

describe('the other waits', () => {
  it('a module that cannot work here: the daemon asks at start only, the one-shot path every ten minutes', () => {
    expect(DAEMON_POLICY.unavailableMs).toBe(Infinity);
    expect(ONE_SHOT_POLICY.unavailableMs).toBe(600_000);
  });

  it('a module handed to a background collector waits its whole timeout and 5 s more', () => {
    expect(waitAfterHandOff(30_000)).toBe(35_000);
    expect(waitAfterHandOff(60_000)).toBe(65_000);
  });
});
