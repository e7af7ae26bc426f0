/**
 * Module intervals: a number of seconds, 'once', or a cron expression for slow work
 * ("17 *\/6 * * *"). Cron expressions use the cron package, loaded only when one is used.
 */
import type { Interval, ShojiModule } from './contract.js';
import { moduleOptions, type ShojiConfig } from './config.js';

export type ParsedInterval = { kind: 'every'; ms: number } | { kind: 'once' } | { kind: 'cron'; expr: string };

export function parseInterval(value: Interval): ParsedInterval {
  if (typeof value === 'number') {
    if (!(value > 0)) throw new Error(`interval must be positive (got ${value})`);
    return { kind: 'every', ms: Math.max(250, value * 1000) };
  }
  const text = value.trim();
  if (text === 'once') return { kind: 'once' };
  if (/^\d+(\.\d+)?$/.test(text)) return parseInterval(Number(text));
  return { kind: 'cron', expr: text };
}

/** A module's interval: the user's `interval` key, else the module's own (given its options). */
export function intervalOf(def: ShojiModule<any, any, any>, config: ShojiConfig): ParsedInterval {
  const own = typeof def.interval === 'function'
    ? def.interval(moduleOptions(def.options.defaults as Record<string, unknown>, config.modules[def.id]))
    : def.interval;
  const user = config.modules[def.id]?.interval as Interval | undefined;
  try {
    return parseInterval(user ?? own);
  } catch {
    return parseInterval(own);
  }
}

/** Milliseconds until the next wall-clock multiple of `ms` (plus a little, so the clock has turned). */
export function msUntilAligned(ms: number, fromWall: number): number {
  return ms - (fromWall % ms) + 20;
}

/** Check a cron expression now, so a typo is a config error rather than a silent never. */
export async function validateCron(expr: string): Promise<string | null> {
  const { CronTime } = await import('cron');
  try {
    new CronTime(expr);
    return null;
  } catch (err) {
    return (err as Error).message;
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

/** How long a module's reading stays fresh, for deciding whether a one-shot call re-collects. */
export function nominalMs(interval: ParsedInterval): number {
  return interval.kind === 'every' ? interval.ms : Infinity;
}
