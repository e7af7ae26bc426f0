/**
 * Command-line quantities, read exactly and refused plainly: a negative, empty or non-numeric
 * value is a one-line usage error naming the option, never a silent zero.
 */
import { EstimateError } from './errors.js';
import { dec, int, isDecimal, mul, type Q } from './money.js';

function bad(option: string, value: unknown, what: string): never {
  throw new EstimateError(`--${option} must be ${what} (got "${String(value)}")`, 'usage');
}

/** A non-negative decimal, kept exact. */
export function nonNegative(option: string, value: string | number): Q {
  const s = String(value).trim();
  if (!isDecimal(s)) bad(option, value, 'a number');
  const q = dec(s);
  if (q.n < 0n) bad(option, value, 'zero or more');
  return q;
}

const IEC: Record<string, bigint> = { '': 1n, b: 1n, kib: 1n << 10n, mib: 1n << 20n, gib: 1n << 30n, tib: 1n << 40n };

/**
 * Bytes: "8502581400", "7.918646GiB", "1.5 TiB". Decimal units (KB, GB) are refused on
 * purpose: shoji's "GB" is 2^30 bytes, and "7GB" would be ambiguous.
 */
export function bytes(option: string, value: string): Q {
  const m = /^\s*([^a-zA-Z\s]+)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) bad(option, value, 'a byte count, optionally with KiB, MiB, GiB or TiB');
  const unit = m[2].toLowerCase();
  if (!(unit in IEC)) bad(option, value, 'a byte count with KiB, MiB, GiB or TiB (decimal KB/MB/GB are ambiguous; shoji’s GB is 2^30 bytes)');
  return mul(nonNegative(option, m[1]), int(IEC[unit]));
}
