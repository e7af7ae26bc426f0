/**
 * Both sides of the status line from one back end (src/host/render-sides.ts): each format goes
 * to its own renderer with the app's theme, width and locale, the ANSI renderer only once it is
 * loaded, a config or theme problem shown first on the right only, and the sides joined.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApp, type App } from '../../src/app/app.js';
import { FORMATS, joinSides, prepareFormat, renderOptions, renderSide, sideIds, sideSegments } from '../../src/host/render-sides.js';
import { renderPlain } from '../../src/render/plain.js';
import { renderScreen } from '../../src/render/screen.js';
import type { Segment } from '../../src/render/segments.js';
import { renderTmux } from '../../src/render/tmux.js';

const SEGMENTS: Segment[] = [
  { id: 'load', text: 'load 0.52', state: 'idle', priority: 10 },
  { id: 'mem', text: 'mem 41%', state: 'warning', icon: 'warning', priority: 5 },
  { id: 'disk', text: 'disk 93% · /home', state: 'critical', priority: 1 },
];

let dir: string;
let app: App;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-sides-'));
  mkdirSync(join(dir, 'cfg'), { mode: 0o700 });
  writeFileSync(join(dir, 'cfg', 'config.yaml'), 'left: [hostname]\nright: [load, memory]\nmax_width: 0\n');
  const env = {
    HOME: dir,
    SHOJI_CONFIG_DIR: join(dir, 'cfg'),
    SHOJI_RUNTIME_DIR: join(dir, 'run'),
    SHOJI_STATE_DIR: join(dir, 'state'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  };
  app = await loadApp(env);
  expect(app.configError).toBeUndefined();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rendering a side', () => {
  // First in the file: nothing has loaded the ANSI renderer yet.
  it('refuses ANSI until prepareFormat("ansi") has loaded its renderer', async () => {
    expect(() => renderSide('ansi', SEGMENTS, app)).toThrow('prepareFormat("ansi") must run before rendering ANSI');
    await prepareFormat('plain');
    expect(() => renderSide('ansi', SEGMENTS, app)).toThrow(/prepareFormat/);
    await prepareFormat('ansi');
    expect(renderSide('ansi', SEGMENTS, app)).toContain('load 0.52');
  });

  it("sends each format to its own renderer, with the app's theme and icons", () => {
    const ro = renderOptions(app);
    expect(renderSide('tmux', SEGMENTS, app)).toBe(renderTmux(SEGMENTS, ro));
    expect(renderSide('screen', SEGMENTS, app)).toBe(renderScreen(SEGMENTS, ro));
    expect(renderSide('plain', SEGMENTS, app)).toBe(renderPlain(SEGMENTS, ro));
    expect(renderSide('tmux', SEGMENTS, app)).toContain('#[');
    expect(renderSide('screen', SEGMENTS, app)).toContain('\x05{');
    expect(renderSide('plain', SEGMENTS, app)).not.toMatch(/#\[|\x05|\x1b/);
  });

  it('draws ANSI at colour level 2 unless told another', async () => {
    await prepareFormat('ansi');
    const two = renderSide('ansi', SEGMENTS, app);
    expect(renderSide('ansi', SEGMENTS, app, { colourLevel: 2 })).toBe(two);
    expect(two).toContain('\x1b[');
    expect(renderSide('ansi', SEGMENTS, app, { colourLevel: 0 })).not.toContain('\x1b');
  });

  it("fits a side to the width asked for, else to the config's max_width", () => {
    const whole = renderSide('plain', SEGMENTS, app);
    const narrow = renderSide('plain', SEGMENTS, app, { width: 12 });
    expect(narrow.length).toBeLessThanOrEqual(12);
    expect(narrow.length).toBeLessThan(whole.length);
    expect(renderOptions(app, 12).maxWidth).toBe(12);
    expect(renderOptions(app).maxWidth).toBe(0);
    const capped = { ...app, config: { ...app.config, max_width: 12 } };
    expect(renderSide('plain', SEGMENTS, capped)).toBe(narrow);
    expect(renderOptions(capped, 30).maxWidth).toBe(30);
  });

  it('draws ASCII under a locale that is not UTF-8', () => {
    expect(renderOptions(app).ascii).toBe(false);
    const c = { ...app, env: { ...app.env, LANG: 'C', LC_ALL: 'C' } };
    expect(renderOptions(c).ascii).toBe(true);
    expect(renderSide('plain', SEGMENTS, app)).toContain('·');
    expect(renderSide('plain', SEGMENTS, c)).not.toMatch(/[^\x00-\x7f]/);
    expect(renderOptions(c).theme).toBe(app.theme);
    expect(renderOptions(c).icons).toBe(app.icons);
  });
});

describe("a side's segments", () => {
  it('are the layout of that side', () => {
    expect(sideIds(app, 'left')).toEqual(['hostname']);
    expect(sideIds(app, 'right')).toEqual(['load', 'memory']);
  });

  it('show a config or theme problem first on the right, and never on the left', () => {
    const config = { id: 'config', text: 'config', state: 'failed', icon: 'failed', priority: 1000 };
    expect(sideSegments(app, 'right', new Map()).some((s) => s.id === 'config')).toBe(false);
    const broken = { ...app, themeError: 'mine.json:1:2: bad' };
    expect(sideSegments(broken, 'right', new Map())[0]).toEqual(config);
    expect(sideSegments(broken, 'left', new Map()).some((s) => s.id === 'config')).toBe(false);
    const badConfig = { ...app, configError: { message: 'x', problems: [] } as unknown as App['configError'] };
    expect(sideSegments(badConfig, 'right', new Map())[0]).toEqual(config);
    expect(sideSegments(badConfig, 'left', new Map()).some((s) => s.id === 'config')).toBe(false);
  });
});

describe('joining the sides', () => {
  it('puts two spaces between two sides, and none when one is empty', () => {
    expect(joinSides('plain', 'left', 'right')).toBe('left  right');
    expect(joinSides('tmux', 'left', '')).toBe('left');
    expect(joinSides('ansi', '', 'right')).toBe('right');
    expect(joinSides('plain', '', '')).toBe('');
  });

  it('lets screen pad between them', () => {
    // \x05= is screen's "pad here" (renderScreenLine), also with an empty side.
    expect(joinSides('screen', 'left', 'right')).toBe('left\x05=right');
    expect(joinSides('screen', '', 'right')).toBe('\x05=right');
  });

  it('knows the five formats', () => {
    expect(FORMATS).toEqual(['tmux', 'screen', 'ansi', 'plain', 'json']);
  });
});
