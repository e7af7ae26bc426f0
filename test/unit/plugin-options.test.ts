// A user's plugin declares its options one by one, as the built-in modules do (docs/plugins.md):
// the host makes the schema that validates config.yaml and the defaults from them. Plugins
// written with the older { schema, defaults } keep working (user-plugins.test.ts loads those).
// The plugins run in worker threads from the built dist/plugin-worker.cjs (npm test builds it).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/core/config.js';
import { validateConfigText } from '../../src/core/config-validate.js';
import { stopAllPlugins } from '../../src/core/plugin-host.js';
import { buildRegistry, moduleSchemas } from '../../src/core/registry.js';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { loadUserPlugins } from '../../src/core/user-plugins.js';
import { requireBuild } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../helpers/context.js';

const DECLARED = `export default {
  id: 'greet',
  description: 'says hello',
  options: {
    name: { type: 'string', minLength: 1, default: 'world', description: 'who to greet' },
    times: { type: 'integer', minimum: 1, description: 'how many times (unset: once)' },
  },
  interval: 10,
  collect: (ctx) => ({ reading: { text: ('hello ' + ctx.options.name + ' ').repeat(ctx.options.times ?? 1).trim(), state: 'info' } }),
};
`;

describe('a user plugin declaring its options', () => {
  let tree: FixtureTree;
  let config: string;
  const put = (name: string, text: string) => {
    const file = join(config, 'plugins', name);
    writeFileSync(file, text);
    chmodSync(file, 0o644);
    return file;
  };
  beforeEach(() => {
    requireBuild();
    tree = fixtureTree();
    config = join(tree.dir, 'config');
    mkdirSync(join(config, 'plugins'), { recursive: true });
    chmodSync(config, 0o755);
    chmodSync(join(config, 'plugins'), 0o755);
  });
  afterEach(() => tree.cleanup());
  afterAll(() => stopAllPlugins());

  it('gets the schema and the defaults made from its declarations, and runs with them', async () => {
    put('greet.mjs', DECLARED);
    const { modules, problems } = await loadUserPlugins(config);
    expect(problems).toEqual([]);
    const def = modules[0].def;
    expect(def.options.defaults).toEqual({ name: 'world' });
    expect(def.options.schema).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, default: 'world', description: 'who to greet' },
        times: { type: 'integer', minimum: 1, description: 'how many times (unset: once)' },
      },
      additionalProperties: false,
    });
    expect((await def.collect(moduleContext(def, tree), undefined)).reading?.text).toBe('hello world');
    expect((await def.collect(moduleContext(def, tree, { name: 'you', times: 2 }), undefined)).reading?.text).toBe('hello you hello you');
  });

  it('has config.yaml checked against its declarations: a wrong value, and a key it does not declare', async () => {
    put('greet.mjs', DECLARED);
    const registry = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: config, env: { HOME: tree.dir } });
    const file = join(config, 'config.yaml');
    const problems = async (text: string) => {
      try {
        await validateConfigText(text, file, moduleSchemas(registry));
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems.map(formatProblem);
      }
    };
    expect(await problems('modules:\n  greet:\n    name: you\n    times: 3\n')).toEqual([]);
    expect(await problems('modules:\n  greet:\n    times: 0\n')).toEqual([`${file}:3:12: modules.greet.times: must be >= 1`]);
    expect(await problems('modules:\n  greet:\n    loud: true\n')).toEqual([
      `${file}:3:5: modules.greet.loud: unknown key for module greet (known: name, times, interval, timeout, priority, enabled, alert, format, format_short)`,
    ]);
  });

  it('fails to load, naming the option, when a declaration is not a schema', async () => {
    const file = put('greet.mjs', DECLARED.replace("name: { type: 'string', minLength: 1, default: 'world', description: 'who to greet' }", "name: 'world'"));
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems).toEqual([{ file, message: 'its options: option "name" must be declared as a JSON Schema object ({ type, default, description })' }]);
  });
});
