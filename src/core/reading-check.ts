/**
 * The boundary between a module and everything that shows its reading. A module — a built-in,
 * a user's plugin, a script's JSON — may return anything; what passes here is the shape the
 * renderers, the dashboard, JSON output and the one-shot state file rely on. Anything else
 * (a wrong type, an unknown state, NaN, a function, 5 MB of text) makes that module show as
 * failed with the reason, and the rest of the line keeps updating.
 */
import { STATES, type Collected, type State, TMUX_VALUES, type TmuxValue } from './contract.js';
import { displayWidth } from './width.js';

/** Cells of text one segment may take; a status line is a few hundred cells at most. */
export const MAX_TEXT_CELLS = 512;
const MAX_DETAIL_LINES = 64;
/** Values (numbers, strings, keys) in a reading's data or a memo, and how deep they nest. */
const MAX_DATA_VALUES = 10_000;
const MAX_DATA_DEPTH = 8;
const MAX_DATA_STRING = 64 * 1024;
/** Icon keys are names in the icon sets (cpu, network-rx): never a path or a prototype name. */
const ICON_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const PROTOTYPE_NAMES = new Set(['constructor', 'prototype', '__proto__', 'hasownproperty', 'tostring', 'valueof']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function textProblem(name: string, value: unknown, optional: boolean): string | null {
  if (value === undefined && optional) return null;
  if (typeof value !== 'string') return `${name} must be text, not ${describe(value)}`;
  // length first: a 5 MB string is refused without measuring it cell by cell.
  if (value.length > MAX_TEXT_CELLS * 4 || displayWidth(value) > MAX_TEXT_CELLS) {
    return `${name} is longer than ${MAX_TEXT_CELLS} cells`;
  }
  return null;
}

/**
 * Why `value` cannot be kept as JSON data (a reading's data, a memo), or null: only finite
 * numbers, strings, booleans, null, lists and plain objects, within size and depth limits.
 */
export function jsonDataProblem(name: string, value: unknown): string | null {
  let count = 0;
  const visit = (v: unknown, path: string, depth: number): string | null => {
    if (++count > MAX_DATA_VALUES) return `${name} holds more than ${MAX_DATA_VALUES} values`;
    if (depth > MAX_DATA_DEPTH) return `${name} nests deeper than ${MAX_DATA_DEPTH} levels`;
    // undefined: a key left out, as JSON would leave it out.
    if (v === null || v === undefined || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} is ${v}, not a number`;
    if (typeof v === 'string') return v.length > MAX_DATA_STRING ? `${path} is longer than ${MAX_DATA_STRING} characters` : null;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const why = visit(v[i], `${path}[${i}]`, depth + 1);
        if (why) return why;
      }
      return null;
    }
    if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) {
        const why = visit(item, `${path}.${k}`, depth + 1);
        if (why) return why;
      }
      return null;
    }
    return `${path} is ${describe(v)}, which cannot be kept`;
  };
  return visit(value, name, 0);
}

/** Why a reading cannot be shown, or null when it can. */
export function readingProblem(reading: unknown): string | null {
  if (!isPlainObject(reading)) return `the reading must be an object or null, not ${describe(reading)}`;
  const r = reading;
  const checks = [
    textProblem('text', r.text, false),
    textProblem('short', r.short, true),
    STATES.includes(r.state as State)
      ? null
      : `state must be one of ${STATES.join(', ')}, not ${typeof r.state === 'string' ? JSON.stringify(r.state.slice(0, 40)) : describe(r.state)}`,
    r.icon === undefined || (typeof r.icon === 'string' && ICON_KEY.test(r.icon) && !PROTOTYPE_NAMES.has(r.icon))
      ? null
      : `icon must be an icon name such as "cpu", not ${typeof r.icon === 'string' ? JSON.stringify(r.icon.slice(0, 40)) : describe(r.icon)}`,
    r.pending === undefined || typeof r.pending === 'boolean' ? null : `pending must be true or false, not ${describe(r.pending)}`,
    r.tmux === undefined || TMUX_VALUES.includes(r.tmux as TmuxValue)
      ? null
      : `tmux must be one of ${TMUX_VALUES.join(', ')}, not ${typeof r.tmux === 'string' ? JSON.stringify(r.tmux.slice(0, 40)) : describe(r.tmux)}`,
    detailProblem(r.detail),
    r.data === undefined ? null : jsonDataProblem('data', r.data),
  ];
  return checks.find((c) => c !== null) ?? null;
}

function detailProblem(detail: unknown): string | null {
  if (detail === undefined) return null;
  if (!Array.isArray(detail)) return `detail must be a list of {label, value}, not ${describe(detail)}`;
  if (detail.length > MAX_DETAIL_LINES) return `detail has ${detail.length} lines (at most ${MAX_DETAIL_LINES})`;
  for (const [i, line] of detail.entries()) {
    if (!isPlainObject(line)) return `detail[${i}] must be {label, value}, not ${describe(line)}`;
    const why = textProblem(`detail[${i}].label`, line.label, false) ?? textProblem(`detail[${i}].value`, line.value, false);
    if (why) return why;
  }
  return null;
}

/** Why what a collect returned cannot be used, or null; a module's result must be `{ reading, data?, memo? }`. */
export function collectedProblem(collected: unknown): string | null {
  if (!isPlainObject(collected) || !('reading' in collected)) return 'collect returned no { reading } object';
  const c = collected as unknown as Collected;
  if (c.reading !== null) {
    const why = readingProblem(c.reading);
    if (why) return why;
  }
  const dataWhy = c.data === undefined ? null : jsonDataProblem('data', c.data);
  if (dataWhy) return dataWhy;
  return c.memo === undefined ? null : jsonDataProblem('memo', c.memo);
}

/**
 * What a module published: its `data`, or, for a plugin written before `Collected.data`
 * existed, its reading's `data`. The one place that reads the older spelling.
 */
export function publishedData(collected: Collected): unknown {
  return collected.data !== undefined ? collected.data : collected.reading?.data;
}
