/**
 * Alerts in the long-lived processes (the tmux daemon, the screen stream): the modules whose
 * config sets `alert` are fed to core/alerts.ts's episode logic each time the scheduler reports
 * a change, and at the times the logic says something may fall due (a state that does not change
 * makes no change event). What it says is shown where the module's `via` says
 * (host/alerts-send.ts), or handed to `show` (the dashboard's own message line).
 * Never on the one-shot `shoji status` path: an episode needs a process that lives through it.
 */
import type { App } from '../app/app.js';
import { type AlertRule, type AlertSay, type AlertTrack, alertMessage, alertRule, due, newTrack, nextDue, observe, type AlertInput } from '../core/alerts.js';
import { monotonicMs } from '../core/collect.js';
import type { ResolvedModule } from '../core/resolve.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { alertTarget, sendAlert } from './alerts-send.js';

export interface AlertWatchOptions {
  env: NodeJS.ProcessEnv;
  /** The current app and statuses (both change with a config reload). */
  current(): { app: App; statuses: Map<string, ModuleStatus> };
  log(message: string): void;
  /** The tmux server this process serves (the tmux daemon): alerts go to its clients only. */
  tmuxServerPid?: number;
  /** Show the message here instead of sending it (the dashboard). */
  show?(message: string, say: AlertSay): void;
  /** Monotonic ms; tests pass their own. */
  now?(): number;
}

/** A module's alert rule, when its config sets one. */
export function ruleFor(app: App, mod: ResolvedModule): AlertRule | undefined {
  return mod.enabled ? alertRule(app.config.modules[mod.id]?.alert) : undefined;
}

/** The enabled modules whose config sets `alert`: the long-lived processes run them even when no side shows them. */
export function alertingModules(app: App): ResolvedModule[] {
  return [...app.modules.all.values()].filter((m) => ruleFor(app, m) !== undefined);
}

/** A module's status as the episode logic takes it: failed, never collected or pending is not known. */
export function inputOf(status: ModuleStatus | undefined): AlertInput {
  if (!status || status.available === false || !status.hasValue || status.error !== undefined) return { known: false };
  const r = status.reading;
  if (r === null) return { known: true, state: 'idle', text: '' };
  return r.pending ? { known: false } : { known: true, state: r.state, text: r.text };
}

export class AlertWatch {
  private tracks = new Map<string, AlertTrack>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Reasons an alert could not be shown, each logged once. */
  private logged = new Set<string>();

  constructor(private opts: AlertWatchOptions) {}

  /** Take the current readings and say what is due; then wait for the next time something may be. */
  update(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const { app, statuses } = this.opts.current();
    const now = (this.opts.now ?? monotonicMs)();
    const seen = new Set<string>();
    let next = Infinity;
    for (const mod of app.modules.all.values()) {
      const rule = ruleFor(app, mod);
      if (!rule) continue;
      seen.add(mod.id);
      const track = this.tracks.get(mod.id) ?? newTrack();
      this.tracks.set(mod.id, track);
      observe(track, inputOf(statuses.get(mod.id)), rule, now);
      const say = due(mod.id, track, rule, now);
      if (say) this.say(say, rule);
      next = Math.min(next, nextDue(track, rule) ?? Infinity);
    }
    // A module whose alert was taken out of the config starts afresh if it is put back.
    for (const id of this.tracks.keys()) if (!seen.has(id)) this.tracks.delete(id);
    if (next !== Infinity) {
      this.timer = setTimeout(() => this.update(), Math.max(0, next - now) + 5);
      this.timer.unref?.();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private say(say: AlertSay, rule: AlertRule): void {
    const message = alertMessage(say, this.opts.env);
    if (this.opts.show) {
      this.opts.show(message, say);
      return;
    }
    const target = alertTarget(rule.via, this.opts.env, this.opts.tmuxServerPid);
    if (!('kind' in target)) {
      this.logOnce(`alert not shown (${target.why}): ${message}`, `no target ${rule.via}`);
      return;
    }
    sendAlert(target, message, say.state === 'critical', this.opts.env).then(
      (shown) => this.opts.log(`alert shown ${target.kind === 'tmux' ? `on ${shown} tmux client(s)` : 'as a desktop notification'}: ${message}`),
      (err: Error) => this.opts.log(`alert not shown: ${err.message}: ${message}`),
    );
  }

  /** Log a reason once per `key` (the first message with it), not once per alert. */
  private logOnce(message: string, key: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.opts.log(message);
  }
}
