/**
 * Module intervals: a number of seconds, 'once', or a cron expression for slow work
 * ("17 *\/6 * * *"). Cron expressions use the cron package, loaded only when one is used.
 *
 * The accepted forms (docs/config.example.yaml says the same):
 * - seconds, as a number or a decimal string ("30", "0.5"): at least 0.25, at most a year;
 * - "once": run at start only;
 * - a cron expression the cron package accepts (5 fields, or 6 with seconds first, or
 *   @hourly/@daily/...) that fires at least once in the next 5 years ("0 0 30 2 *" never does).
 * Waits longer than setTimeout can do (about 24.8 days) are waited out in steps by the
 * scheduler: setTimeout turns a longer delay into 1 ms, which would be a busy loop.
 */
import type { AnyModule, Interval } from './contract.js';

export type ParsedInterval = { kind: 'every'; ms: number } | { kind: 'once' } | { kind: 'cron'; expr: string };

/** The longest delay setTimeout takes as it is (2^31-1 ms, 24.8 days); longer ones become 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export const MIN_INTERVAL_S = 0.25;
/** Longer than this is surely a mistake (ms for s?); a yearly job is a cron expression. */
export const MAX_INTERVAL_S = 365 * 24 * 3600;
/** A cron expression must fire within this many years of now to be accepted. */
export const CRON_HORIZON_YEARS = 5;
/** How a module's fallback interval reads when both the user's and its own are unusable. */
const FALLBACK_INTERVAL: ParsedInterval = { kind: 'every', ms: 60_000 };

// Seconds written as a string: decimal only (no hex, no "Infinity", no blanks in between).
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Why a number of seconds is not a usable interval, or null when it is. */
function secondsProblem(seconds: number, written: string): string | null {
  if (Number.isNaN(seconds)) return `must be a number of seconds, "once" or a cron expression (got ${written})`;
  if (!Number.isFinite(seconds)) return `must be a finite number of seconds (got ${written})`;
  if (seconds <= 0) return `must be more than 0 seconds (got ${written}); "once" runs a module only at start`;
  if (seconds < MIN_INTERVAL_S) return `must be at least ${MIN_INTERVAL_S} seconds (got ${written})`;
  if (seconds > MAX_INTERVAL_S) {
    return `must be at most a year (${MAX_INTERVAL_S} seconds; got ${written}): for rare work use a cron expression`;
  }
  return null;
}

/** How a YAML value reads in a message (`.inf` rather than JavaScript's Infinity). */
function written(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  return value === null ? 'nothing' : typeof value === 'object' ? (Array.isArray(value) ? 'a list' : 'a mapping') : String(value);
}

/**
 * Parse an interval already known to be valid (the config validator checked the user's; a
 * module's own is checked here). Throws with the reason for anything unusable.
 */
export function parseInterval(value: Interval): ParsedInterval {
  if (typeof value === 'number') {
    const why = secondsProblem(value, written(value));
    if (why) throw new Error(`interval ${why}`);
    return { kind: 'every', ms: Math.round(value * 1000) };
  }
  if (typeof value !== 'string') throw new Error(`interval must be seconds, "once" or a cron expression (got ${written(value)})`);
  const text = value.trim();
  if (text === 'once') return { kind: 'once' };
  if (DECIMAL.test(text)) {
    const why = secondsProblem(Number(text), written(value));
    if (why) throw new Error(`interval ${why}`);
    return { kind: 'every', ms: Math.round(Number(text) * 1000) };
  }
  if (text === '') throw new Error('interval must not be empty');
  return { kind: 'cron', expr: text };
}

/**
 * Why a config's `interval` value is unusable, or null when it is fine: the full check, cron
 * expressions included (which loads the cron package, so only when one is used).
 */
export async function intervalProblem(value: unknown, now = Date.now()): Promise<string | null> {
  let parsed: ParsedInterval;
  try {
    parsed = parseInterval(value as Interval);
  } catch (err) {
    return (err as Error).message.replace(/^interval /, '');
  }
  if (parsed.kind !== 'cron') return null;
  // A word is no cron expression: say what is accepted rather than what cron makes of it.
  if (!parsed.expr.startsWith('@') && parsed.expr.split(/\s+/).length < 5) {
    return `must be seconds, "once" or a cron expression of 5 or 6 fields (got ${written(value)})`;
  }
  const why = await cronProblem(parsed.expr, now);
  return why && `not a usable cron expression (${written(value)}): ${why}`;
}

/** Why a cron expression is unusable (not cron, or never fires within the horizon), or null. */
export async function cronProblem(expr: string, now = Date.now()): Promise<string | null> {
  const { CronTime } = await import('cron');
  let next: number;
  try {
    next = new CronTime(expr).getNextDateFrom(new Date(now)).toMillis();
  } catch (err) {
    // The cron package's "no execution date in the next 8 years" message runs on for lines.
    const message = (err as Error).message.split('\n')[0].trim();
    return /no execution date/i.test(message) ? 'it never fires (no such date)' : message;
  }
  const horizon = new Date(now);
  horizon.setFullYear(horizon.getFullYear() + CRON_HORIZON_YEARS);
  if (!(next <= horizon.getTime())) return `it does not fire in the next ${CRON_HORIZON_YEARS} years`;
  return null;
}

/**
 * A module's interval: the user's `interval` key (`user`, validated), else the module's own
 * given its effective options. A module's own number of seconds is brought within 0.25 s to a
 * year (a script named 99999999999_x); anything else unusable is once a minute: it must not
 * stop the scheduler.
 */
export function intervalOf(def: AnyModule, user: unknown, options: Record<string, unknown>): ParsedInterval {
  if (user !== undefined) {
    try {
      return parseInterval(user as Interval);
    } catch {
      // Fall through to the module's own (the config validator reports the user's).
    }
  }
  let own: unknown;
  try {
    own = typeof def.interval === 'function' ? def.interval(options) : def.interval;
    return parseInterval(own as Interval);
  } catch {
    if (typeof own === 'number' && own > 0 && own !== Infinity) {
      return { kind: 'every', ms: Math.round(Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, own)) * 1000) };
    }
    return FALLBACK_INTERVAL;
  }
}

/** Milliseconds from `fromWall` (epoch ms) until the interval next fires; Infinity for 'once'. */
export async function msUntilNext(interval: ParsedInterval, fromWall: number): Promise<number> {
  if (interval.kind === 'every') return interval.ms;
  if (interval.kind === 'once') return Infinity;
  const { CronTime } = await import('cron');
  const next = new CronTime(interval.expr).getNextDateFrom(new Date(fromWall));
  return Math.max(1000, next.toMillis() - fromWall);
}
