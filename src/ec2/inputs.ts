/**
 * Command-line quantities, read exactly and refused plainly: every numeric option goes through
 * one parser, so they all accept the same things ("1090800", "0.0312", "5e9", "1.5e-3") and
 * refuse the same things (hex, "Infinity", "1_000", a negative number) with a one-line usage
 * error naming the option, never a silent zero.
 *
 * Each option has a ceiling well above any real machine, so a mistyped exponent cannot turn into
 * a 1,000-digit dollar figure, and the exponent is bounded before anything is computed: "1e500000"
 * would otherwise mean building a 500,000-digit integer.
 */
import { EstimateError } from './errors.js';
import { HERE_BOUNDS, type HereFlag } from './here-limits.js';
import { cmp, dec, groupThousands, int, mul, type Q } from './money.js';

function bad(option: string, value: unknown, what: string): never {
  throw new EstimateError(`--${option} must be ${what} (got "${String(value)}")`, 'usage');
}

// What keeping the host here costs (here-inputs.ts): the ceilings modules.ec2-cost.here has too.
const HERE_LIMITS = Object.fromEntries(Object.entries(HERE_BOUNDS).map(([flag, b]) => [flag, { max: b.max, unit: b.unit }])) as {
  [F in HereFlag]: { max: (typeof HERE_BOUNDS)[F]['max']; unit: (typeof HERE_BOUNDS)[F]['unit'] };
};

/** The most any option is allowed, with the unit its message uses. */
export const LIMITS = {
  /** A hundred years of seconds. */
  uptime: { max: 3_153_600_000, unit: 's (100 years)' },
  /** An exbibyte: 100 Gbit/s for three years. */
  'tx-bytes': { max: 2 ** 60, unit: 'bytes (1 EiB)' },
  'rx-bytes': { max: 2 ** 60, unit: 'bytes (1 EiB)' },
  'ebs-gb': { max: 1_000_000, unit: 'GB' },
  'spot-price': { max: 10_000, unit: 'USD per hour' },
  vcpus: { max: 100_000, unit: 'vCPUs' },
  'memory-gib': { max: 1_000_000, unit: 'GiB' },
  /** ec2-cost --fit: percent added to what the host used. */
  headroom: { max: 300, unit: 'percent' },
  ...HERE_LIMITS,
} as const;

export type QuantityOption = keyof typeof LIMITS;

/** Digits with an optional fraction, an optional exponent; nothing else (no hex, no "_"). */
const NUMBER = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$/;
const MAX_TEXT = 64;
/** Far beyond every limit below, and small enough that 10^99 costs nothing to build. */
const MAX_EXPONENT = 99;

function limitMessage(option: QuantityOption): string {
  const limit = LIMITS[option];
  // Through BigInt: String(2 ** 60) is "1152921504606847000", not the limit applied.
  return `at most ${groupThousands(BigInt(limit.max).toString())} ${limit.unit}`;
}

/** A number as the options write it, within the option's limit; `what` names the expected form. */
function parseNumber(option: QuantityOption, value: string, scale: bigint, what = 'a number'): Q {
  const s = value.trim();
  const m = s.length <= MAX_TEXT ? NUMBER.exec(s) : null;
  if (!m) bad(option, value, what);
  const exponent = m[3] === undefined ? 0 : Number(m[3]);
  const zero = !/[1-9]/.test(m[2]);
  if (!zero && exponent > MAX_EXPONENT) bad(option, value, limitMessage(option));
  if (!zero && exponent < -MAX_EXPONENT) bad(option, value, `a number with an exponent of at least -${MAX_EXPONENT}`);
  const q = mul(dec(zero ? '0' : `${m[2]}e${exponent}`), int(scale));
  const whole = wholeFrom(option);
  if (m[1] === '-' && q.n !== 0n) bad(option, value, whole ? whole.what : 'zero or more');
  if (whole && (q.d !== 1n || cmp(q, int(whole.min)) < 0)) bad(option, value, whole.what);
  if (cmp(q, int(LIMITS[option].max)) > 0) bad(option, value, limitMessage(option));
  return q;
}

/** For an option that takes whole numbers only (--hardware-months), the least it takes and how to say so; else null. */
function wholeFrom(option: QuantityOption): { min: number; what: string } | null {
  const bounds = Object.hasOwn(HERE_BOUNDS, option) ? HERE_BOUNDS[option as HereFlag] : null;
  return bounds?.whole ? { min: bounds.min, what: `a whole number of at least ${bounds.min}` } : null;
}

/** A non-negative decimal within the option's limit (a whole number where the option says so), kept exact. */
export function quantity(option: QuantityOption, value: string): Q {
  return parseNumber(option, value, 1n);
}

/** Byte units, by lower-case name (a Map: "constructor" or "valueOf" is no unit). */
const IEC = new Map<string, bigint>([
  ['', 1n],
  ['b', 1n],
  ['kib', 1n << 10n],
  ['mib', 1n << 20n],
  ['gib', 1n << 30n],
  ['tib', 1n << 40n],
]);

/**
 * Bytes: "8502581400", "5e9", "7.918646GiB", "1.5 TiB". Decimal units (KB, GB) are refused on
 * purpose: shoji's "GB" is 2^30 bytes, and "7GB" would be ambiguous.
 */
export function bytes(option: 'tx-bytes' | 'rx-bytes', value: string): Q {
  const m = value.length <= 2 * MAX_TEXT ? /^\s*([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(value) : null;
  const what = 'a byte count, optionally with KiB, MiB, GiB or TiB';
  if (!m) bad(option, value, what);
  const unit = IEC.get(m[2].toLowerCase());
  if (unit === undefined) bad(option, value, "a byte count with KiB, MiB, GiB or TiB (decimal KB/MB/GB are ambiguous; shoji's GB is 2^30 bytes)");
  return parseNumber(option, m[1], unit, what);
}
