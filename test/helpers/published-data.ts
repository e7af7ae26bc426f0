/**
 * What a module publishes (Collected.data) against what it declares (ShojiModule.data,
 * src/core/data.ts), with ajv as strict as it goes: every object in a declaration is closed, so a
 * field published but not declared fails, and so does a declared required field left out.
 *
 * A module's own test file calls expectDataAsDeclared on the data its fixtures make it publish;
 * test/unit/plugins/published-data.test.ts then counts that module as covered (see there).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import type { AnyModule, DataDeclaration } from '../../src/core/contract.js';

const ajv = new Ajv({ allErrors: true, strict: true, strictNumbers: true });
// A field's unit is part of its declaration (docs/modules.md shows it), not a constraint.
ajv.addVocabulary(['unit']);
const compiled = new WeakMap<object, ValidateFunction>();

/** Each way `data` differs from what `declaration` says, as "id.field ..."; [] when it matches. */
export function dataProblems(id: string, declaration: DataDeclaration, data: unknown): string[] {
  const schema = declaration.schema;
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(data) ? [] : (validate.errors ?? []).map((e) => problem(id, e));
}

/** Fails, naming every field that differs, unless `data` is what `module` declares it publishes. */
export function expectDataAsDeclared(module: AnyModule, data: unknown): void {
  expect(module.data, `${module.id} declares no data (ShojiModule.data)`).toBeDefined();
  expect(data, `${module.id} published no data here`).toBeDefined();
  const problems = dataProblems(module.id, module.data!, data);
  expect(problems, problems.join('; ')).toEqual([]);
}

function problem(id: string, e: ErrorObject): string {
  // "/mounts/0/ratio" -> "disk.mounts[0].ratio"
  const where = id + e.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${where}.${e.params.additionalProperty} is published but not declared`;
  if (e.keyword === 'required') return `${where}.${e.params.missingProperty} is declared but not published`;
  return `${where} ${e.message}`;
}
