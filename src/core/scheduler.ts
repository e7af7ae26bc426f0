/**
 * The live scheduler and store behind the tmux daemon, the screen stream and the dashboard.
 *
 * - Each module runs on its own interval (seconds, cron or once); the first run is at start.
 * - Single flight: a module never has two collects at once. A collect that hangs past its
 *   timeout is reported failed; while it is still pending, retries count as failures too.
 * - A failure keeps the last good reading and memo, and is retried with exponential back-off
 *   (interval x 2^n, at most 5 minutes). Nothing a module does can stop the others.
 * - When a module is next due is core/due.ts's policy, shared with the one-shot path.
 * - Listeners get one 'change' event per settled collect whose outcome changed what is shown.
 */
import { EventEmitter } from 'node:events';
import type { LongLivedHost, Reading } from './contract.js';
import { checkAvailable, collectModule, monotonicMs, type CollectOutcome } from './collect.js';
import { DAEMON_POLICY, waitAfterFailure, waitAfterSuccess } from './due.js';
import { MAX_TIMER_MS } from './interval.js';
import { type FormatTarget, type History, hasFormat, nextHistory, shownReading } from './format-apply.js';
import { isUtf8Locale } from './locale.js';
import { publishedData } from './reading-check.js';
import type { ResolvedModule } from './resolve.js';

export interface ModuleStatus {
  id: string;
  /** Whether the module can run here (its availability check); undefined until checked. */
  available?: boolean;
  /** The reason the module gave for not being available here, when it gave one (contract.ts's Unavailable). */
  unavailableWhy?: string;
  /** The last good reading; null when the module had nothing to show. */
  reading: Reading | null;
  /** Whether a collect ever succeeded. */
  hasValue: boolean;
  /** The last failure, cleared by the next success. */
  error?: string;
  /** Consecutive failures. */
  failures: number;
  /** Failures since the start, never reset (the exporter's shoji_module_collect_errors_total); absent until the first. */
  collectErrors?: number;
  /**
   * What the last good collect published (Collected.data; core/reading-check.ts's publishedData),
   * kept through failures as the reading is, and there even while the reading is null.
   */
  data?: unknown;
  /** The module's private memo: passed back to it, never read by anything else. */
  memo?: unknown;
  /**
   * The module's own reading when the user's `format` replaced its text (format-apply.ts), so
   * that a config reload can format it afresh or show it as it was.
   */
  moduleReading?: Reading | null;
  /** Recent values of the fields the module's sparklines draw (format-apply.ts's nextHistory). */
  history?: History;
  lastOkWall?: number;
  lastRunWall?: number;
  nextRunWall?: number;
  lastDurationMs?: number;
  running: boolean;
}

export function newStatus(id: string): ModuleStatus {
  return { id, reading: null, hasValue: false, failures: 0, running: false };
}

/**
 * Record a collect's outcome: a success replaces the reading and the published data (and the
 * memo, when one came back) and clears the failure; a failure keeps the last good reading, data
 * and memo and counts up.
 */
export function recordOutcome(status: ModuleStatus, outcome: CollectOutcome, shown?: ShownAs): void {
  if (outcome.ok) {
    status.reading = outcome.collected!.reading;
    // A fresh reading is the module's own: the one kept from the last collect is stale now.
    delete status.moduleReading;
    status.data = publishedData(outcome.collected!);
    if (shown) {
      status.history = nextHistory(shown.mod, status.data, status.history);
      applyFormat(status, shown);
    }
    if (outcome.collected!.memo !== undefined) status.memo = outcome.collected!.memo;
    status.hasValue = true;
    status.error = undefined;
    status.failures = 0;
    status.lastOkWall = Date.now();
  } else {
    recordFailure(status, outcome.error);
  }
}

/** What a recorded reading is shown as: the module's formats (resolve.ts), and the locale's sparklines. */
export interface ShownAs {
  mod: FormatTarget;
  env: NodeJS.ProcessEnv;
}

/**
 * The status's reading as the module's formats show it, from its own reading (kept beside it
 * while a format applies) and its data: after a collect, and again when a config reload brings
 * other formats.
 */
export function applyFormat(status: ModuleStatus, { mod, env }: ShownAs): void {
  const own = status.moduleReading !== undefined ? status.moduleReading : status.reading;
  if (!hasFormat(mod)) {
    status.reading = own;
    delete status.moduleReading;
    return;
  }
  status.moduleReading = own;
  status.reading = shownReading(mod, own, status.data, status.history, !isUtf8Locale(env));
}

/** A failed collect: its reason, one more consecutive failure and one more since the start. */
function recordFailure(status: ModuleStatus, error: string | undefined): void {
  status.error = error;
  status.failures++;
  status.collectErrors = (status.collectErrors ?? 0) + 1;
}

export interface SchedulerOptions {
  /**
   * Run every module that has a fixed interval on the wall-clock multiples of it, as an aligned
   * module runs, so that modules sharing an interval run in one wake-up rather than each on its
   * own timer. The exporter's modules all run every 15 s or more; on a small VM each wake-up of
   * an idle process costs about as much CPU as a small collect.
   */
  alignIntervals?: boolean;
  /**
   * How long the first collect of a module collected in the background (ResolvedModule.background:
   * apt's simulation, systemctl, a network lookup) waits after start; by default none. The
   * dashboard's first frames come first: starting a program from Node took ~50 ms of its main
   * thread's CPU, measured in the first 700 ms of a dashboard whose updates module ran apt.
   */
  deferBackgroundMs?: number;
}

interface Slot {
  status: ModuleStatus;
  mod: ResolvedModule;
  timer?: NodeJS.Timeout;
  pending?: Promise<unknown>;
}

export class Scheduler extends EventEmitter {
  private slots = new Map<string, Slot>();
  private stopped = false;

  /**
   * `host`: what the modules' collects get as ctx.longLived (this is the long-lived side); its
   * log is shoji's log when host/live.ts starts the scheduler, else nowhere.
   */
  constructor(
    modules: readonly ResolvedModule[],
    private env: NodeJS.ProcessEnv,
    previous?: Map<string, ModuleStatus>,
    private host: LongLivedHost = { log() {} },
    private options: SchedulerOptions = {},
  ) {
    super();
    for (const mod of modules) {
      const status = previous?.get(mod.id) ?? newStatus(mod.id);
      status.running = false;
      // A reload may bring other formats: the kept reading is shown as they say.
      if (previous?.has(mod.id) && (hasFormat(mod) || status.moduleReading !== undefined)) applyFormat(status, { mod, env });
      this.slots.set(mod.id, { status, mod });
    }
  }

  /** Check availability, then start every module. */
  async start(): Promise<void> {
    await Promise.all(
      [...this.slots.values()].map(async (slot) => {
        const { available, why, error } = await checkAvailable(slot.mod, this.env, slot.mod.timeoutMs, this.host);
        slot.status.available = available;
        slot.status.unavailableWhy = why;
        if (error) slot.status.error = `availability check failed: ${error}`;
        if (!available || this.stopped) return;
        const defer = slot.mod.background ? (this.options.deferBackgroundMs ?? 0) : 0;
        if (defer > 0) this.schedule(slot, defer);
        else void this.run(slot);
      }),
    );
    this.emit('change', null);
  }

  stop(): void {
    this.stopped = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
  }

  statuses(): Map<string, ModuleStatus> {
    return new Map([...this.slots].map(([id, slot]) => [id, slot.status]));
  }

  /**
   * Run a module now (e.g. on a user's request), unless it is already running. Resolves when
   * this collect has settled (at once when there is nothing to run).
   */
  async refresh(id: string): Promise<void> {
    const slot = this.slots.get(id);
    if (slot?.status.available) {
      clearTimeout(slot.timer);
      await this.run(slot);
    }
  }

  private async run(slot: Slot): Promise<void> {
    if (this.stopped || slot.status.running) return;
    const status = slot.status;
    status.lastRunWall = Date.now();
    if (slot.pending) {
      // The last collect hung and has still not settled: keep to one in flight.
      recordFailure(status, `${status.error ?? 'hung'} (still running)`);
      this.schedule(slot, waitAfterFailure(slot.mod.interval, status.failures));
      this.emit('change', status.id);
      return;
    }
    status.running = true;
    const started = monotonicMs();
    const outcome = await collectModule(slot.mod, this.env, status.memo, slot.mod.timeoutMs, this.host);
    status.running = false;
    status.lastDurationMs = monotonicMs() - started;
    if (this.stopped) return;
    const before = JSON.stringify([status.reading, status.error]);
    recordOutcome(status, outcome, { mod: slot.mod, env: this.env });
    if (outcome.ok) {
      await this.scheduleNext(slot);
      if (JSON.stringify([status.reading, status.error]) !== before) this.emit('change', status.id);
    } else {
      if (outcome.pending) {
        slot.pending = outcome.pending;
        void outcome.pending.then(() => {
          slot.pending = undefined;
        });
      }
      this.schedule(slot, waitAfterFailure(slot.mod.interval, status.failures));
      this.emit('change', status.id);
    }
  }

  private async scheduleNext(slot: Slot): Promise<void> {
    const align = slot.mod.def.align === true || this.options.alignIntervals === true;
    const wait = await waitAfterSuccess(slot.mod.interval, align, Date.now(), DAEMON_POLICY);
    if (wait.problem) slot.status.error = `bad interval: ${wait.problem}`;
    if (wait.ms !== Infinity) this.schedule(slot, wait.ms);
    else slot.status.nextRunWall = undefined;
  }

  private schedule(slot: Slot, delayMs: number): void {
    clearTimeout(slot.timer);
    if (this.stopped) return;
    // NaN (a date computation gone wrong) would be a 1 ms timer, again and again.
    if (Number.isNaN(delayMs)) delayMs = 60_000;
    slot.status.nextRunWall = Date.now() + delayMs;
    this.runAt(slot, monotonicMs() + delayMs);
  }

  /**
   * Run the module at a monotonic time. setTimeout turns a delay over MAX_TIMER_MS (24.8 days:
   * an interval of 3000000 s, a yearly cron) into 1 ms, a busy loop; such a wait is taken in
   * steps of MAX_TIMER_MS, each one re-armed from the clock, until what is left fits.
   */
  private runAt(slot: Slot, dueMono: number): void {
    const left = dueMono - monotonicMs();
    slot.timer = left > MAX_TIMER_MS ? setTimeout(() => this.runAt(slot, dueMono), MAX_TIMER_MS) : setTimeout(() => void this.run(slot), Math.max(0, left));
  }
}
