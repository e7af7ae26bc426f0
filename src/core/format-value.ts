/**
 * One placeholder's value as text (format.ts's Spec): a number as its unit reads on the line
 * today unless the spec names another kind ("2.1G" for bytes, "1.5M/s" for bytes/s, "3h 12m"
 * for seconds, "27%" for a ratio), text as it is, a list's values joined by ", "; then padded to
 * the spec's width.
 */
import type { Kind, Spec } from './format.js';
import { formatBytes, formatDuration } from './units.js';
import { displayWidth } from './width.js';

const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T'] as const;

/** How a unit reads by default: the kind its numbers are shown as. */
export function defaultKind(unit: string | undefined): Kind {
  if (unit === undefined) return 'n';
  if (unit.startsWith('bytes')) return 'b';
  if (unit === 'seconds' || unit.startsWith('s (')) return 't';
  if (unit.startsWith('ratio') || isPercentUnit(unit)) return '%';
  return 'n';
}

/** A unit whose numbers are percentages already (0–100), not ratios. */
export function isPercentUnit(unit: string | undefined): boolean {
  return unit !== undefined && (unit.startsWith('%') || unit === 'percent');
}

/** The value as text, or null when it has none (absent, null, an empty list). */
export function formatValue(value: unknown, spec: Spec, unit: string | undefined): string | null {
  const text = bare(value, spec, unit);
  return text === null ? null : pad(text, spec, typeof value === 'number');
}

function bare(value: unknown, spec: Spec, unit: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? formatNumber(value, spec, unit) : null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map((v) => bare(v, spec, unit)).filter((v): v is string => v !== null);
    return parts.length > 0 ? parts.join(', ') : null;
  }
  return null;
}

/** A number in the spec's kind, or its unit's. */
export function formatNumber(value: number, spec: Spec, unit: string | undefined): string {
  const kind = spec.kind ?? defaultKind(unit);
  const rate = unit?.startsWith('bytes/s') ? '/s' : '';
  switch (kind) {
    case '%': {
      const percent = isPercentUnit(unit) ? value : value * 100;
      return `${percent.toFixed(spec.precision ?? 0)}%`;
    }
    case 't':
      return formatDuration(value);
    case 'b':
      return `${spec.precision === undefined ? formatBytes(value) : scaledBytes(value, spec.precision)}${rate}`;
    case 'n':
      return plainNumber(value, spec.precision);
    default: {
      const power = BYTE_UNITS.indexOf(kind);
      return `${(value / 1024 ** power).toFixed(spec.precision ?? (power === 0 ? 0 : 1))}${kind}${rate}`;
    }
  }
}

/** Bytes scaled as formatBytes scales them (K/M/G...), with a fixed number of decimals. */
function scaledBytes(bytes: number, digits: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(digits)}${units[unit]}`;
}

/** A number with the given decimals, or, by default, whole numbers as they are and others to about three significant digits. */
function plainNumber(value: number, precision: number | undefined): string {
  if (precision !== undefined) return value.toFixed(precision);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** Padded to the spec's width in cells: numbers to the right, text to the left, unless it says. */
export function pad(text: string, spec: Spec, numeric: boolean): string {
  const room = (spec.width ?? 0) - displayWidth(text);
  if (room <= 0) return text;
  const align = spec.align ?? (numeric ? '>' : '<');
  if (align === '<') return text + ' '.repeat(room);
  if (align === '>') return ' '.repeat(room) + text;
  const left = Math.floor(room / 2);
  return ' '.repeat(left) + text + ' '.repeat(room - left);
}
