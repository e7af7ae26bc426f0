/**
 * Module options, each declared once.
 *
 * A module declares an option as a JSON Schema of its value that also carries its `default` and
 * its `description`; built-in modules build them with TypeBox (`T.Boolean({ default: false,
 * description: '...' })`). From that one declaration come:
 * - the schema the host validates the user's config with (config-validate.ts adds the host's
 *   keys, interval, timeout, priority and enabled, and rejects unknown ones);
 * - the defaults the host lays the user's keys over;
 * - the options' TypeScript type (OptionsOf), which ctx.options has;
 * - the option rows of docs/modules.md (options-doc.ts, run by scripts/modules-doc.mjs).
 * An option without a default is absent until the user sets one: declare it T.Optional(...),
 * so that its type says so too (test/unit/module-options.test.ts holds every built-in to that).
 *
 * TypeBox 1.x gives the builders and the type inference (it works with TypeScript 7). Imported
 * as `import * as T from 'typebox'`, esbuild keeps only the builders the modules call: 24 KB more
 * status bundle, and a `shoji status` with nothing to collect took 1.1-1.6% longer (paired runs,
 * medians; 1.1% more instructions), where hand-written builders cost 0.2%: under the 2% allowed
 * for not writing and maintaining them. (@sinclair/typebox 0.34 kept 114 KB for the same calls.)
 * This file needs TypeBox's types only, so the plugin worker, which reads users' declarations,
 * loads none of it.
 */
import type { Static, TObject, TProperties } from 'typebox';
import type { ModuleOptions, OptionDeclaration, OptionDeclarations } from './contract.js';

/** A module's declared options: the host's form, with each declaration kept in the schema. */
export interface DeclaredOptions<P extends TProperties> extends ModuleOptions<Static<TObject<P>>> {
  schema: { type: 'object'; properties: P; additionalProperties: false };
}

/** The options type of a declaration: what ctx.options holds (options with a default always present). */
export type OptionsOf<D extends ModuleOptions<unknown>> = D['defaults'];

/** Schema and defaults from one declaration per option (the order given is the docs' order). */
export function declareOptions<const P extends TProperties>(declared: P): DeclaredOptions<P> {
  const defaults: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(declared)) {
    if ('default' in option) defaults[name] = option.default;
  }
  return {
    schema: { type: 'object', properties: declared, additionalProperties: false },
    defaults: defaults as Static<TObject<P>>,
  };
}

/** The options of a module that has none of its own (the host's interval, priority... still apply). */
export const noOptions = declareOptions({});
/** ctx.options of a module without options of its own. */
export type NoOptions = OptionsOf<typeof noOptions>;

/**
 * The host's form of what a module exported as `options`: the older `{ schema, defaults }` as it
 * is, a declaration per option turned into it. Throws, naming the option, when neither.
 */
export function optionsFromExport(exported: unknown): ModuleOptions<Record<string, unknown>> {
  if (!isObject(exported)) throw new Error('options must be an object: one declaration per option');
  if (isOlderForm(exported)) return exported as unknown as ModuleOptions<Record<string, unknown>>;
  for (const [name, option] of Object.entries(exported)) {
    if (!isObject(option)) throw new Error(`option "${name}" must be declared as a JSON Schema object ({ type, default, description })`);
  }
  return declareOptions(exported as OptionDeclarations as TProperties);
}

/**
 * `{ schema, defaults }`, the form plugins were written in before declarations (defaults could be
 * left out). A declaration whose only options are named "schema" (and "defaults") is the one
 * thing this reads the other way; docs/plugins.md says so.
 */
function isOlderForm(options: Record<string, unknown>): boolean {
  const keys = Object.keys(options);
  return keys.includes('schema') && keys.every((k) => k === 'schema' || k === 'defaults') && isObject(options.schema);
}

function isObject(x: unknown): x is Record<string, unknown> & OptionDeclaration {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
