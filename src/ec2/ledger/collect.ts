/**
 * The ec2-cost status module's recording: every collect records what it sees, and in a
 * long-lived process (ctx.longLived: the tmux daemon, the screen stream, the dashboard, the
 * exporter) a timer makes sure a sample is taken at least once a minute even when the user has
 * set the module's interval longer than its 60 s. The timer records only after a minute in which
 * this process recorded nothing, so with the default interval it does no work; it is unref'd
 * (it never keeps a process alive) and stops if the state folder it records into goes away.
 * Failures are written to shoji's log in long-lived processes (once per distinct reason, not
 * every minute), and never reach the reading.
 */
import { existsSync } from 'node:fs';
import type { ModuleContext } from '../../core/contract.js';
import type { Ec2CostOptions } from '../options.js';
import { recordHost } from './record.js';
import type { RecordOutcome } from './store.js';

export const MINUTE_MS = 60_000;
/** The timer records when this process recorded nothing for this long (a little under its period). */
const QUIET_MS = 50_000;

interface MinuteRecorder {
  ctx: ModuleContext<Ec2CostOptions>;
  /** Date.now() of this process's latest recording. */
  lastMs: number;
  lastProblem: string | null;
  timer: NodeJS.Timeout;
}

let recorder: MinuteRecorder | undefined;

function recordNow(ctx: ModuleContext<Ec2CostOptions>): RecordOutcome {
  const outcome = recordHost({ ...ctx.env, SHOJI_STATE_DIR: ctx.stateDir }, ctx.procRoot, ctx.sysRoot, ctx.options.interfaces ?? [], ctx.wallNow() / 1000);
  const problem = outcome.status === 'failed' ? outcome.reason : null;
  if (problem !== null && problem !== recorder?.lastProblem) ctx.longLived?.log(`ec2-cost: not recorded for the month: ${problem}`);
  if (recorder) recorder.lastProblem = problem;
  return outcome;
}

/** Record from a collect (ctx as the collect got it); in a long-lived process, keep a minute timer going. */
export function recordFromCollect(ctx: ModuleContext<Ec2CostOptions>): RecordOutcome {
  if (ctx.longLived && !recorder) {
    const timer = setInterval(() => minuteTick(), MINUTE_MS);
    timer.unref();
    recorder = { ctx, lastMs: Date.now(), lastProblem: null, timer };
  }
  if (ctx.longLived && recorder) {
    recorder.ctx = ctx;
    recorder.lastMs = Date.now();
  }
  return recordNow(ctx);
}

/**
 * The minute timer's work: record with the latest collect's context when this process recorded
 * nothing for QUIET_MS. Returns the outcome, or null when it had nothing to do.
 */
export function minuteTick(nowMs: number = Date.now()): RecordOutcome | null {
  if (!recorder || nowMs - recorder.lastMs < QUIET_MS) return null;
  if (!existsSync(recorder.ctx.stateDir)) {
    // Removed (a test's scratch folder, a user starting afresh): not re-created from a timer.
    stopMinuteRecorder();
    return null;
  }
  recorder.lastMs = nowMs;
  return recordNow(recorder.ctx);
}

/** Stop the minute timer (tests; a host that stops its modules). */
export function stopMinuteRecorder(): void {
  if (recorder) clearInterval(recorder.timer);
  recorder = undefined;
}
