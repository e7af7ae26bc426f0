/**
 * What a module publishes (Collected.data), declared once.
 *
 * A module declares its data's fields with TypeBox builders, as it does its options: each with a
 * `description` and, where it has one, a `unit` ('bytes/s', 'ratio (0–1)'); a field that may be
 * absent T.Optional(...), one that may be null T.Union([..., T.Null()]), a list of rows
 * T.Array(T.Object({...})). From that one declaration come:
 * - the data's TypeScript type (DataOf), which the module's collect must return;
 * - the module's "Data" table in docs/modules.md (options-doc.ts, run by scripts/modules-doc.mjs);
 * - a JSON Schema with every object closed (additionalProperties false), which the tests check
 *   what each built-in module really publishes against (test/unit/plugins/published-data.test.ts),
 *   and which user dashboards and exporters may read.
 *
 * The fields are given as a function, run the first time something reads `schema` (the docs,
 * the tests): the host itself never validates data, and TypeBox's builders cost ~5 µs a call
 * (~20 µs for T.Optional or T.Union). Built as each module loads, the built-in modules' data made
 * `shoji status` run ~0.6% more instructions (3.5 M, callgrind, median of 5); built lazily, it
 * costs nothing measurable. Options are built eagerly because the host needs their defaults.
 */
import * as T from 'typebox';
import type { Static, TObject, TProperties } from 'typebox';
import type { DataDeclaration } from './contract.js';

/** The schema a declaration builds: an object of the declared fields, closed to any other. */
export type DataSchema<P extends TProperties> = TObject<P> & { additionalProperties: false };

/** One module's declared data; `schema` is built on first read and kept. */
export class DeclaredData<P extends TProperties> implements DataDeclaration {
  #fields: () => P;
  #description: string;
  #schema: DataSchema<P> | undefined;

  constructor(fields: () => P, description: string) {
    this.#fields = fields;
    this.#description = description;
  }

  get schema(): DataSchema<P> {
    this.#schema ??= closeObjects(T.Object(this.#fields(), { description: this.#description })) as DataSchema<P>;
    return this.#schema;
  }
}

/** The TypeScript type of a declaration's data: what the module's collect returns as `data`. */
export type DataOf<D> = D extends DeclaredData<infer P> ? Static<TObject<P>> : never;

/**
 * Declares a module's data: its fields (in the docs' order) and, as `description`, when it is
 * published ("Published at every collect.", "Nothing without a battery.").
 */
export function declareData<const P extends TProperties>(fields: () => P, about: { description: string }): DeclaredData<P> {
  return new DeclaredData(fields, about.description);
}

/**
 * Closes every object in a schema (the data's own and its rows') to fields it does not declare,
 * unless the declaration says otherwise: a field published but not declared is then an error.
 */
function closeObjects<S>(schema: S): S {
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' && s.properties !== undefined && s.additionalProperties === undefined) s.additionalProperties = false;
  const inner = [s.items, ...Object.values(s.properties ?? {}), ...[s.anyOf, s.oneOf, s.allOf].flatMap((list) => (Array.isArray(list) ? list : []))];
  for (const child of inner) if (typeof child === 'object' && child !== null) closeObjects(child);
  return schema;
}
