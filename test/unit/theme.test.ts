import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApp } from '../../src/app/app.js';
import { formatProblem, isConfigError, type ConfigProblem } from '../../src/core/config.js';
import { lineColumn, pathKey, scanJson } from '../../src/core/json-scan.js';
import { colourProblem } from '../../src/core/colour.js';
import { BUILTIN_THEMES, loadTheme, parseThemeText, styleOf, type Theme } from '../../src/core/theme.js';
import { checkConfig } from '../../src/cli/config.js';
import { sideSegments, renderSide } from '../../src/host/render-sides.js';
import { renderScreen } from '../../src/render/screen.js';
import { renderTmux } from '../../src/render/tmux.js';
import type { Segment } from '../../src/render/segments.js';
import { colour } from '../helpers/theme-style.js';

const FILE = '/home/u/.config/shoji/themes/mine.json';

/** A theme file's text, one key a line, with `change` applied to the parsed object first. */
function themeText(change: (t: Record<string, any>) => void = () => {}): string {
  const t: Record<string, any> = {
    name: 'mine',
    base: { fg: 'colour252', bg: 'colour236' },
    separator: ' ',
    states: { idle: { fg: 'colour245' }, warning: { fg: 'yellow', bold: true }, failed: { fg: 'red' } },
  };
  change(t);
  return `${JSON.stringify(t, null, 2)}\n`;
}

function problemsOf(text: string): ConfigProblem[] {
  try {
    parseThemeText(text, FILE);
  } catch (err) {
    expect(isConfigError(err)).toBe(true);
    return (err as { problems: ConfigProblem[] }).problems;
  }
  return [];
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('theme validation', () => {
  it('accepts every built-in theme', () => {
    for (const name of BUILTIN_THEMES) expect(loadTheme(name, '/nonexistent', {}).name).toBe(name);
  });

  it('accepts a good theme and fills missing states from idle', () => {
    const theme = parseThemeText(themeText(), FILE);
    expect(theme.states.good).toEqual({ fg: colour('colour245') });
    expect(theme.states.warning).toEqual({ fg: colour('yellow'), bold: true });
    expect(theme.separator).toBe(' ');
  });

  it.each([
    ['fg: 999', (t: any) => (t.states.idle.fg = 999), 'states.idle.fg', '"fg": 999', /a colour number is 0-255 \(got 999\)/],
    ['fg: true', (t: any) => (t.states.warning.fg = true), 'states.warning.fg', '"fg": true', /must be a colour name .* \(got true\)/],
    ['fg: -1', (t: any) => (t.base.fg = -1), 'base.fg', '"fg": -1', /0-255/],
    ['fg: 1.5', (t: any) => (t.base.fg = 1.5), 'base.fg', '"fg": 1.5', /0-255/],
    ['bg: "colour256"', (t: any) => (t.base.bg = 'colour256'), 'base.bg', '"bg": "colour256"', /unknown colour "colour256"/],
    ['fg: "pink"', (t: any) => (t.states.failed.fg = 'pink'), 'states.failed.fg', '"fg": "pink"', /unknown colour "pink"/],
    ['fg: "#12345"', (t: any) => (t.states.failed.fg = '#12345'), 'states.failed.fg', '"fg": "#12345"', /unknown colour/],
    ['fg: "red,bold"', (t: any) => (t.states.failed.fg = 'red,bold'), 'states.failed.fg', '"fg": "red,bold"', /unknown colour/],
    ['fg: "constructor"', (t: any) => (t.states.failed.fg = 'constructor'), 'states.failed.fg', '"fg": "constructor"', /unknown colour "constructor"/],
    ['bold: "yes"', (t: any) => (t.states.warning.bold = 'yes'), 'states.warning.bold', '"bold": "yes"', /must be true or false \(got "yes"\)/],
    ['separator: 5', (t: any) => (t.separator = 5), 'separator', '"separator": 5', /must be text/],
    ['separator with an escape', (t: any) => (t.separator = '\u001b[2J'), 'separator', '"separator": "\\u001b', /control characters \(got "\\u001b\[2J"\)/],
    ['separator too long', (t: any) => (t.separator = ' | | | | | '), 'separator', '"separator": " |', /at most 8 characters/],
    ['idle: "red"', (t: any) => (t.states.idle = 'red'), 'states.idle', '"idle": "red"', /must be an object like/],
    ['states: []', (t: any) => (t.states = []), 'states', '"states": []', /must be an object of states/],
    ['name: 3', (t: any) => (t.name = 3), 'name', '"name": 3', /must be text/],
  ])("refuses %s, at its value's line and column, with its key", (_label, change, key, written, message) => {
    const text = themeText(change);
    const [p, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    const line = lineOf(text, written);
    const keyEnd = text.split('\n')[line - 1].indexOf(written) + written.indexOf(': ') + 2;
    expect(p).toMatchObject({ file: FILE, key, line, column: keyEnd + 1 });
    expect(p.message).toMatch(message);
  });

  it.each([
    [
      'an unknown state',
      (t: any) => (t.states.bogus = { fg: 'red' }),
      'states.bogus',
      'bogus',
      /unknown state \(known: idle, info, good, warning, critical, failed\)/,
    ],
    [
      'an unknown style key',
      (t: any) => (t.states.idle.blink = true),
      'states.idle.blink',
      'blink',
      /unknown key \(known: fg, bg, bold, italics, underscore, reverse\)/,
    ],
    ['an unknown top-level key', (t: any) => (t.colours = {}), 'colours', 'colours', /unknown key \(known: name, description, base, separator, states\)/],
    [
      '"__proto__" as a state',
      (t: any) => Object.defineProperty(t.states, '__proto__', { value: { bold: true }, enumerable: true }),
      'states.__proto__',
      '__proto__',
      /unknown state/,
    ],
  ])('refuses %s, at the key', (_label, change, key, name, message) => {
    const text = themeText(change);
    const [p] = problemsOf(text);
    const line = lineOf(text, `"${name}":`);
    expect(p).toMatchObject({ file: FILE, key, line, column: text.split('\n')[line - 1].indexOf(`"${name}"`) + 1 });
    expect(p.message).toMatch(message);
  });

  it('reports every problem, each in the format of config problems', () => {
    const text = themeText((t) => {
      t.separator = 5;
      t.states.idle.fg = 999;
    });
    expect(problemsOf(text).map(formatProblem)).toEqual([
      `${FILE}:${lineOf(text, '"separator"')}:16: separator: must be text, e.g. " " or " | " (got 5)`,
      `${FILE}:${lineOf(text, '999')}:13: states.idle.fg: a colour number is 0-255 (got 999)`,
    ]);
  });

  it('refuses a missing name or states', () => {
    expect(problemsOf('{"name": "x"}\n')[0].message).toBe('missing "states"');
    expect(problemsOf('{"states": {}}\n')[0].message).toBe('missing "name"');
    expect(problemsOf('[1]\n')[0]).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/must be a JSON object/) });
  });

  it.each([
    ['a trailing comma', '{\n  "name": "x",\n  "states": {},\n}\n', 4, 1, /comma before "}"/],
    ['a missing comma', '{\n  "name": "x"\n  "states": {}\n}\n', 3, 3, /expected "," or "}", found "\\""/],
    ['an unclosed string', '{\n  "name": "x,\n  "states": {}\n}\n', 2, 11, /a string is not closed on its line/],
    ['a tab inside a string', '{\n  "name": "a\tb"\n}\n', 2, 13, /control character inside a string/],
    ['a single-quoted key', "{\n  'name': 'x'\n}\n", 2, 3, /expected a key in double quotes/],
    ['a comment', '{\n  // mine\n  "name": "x"\n}\n', 2, 3, /expected a key in double quotes, found "\/"/],
    ['an empty file', '', 1, 1, /found the end of the file/],
  ])('reports %s at its exact line and column', (_label, text, line, column, message) => {
    const [p] = problemsOf(text);
    expect(p).toMatchObject({ file: FILE, line, column });
    expect(p.message).toMatch(/^not valid JSON: /);
    expect(p.message).toMatch(message);
  });

  it('never hands a renderer a value that reaches a prototype', () => {
    // "idle": "red" once drew bold italic through String.prototype.bold and .italics.
    expect(problemsOf(themeText((t) => (t.states.idle = 'red')))).toHaveLength(1);
    const theme = parseThemeText(themeText(), FILE);
    expect(Object.keys(theme.states).sort()).toEqual(['critical', 'failed', 'good', 'idle', 'info', 'warning']);
    // A state name from outside is looked up as an own property only.
    expect(styleOf(theme, 'constructor')).toBe(theme.states.failed);
    expect(styleOf(theme, 'toString')).toBe(theme.states.failed);
    expect(styleOf(theme, 'warning')).toBe(theme.states.warning);
  });

  it('knows the colour forms every back end draws', () => {
    for (const ok of ['default', 'red', 'brightwhite', 'colour0', 'color255', '#00ff7F', 0, 255]) expect(colourProblem(ok)).toBeNull();
    for (const bad of ['Red', 'grey', 'colour256', '#fff', 256, -1, 2.5, NaN, null, {}, []]) expect(colourProblem(bad)).not.toBeNull();
  });
});

describe('renderers with a state the theme lacks', () => {
  const theme = loadTheme('default', '/nonexistent', {});
  const icons = { name: 'ascii', icons: {} };
  const seg = (state: string): Segment => ({ id: 'x', text: 'x', state: state as Segment['state'], priority: 50 });

  it('draw it in the failed style instead of throwing', () => {
    for (const state of ['bogus', 'constructor', '__proto__']) {
      expect(renderTmux([seg(state)], { theme, icons })).toContain('fg=colour203');
      expect(() => renderScreen([seg(state)], { theme, icons })).not.toThrow();
    }
  });
});

describe('scanning JSON for positions', () => {
  it('finds keys and values by path', () => {
    const text = '{\n  "a": {"b": [10, {"c": true}]},\n  "d": null\n}';
    const scan = scanJson(text);
    expect(scan.error).toBeUndefined();
    expect(lineColumn(text, scan.keyAt.get(pathKey(['a']))!)).toEqual({ line: 2, column: 3 });
    expect(lineColumn(text, scan.valueAt.get(pathKey(['a', 'b', 1, 'c']))!)).toEqual({ line: 2, column: 25 });
    expect(lineColumn(text, scan.keyAt.get(pathKey(['d']))!)).toEqual({ line: 3, column: 3 });
  });

  it('accepts what JSON.parse accepts and refuses what it refuses', () => {
    const samples = [
      '{}',
      '[]',
      '"x"',
      '-0.5e+3',
      '{"a":"\\u00e9\\n"}',
      '[1,]',
      '{"a":1,}',
      '01',
      '+1',
      '.5',
      '"\\x41"',
      '{"a" 1}',
      'tru',
      '[1] x',
      '{"a":1}{',
    ];
    for (const s of samples) {
      let parses = true;
      try {
        JSON.parse(s);
      } catch {
        parses = false;
      }
      expect(scanJson(s).error === undefined, s).toBe(parses);
    }
  });

  it('stops at a depth no theme has', () => {
    expect(scanJson('['.repeat(10000)).error?.message).toMatch(/nested more than 64 deep/);
  });
});

describe('a bad theme at run time', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, 'cfg', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'cfg', path), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-theme-'));
    env = { SHOJI_CONFIG_DIR: join(dir, 'cfg'), SHOJI_RUNTIME_DIR: join(dir, 'run'), SHOJI_STATE_DIR: join(dir, 'state'), HOME: dir, LANG: 'C.UTF-8' };
    mkdirSync(join(dir, 'cfg'), { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, 'run'), { recursive: true, mode: 0o700 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['"fg": true', (t: any) => (t.states.warning.fg = true)],
    ['"separator": 5', (t: any) => (t.separator = 5)],
    ['"idle": "red"', (t: any) => (t.states.idle = 'red')],
  ])('%s: the default theme and a config failure segment, never a throw while drawing', async (_label, change) => {
    write('config.yaml', 'theme: mine\nright: [load]\n');
    write('themes/mine.json', themeText(change));
    const app = await loadApp(env, { userPlugins: false });
    expect(app.themeError).toMatch(new RegExp(`^${join(dir, 'cfg', 'themes', 'mine.json').replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
    expect(app.theme.name).toBe('default');
    const segments = sideSegments(app, 'right', new Map());
    expect(segments[0]).toMatchObject({ id: 'config', state: 'failed' });
    expect(renderSide('tmux', segments, app)).toContain('config');
    expect(renderSide('screen', segments, app)).toContain('config');
  });

  it("falls back to shoji's own default when the user's default.json is the bad one", async () => {
    write('config.yaml', 'theme: default\n');
    write(
      'themes/default.json',
      themeText((t) => (t.separator = 5)),
    );
    const app = await loadApp(env, { userPlugins: false });
    expect(app.themeError).toMatch(/default\.json:\d+:\d+: separator: must be text/);
    expect((app.theme as Theme).separator).toBe(' ');
  });

  it('is reported by config check with file, line, column and key', async () => {
    write('config.yaml', 'right: [load]\ntheme: mine\n');
    const text = themeText((t) => (t.states.idle.fg = 999));
    write('themes/mine.json', text);
    const problems = await checkConfig(join(dir, 'cfg', 'config.yaml'), env);
    expect(problems).toEqual([`${join(dir, 'cfg', 'themes', 'mine.json')}:${lineOf(text, '999')}:13: states.idle.fg: a colour number is 0-255 (got 999)`]);
  });

  it("an unknown theme name is reported by config check at the config's theme key", async () => {
    write('config.yaml', 'right: [load]\ntheme: nosuch\n');
    const problems = await checkConfig(join(dir, 'cfg', 'config.yaml'), env);
    expect(problems).toEqual([`${join(dir, 'cfg', 'config.yaml')}:2:8: theme: unknown theme "nosuch" (built-in: ${BUILTIN_THEMES.join(', ')})`]);
  });

  it('config check also names the file, line and key of an interval of "0"', async () => {
    write('config.yaml', 'modules:\n  load:\n    interval: "0"\n');
    const problems = await checkConfig(join(dir, 'cfg', 'config.yaml'), env);
    expect(problems).toEqual([
      `${join(dir, 'cfg', 'config.yaml')}:3:15: modules.load.interval: must be more than 0 seconds (got "0"); "once" runs a module only at start`,
    ]);
  });
});
