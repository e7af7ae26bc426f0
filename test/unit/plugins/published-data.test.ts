/**
 * What the built-in modules publish (Collected.data) against what they declare (ShojiModule.data,
 * src/core/data.ts), from which docs/modules.md's data tables are generated (module-options.test.ts
 * checks that page is current). Each built-in module, and a script module, collects twice from a
 * fixture host under a temp dir (the counters move in between, so rates are published), and what
 * it publishes must validate against its declaration with ajv: a field published but not
 * declared fails, a declared field that is not optional and missing fails, a wrong type fails.
 * Every declared field, optional ones and the fields of a list's rows included, must also turn
 * up here at least once, or the declaration is untested.
 *
 * A module the fixture host cannot make publish (new hardware, a service) does not pass
 * silently, nor does it need an edit here: it counts as covered when its own test file,
 * test/unit/plugins/<id>.test.ts, checks its data with expectDataAsDeclared
 * (test/helpers/published-data.ts), which fails that test on any difference. Read from the file's
 * text, because test files run apart from each other. So a new module is one folder in plugins/
 * and one test file; otherwise this test fails, naming the module.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as T from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../../src/app/builtins.js';
import type { AnyModule, Collected, DataDeclaration } from '../../../src/core/contract.js';
import { declareData } from '../../../src/core/data.js';
import { findScripts, scriptModule } from '../../../src/core/scripts.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';
import { FIXTURE_OPTIONS as OPTIONS, fixtureHost as host } from '../../helpers/fixture-host.js';
import { dataProblems, expectDataAsDeclared } from '../../helpers/published-data.js';

const PLUGIN_TESTS = import.meta.dirname;

/** Whether a module's own test file checks its published data against its declaration (comments aside). */
function checksItsOwnData(id: string, dir = PLUGIN_TESTS): boolean {
  const file = join(dir, `${id}.test.ts`);
  if (!existsSync(file)) return false;
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  return /\bexpectDataAsDeclared\(/.test(code);
}

type Schema = Record<string, unknown>;

/** The declared fields without a description. */
function undescribed(object: Schema, where: string): string[] {
  return Object.entries((object.properties ?? {}) as Record<string, Schema>).flatMap(([name, field]) => {
    const items = field.items as Schema | undefined;
    const rows = field.type === 'array' && items?.type === 'object' ? undescribed(items, `${where}.${name}[]`) : [];
    return [...(typeof field.description === 'string' && /\S/.test(field.description) ? [] : [`${where}.${name}`]), ...rows];
  });
}

/**
 * The declared fields no sample has (`mounts[].ratio` when no row had it), and a list of rows
 * that was always empty (its rows' fields unchecked).
 */
function unseenFields(id: string, declaration: DataDeclaration, samples: unknown[]): string[] {
  return unseen(declaration.schema as Schema, samples, id);
}

function unseen(object: Schema, samples: unknown[], where: string): string[] {
  const found: string[] = [];
  const records = samples.filter((v): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v));
  for (const [name, field] of Object.entries((object.properties ?? {}) as Record<string, Schema>)) {
    const values = records.filter((r) => name in r).map((r) => r[name]);
    if (values.length === 0) {
      found.push(`${where}.${name} was never published here`);
      continue;
    }
    const items = field.items as Schema | undefined;
    if (field.type === 'array' && items?.type === 'object') {
      const rows = values.flatMap((v) => (Array.isArray(v) ? v : []));
      if (rows.length === 0) found.push(`${where}.${name}[] never had a row here`);
      else found.push(...unseen(items, rows, `${where}.${name}[]`));
    }
  }
  return found;
}

/** Modules that read a server rather than the host (fleet: Prometheus): their own test runs them against one. */
const READS_A_SERVER = new Set(['fleet']);

let tree: FixtureTree;
/** Each module collected here (built-ins by id, the script module as custom:NAME) and what it published. */
const published = new Map<string, { module: AnyModule; data: unknown[] }>();

beforeAll(async () => {
  tree = fixtureTree();
  const { tick } = host(tree);
  const env = { PATH: process.env.PATH, SHOJI_CACHE_DIR: join(tree.dir, 'cache'), AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' };
  const script = scriptModule(findScripts([join(tree.dir, 'scripts')])[0]) as AnyModule;
  const modules: [string, AnyModule][] = [...BUILTIN_MODULES.map((m): [string, AnyModule] => [m.id, m]), ['custom:NAME', script]];
  for (const [id, module] of modules) {
    if (READS_A_SERVER.has(id)) {
      published.set(id, { module, data: [] });
      continue;
    }
    tick(0);
    const ctx = moduleContext(module, tree, OPTIONS[id] ?? {}, env);
    const first: Collected = await module.collect(ctx, undefined);
    tick(1);
    ctx.clock.advance(2000);
    const second: Collected = await module.collect(ctx, first.memo);
    published.set(id, { module, data: [first.data, second.data].filter((d) => d !== undefined) });
  }
});
afterAll(() => tree.cleanup());

describe('what the built-in modules publish is what they declare', () => {
  it('every built-in module, and every script module, declares its data', () => {
    const undeclared = [...published].filter(([, p]) => p.module.data === undefined).map(([id]) => id);
    expect(undeclared).toEqual([]);
  });

  it("describes each field, the fields of a list's rows included (docs/modules.md shows them)", () => {
    const bare = [...published].flatMap(([id, p]) => (p.module.data ? undescribed(p.module.data.schema as Schema, id) : []));
    expect(bare).toEqual([]);
  });

  it('what each module publishes from the fixture host validates against its declaration', () => {
    const problems = [...published].flatMap(([id, p]) => (p.module.data ? p.data.flatMap((d) => dataProblems(id, p.module.data!, d)) : []));
    expect([...new Set(problems)]).toEqual([]);
  });

  it('each declared field turns up here, or the module checks its data in its own test file', () => {
    const uncovered: string[] = [];
    for (const [id, p] of published) {
      if (!p.module.data || checksItsOwnData(id)) continue;
      if (p.data.length === 0) {
        uncovered.push(`${id} publishes nothing from the fixture host, and test/unit/plugins/${id}.test.ts does not check its data with expectDataAsDeclared`);
      } else uncovered.push(...unseenFields(id, p.module.data, p.data));
    }
    expect(uncovered).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const declared = declareData(
    () => ({
      rx: T.Number({ unit: 'bytes/s', description: 'received' }),
      mode: T.Enum(['a', 'b'], { description: 'mode' }),
      cores: T.Array(T.Union([T.Number(), T.Null()]), { description: 'cores' }),
      left: T.Optional(T.Number({ description: 'left' })),
      items: T.Array(T.Object({ name: T.String({ description: 'name' }) }), { description: 'items' }),
    }),
    { description: 'test data' },
  );
  const good = { rx: 1, mode: 'a', cores: [0.5, null], items: [{ name: 'x' }] };

  it('accepts data as declared, with or without an optional field', () => {
    expect(dataProblems('m', declared, good)).toEqual([]);
    expect(dataProblems('m', declared, { ...good, left: 3 })).toEqual([]);
  });

  it('names an undeclared field, a missing one, a wrong type and a field of a row', () => {
    expect(dataProblems('m', declared, { ...good, extra: 1 })).toEqual(['m.extra is published but not declared']);
    const { rx: _rx, ...noRx } = good;
    expect(dataProblems('m', declared, noRx)).toEqual(['m.rx is declared but not published']);
    expect(dataProblems('m', declared, { ...good, mode: 'c' })).toEqual(['m.mode must be equal to one of the allowed values']);
    expect(dataProblems('m', declared, { ...good, cores: [0.5, 'x'] })).toContain('m.cores[1] must match a schema in anyOf');
    expect(dataProblems('m', declared, { ...good, items: [{ name: 'x', size: 1 }] })).toEqual(['m.items[0].size is published but not declared']);
  });

  it('names a declared field no sample had, and a list of rows that was always empty', () => {
    expect(unseenFields('m', declared, [good, { ...good, left: 1 }])).toEqual([]);
    expect(unseenFields('m', declared, [good])).toEqual(['m.left was never published here']);
    expect(unseenFields('m', declared, [{ ...good, left: 1, items: [] }])).toEqual(['m.items[] never had a row here']);
  });

  it('counts a module as covered when its own test file calls expectDataAsDeclared', () => {
    const dir = join(tree.dir, 'plugin-tests');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'fan.test.ts'), "it('publishes', async () => expectDataAsDeclared(fan, (await fan.collect(ctx)).data));\n");
    writeFileSync(join(dir, 'pump.test.ts'), "it('shows', async () => expect((await pump.collect(ctx)).reading).toBeDefined());\n");
    writeFileSync(join(dir, 'valve.test.ts'), '// expectDataAsDeclared(valve, data)\n/* expectDataAsDeclared(valve, data) */\n');
    expect(checksItsOwnData('fan', dir)).toBe(true);
    expect(checksItsOwnData('pump', dir)).toBe(false);
    expect(checksItsOwnData('valve', dir)).toBe(false);
    expect(checksItsOwnData('tap', dir)).toBe(false);
  });

  it('expectDataAsDeclared passes data as declared and fails, naming the field, on a difference', () => {
    const module = { ...BUILTIN_MODULES[0], id: 'm', data: declared };
    expectDataAsDeclared(module, good);
    expect(() => expectDataAsDeclared(module, { ...good, extra: 1 })).toThrow('m.extra is published but not declared');
    expect(() => expectDataAsDeclared({ ...module, data: undefined }, good)).toThrow('m declares no data');
  });
});

describe('declareData', () => {
  it('builds the schema when first read, once, with every object in it closed to undeclared fields', () => {
    let built = 0;
    const declared = declareData(
      () => {
        built++;
        return {
          total: T.Number({ unit: 'bytes', description: 'all' }),
          rows: T.Array(T.Object({ name: T.String({ description: 'name' }) }), { description: 'each' }),
          left: T.Optional(T.Number({ description: 'left' })),
        };
      },
      { description: 'Published at every collect.' },
    );
    expect(built).toBe(0);
    const schema = declared.schema;
    expect(declared.schema).toBe(schema);
    expect(built).toBe(1);
    expect(JSON.parse(JSON.stringify(schema))).toEqual({
      type: 'object',
      description: 'Published at every collect.',
      required: ['total', 'rows'],
      properties: {
        total: { type: 'number', unit: 'bytes', description: 'all' },
        rows: {
          type: 'array',
          description: 'each',
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'name' } }, additionalProperties: false },
        },
        left: { type: 'number', description: 'left' },
      },
      additionalProperties: false,
    });
  });
});
