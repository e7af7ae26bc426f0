/**
 * The rows of a module's "Data" table in docs/modules.md, from its data declaration (data.ts):
 * field, type, unit and meaning, a list's rows as `name[].field`. options-doc.ts lays them out.
 * Not on any start-up path: only scripts/modules-doc.mjs and the tests load this.
 */
import type { DataDeclaration } from './contract.js';

type Schema = Record<string, unknown>;

/** Each field of the data, in declared order; `name?` when it may be absent. */
export function dataRows(declaration: DataDeclaration): string[][] {
  return fieldRows(declaration.schema as Schema, '');
}

function fieldRows(object: Schema, prefix: string): string[][] {
  const required = new Set(Array.isArray(object.required) ? (object.required as string[]) : []);
  const rows: string[][] = [];
  for (const [name, field] of Object.entries((object.properties ?? {}) as Record<string, Schema>)) {
    const path = `${prefix}${name}`;
    const mark = required.has(name) ? '' : '?';
    rows.push([`\`${path}${mark}\``, dataTypeText(field), text(field.unit), text(field.description)]);
    const items = field.items as Schema | undefined;
    if (field.type === 'array' && items?.type === 'object') rows.push(...fieldRows(items, `${path}[].`));
    else if (field.type === 'object') rows.push(...fieldRows(field, `${path}.`));
  }
  return rows;
}

/** A field's type as TypeScript writes it: `number`, `'host' | 'cgroup'`, `(number | null)[]`, `object[]`. */
export function dataTypeText(s: Schema): string {
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives)) return alternatives.map((a) => dataTypeText(a as Schema)).join(' | ');
  if (s.type === 'array') {
    const item = s.items && typeof s.items === 'object' ? dataTypeText(s.items as Schema) : 'unknown';
    return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
  }
  return typeof s.type === 'string' ? s.type : 'unknown';
}

function literal(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
