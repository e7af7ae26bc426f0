/**
 * The live status line's reload (src/host/live.ts): what it watches (the config, a file added
 * to scripts/, a theme added to themes/), what it logs on a reload and on a broken edit, and
 * that it asks nothing of a scheduler it has not started yet; and a host that draws nothing (the
 * exporter), which looks at its config when a reading changes, with a slower timer behind.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/app.js';
import type { ShojiModule } from '../../src/core/contract.js';
import { MIN_INTERVAL_S } from '../../src/core/interval.js';
import type { ResolvedModule } from '../../src/core/resolve.js';
import { LiveStatus } from '../../src/host/live.js';
import { waitFor } from '../helpers/cli.js';
import { resolved } from '../helpers/resolved.js';

describe('the live status line reloads', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let live: LiveStatus | undefined;
  let renders: App[];
  const logText = () => {
    try {
      return readFileSync(join(dir, 'shoji.log'), 'utf8');
    } catch {
      return '';
    }
  };
  /** How many times the log says `what`. */
  const logged = (what: string) => logText().split(what).length - 1;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-live-reload-'));
    env = {
      SHOJI_CONFIG_DIR: join(dir, 'cfg'),
      SHOJI_RUNTIME_DIR: join(dir, 'run'),
      SHOJI_STATE_DIR: join(dir, 'state'),
      SHOJI_LOG: join(dir, 'shoji.log'),
      HOME: dir,
      LANG: 'C.UTF-8',
    };
    mkdirSync(join(dir, 'cfg', 'scripts'), { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, 'cfg', 'themes'), { mode: 0o700 });
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'right: [load]\n');
    renders = [];
  });
  afterEach(() => {
    live?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    live = new LiveStatus({ env, modules: () => [], onRender: (app) => renders.push(app), configPollMs: 50, coalesceMs: 5 });
    await live.start();
    await waitFor('the first render', () => renders.length > 0);
  };

  it('has no statuses and nothing to refresh before it starts', async () => {
    const idle = new LiveStatus({ env, modules: () => [], onRender: () => {} });
    expect(idle.statuses()).toEqual(new Map());
    await expect(idle.refresh('load')).resolves.toBeUndefined();
    expect(() => idle.stop()).not.toThrow();
  });

  it('reloads when the config changes, and logs it', async () => {
    await start();
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'right: [load]\nmax_width: 50\n');
    const app = await waitFor('the new config drawn', () => renders.find((a) => a.config.max_width === 50));
    expect(app.configError).toBeUndefined();
    await waitFor('the reload logged', () => logged('config reloaded') === 1);
  });

  it('reloads when a file is added to scripts/ (the folder, not the config folder, is watched)', async () => {
    await start();
    writeFileSync(join(dir, 'cfg', 'scripts', 'hello'), '#!/bin/sh\necho hi\n', { mode: 0o700 });
    await waitFor('the reload logged', () => logged('config reloaded') === 1);
  });

  it('reloads when a theme is added to themes/', async () => {
    await start();
    writeFileSync(join(dir, 'cfg', 'themes', 'other.json'), '{"name": "other", "states": {"idle": {}}}\n');
    await waitFor('the reload logged', () => logged('config reloaded') === 1);
  });

  it('keeps the last good config on a broken edit, and logs the problem with its message', async () => {
    await start();
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'right: [nope]\n');
    const app = await waitFor('the config problem drawn', () => renders.find((a) => a.configError));
    expect(app.config.right).toEqual(['load']);
    await waitFor('the problem logged', () => logText().includes(`config problem, keeping the last good config:\n`));
    expect(logText()).toContain('unknown module');
    expect(logged('config reloaded')).toBe(0);
  });
});

describe('a host that draws nothing and looks at its config when a reading changes (the exporter)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let live: LiveStatus | undefined;
  const logged = (what: string) => {
    try {
      return readFileSync(join(dir, 'shoji.log'), 'utf8').split(what).length - 1;
    } catch {
      return 0;
    }
  };
  const schema = { schema: { type: 'object', properties: {}, additionalProperties: true }, defaults: {} };
  /** A module collected every quarter second whose reading changes each time (`changing`) or never. */
  const ticker = (changing: boolean): ResolvedModule => {
    let n = 0;
    const def: ShojiModule = {
      id: 'tick',
      description: 'tick',
      options: schema,
      interval: MIN_INTERVAL_S,
      collect: () => ({ reading: { text: changing ? String(++n) : 'same', state: 'idle' } }),
    };
    return resolved(def);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-live-quiet-'));
    env = { SHOJI_CONFIG_DIR: join(dir, 'cfg'), SHOJI_STATE_DIR: join(dir, 'state'), SHOJI_LOG: join(dir, 'shoji.log'), HOME: dir, LANG: 'C.UTF-8' };
    mkdirSync(join(dir, 'cfg'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'right: [load]\n');
  });
  afterEach(() => {
    live?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reloads an edit at the next change once configPollMs has passed, well before its fallback timer', async () => {
    // Looks on a change at most every 1.5 s, else every 15 s: an edit seen within 10 s was seen on a change.
    live = new LiveStatus({ env, modules: () => [ticker(true)], configPollMs: 3_000, configCheckOnChange: true });
    await live.start();
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'right: [load]\nmax_width: 50\n');
    await waitFor('the reload logged', () => logged('config reloaded') === 1, 10_000);
    expect(live.app.config.max_width).toBe(50);
  });

  it('still reloads an edit where no reading changes, on its fallback timer', async () => {
    live = new LiveStatus({ env, modules: () => [ticker(false)], configPollMs: 200, configCheckOnChange: true });
    await live.start();
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'right: [load]\nmax_width: 50\n');
    await waitFor('the reload logged', () => logged('config reloaded') === 1);
    expect(live.app.config.max_width).toBe(50);
  });
});
