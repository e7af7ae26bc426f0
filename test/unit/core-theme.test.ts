/**
 * Theme loading (src/core/theme.ts) at its limits: text lengths, separators counted in
 * characters, colours at the edge of each form, the files a theme may come from, and which
 * icon set a locale gets. Real theme files in a temp dir.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { colourProblem, COLOUR_NAMES } from '../../src/core/colour.js';
import { isConfigError, type ConfigProblem } from '../../src/core/config.js';
import { BUILTIN_THEMES, builtinThemesDir, fallbackTheme, loadIconSet, loadTheme, parseThemeText, resolveIconSetName, styleOf } from '../../src/core/theme.js';
import { colour } from '../helpers/theme-style.js';

const FILE = '/t/mine.json';
const states = { idle: { fg: 'red' } };
const text = (t: Record<string, unknown>) => JSON.stringify(t);

function problems(t: Record<string, unknown> | string): ConfigProblem[] {
  try {
    parseThemeText(typeof t === 'string' ? t : text(t), FILE);
  } catch (err) {
    expect(isConfigError(err)).toBe(true);
    return (err as { problems: ConfigProblem[] }).problems;
  }
  return [];
}
const messages = (t: Record<string, unknown> | string) => problems(t).map((p) => `${p.key ?? ''}: ${p.message}`);

describe('colours', () => {
  const forms = `a colour name (${COLOUR_NAMES.join(', ')}), colour0-colour255, a number 0-255 or #rrggbb`;

  it('the 17 names: default, eight colours and their bright forms', () => {
    expect(COLOUR_NAMES).toEqual([
      'default',
      'black',
      'red',
      'green',
      'yellow',
      'blue',
      'magenta',
      'cyan',
      'white',
      'brightblack',
      'brightred',
      'brightgreen',
      'brightyellow',
      'brightblue',
      'brightmagenta',
      'brightcyan',
      'brightwhite',
    ]);
  });

  it('each form at its edges, with the exact reason', () => {
    for (const ok of ['colour7', 'colour007', 'color0', '#ABCDEF', '#abcdef', 0, 128, 255]) expect(colourProblem(ok)).toBeNull();
    expect(colourProblem(256)).toBe('a colour number is 0-255 (got 256)');
    expect(colourProblem(-1)).toBe('a colour number is 0-255 (got -1)');
    expect(colourProblem(0.5)).toBe('a colour number is 0-255 (got 0.5)');
    expect(colourProblem('colour256')).toBe(`unknown colour "colour256": use ${forms}`);
    expect(colourProblem('colour1000')).toBe(`unknown colour "colour1000": use ${forms}`);
    expect(colourProblem('colour')).toBe(`unknown colour "colour": use ${forms}`);
    expect(colourProblem('xcolour1')).toBe(`unknown colour "xcolour1": use ${forms}`);
    expect(colourProblem('colour1x')).toBe(`unknown colour "colour1x": use ${forms}`);
    expect(colourProblem(' red')).toBe(`unknown colour " red": use ${forms}`);
    expect(colourProblem('#abcdef0')).toBe(`unknown colour "#abcdef0": use ${forms}`);
    expect(colourProblem('x#abcdef')).toBe(`unknown colour "x#abcdef": use ${forms}`);
    expect(colourProblem('#abcdeg')).toBe(`unknown colour "#abcdeg": use ${forms}`);
    expect(colourProblem(undefined)).toBe(`must be ${forms} (got nothing)`);
    expect(colourProblem(null)).toBe(`must be ${forms} (got null)`);
  });

  it('a long or hostile value is shown cut at 40 characters, control characters escaped', () => {
    expect(colourProblem('r'.repeat(60))).toBe(`unknown colour "${'r'.repeat(39)}...: use ${forms}`);
    expect(colourProblem('\u001b[31m')).toBe(`unknown colour "\\u001b[31m": use ${forms}`);
  });
});

describe('theme text', () => {
  it('name: required text of at most 64 characters, no control characters', () => {
    expect(messages({ name: 'n'.repeat(64), states })).toEqual([]);
    expect(messages({ name: 'n'.repeat(65), states })).toEqual(['name: must be at most 64 characters']);
    expect(messages({ name: 'a\u202eb', states })).toEqual(['name: must not hold control characters (got "a\\u202eb")']);
    expect(messages({ name: 'a\u007fb', states })).toEqual(['name: must not hold control characters (got "a\\x7fb")']);
    expect(messages({ name: null, states })).toEqual(['name: must be text (got null)']);
  });

  it('description: optional, at most 500 characters, kept on the theme', () => {
    expect(parseThemeText(text({ name: 'n', description: 'd'.repeat(500), states }), FILE).description).toBe('d'.repeat(500));
    expect(parseThemeText(text({ name: 'n', states }), FILE)).not.toHaveProperty('description');
    expect(messages({ name: 'n', description: 'd'.repeat(501), states })).toEqual(['description: must be at most 500 characters']);
    expect(messages({ name: 'n', description: 5, states })).toEqual(['description: must be text (got 5)']);
  });

  it('separator: at most 8 characters (not code units), no control or bidi characters; a space when left out', () => {
    expect(parseThemeText(text({ name: 'n', separator: '天'.repeat(8), states }), FILE).separator).toBe('天'.repeat(8));
    expect(parseThemeText(text({ name: 'n', separator: '🔋'.repeat(8), states }), FILE).separator).toBe('🔋'.repeat(8));
    expect(parseThemeText(text({ name: 'n', separator: '', states }), FILE).separator).toBe('');
    expect(parseThemeText(text({ name: 'n', states }), FILE).separator).toBe(' ');
    expect(messages({ name: 'n', separator: 'x'.repeat(9), states })).toEqual(['separator: must be at most 8 characters (got "xxxxxxxxx")']);
    expect(messages({ name: 'n', separator: '\u2066|', states })).toEqual(['separator: must not hold control characters (got "\\u2066|")']);
    expect(messages({ name: 'n', separator: '\u0085', states })).toEqual(['separator: must not hold control characters (got "\\x85")']);
  });

  it("states left out take idle's style, or none when idle is left out too", () => {
    const t = parseThemeText(text({ name: 'n', states: { warning: { bold: true } } }), FILE);
    expect(t.states).toEqual({ idle: {}, info: {}, good: {}, warning: { bold: true }, critical: {}, failed: {} });
    expect(t.base).toEqual({});
    const u = parseThemeText(text({ name: 'n', base: { bg: 3, reverse: false }, states: { idle: { underscore: true, italics: true } } }), FILE);
    expect(u.base).toEqual({ bg: colour(3), reverse: false });
    expect(u.states.critical).toEqual({ underscore: true, italics: true });
  });

  it('every problem at once, and none of the theme when there is one', () => {
    expect(messages({ states: 1, base: 2, x: 1 })).toEqual([
      'x: unknown key (known: name, description, base, separator, states)',
      ': missing "name"',
      'base: must be an object like {"fg": "red", "bold": true} (got 2)',
      'states: must be an object of states (got 1)',
    ]);
    expect(messages({ name: 'n', base: [], states: { idle: [] } })).toEqual([
      'base: must be an object like {"fg": "red", "bold": true} (got [])',
      'states.idle: must be an object like {"fg": "red", "bold": true} (got [])',
    ]);
    expect(messages('null')).toEqual([': a theme must be a JSON object {"name": ..., "states": {...}}']);
  });

  it('styleOf: an own state, else the failed style', () => {
    const t = parseThemeText(text({ name: 'n', states: { idle: { fg: 'red' }, failed: { fg: 'blue' } } }), FILE);
    expect(styleOf(t, 'idle')).toEqual({ fg: colour('red') });
    expect(styleOf(t, 'nope')).toEqual({ fg: colour('blue') });
    expect(styleOf(t, '__proto__')).toEqual({ fg: colour('blue') });
  });
});

describe('theme files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-theme-files-'));
    mkdirSync(join(dir, 'themes'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("the user's file shadows a built-in theme of the same name; NO_COLOR means monochrome", () => {
    writeFileSync(join(dir, 'themes', 'default.json'), text({ name: 'my default', states }));
    expect(loadTheme('default', dir, {}).name).toBe('my default');
    expect(loadTheme('solarized', dir, {}).name).toBe('solarized');
    expect(loadTheme('solarized', dir, { NO_COLOR: '1' }).name).toBe('monochrome');
    expect(loadTheme('solarized', dir, { NO_COLOR: '' }).name).toBe('solarized');
  });

  it('refuses a name that is not a plain file name, and names the built-ins for an unknown one', () => {
    expect(() => loadTheme('../default', dir, {})).toThrow('theme name "../default" is not a plain file name');
    expect(() => loadTheme('', dir, {})).toThrow('theme name "" is not a plain file name');
    expect(() => loadTheme('nosuch', dir, {})).toThrow(`unknown theme "nosuch" (built-in: ${BUILTIN_THEMES.join(', ')})`);
    expect(BUILTIN_THEMES).toEqual(['default', 'monochrome', 'solarized', 'byobu', 'basic16']);
    writeFileSync(join(dir, 'themes', 'Mine_2.x-y.json'), text({ name: 'odd but plain', states }));
    expect(loadTheme('Mine_2.x-y', dir, {}).name).toBe('odd but plain');
  });

  it('a folder or a file over 64 KiB is refused with the file named', () => {
    mkdirSync(join(dir, 'themes', 'odd.json'));
    expect(() => loadTheme('odd', dir, {})).toThrow(`${join(dir, 'themes', 'odd.json')}: not a regular file`);
    const big = join(dir, 'themes', 'big.json');
    writeFileSync(big, text({ name: 'big', states }).padEnd(64 * 1024, ' '));
    expect(loadTheme('big', dir, {}).name).toBe('big');
    writeFileSync(big, text({ name: 'big', states }).padEnd(64 * 1024 + 1, ' '));
    expect(() => loadTheme('big', dir, {})).toThrow(`${big}: the file is 65537 bytes; a theme may be at most 65536`);
  });

  it('a bad user theme throws a ConfigError naming its file', () => {
    writeFileSync(join(dir, 'themes', 'bad.json'), '{"name": 1, "states": {}}');
    let caught: unknown;
    try {
      loadTheme('bad', dir, {});
    } catch (err) {
      caught = err;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as Error).message).toBe(`${join(dir, 'themes', 'bad.json')}:1:10: name: must be text (got 1)`);
  });

  it("the fallback is shoji's own default, or monochrome under NO_COLOR", () => {
    expect(fallbackTheme({}).name).toBe('default');
    expect(fallbackTheme({ NO_COLOR: 'yes' }).name).toBe('monochrome');
    expect(builtinThemesDir()).toMatch(/themes$/);
  });
});

describe('icon sets', () => {
  it('auto: unicode when the first of LC_ALL, LC_CTYPE, LANG that is set says UTF-8, else ascii', () => {
    expect(resolveIconSetName('auto', { LANG: 'en_US.UTF-8' })).toBe('unicode');
    expect(resolveIconSetName('auto', { LANG: 'en_US.utf8' })).toBe('unicode');
    expect(resolveIconSetName('auto', { LANG: 'C' })).toBe('ascii');
    expect(resolveIconSetName('auto', {})).toBe('ascii');
    expect(resolveIconSetName('auto', { LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe('ascii');
    expect(resolveIconSetName('auto', { LC_CTYPE: 'C.UTF-8', LANG: 'C' })).toBe('unicode');
    expect(resolveIconSetName('auto', { LC_ALL: '', LC_CTYPE: '', LANG: 'C.UTF-8' })).toBe('unicode');
    expect(resolveIconSetName('nerd', { LANG: 'C' })).toBe('nerd');
  });

  it("loads the chosen set from shoji's icons", () => {
    expect(loadIconSet('auto', { LANG: 'C' }).name).toBe('ascii');
    expect(loadIconSet('unicode', {}).name).toBe('unicode');
  });
});
