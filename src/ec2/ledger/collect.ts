/**
 * The ec2-cost status module's recording: every collect records what it sees, and in a
 * long-lived process (ctx.longLived: the tmux daemon, the screen stream, the dashboard, the
 * exporter) a timer makes sure a sample is taken at least once a minute even when the user has
 * set the module's interval longer than its 60 s. The timer records only after a minute in which
 * this process recorded nothing, so with the default interval it does no work; it is unref'd
 * (it never keeps a process alive) and stops if the state folder it records into goes away.
 * Failures are written to shoji's log in long-lived processes (once per distinct reason, not
 * every minute), and never reach the reading.
 *
 * The long-lived processes also keep the hourly usage record (../usage/: CPU, memory, bytes sent
 * per UTC hour, for `ec2-cost --fit`) from the same sample: the /proc/stat text it read for btime
 * gives the CPU counters, and /proc/meminfo is read beside it. That code is imported lazily (a
 * bundle of its own), so the one-shot `shoji status`, which never records usage, does not load it.
 */
import { existsSync } from 'node:fs';
import type { ModuleContext } from '../../core/contract.js';
import type { Ec2CostOptions } from '../options.js';
import type { UsageOutcome } from '../usage/store.js';
import { offLinux, readHereOffLinux, takeSample } from './record.js';
import { type RecordOutcome, recordSample } from './store.js';

export const MINUTE_MS = 60_000;
/** The timer records when this process recorded nothing for this long (a little under its period). */
const QUIET_MS = 50_000;

interface MinuteRecorder {
  ctx: ModuleContext<Ec2CostOptions>;
  /** Date.now() of this process's latest recording. */
  lastMs: number;
  lastProblem: string | null;
  lastUsageProblem: string | null;
  /** The latest usage recording, settled once it is written (tests wait on it). */
  usage: Promise<UsageOutcome | null>;
  timer: NodeJS.Timeout;
}

let recorder: MinuteRecorder | undefined;

function recordNow(ctx: ModuleContext<Ec2CostOptions>): RecordOutcome {
  const env = { ...ctx.env, SHOJI_STATE_DIR: ctx.stateDir };
  let outcome: RecordOutcome;
  let taken: ReturnType<typeof takeSample> | null = null;
  try {
    taken = takeSample(ctx.procRoot, ctx.sysRoot, ctx.options.interfaces ?? [], ctx.wallNow() / 1000);
    outcome = recordSample(env, taken.sample, ctx.longLived ? 'long-lived' : 'one-shot');
  } catch (err) {
    outcome = { status: 'failed', reason: (err as Error).message };
  }
  const problem = outcome.status === 'failed' ? outcome.reason : null;
  if (problem !== null && problem !== recorder?.lastProblem) ctx.longLived?.log(`ec2-cost: not recorded for the month: ${problem}`);
  if (recorder) recorder.lastProblem = problem;
  if (recorder && ctx.longLived && taken) recorder.usage = recordUsageLater(ctx, env, taken);
  return outcome;
}

/** The usage record's share of a long-lived process's sample, once its code is loaded (a microtask after the first time). */
async function recordUsageLater(
  ctx: ModuleContext<Ec2CostOptions>,
  env: NodeJS.ProcessEnv,
  taken: ReturnType<typeof takeSample>,
): Promise<UsageOutcome | null> {
  try {
    const { recordUsageSample } = await import('../usage/record.js');
    const outcome = recordUsageSample(env, ctx.procRoot, ctx.sysRoot, taken.sample, taken.statText, taken.usage);
    const problem = outcome.status === 'failed' ? outcome.reason : null;
    if (problem !== null && problem !== recorder?.lastUsageProblem) ctx.longLived?.log(`ec2-cost: host usage not recorded: ${problem}`);
    if (recorder) recorder.lastUsageProblem = problem;
    return outcome;
  } catch {
    return null; // a bundle that failed to load: the status line carries on without the record
  }
}

/** The latest usage recording of this process's minute recorder, once written; null where none was started (tests). */
export function usageRecorded(): Promise<UsageOutcome | null> {
  return recorder?.usage ?? Promise.resolve(null);
}

/**
 * In a long-lived process where the module itself does not run (off EC2, not asked to estimate),
 * record now and every minute all the same: the record serves `ec2-cost --fit` and the
 * here-versus-EC2 comparison on any host. Called from the module's availability check.
 */
export function keepRecording(ctx: ModuleContext<Ec2CostOptions>): void {
  if (!ctx.longLived) return;
  if (process.platform === 'linux') recordFromCollect(ctx);
  else void readyForRecording(ctx).then(() => recordFromCollect(ctx));
}

/**
 * Off Linux, what a recording needs that its host reader gives only later (the byte counters:
 * ledger/record.ts), read first; callers ask only where process.platform is not Linux, so
 * Linux's collect does exactly what it did.
 */
export function readyForRecording(ctx: ModuleContext<Ec2CostOptions>): Promise<void> {
  return readHereOffLinux(
    ctx.env,
    ctx.procRoot,
    ctx.sysRoot,
    ctx.options.interfaces ?? [],
    () => ctx.wallNow() / 1000,
    process.platform,
    ctx.longLived !== undefined,
  );
}

/** Record from a collect (ctx as the collect got it); in a long-lived process, keep a minute timer going. */
export function recordFromCollect(ctx: ModuleContext<Ec2CostOptions>): RecordOutcome {
  if (ctx.longLived && !recorder) {
    const timer = setInterval(() => minuteTick(), MINUTE_MS);
    timer.unref();
    recorder = { ctx, lastMs: Date.now(), lastProblem: null, lastUsageProblem: null, usage: Promise.resolve(null), timer };
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
  const ctx = recorder.ctx;
  if (process.platform !== 'linux' && offLinux(ctx.procRoot)) {
    // The counters first, then the recording (its outcome is logged as any other's).
    void readyForRecording(ctx).then(() => recordNow(ctx));
    return null;
  }
  return recordNow(ctx);
}

/** Stop the minute timer (tests; a host that stops its modules). */
export function stopMinuteRecorder(): void {
  if (recorder) clearInterval(recorder.timer);
  recorder = undefined;
}
