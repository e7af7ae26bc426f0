/**
 * config.yaml validation (src/core/config-validate.ts) at each bound the schema sets, with the
 * exact message and position a user reads from `shoji config check`, and the result's defaults.
 * Also the config problem format and the config loader's size and cache guards (config.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  configFile,
  DEFAULT_CONFIG,
  formatProblem,
  isConfigError,
  loadConfig,
  MAX_CONFIG_BYTES,
  type ModuleSchemas,
} from '../../src/core/config.js';
import { keyPosition, syntaxMessage, validateConfigText } from '../../src/core/config-validate.js';

const FILE = '/c/config.yaml';
const schemas: ModuleSchemas = {
  schemas: new Map<string, Record<string, unknown>>([
    ['cpu', { type: 'object', properties: { warning: { type: 'number' } }, additionalProperties: false }],
    ['load', { type: 'object', properties: {}, additionalProperties: false }],
    ['broken', { type: 'object', additionalProperties: true }],
  ]),
  layoutAliases: ['custom'],
};

async function problemsOf(text: string): Promise<string[]> {
  try {
    await validateConfigText(text, FILE, schemas);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map(formatProblem);
  }
  return [];
}

describe("the schema's bounds", () => {
  it('dashboard refresh 0.25-30 s and process_interval 0.5-600 s, inclusive', async () => {
    expect(await problemsOf('dashboard:\n  refresh: 0.25\n  process_interval: 0.5\n')).toEqual([]);
    expect(await problemsOf('dashboard:\n  refresh: 30\n  process_interval: 600\n')).toEqual([]);
    expect(await problemsOf('dashboard:\n  refresh: 0.2\n')).toEqual([`${FILE}:2:12: dashboard.refresh: must be >= 0.25`]);
    expect(await problemsOf('dashboard:\n  refresh: 31\n')).toEqual([`${FILE}:2:12: dashboard.refresh: must be <= 30`]);
    expect(await problemsOf('dashboard:\n  process_interval: 0.4\n')).toEqual([`${FILE}:2:21: dashboard.process_interval: must be >= 0.5`]);
    expect(await problemsOf('dashboard:\n  process_interval: 601\n')).toEqual([`${FILE}:2:21: dashboard.process_interval: must be <= 600`]);
    expect(await problemsOf('dashboard:\n  fps: 3\n')).toEqual([`${FILE}:2:3: dashboard.fps: unknown key (known: refresh, process_interval)`]);
  });

  it('a module timeout over 0 and at most 3600 s; enabled a boolean; priority a number', async () => {
    expect(await problemsOf('modules:\n  cpu:\n    timeout: 3600\n    enabled: false\n    priority: -2\n')).toEqual([]);
    expect(await problemsOf('modules:\n  cpu:\n    timeout: 0\n')).toEqual([`${FILE}:3:14: modules.cpu.timeout: must be > 0`]);
    expect(await problemsOf('modules:\n  cpu:\n    enabled: "yes"\n')).toEqual([`${FILE}:3:14: modules.cpu.enabled: must be boolean`]);
    expect(await problemsOf('modules:\n  cpu:\n    priority: high\n')).toEqual([`${FILE}:3:15: modules.cpu.priority: must be number`]);
  });

  it('a layout of at most 100 names', async () => {
    expect(await problemsOf(`right: [${Array(100).fill('cpu').join(', ')}]\n`)).toEqual([]);
    expect(await problemsOf(`right: [${Array(101).fill('cpu').join(', ')}]\n`)).toEqual([`${FILE}:1:8: right: must NOT have more than 100 items`]);
  });

  it('layout names: modules and aliases, the list named in the message', async () => {
    expect(await problemsOf('left: [custom, load]\n')).toEqual([]);
    expect(await problemsOf('left: [load, nope]\n')).toEqual([`${FILE}:1:14: left.1: unknown module (known: cpu, load, broken, custom)`]);
  });

  it('theme a plain name, icons one of four, max_width a whole number from 0, byobu_scripts a boolean', async () => {
    expect(await problemsOf('theme: my_theme-2.x\nicons: nerd\nmax_width: 0\nbyobu_scripts: false\n')).toEqual([]);
    expect(await problemsOf('theme: ../x\n')).toEqual([`${FILE}:1:8: theme: must match pattern "^[A-Za-z0-9_.-]+$"`]);
    expect(await problemsOf('icons: emoji\n')).toEqual([`${FILE}:1:8: icons: must be one of: auto, ascii, unicode, nerd`]);
    expect(await problemsOf('max_width: -1\n')).toEqual([`${FILE}:1:12: max_width: must be >= 0`]);
    expect(await problemsOf('max_width: 1.5\n')).toEqual([`${FILE}:1:12: max_width: must be integer`]);
    expect(await problemsOf('max_width: -.inf\n')).toEqual([`${FILE}:1:12: max_width: must be a finite number (got -.inf)`]);
    expect(await problemsOf('byobu_scripts: 1\n')).toEqual([`${FILE}:1:16: byobu_scripts: must be boolean`]);
  });

  it('unknown keys: at the top, for a module, and a module that takes any key', async () => {
    expect(await problemsOf('colour: red\n')).toEqual([
      `${FILE}:1:1: colour: unknown key (known: theme, icons, left, right, max_width, byobu_scripts, modules, dashboard)`,
    ]);
    expect(await problemsOf('modules:\n  nope: {}\n')).toEqual([`${FILE}:2:3: modules.nope: unknown module (known: broken, cpu, load)`]);
    expect(await problemsOf('modules:\n  load:\n    x: 1\n')).toEqual([
      `${FILE}:3:5: modules.load.x: unknown key for module load (known: interval, timeout, priority, enabled, alert, format, format_short)`,
    ]);
    expect(await problemsOf('modules:\n  cpu:\n    x: 1\n')).toEqual([
      `${FILE}:3:5: modules.cpu.x: unknown key for module cpu (known: warning, interval, timeout, priority, enabled, alert, format, format_short)`,
    ]);
    expect(await problemsOf('modules:\n  broken:\n    anything: [1, 2]\n    timeout: 0\n')).toEqual([`${FILE}:4:14: modules.broken.timeout: must be > 0`]);
  });

  it("a mapping where a module's options should be is required", async () => {
    expect(await problemsOf('modules:\n  cpu: 5\n')).toEqual([`${FILE}:2:8: modules.cpu: must be object`]);
  });
});

describe('the result', () => {
  it('defaults for what is left out; dashboard keys merged one by one', async () => {
    const c = await validateConfigText('right: [load]\ndashboard:\n  refresh: 2\n', FILE, schemas);
    expect(c).toEqual({ ...DEFAULT_CONFIG, right: ['load'], dashboard: { refresh: 2, process_interval: 3 } });
    expect(c.modules).not.toBe(DEFAULT_CONFIG.modules);
    expect(await validateConfigText('', FILE, schemas)).toEqual(DEFAULT_CONFIG);
    expect(await validateConfigText('# nothing\n', FILE, schemas)).toEqual(DEFAULT_CONFIG);
  });
});

describe('problems', () => {
  it('more than 20 are cut, with a count of the rest', async () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: 1`).join('\n');
    expect(await problemsOf(keys(20))).toHaveLength(20);
    const p21 = await problemsOf(keys(21));
    expect(p21).toHaveLength(21);
    expect(p21[20]).toBe(`${FILE}: and 1 more problem (fix these first)`);
    const p23 = await problemsOf(keys(23));
    expect(p23[20]).toBe(`${FILE}: and 3 more problems (fix these first)`);
  });

  it('a duplicate key, at the second, with the line of the first; 1 and "1" are one key', async () => {
    expect(await problemsOf('theme: a\nicons: auto\ntheme: b\n')).toEqual([`${FILE}:3:1: duplicate key "theme" (first at line 1)`]);
    expect(await problemsOf('modules:\n  cpu:\n    1: a\n    "1": b\n')).toEqual([`${FILE}:4:5: duplicate key "1" (first at line 3)`]);
  });

  it('a key with control characters is shown escaped', async () => {
    const [p] = await problemsOf('"a\\x1bb": 1\n');
    expect(p).toBe(`${FILE}:1:1: a\\x1bb: unknown key (known: theme, icons, left, right, max_width, byobu_scripts, modules, dashboard)`);
  });

  it("a syntax message without the parser's own position", () => {
    expect(syntaxMessage('Nested mappings are not allowed in compact mappings at line 3, column 7:\n\nfoo: bar: baz\n')).toBe(
      'Nested mappings are not allowed in compact mappings',
    );
    expect(syntaxMessage('  Some problem  ')).toBe('Some problem');
  });

  it('the format: file, line and column when known, then the key when there is one', () => {
    expect(formatProblem({ file: 'f', message: 'm' })).toBe('f: m');
    expect(formatProblem({ file: 'f', line: 2, message: 'm' })).toBe('f:2: m');
    expect(formatProblem({ file: 'f', line: 2, column: 3, key: 'a.b', message: 'm' })).toBe('f:2:3: a.b: m');
    expect(formatProblem({ file: 'f', column: 3, key: '', message: 'm' })).toBe('f: m');
    expect(
      new ConfigError([
        { file: 'f', message: 'a' },
        { file: 'g', message: 'b' },
      ]).message,
    ).toBe('f: a\ng: b');
  });

  it("isConfigError goes by name and problems (the validator's bundle has its own class)", () => {
    expect(isConfigError(new ConfigError([]))).toBe(true);
    const lookalike = Object.assign(new Error('x'), { name: 'ConfigError', problems: [] });
    expect(isConfigError(lookalike)).toBe(true);
    expect(isConfigError(Object.assign(new Error('x'), { name: 'ConfigError' }))).toBe(false);
    expect(isConfigError(Object.assign(new Error('x'), { problems: [] }))).toBe(false);
    expect(isConfigError({ name: 'ConfigError', problems: [] })).toBe(false);
  });

  it("keyPosition: a key's value, or the key itself when it has none", () => {
    expect(keyPosition('a: 1\nmodules:\n  cpu:\n    interval: 5\n', ['modules', 'cpu', 'interval'])).toEqual({ line: 4, column: 15 });
    expect(keyPosition('theme:\n', ['theme'])).toEqual({ line: 1, column: 7 });
    // An explicit key with no value at all: the key.
    expect(keyPosition('? theme\n', ['theme'])).toEqual({ line: 1, column: 3 });
    expect(keyPosition('a: 1\n', ['b'])).toBeUndefined();
  });
});

describe('loadConfig', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-config-edges-'));
    env = { SHOJI_CONFIG_DIR: join(dir, 'cfg'), SHOJI_RUNTIME_DIR: join(dir, 'run'), HOME: dir };
    mkdirSync(join(dir, 'cfg'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const never = (): ModuleSchemas => {
    throw new Error('the cache should have answered');
  };

  it('a file of exactly 1 MiB is read; one byte more is refused unread', async () => {
    const file = configFile(env);
    writeFileSync(file, `# ${'x'.repeat(MAX_CONFIG_BYTES - 3)}\n`);
    expect((await loadConfig(env, 'k', () => schemas)).exists).toBe(true);
    writeFileSync(file, `# ${'x'.repeat(MAX_CONFIG_BYTES - 2)}\n`);
    await expect(loadConfig(env, 'k', () => schemas)).rejects.toThrow(`${file}: the file is 1048577 bytes; a config may be at most 1048576 (1 MiB)`);
  });

  it('a folder where the file should be cannot be read', async () => {
    mkdirSync(configFile(env));
    await expect(loadConfig(env, 'k', () => schemas)).rejects.toThrow(`${configFile(env)}: cannot read: EISDIR`);
  });

  it('the cache answers only for the same text and the same set of modules', async () => {
    writeFileSync(configFile(env), 'right: [load]\n');
    await loadConfig(env, 'k1', () => schemas);
    expect((await loadConfig(env, 'k1', never)).config.right).toEqual(['load']);
    await expect(loadConfig(env, 'k2', never)).rejects.toThrow('the cache should have answered');
  });

  it("a cache entry without a config's shape is not trusted", async () => {
    writeFileSync(configFile(env), 'right: [load]\n');
    await loadConfig(env, 'k', () => schemas);
    const cache = join(dir, 'run', 'config-cache.json');
    for (const config of [
      null,
      5,
      { right: [], modules: {}, dashboard: {} },
      { left: [], modules: {}, dashboard: {} },
      { left: [], right: [], modules: null, dashboard: {} },
      { left: [], right: [], modules: {}, dashboard: null },
      { left: [], right: [], dashboard: {} },
      { left: [], right: [], modules: {} },
    ]) {
      writeFileSync(cache, JSON.stringify({ file: configFile(env), text: 'right: [load]\n', key: 'k', config }));
      await expect(loadConfig(env, 'k', never)).rejects.toThrow('the cache should have answered');
    }
    writeFileSync(cache, JSON.stringify({ file: '/elsewhere/config.yaml', text: 'right: [load]\n', key: 'k', config: DEFAULT_CONFIG }));
    await expect(loadConfig(env, 'k', never)).rejects.toThrow('the cache should have answered');
  });

  it('an unusable runtime folder only costs the cache', async () => {
    writeFileSync(join(dir, 'run'), 'a file, not a folder');
    writeFileSync(configFile(env), 'right: [cpu]\n');
    expect((await loadConfig(env, 'k', () => schemas)).config.right).toEqual(['cpu']);
  });
});
