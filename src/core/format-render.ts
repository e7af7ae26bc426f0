/**
 * A parsed format (format.ts) filled in from a module's data: each placeholder's value as its
 * field's unit reads (format-value.ts) or as a sparkline of its history (spark.ts); an optional
 * part left out when a placeholder directly in it has no value; "--" for one with no value
 * outside any. The result is plain text: the renderers escape it for tmux and screen as they
 * escape any module's text.
 */
import type { FieldInfo } from './format-fields.js';
import type { Part, Placeholder, Template } from './format.js';
import { formatValue, isPercentUnit, pad } from './format-value.js';
import { sparkline } from './spark.js';

/** What a placeholder shows when its field has no value, outside an optional part: what modules show for "no value yet". */
export const NO_VALUE = '--';

export interface FillInput {
  data: unknown;
  /** Each placeholder's field as the module declares it; undefined where it declares none. */
  fieldOf(p: Placeholder): FieldInfo | undefined;
  /** Recent values by placeholder name (newest last), for sparklines. */
  history?: Readonly<Record<string, readonly number[]>>;
  /** Draw sparklines in ASCII (a locale that is not UTF-8). */
  ascii: boolean;
}

/** The template's text for this data. */
export function fillTemplate(template: Template, input: FillInput): string {
  return fillParts(template.parts, input, false) ?? '';
}

/** The parts' text; null when `optional` and a placeholder among them has no value. */
function fillParts(parts: readonly Part[], input: FillInput, optional: boolean): string | null {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (part.type === 'optional') out += fillParts(part.parts, input, true) ?? '';
    else {
      const text = placeholderText(part, input);
      if (text === null && optional) return null;
      out += text ?? pad(NO_VALUE, part.spec, false);
    }
  }
  return out;
}

function placeholderText(p: Placeholder, input: FillInput): string | null {
  const value = valueAt(input.data, p.path);
  const field = input.fieldOf(p);
  if (p.spec.spark === undefined) return formatValue(value, p.spec, field?.unit);
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const ring = input.history?.[p.name];
  const values = ring && ring.length > 0 ? ring.slice(-p.spec.spark) : [value];
  return sparkline(values, sparkTop(field?.unit), input.ascii);
}

/** The top of a sparkline's scale: 1 for a ratio, 100 for a percentage, else the window's largest (undefined). */
export function sparkTop(unit: string | undefined): number | undefined {
  if (unit?.startsWith('ratio')) return 1;
  if (isPercentUnit(unit)) return 100;
  return undefined;
}

/** The value a path leads to in the data: own keys of objects, indexes of lists; undefined when it leads nowhere. */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let at = data;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(at)) return undefined;
      at = at[segment];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, segment)) return undefined;
      at = (at as Record<string, unknown>)[segment];
    }
  }
  return at;
}
