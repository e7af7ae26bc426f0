/**
 * `--month [YYYY-MM]` and `--now ISO-8601`, read strictly: a value that is not a UTC month or an
 * ISO-8601 instant with its time zone is a usage error naming the option, never a guess (Date's
 * own parser would take "2026-11-15 12:00" as local time and "yesterday" as an invalid date).
 */
import { EstimateError } from './errors.js';
import { monthBounds, monthOf } from './month.js';

function bad(option: string, value: string, what: string): never {
  throw new EstimateError(`--${option} must be ${what} (got "${value}")`, 'usage');
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;
const ISO_EXAMPLE = 'an ISO-8601 time such as 2026-11-15T12:00:00Z';

/** An ISO-8601 instant in Unix seconds: a date (midnight UTC), or a date and time with Z or ±hh:mm. */
export function parseNow(value: string): number {
  const s = value.trim();
  const m = s.length <= 64 ? INSTANT.exec(s) : null;
  if (!m) bad('now', value, ISO_EXAMPLE);
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  if (h !== undefined && z === undefined && sign === undefined) bad('now', value, 'a time with its time zone, Z or +hh:mm (2026-11-15T12:00:00Z)');
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0)] as const;
  const ms = Date.UTC(...parts);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March 2: a date that does not exist is refused instead.
  const real =
    back.getUTCFullYear() === parts[0] &&
    back.getUTCMonth() === parts[1] &&
    back.getUTCDate() === parts[2] &&
    back.getUTCHours() === parts[3] &&
    back.getUTCMinutes() === parts[4] &&
    back.getUTCSeconds() === parts[5];
  if (!real || parts[0] < 1970) bad('now', value, `${ISO_EXAMPLE}, a real date and time after 1970`);
  if (sign !== undefined && (Number(oh) > 23 || Number(om) > 59)) bad('now', value, `${ISO_EXAMPLE} (an offset is at most ±23:59)`);
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  return ms / 1000 - offset + (frac ? Number(`0.${frac}`) : 0);
}

/** The month asked for: "" (no value) is the month of `now`. */
export function parseMonth(value: string, now: number): string {
  const s = value.trim();
  if (s === '') return monthOf(now);
  if (!monthBounds(s)) bad('month', value, 'a UTC month as YYYY-MM, such as 2026-11');
  return s;
}

/** Options that describe one boot's quantities: the month is read from the ledger instead. */
export const WHAT_IF_QUANTITIES = ['uptime', 'tx-bytes', 'rx-bytes'] as const;
