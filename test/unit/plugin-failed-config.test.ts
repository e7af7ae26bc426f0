// A plugin that fails to load, or is refused, must not take the user's config down with it:
// the layout naming it, its options and the theme stay in force, and it shows as failed with
// the reason (review A23: the whole config became "unknown module" and fell back to defaults).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApp } from '../../src/app/app.js';
import { collectModule } from '../../src/core/collect.js';
import { stopAllPlugins } from '../../src/core/plugin-host.js';
import { toSegments } from '../../src/core/view.js';
import { newStatus, recordOutcome } from '../../src/core/scheduler.js';
import { requireBuild } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';

const CONFIG = `theme: solarized
left: [hostname]
right: [todo, load, datetime]
modules:
  todo:
    file: /home/me/todo.txt
  load:
    priority: 90
`;

describe('a plugin that cannot be loaded', () => {
  let tree: FixtureTree;
  let env: NodeJS.ProcessEnv;
  let plugins: string;
  beforeEach(() => {
    requireBuild();
    tree = fixtureTree();
    const config = join(tree.dir, 'config');
    plugins = join(config, 'plugins');
    mkdirSync(plugins, { recursive: true });
    chmodSync(config, 0o755);
    chmodSync(plugins, 0o755);
    writeFileSync(join(config, 'config.yaml'), CONFIG);
    env = {
      HOME: join(tree.dir, 'home'),
      LANG: 'C.UTF-8',
      SHOJI_CONFIG_DIR: config,
      SHOJI_STATE_DIR: join(tree.dir, 'state'),
      SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
      SHOJI_RUNTIME_DIR: join(tree.dir, 'run'),
    };
  });
  afterEach(() => tree.cleanup());
  afterAll(() => stopAllPlugins());

  async function expectKeptWithFailedTodo(reason: RegExp): Promise<void> {
    const app = await loadApp(env);
    expect(app.configError?.message).toBeUndefined();
    expect(app.config.theme).toBe('solarized');
    expect(app.theme.name).toBe('solarized');
    expect(app.config.right).toEqual(['todo', 'load', 'datetime']);
    expect(app.config.modules.load).toEqual({ priority: 90 });
    expect(app.registry.problems).toEqual([{ file: join(plugins, 'todo.mjs'), message: expect.stringMatching(reason) }]);

    // On the line it is a failed segment, and its reason is the load problem.
    const todo = app.modules.all.get('todo')!;
    expect(todo.source).toBe('plugin');
    const status = newStatus('todo');
    recordOutcome(status, await collectModule(todo, env, undefined, 5000));
    expect(status.error).toMatch(reason);
    expect(toSegments([todo], new Map([['todo', status]]))).toEqual([{ id: 'todo', text: 'todo', state: 'failed', icon: 'failed', priority: 50 }]);
  }

  it('keeps the layout, its options and the theme when it fails to import', async () => {
    writeFileSync(join(plugins, 'todo.mjs'), 'export default {', { mode: 0o644 });
    chmodSync(join(plugins, 'todo.mjs'), 0o644);
    await expectKeptWithFailedTodo(/^failed to load: /);
  });

  it('keeps them when it is refused by the trust check', async () => {
    writeFileSync(join(plugins, 'todo.mjs'), 'export default {};');
    chmodSync(join(plugins, 'todo.mjs'), 0o664);
    await expectKeptWithFailedTodo(/is writable by its group .*: refusing to run it$/);
  });

  it('still reports a module the layout names that exists nowhere', async () => {
    writeFileSync(join(tree.dir, 'config', 'config.yaml'), 'right: [nosuchthing]\n');
    const app = await loadApp(env);
    expect(app.configError?.message).toMatch(/right\.0: unknown module/);
  });
});
