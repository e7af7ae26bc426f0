// Loading user plugins: the trust check on the plugin and on everything it imports, and load
// failures reported without stopping the others. The plugins run in worker threads from the
// built dist/plugin-worker.cjs (npm test builds it first).
import { chmodSync, chownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectModule } from '../../src/core/collect.js';
import { stopAllPlugins } from '../../src/core/plugin-host.js';
import { buildRegistry } from '../../src/core/registry.js';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { loadUserPlugins, pluginIdOf, unsafeReason } from '../../src/core/user-plugins.js';
import { requireBuild } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { resolved } from '../helpers/resolved.js';

const GOOD = `export default {
  id: 'hello',
  description: 'says hello',
  options: { schema: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false }, defaults: { name: 'world' } },
  interval: 10,
  collect: (ctx) => ({ reading: { text: 'hello ' + ctx.options.name, state: 'info' } }),
};
`;

/** A plugin whose reading comes from what it imports. */
function importing(id: string, importLine: string, value: string): string {
  return `${importLine}
export default {
  id: '${id}', description: 'imports', interval: 10,
  options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} },
  collect: () => ({ reading: { text: String(${value}), state: 'info' } }),
};
`;
}

describe('user plugins', () => {
  let tree: FixtureTree;
  let config: string;
  let plugins: string;
  /** Write a file under the plugins folder with an exact mode (whatever the runner's umask). */
  const put = (name: string, text: string, mode = 0o644) => {
    const file = join(plugins, name);
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  };
  beforeEach(() => {
    requireBuild();
    tree = fixtureTree();
    config = join(tree.dir, 'config');
    plugins = join(config, 'plugins');
    mkdirSync(plugins, { recursive: true });
    chmodSync(config, 0o755);
    chmodSync(plugins, 0o755);
  });
  afterEach(() => tree.cleanup());
  afterAll(() => stopAllPlugins());

  it('loads a plugin written against the contract, and runs it', async () => {
    put('hello.mjs', GOOD);
    const { modules, problems } = await loadUserPlugins(config);
    expect(problems).toEqual([]);
    expect(modules.map((m) => m.def.id)).toEqual(['hello']);
    const outcome = await collectModule(resolved(modules[0].def), { HOME: tree.dir }, undefined, 10_000);
    expect(outcome.collected?.reading).toEqual({ text: 'hello world', state: 'info' });
  });

  it('refuses a world-writable plugin file with a clear message', async () => {
    const file = put('hello.mjs', GOOD, 0o666);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems[0].message).toBe(`${file} is writable by others (chmod o-w ${file}): refusing to run it`);
  });

  it('refuses a group-writable plugin file (664), though it is yours', async () => {
    const file = put('hello.mjs', GOOD, 0o664);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems).toEqual([{ file, message: `${file} is writable by its group (chmod g-w ${file}): refusing to run it` }]);
  });

  it('refuses a plugin in a world-writable folder', async () => {
    mkdirSync(join(plugins, 'clock'));
    put('clock/index.mjs', GOOD);
    chmodSync(join(plugins, 'clock'), 0o777);
    const { problems } = await loadUserPlugins(config);
    expect(problems[0].message).toMatch(/clock is writable by others \(chmod o-w .*clock\): refusing to run it$/);
  });

  it('follows a symlinked plugins folder (dotfiles) and checks its target by the same rules', async () => {
    const target = join(tree.dir, 'dotfiles', 'shoji-plugins');
    mkdirSync(target, { recursive: true });
    chmodSync(join(tree.dir, 'dotfiles'), 0o755);
    chmodSync(target, 0o755);
    writeFileSync(join(target, 'hello.mjs'), GOOD, { mode: 0o644 });
    chmodSync(join(target, 'hello.mjs'), 0o644);
    // The plugins folder itself is the link.
    const linked = plugins;
    rmSync(linked, { recursive: true });
    symlinkSync(target, linked);
    const ok = await loadUserPlugins(config);
    expect(ok.problems).toEqual([]);
    expect(ok.modules.map((m) => m.def.id)).toEqual(['hello']);

    chmodSync(target, 0o775);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems[0].message).toBe(`${linked} is a symlink to ${target}, and ${target} is writable by its group (chmod g-w ${target}): refusing to run it`);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a file owned by someone else', async () => {
    const file = put('x.mjs', GOOD);
    chownSync(file, 4242, 4242);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems[0].message).toBe(`${file} is owned by uid 4242, not by you (uid 0): refusing to run it`);
  });

  it('accepts a file owned by the user, checking up to the plugins folder only', () => {
    const file = put('x.mjs', GOOD);
    expect(unsafeReason(file, plugins)).toBeNull();
  });

  it('refuses a plugin whose helper anyone can write, naming the helper', async () => {
    put('a.mjs', importing('a', "import { n } from './a-helper.mjs';", 'n'));
    const helper = put('a-helper.mjs', 'export const n = 1;', 0o666);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules.map((m) => m.def.id)).toEqual([]);
    const a = problems.find((p) => p.file.endsWith('a.mjs'))!;
    expect(a.message).toBe(`failed to load: refusing to load ${helper}: ${helper} is writable by others (chmod o-w ${helper})`);
  });

  it('refuses a helper in a folder others can write, outside the plugins folder too', async () => {
    const shared = join(tree.dir, 'shared-lib');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const helper = join(shared, 'lib.mjs');
    writeFileSync(helper, 'export const n = 2;');
    chmodSync(helper, 0o644);
    put('b.mjs', importing('b', `import { n } from ${JSON.stringify(helper)};`, 'n'));
    const { problems } = await loadUserPlugins(config);
    expect(problems[0].message).toBe(`failed to load: refusing to load ${helper}: ${shared} is writable by others (chmod o-w ${shared})`);
    chmodSync(shared, 0o755);
    const fixed = await loadUserPlugins(config);
    expect(fixed.problems).toEqual([]);
  });

  it("checks a package's files as it loads them", async () => {
    const dep = join(plugins, 'withdep', 'node_modules', 'dep');
    mkdirSync(dep, { recursive: true });
    for (const d of [join(plugins, 'withdep'), join(plugins, 'withdep', 'node_modules'), dep]) chmodSync(d, 0o755);
    put('withdep/node_modules/dep/package.json', '{ "name": "dep", "type": "module", "main": "index.js" }');
    put('withdep/node_modules/dep/index.js', "export { n } from './lib.js';");
    const lib = put('withdep/node_modules/dep/lib.js', 'export const n = 6;', 0o664);
    put('withdep/index.mjs', importing('withdep', "import { n } from 'dep';", 'n'));
    const { problems } = await loadUserPlugins(config);
    expect(problems.map((p) => p.message)).toEqual([`failed to load: refusing to load ${lib}: ${lib} is writable by its group (chmod g-w ${lib})`]);
    chmodSync(lib, 0o644);
    expect((await loadUserPlugins(config)).modules.map((m) => m.def.id)).toEqual(['withdep']);
  });

  it('checks what a plugin imports later, at collect time', async () => {
    const helper = put('late-helper.mjs', 'export const n = 3;', 0o666);
    put(
      'late.mjs',
      `export default {
        id: 'late', description: 'imports when it runs', interval: 10,
        options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} },
        async collect() { const { n } = await import('./late-helper.mjs'); return { reading: { text: String(n), state: 'info' } }; },
      };`,
    );
    const { modules } = await loadUserPlugins(config);
    const outcome = await collectModule(resolved(modules[0].def), {}, undefined, 10_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toBe(`refusing to load ${helper}: ${helper} is writable by others (chmod o-w ${helper})`);
  });

  it('checks what CommonJS code requires: a plain .js plugin, and createRequire in an ES module', async () => {
    mkdirSync(join(plugins, 'legacy'));
    chmodSync(join(plugins, 'legacy'), 0o755);
    put(
      'legacy/index.js',
      `const { n } = require('./helper.js');
      module.exports = { id: 'legacy', description: 'CommonJS', interval: 10,
        options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} },
        collect: () => ({ reading: { text: String(n), state: 'info' } }) };`,
    );
    const cjsHelper = put('legacy/helper.js', 'exports.n = 4;', 0o664);
    put('req.mjs', importing('req', "import { createRequire } from 'node:module'; const { n } = createRequire(import.meta.url)('./req-helper.cjs');", 'n'));
    const reqHelper = put('req-helper.cjs', 'exports.n = 5;', 0o666);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      `failed to load: refusing to load ${cjsHelper}: ${cjsHelper} is writable by its group (chmod g-w ${cjsHelper})`,
      `failed to load: refusing to load ${reqHelper}: ${reqHelper} is writable by others (chmod o-w ${reqHelper})`,
    ]);

    chmodSync(cjsHelper, 0o644);
    chmodSync(reqHelper, 0o644);
    const fixed = await loadUserPlugins(config);
    expect(fixed.problems).toEqual([]);
    expect(fixed.modules.map((m) => m.def.id)).toEqual(['legacy', 'req']);
  });

  it('reports a plugin that fails to load or is not a module, and carries on', async () => {
    put('a-broken.mjs', 'export default {');
    put('b-wrong.mjs', 'export default 42;');
    put('c-good.mjs', GOOD);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules.map((m) => m.def.id)).toEqual(['hello']);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^failed to load: /),
      expect.stringMatching(/^the default export is not a shoji module/),
    ]);
  });

  it('keeps the first of two plugins with one id, and says which file has it', async () => {
    const first = put('a-hello.mjs', GOOD);
    const second = put('b-hello.mjs', GOOD);
    const cpu = put('c-cpu.mjs', GOOD.replace("id: 'hello'", "id: 'cpu'"));
    const registry = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: config, env: { HOME: tree.dir } });
    expect(registry.modules.get('hello')?.file).toBe(first);
    expect(registry.modules.get('cpu')?.source).toBe('builtin');
    expect(registry.problems).toEqual([
      { file: second, message: `module id "hello" is already taken by ${first}; rename it` },
      { file: cpu, message: 'module id "cpu" is already taken by a built-in module; rename it' },
    ]);
  });

  it('names a failed plugin after its file, when that is a module id', () => {
    expect(pluginIdOf('/c/plugins/todo.mjs')).toBe('todo');
    expect(pluginIdOf('/c/plugins/todo/index.js')).toBe('todo');
    expect(pluginIdOf('/c/plugins/My Plugin.mjs')).toBeNull();
  });
});
