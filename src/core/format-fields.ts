/**
 * A format's placeholders against a module's data declaration (data.ts): which field each names,
 * what it is (a number and its unit, text, a list of values) and whether its spec suits it.
 * `shoji config check` reports what does not fit (config-validate.ts); the renderer takes each
 * number's unit from here (format-value.ts), so that `{used}` reads "2.1G" as memory's text does.
 */
import type { DataDeclaration } from './contract.js';
import type { Placeholder, Template } from './format.js';

type Schema = Record<string, unknown>;

/** What one placeholder's field is. */
export interface FieldInfo {
  /** number: shown with its unit; text: a string, an enum or a boolean; list: values joined by ", ". */
  shape: 'number' | 'text' | 'list';
  unit?: string;
}

/** The field a path names in a declaration's schema, or why it names none. */
export function fieldAt(declaration: DataDeclaration, path: readonly (string | number)[]): FieldInfo | string {
  let at: Schema = declaration.schema as Schema;
  let walked = '';
  for (const segment of path) {
    const here = walked === '' ? 'the data' : walked;
    if (typeof segment === 'number') {
      const items = listItems(at);
      if (!items) return `${here} is not a list: it has no row ${segment}`;
      at = items;
    } else {
      const object = objectOf(at);
      const props = object?.properties as Record<string, Schema> | undefined;
      if (!props || !Object.hasOwn(props, segment)) {
        const known = props ? Object.keys(props).join(', ') : '';
        if (listItems(at)) return `${here} is a list: name a row by its index (${here}.0.${segment})`;
        return `${here === 'the data' ? 'the module' : here} has no field "${segment}"${known ? ` (fields: ${known})` : ''}`;
      }
      at = props[segment];
    }
    walked = walked === '' ? String(segment) : `${walked}.${segment}`;
  }
  return infoOf(at, walked);
}

/** The placeholders of a template that name no field of the declaration, or whose spec does not suit it: one reason each. */
export function templateProblems(template: Template, declaration: DataDeclaration | undefined): { placeholder: Placeholder; message: string }[] {
  const problems: { placeholder: Placeholder; message: string }[] = [];
  for (const p of template.placeholders) {
    // A module that declares no data (a user's plugin may not): its names cannot be checked.
    if (!declaration) continue;
    const info = fieldAt(declaration, p.path);
    const why = typeof info === 'string' ? info : specProblem(p, info);
    if (why) problems.push({ placeholder: p, message: `{${p.name}}: ${why}` });
  }
  return problems;
}

/** Why a spec does not suit its field (a sparkline of text, a byte unit on a percentage), or null. */
export function specProblem(p: Placeholder, info: FieldInfo): string | null {
  const { spec } = p;
  if (info.shape !== 'number') {
    if (spec.spark !== undefined) return `a sparkline needs a number; "${p.name}" is ${info.shape === 'text' ? 'text' : 'a list'}`;
    if (spec.kind !== undefined || spec.precision !== undefined)
      return `"${p.name}" is ${info.shape === 'text' ? 'text' : 'a list'}: only a width and an alignment apply`;
  }
  return null;
}

function infoOf(s: Schema, name: string): FieldInfo | string {
  const unit = unitOf(s);
  const types = typesOf(s);
  if (types.has('object')) return `"${name}" is a group of fields: name one (${name}.${firstKey(s)})`;
  if (types.has('array')) {
    const items = listItems(s);
    if (items && typesOf(items).has('object')) return `"${name}" is a list of rows: name a row's field (${name}.0.${firstKey(items)})`;
    return { shape: 'list', ...(unit ? { unit } : {}) };
  }
  if (types.has('number') || types.has('integer')) return { shape: 'number', ...(unit ? { unit } : {}) };
  return { shape: 'text' };
}

/** The JSON types a schema allows: its `type`, its anyOf's, an enum's or a const's values'. */
function typesOf(s: Schema): Set<string> {
  const out = new Set<string>();
  if (typeof s.type === 'string') out.add(s.type);
  if (Array.isArray(s.type)) for (const t of s.type) out.add(String(t));
  for (const branch of alternatives(s)) for (const t of typesOf(branch)) out.add(t);
  if ('const' in s) out.add(typeof s.const === 'number' ? 'number' : 'string');
  if (Array.isArray(s.enum)) for (const v of s.enum) out.add(typeof v === 'number' ? 'number' : 'string');
  out.delete('null');
  return out;
}

function alternatives(s: Schema): Schema[] {
  const list = s.anyOf ?? s.oneOf;
  return Array.isArray(list) ? (list as Schema[]) : [];
}

function unitOf(s: Schema): string | undefined {
  if (typeof s.unit === 'string') return s.unit;
  for (const branch of alternatives(s)) if (typeof branch.unit === 'string') return branch.unit;
  const items = listItems(s);
  return items && typeof items.unit === 'string' ? items.unit : undefined;
}

function objectOf(s: Schema): Schema | undefined {
  if (s.properties) return s;
  return alternatives(s).find((b) => b.properties);
}

function listItems(s: Schema): Schema | undefined {
  if (s.type === 'array' && s.items && typeof s.items === 'object') return s.items as Schema;
  for (const b of alternatives(s)) if (b.type === 'array' && b.items && typeof b.items === 'object') return b.items as Schema;
  return undefined;
}

function firstKey(s: Schema): string {
  const props = objectOf(s)?.properties as Record<string, unknown> | undefined;
  return props ? (Object.keys(props)[0] ?? 'field') : 'field';
}

/**
 * Every placeholder a declaration offers, for docs/modules.md: top-level fields by name, a
 * row's field as `name.N.field`, with its unit, in declared order.
 */
export function placeholderNames(declaration: DataDeclaration): string[] {
  const out: string[] = [];
  const walk = (object: Schema, prefix: string) => {
    for (const [name, field] of Object.entries((objectOf(object)?.properties ?? {}) as Record<string, Schema>)) {
      const path = `${prefix}${name}`;
      const info = infoOf(field, path);
      if (typeof info !== 'string') out.push(path);
      else {
        const items = listItems(field);
        if (items && typesOf(items).has('object')) walk(items, `${path}.N.`);
        else if (typesOf(field).has('object')) walk(field, `${path}.`);
      }
    }
  };
  walk(declaration.schema as Schema, '');
  return out;
}
