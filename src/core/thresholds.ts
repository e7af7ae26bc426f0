import type { State } from './contract.js';

/** Thresholds as a module's options carry them; higher values are worse unless `invert`. */
export interface Thresholds {
  info?: number;
  warning?: number;
  critical?: number;
}

/**
 * The state for a value against thresholds: critical at or above `critical`, warning at or
 * above `warning`, info at or above `info`, otherwise `calm` (default 'good').
 * With `invert`, lower is worse (battery charge, free space).
 */
export function stateFor(value: number, t: Thresholds, calm: State = 'good', invert = false): State {
  const reached = (limit: number | undefined) => limit !== undefined && (invert ? value <= limit : value >= limit);
  if (reached(t.critical)) return 'critical';
  if (reached(t.warning)) return 'warning';
  if (reached(t.info)) return 'info';
  return calm;
}

/** JSON Schema properties for the three thresholds, to spread into a module's schema. */
export const thresholdSchema = {
  info: { type: 'number' },
  warning: { type: 'number' },
  critical: { type: 'number' },
} as const;
