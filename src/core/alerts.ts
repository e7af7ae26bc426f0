/**
 * When a module's `alert` says to tell the user: the episode logic, pure (time is an input, no
 * timers), so that every case can be tested with a table. src/host/alerts-watch.ts feeds it the
 * long-lived processes' readings and says what it answers (src/host/alerts-send.ts).
 *
 * An episode starts when a module has been at its alert level or worse (warning, or critical)
 * for `after` seconds without a break, and it is told once then. It ends when the module has been
 * below the level for `after` seconds too, and never sooner than MIN_CLEAR_MS: a value flapping
 * around a threshold stays in its episode instead of alerting on every crossing; a module set to
 * alert at once (`after: 0`) still has to be fine for a few readings before it can alert again.
 *
 * - Escalation: with level warning, an episode that reaches critical and stays there for `after`
 *   seconds is told once more. Critical is the state a user acts on, and hearing only "warning"
 *   would hide it; the way back down to warning says nothing (the episode goes on).
 * - A reading that is not known (the module failed, has no value yet, or is pending, like a rate's
 *   first sample) neither starts nor ends an episode: it says nothing about the state. It breaks
 *   "without a break", though: the time at the level, or below it, counts again from the next
 *   known reading, so a module failing on and off cannot alert on stale readings or end an
 *   episode it never saw end.
 * - Nothing is said when an episode ends: the status line shows that, and once per episode means
 *   once.
 */
import { stripControl } from '../render/sanitize.js';
import type { State } from './contract.js';
import { forLocale } from './locale.js';
import { formatDuration } from './units.js';

export type AlertLevel = 'warning' | 'critical';
export type AlertVia = 'auto' | 'tmux' | 'desktop';

/** What a module's `alert` key asks for, with the defaults filled in. */
export interface AlertRule {
  level: AlertLevel;
  /** How long the state must last before it is told (ms). */
  afterMs: number;
  /** How long the state must be below the level before the episode ends (ms). */
  clearMs: number;
  via: AlertVia;
}

/** `after` when the config does not give one (seconds). */
export const DEFAULT_ALERT_AFTER_S = 60;
/** The shortest time below the level that ends an episode: two or three readings of a 2 s module. */
export const MIN_CLEAR_MS = 5000;

/** The shape of config-schema.ts's AlertSetting, taken as unknown: it comes from a parsed config. */
export function alertRule(setting: unknown): AlertRule | undefined {
  if (setting === true) return ruleOf('warning', DEFAULT_ALERT_AFTER_S, 'auto');
  if (!setting || typeof setting !== 'object') return undefined;
  const s = setting as { level?: unknown; after?: unknown; via?: unknown };
  const level: AlertLevel = s.level === 'critical' ? 'critical' : 'warning';
  const after = typeof s.after === 'number' && Number.isFinite(s.after) && s.after >= 0 ? s.after : DEFAULT_ALERT_AFTER_S;
  const via: AlertVia = s.via === 'tmux' || s.via === 'desktop' ? s.via : 'auto';
  return ruleOf(level, after, via);
}

function ruleOf(level: AlertLevel, afterS: number, via: AlertVia): AlertRule {
  const afterMs = afterS * 1000;
  return { level, afterMs, clearMs: Math.max(afterMs, MIN_CLEAR_MS), via };
}

/** One reading as the episode logic sees it; `known: false` for a failed, missing or pending one. */
export type AlertInput = { known: true; state: State; text: string } | { known: false };

/** What to tell the user now. */
export interface AlertSay {
  id: string;
  state: AlertLevel;
  /** How long the module has been in that state (ms). */
  forMs: number;
  /** The reading's text. */
  text: string;
}

/** One module's place in the logic. Times are monotonic ms. */
export interface AlertTrack {
  /** In an episode, and the worst state told in it. */
  told?: AlertLevel;
  /** Since when it has been at the level or worse, without a break. */
  atSince?: number;
  /** Since when it has been critical, without a break. */
  criticalSince?: number;
  /** Since when it has been below the level, without a break. */
  belowSince?: number;
  /** The latest known reading's text, for the message. */
  text: string;
}

const RANK: Record<State, number> = { idle: 0, info: 0, good: 0, warning: 1, critical: 2 };

export function newTrack(): AlertTrack {
  return { text: '' };
}

/** Take one reading at `now`: the track is updated in place. Say nothing yet: see `due`. */
export function observe(track: AlertTrack, input: AlertInput, rule: AlertRule, now: number): void {
  if (!input.known) {
    track.atSince = track.criticalSince = track.belowSince = undefined;
    return;
  }
  track.text = input.text;
  if (RANK[input.state] >= RANK[rule.level]) {
    track.belowSince = undefined;
    track.atSince ??= now;
    if (input.state === 'critical') track.criticalSince ??= now;
    else track.criticalSince = undefined;
  } else {
    track.atSince = track.criticalSince = undefined;
    track.belowSince ??= now;
  }
}

/**
 * What is due at `now`: an episode starting (told with the state it is in), one escalating to
 * critical, or one ending (told nothing). Returns what to say, if anything; the track is
 * updated in place, so asking again at the same time says nothing.
 */
export function due(id: string, track: AlertTrack, rule: AlertRule, now: number): AlertSay | undefined {
  const lasted = (since: number | undefined, ms: number) => since !== undefined && now - since >= ms;
  if (track.told === undefined) {
    if (!lasted(track.atSince, rule.afterMs)) return undefined;
    const critical = track.criticalSince !== undefined;
    track.told = critical && lasted(track.criticalSince, rule.afterMs) ? 'critical' : rule.level;
    // Told as critical at once only when critical has lasted `after` too; else as the level, and
    // critical comes as an escalation when it has.
    const since = track.told === 'critical' ? track.criticalSince! : track.atSince!;
    return { id, state: track.told, forMs: now - since, text: track.text };
  }
  if (lasted(track.belowSince, rule.clearMs)) {
    track.told = undefined;
    return undefined;
  }
  if (track.told === 'warning' && lasted(track.criticalSince, rule.afterMs)) {
    track.told = 'critical';
    return { id, state: 'critical', forMs: now - track.criticalSince!, text: track.text };
  }
  return undefined;
}

/** The next monotonic time at which `due` may have something to do, if any. */
export function nextDue(track: AlertTrack, rule: AlertRule): number | undefined {
  if (track.told === undefined) return track.atSince === undefined ? undefined : track.atSince + rule.afterMs;
  const times: number[] = [];
  if (track.belowSince !== undefined) times.push(track.belowSince + rule.clearMs);
  if (track.told === 'warning' && track.criticalSince !== undefined) times.push(track.criticalSince + rule.afterMs);
  return times.length ? Math.min(...times) : undefined;
}

/**
 * The words of an alert: "shoji: cpu critical for 2m: 97%". Plain text with no control
 * characters (the module's text comes from outside: script output, interface names); each
 * way of showing it escapes its own markup. ASCII under a locale that is not UTF-8.
 */
export function alertMessage(say: AlertSay, env: NodeJS.ProcessEnv): string {
  const text = stripControl(say.text).trim();
  const line = `shoji: ${stripControl(say.id)} ${say.state} for ${formatDuration(say.forMs / 1000)}${text ? `: ${text}` : ''}`;
  return forLocale(line, env);
}
