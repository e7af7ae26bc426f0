import * as T from 'typebox';
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

type Level = keyof Thresholds;
const LEVELS: readonly Level[] = ['info', 'warning', 'critical'];

/** The three threshold options of a module: what they measure, which way is worse, their defaults. */
export interface ThresholdDeclaration extends Thresholds {
  /** What the value is, as the docs say it: "total %", "1-minute load per core". */
  of: string;
  /** Lower is worse (battery charge): as stateFor's `invert`. */
  invert?: boolean;
}

/** A threshold with a default is always set; one without is absent until the user sets it. */
export type ThresholdOptions<D extends Thresholds> = {
  [K in Level]: D[K] extends number ? T.TNumber : T.TOptional<T.TNumber>;
};

/** Declarations of info, warning and critical, to spread into a module's declareOptions. */
export function thresholdOptions<const D extends ThresholdDeclaration>(declaration: D): ThresholdOptions<D> {
  const out: Record<string, T.TSchema> = {};
  for (const level of LEVELS) {
    const description = `${declaration.of} ${declaration.invert ? 'at or below' : 'from'} which the state is ${level}`;
    const value = declaration[level];
    out[level] = value === undefined ? T.Optional(T.Number({ description })) : T.Number({ default: value, description });
  }
  return out as ThresholdOptions<D>;
}
