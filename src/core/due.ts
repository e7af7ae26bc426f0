/**
 * When a module is next due: one policy for the daemon's scheduler (core/scheduler.ts) and the
 * one-shot `shoji status` (core/oneshot.ts). The two differ only where they must, and each such
 * difference is a named parameter of the policy (DuePolicy), not a second copy of the rules:
 *
 * - after a success: the module's interval (or, for a cron expression, the wait until it next
 *   fires); an aligned module waits for the next wall-clock multiple of its interval;
 * - after a failure: exponential back-off from the interval (a minute for cron and 'once'),
 *   at least a second, at most five minutes;
 * - a module that said it cannot work here: asked again after `unavailableMs`;
 * - a module handed to a background collector: not due until that collector has had its time.
 *
 * Pure but for the cron package, which is loaded only when a cron expression is used.
 */
import { msUntilNext, type ParsedInterval } from './interval.js';

export const MAX_BACKOFF_MS = 5 * 60_000;
/** What a failing cron or 'once' module backs off from, and how long one whose cron cannot be computed waits. */
export const FALLBACK_WAIT_MS = 60_000;
/** How long after its whole timeout a module handed to a background collector waits for it. */
export const HAND_OFF_GRACE_MS = 5000;

export interface DuePolicy {
  /**
   * The share of the wait after a success that is waited: 1 waits the interval; below 1
   * re-collects a little early (not for aligned modules, which are due on their boundary).
   */
  early: number;
  /** How long after a wall-clock multiple an aligned module is due. */
  alignLateMs: number;
  /** How long a module that said it cannot work here waits before it is asked again. */
  unavailableMs: number;
}

/**
 * The daemon (tmux daemon, screen stream, dashboard) runs each module on a timer: it waits the
 * whole interval, fires an aligned module just after the boundary (so the clock has turned when
 * it reads it), and asks whether a module can work here once at start (and on each config
 * reload), as the module contract says.
 */
export const DAEMON_POLICY: DuePolicy = { early: 1, alignLateMs: 20, unavailableMs: Infinity };

/**
 * The one-shot path runs when asked, not on a timer: a status line that asks every second
 * would see a 2-second rate skip a beat if the module were due a few ms after the second call,
 * so it re-collects at 90% of the interval; an aligned module is due on the boundary itself
 * (the call that comes after it collects); and a module that cannot work here is asked again
 * every ten minutes, since there is no start to ask at.
 */
export const ONE_SHOT_POLICY: DuePolicy = { early: 0.9, alignLateMs: 0, unavailableMs: 10 * 60_000 };

/** The wait after a success, and why it fell back to a minute when the next time could not be computed. */
export interface Wait {
  ms: number;
  problem?: string;
}

/** Milliseconds from `fromWall` until `lateMs` past the next wall-clock multiple of `ms`. */
export function msUntilAligned(ms: number, fromWall: number, lateMs: number): number {
  return ms - (fromWall % ms) + lateMs;
}

/** How long after a successful collect at `nowWall` (epoch ms) the module is due; Infinity for 'once'. */
export async function waitAfterSuccess(interval: ParsedInterval, align: boolean, nowWall: number, policy: DuePolicy): Promise<Wait> {
  if (align && interval.kind === 'every') return { ms: msUntilAligned(interval.ms, nowWall, policy.alignLateMs) };
  try {
    return { ms: (await msUntilNext(interval, nowWall)) * policy.early };
  } catch (err) {
    return { ms: FALLBACK_WAIT_MS * policy.early, problem: (err as Error).message };
  }
}

/** Back-off: the base doubled for each failure after the first, at least a second, at most MAX_BACKOFF_MS. */
export function backoffMs(baseMs: number, failures: number): number {
  return Math.min(MAX_BACKOFF_MS, Math.max(1000, baseMs) * 2 ** Math.max(0, failures - 1));
}

/** How long after a failure (the `failures`-th in a row) the module is due again. */
export function waitAfterFailure(interval: ParsedInterval, failures: number): number {
  return backoffMs(interval.kind === 'every' ? interval.ms : FALLBACK_WAIT_MS, failures);
}

/** How long a module handed to a background collector, with its whole timeout, is not due. */
export function waitAfterHandOff(timeoutMs: number): number {
  return timeoutMs + HAND_OFF_GRACE_MS;
}
