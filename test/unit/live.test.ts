import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/app.js';
import { LiveStatus } from '../../src/host/live.js';
import { sideSegments } from '../../src/host/render-sides.js';
import { waitFor } from '../helpers/cli.js';

/** A config whose aliases nest eleven deep: 10^11 values if expanded. */
function billionLaughs(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(i === 1 ? '*a' : `*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('the live status line and a config that goes bad', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let live: LiveStatus | undefined;
  let rendered: App | undefined;
  const cfg = (path: string, text: string) => {
    mkdirSync(join(dir, 'cfg', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'cfg', path), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-live-'));
    env = { SHOJI_CONFIG_DIR: join(dir, 'cfg'), SHOJI_RUNTIME_DIR: join(dir, 'run'), SHOJI_STATE_DIR: join(dir, 'state'), HOME: dir, LANG: 'C.UTF-8' };
    mkdirSync(join(dir, 'cfg'), { mode: 0o700 });
    rendered = undefined;
  });
  afterEach(() => {
    live?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    live = new LiveStatus({ env, modules: () => [], onRender: (app) => (rendered = app), configPollMs: 50, coalesceMs: 5 });
    await live.start();
    await waitFor('the first render', () => rendered);
  };

  it('keeps the last good config and shows the config segment for an alias bomb', async () => {
    cfg('config.yaml', 'right: [load]\nmax_width: 77\n');
    await start();
    expect(rendered!.configError).toBeUndefined();
    cfg('config.yaml', billionLaughs());
    const app = await waitFor('the config problem on the line', () => (rendered?.configError ? rendered : undefined));
    expect(app.configError!.problems[0]).toMatchObject({ file: join(dir, 'cfg', 'config.yaml'), line: 3 });
    expect(app.config.max_width).toBe(77);
    expect(sideSegments(app, 'right', new Map())[0]).toMatchObject({ id: 'config', state: 'failed' });
  });

  it('notices a theme file edited in place, and draws the default with the config segment', async () => {
    cfg('themes/mine.json', '{"name": "mine", "separator": " : ", "states": {"idle": {}}}\n');
    cfg('config.yaml', 'theme: mine\n');
    await start();
    expect(rendered!.theme.separator).toBe(' : ');
    // Same folder, same file: only the file's own mtime and size change.
    cfg('themes/mine.json', '{"name": "mine", "separator": 5, "states": {"idle": {}}}\n');
    const app = await waitFor('the theme problem on the line', () => (rendered?.themeError ? rendered : undefined));
    expect(app.themeError).toMatch(/mine\.json:1:31: separator: must be text/);
    expect(app.theme.name).toBe('default');
    expect(sideSegments(app, 'right', new Map())[0]).toMatchObject({ id: 'config', state: 'failed' });
  });
});
