/**
 * Every built-in module's options come from one declaration each (src/core/options.ts): its
 * defaults pass its own schema, the config validator refuses a key it does not declare, an
 * option without a default is typed as optional, and docs/modules.md is what the declarations
 * (of options and of data) say today (scripts/modules-doc.mjs writes it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import * as T from 'typebox';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { ConfigError, formatProblem, HOST_MODULE_KEYS, type ModuleSchemas, OWNABLE_HOST_KEYS } from '../../src/core/config.js';
import { validateConfigText } from '../../src/core/config-validate.js';
import type { OptionDeclaration } from '../../src/core/contract.js';
import { declareData } from '../../src/core/data.js';
import { dataRows } from '../../src/core/data-doc.js';
import { declareOptions, optionsFromExport } from '../../src/core/options.js';
import { modulesDoc, typeText } from '../../src/core/options-doc.js';
import { ec2CostOptions } from '../../src/ec2/options.js';
import { EBS_TYPES } from '../../src/ec2/rates.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = '/c/config.yaml';
const SCHEMAS: ModuleSchemas = { schemas: new Map(BUILTIN_MODULES.map((m) => [m.id, m.options.schema])), layoutAliases: ['custom'] };

async function problemsOf(text: string): Promise<string[]> {
  try {
    await validateConfigText(text, FILE, SCHEMAS);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map(formatProblem);
  }
  return [];
}

const declared = (m: (typeof BUILTIN_MODULES)[number]) => Object.entries(m.options.schema.properties as Record<string, OptionDeclaration>);

describe.each(BUILTIN_MODULES.map((m) => [m.id, m] as const))('module %s', (id, m) => {
  it('its defaults pass its own schema (ajv, as the config validator runs it)', () => {
    const validate = new Ajv({ allErrors: true, strict: false, strictNumbers: true }).compile(m.options.schema);
    expect(validate(m.options.defaults), JSON.stringify(validate.errors)).toBe(true);
  });

  it('its defaults, written into config.yaml, are a valid config', async () => {
    expect(await problemsOf(stringify({ modules: { [id]: m.options.defaults } }))).toEqual([]);
  });

  it('a key it does not declare is refused, naming the keys it takes', async () => {
    const own = declared(m).map(([name]) => name);
    const known = [...own, ...HOST_MODULE_KEYS.filter((k) => !own.includes(k))].join(', ');
    expect(await problemsOf(`modules:\n  ${id}:\n    no_such_option: 1\n`)).toEqual([
      `${FILE}:3:5: modules.${id}.no_such_option: unknown key for module ${id} (known: ${known})`,
    ]);
  });

  it('declares each option with a description, and a default or T.Optional (so its type says it may be absent)', () => {
    for (const [name, option] of declared(m)) {
      expect(option.description, `${id}.${name}`).toMatch(/\S/);
      expect('default' in option || T.IsOptional(option), `${id}.${name} has no default and is not T.Optional`).toBe(true);
    }
  });

  it('leaves the host keys to the host (but for those a module may own: its strftime `format`)', () => {
    for (const key of HOST_MODULE_KEYS.filter((k) => !OWNABLE_HOST_KEYS.includes(k))) expect(m.options.schema.properties).not.toHaveProperty(key);
  });
});

describe('docs/modules.md', () => {
  it('is what the declarations say now', () => {
    const written = readFileSync(join(ROOT, 'docs', 'modules.md'), 'utf8');
    const now = modulesDoc(join(ROOT, 'plugins'), BUILTIN_MODULES);
    expect(written, 'docs/modules.md is out of date with plugins/: run `npm run docs:modules`').toBe(now);
  });

  it("names each option's values in words", () => {
    expect(typeText({ type: 'boolean' })).toBe('boolean');
    expect(typeText({ enum: [4, 6] })).toBe('one of: 4, 6');
    expect(typeText({ type: 'number', minimum: 0 })).toBe('number >= 0');
    expect(typeText({ type: 'number', minimum: 0, maximum: 10 })).toBe('number, 0 to 10');
    expect(typeText({ type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 })).toBe('list of non-empty strings, at least 1');
  });

  it("gives each data field's type as TypeScript writes it, and a list's rows as name[].field", () => {
    const data = declareData(
      () => ({
        cores: T.Array(T.Union([T.Number(), T.Null()]), { unit: 'ratio (0–1)', description: 'each core' }),
        scope: T.Enum(['host', 'cgroup'], { description: 'what' }),
        family: T.Union([T.Literal(4), T.Literal(6)], { description: 'IP version' }),
        seconds: T.Optional(T.Integer({ unit: 'seconds', description: 'left' })),
        estimate: T.Literal(true, { description: 'always' }),
        rows: T.Array(T.Object({ name: T.String({ description: 'its name' }) }), { description: 'each row' }),
      }),
      { description: 'test' },
    );
    expect(dataRows(data)).toEqual([
      ['`cores`', '(number | null)[]', 'ratio (0–1)', 'each core'],
      ['`scope`', "'host' | 'cgroup'", '', 'what'],
      ['`family`', '4 | 6', '', 'IP version'],
      ['`seconds?`', 'integer', 'seconds', 'left'],
      ['`estimate`', 'true', '', 'always'],
      ['`rows`', 'object[]', '', 'each row'],
      ['`rows[].name`', 'string', '', 'its name'],
    ]);
  });
});

describe('declareOptions', () => {
  it('makes the schema and the defaults from one declaration per option, in order', () => {
    const options = declareOptions({
      per_core: T.Boolean({ default: false, description: 'each core too' }),
      scope: T.Enum(['auto', 'host'], { default: 'auto', description: 'what to measure' }),
      region: T.Optional(T.String({ minLength: 1, description: 'where' })),
    });
    expect(JSON.parse(JSON.stringify(options.schema))).toEqual({
      type: 'object',
      properties: {
        per_core: { type: 'boolean', default: false, description: 'each core too' },
        scope: { enum: ['auto', 'host'], default: 'auto', description: 'what to measure' },
        region: { type: 'string', minLength: 1, description: 'where' },
      },
      additionalProperties: false,
    });
    expect(options.defaults).toEqual({ per_core: false, scope: 'auto' });
    expect(Object.keys(options.schema.properties)).toEqual(['per_core', 'scope', 'region']);
  });

  it("ec2-cost's EBS types are the ones rates.ts prices", () => {
    expect(ec2CostOptions.schema.properties.ebs_type.enum).toEqual([...EBS_TYPES]);
  });
});

describe("a plugin's exported options", () => {
  it('the older { schema, defaults } is taken as it is', () => {
    const older = { schema: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false }, defaults: { name: 'world' } };
    expect(optionsFromExport(older)).toBe(older);
    const noDefaults = { schema: { type: 'object', properties: {} } };
    expect(optionsFromExport(noDefaults)).toBe(noDefaults);
  });

  it('declarations become the schema and the defaults', () => {
    const options = optionsFromExport({
      name: { type: 'string', default: 'world', description: 'who to greet' },
      loud: { type: 'boolean', description: 'shout' },
    });
    expect(options).toEqual({
      schema: {
        type: 'object',
        properties: { name: { type: 'string', default: 'world', description: 'who to greet' }, loud: { type: 'boolean', description: 'shout' } },
        additionalProperties: false,
      },
      defaults: { name: 'world' },
    });
  });

  it('anything else is refused, naming the option', () => {
    expect(() => optionsFromExport({ name: 'world' })).toThrow('option "name" must be declared as a JSON Schema object ({ type, default, description })');
    expect(() => optionsFromExport([])).toThrow('options must be an object: one declaration per option');
    expect(() => optionsFromExport(null)).toThrow('options must be an object: one declaration per option');
  });
});
