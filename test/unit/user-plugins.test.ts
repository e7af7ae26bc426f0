import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadUserPlugins, unsafeReason } from '../../src/core/user-plugins.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';

const GOOD = `export default {
  id: 'hello',
  description: 'says hello',
  options: { schema: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false }, defaults: { name: 'world' } },
  interval: 10,
  collect: (ctx) => ({ reading: { text: 'hello ' + ctx.options.name, state: 'info' } }),
};
`;

describe('user plugins', () => {
  let tree: FixtureTree;
  let config: string;
  beforeEach(() => {
    tree = fixtureTree();
    config = join(tree.dir, 'config');
    mkdirSync(join(config, 'plugins'), { recursive: true, mode: 0o755 });
    chmodSync(join(config, 'plugins'), 0o755);
  });
  afterEach(() => tree.cleanup());

  it('loads a plugin written against the contract', async () => {
    writeFileSync(join(config, 'plugins', 'hello.mjs'), GOOD, { mode: 0o644 });
    const { modules, problems } = await loadUserPlugins(config);
    expect(problems).toEqual([]);
    expect(modules.map((m) => m.def.id)).toEqual(['hello']);
  });

  it('refuses a world-writable plugin file with a clear message', async () => {
    const file = join(config, 'plugins', 'hello.mjs');
    writeFileSync(file, GOOD);
    chmodSync(file, 0o666);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems[0].message).toBe(`${file} is world-writable: refusing to run it (chmod o-w ${file})`);
  });

  it('refuses a plugin in a world-writable folder', async () => {
    mkdirSync(join(config, 'plugins', 'clock'));
    writeFileSync(join(config, 'plugins', 'clock', 'index.mjs'), GOOD, { mode: 0o644 });
    chmodSync(join(config, 'plugins', 'clock'), 0o777);
    const { problems } = await loadUserPlugins(config);
    expect(problems[0].message).toMatch(/clock is world-writable/);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a file owned by someone else', async () => {
    const file = join(config, 'plugins', 'x.mjs');
    writeFileSync(file, GOOD, { mode: 0o644 });
    chownSync(file, 4242, 4242);
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems[0].message).toBe(`${file} is owned by uid 4242, not by you (uid 0): refusing to run it`);
  });

  it('accepts a file owned by the user, checking up to the plugins folder only', () => {
    const file = join(config, 'plugins', 'x.mjs');
    writeFileSync(file, GOOD, { mode: 0o644 });
    expect(unsafeReason(file, join(config, 'plugins'))).toBeNull();
  });

  it('reports a plugin that fails to load or is not a module, and carries on', async () => {
    writeFileSync(join(config, 'plugins', 'a-broken.mjs'), 'export default {', { mode: 0o644 });
    writeFileSync(join(config, 'plugins', 'b-wrong.mjs'), 'export default 42;', { mode: 0o644 });
    writeFileSync(join(config, 'plugins', 'c-good.mjs'), GOOD, { mode: 0o644 });
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules.map((m) => m.def.id)).toEqual(['hello']);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^failed to load: /),
      expect.stringMatching(/^the default export is not a shoji module/),
    ]);
  });
});
