/**
 * The built shoji validates a config with the validator compiled at build time when the modules
 * are the built-in ones (scripts/build.mjs), and compiles one with ajv when they are not (a user's
 * plugin changes the schema). Which bundles a run loaded is read from Node's module cache at its
 * exit, by a file Node itself preloads (NODE_OPTIONS=--require), so nothing in shoji is there for
 * the test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

const PLUGIN = `export default {
  id: 'beans', description: 'counts beans',
  options: { schema: { type: 'object', properties: { jar: { type: 'string' } }, additionalProperties: false }, defaults: {} },
  interval: 60,
  collect() { return { reading: { text: 'beans', state: 'normal' } }; },
};
`;

/** `shoji config check` on this config text: its output, and the lazy bundles the run loaded. */
async function check(text: string): Promise<{ output: string; loaded: string[] }> {
  writeFileSync(join(sb.configDir, 'config.yaml'), text);
  const hook = join(sb.dir, 'loaded.cjs');
  const list = join(sb.dir, 'loaded.txt');
  writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join('\\n')));\n`);
  const r = await runShoji(['config', 'check'], { ...sb.env, NODE_OPTIONS: `--require ${hook}` });
  const output = r.stdout + r.stderr;
  const loaded = readFileSync(list, 'utf8')
    .split('\n')
    .flatMap((file) => /\/dist\/lazy\/([\w-]+)\.cjs$/.exec(file)?.[1] ?? []);
  expect(loaded, output).toContain('config-validate');
  return { output, loaded };
}

describe('validating a config', () => {
  it('with the built-in modules: by the validator compiled at build time, with ajv never loaded', async () => {
    const good = await check('right: [cpu, load]\nmodules:\n  cpu:\n    warning: 70\n');
    expect(good.output).toContain('config.yaml: ok');
    expect(good.loaded).not.toContain('ajv');
    const bad = await check('right: [cpu, load]\nmodules:\n  cpu:\n    warning: seventy\n    colour: red\n');
    expect(bad.loaded).not.toContain('ajv');
    expect(bad.output).toMatch(/config\.yaml:4:14: modules\.cpu\.warning: must be number/);
    expect(bad.output).toMatch(/config\.yaml:5:\d+: modules\.cpu\.colour: unknown key/);
  });

  it("with a user's plugin: by ajv, compiled for the schema the plugin adds to", async () => {
    mkdirSync(join(sb.configDir, 'plugins'), { mode: 0o755 });
    writeFileSync(join(sb.configDir, 'plugins', 'beans.mjs'), PLUGIN, { mode: 0o644 });
    const bad = await check('right: [cpu, beans]\nmodules:\n  beans:\n    jar: 3\n  cpu:\n    warning: seventy\n');
    expect(bad.loaded).toContain('ajv');
    expect(bad.output).toMatch(/config\.yaml:4:10: modules\.beans\.jar: must be string/);
    expect(bad.output).toMatch(/config\.yaml:6:14: modules\.cpu\.warning: must be number/);
  });
});
