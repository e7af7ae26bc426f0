import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, formatProblem, isConfigError, loadConfig, moduleOptions, type ModuleSchemas } from '../../src/core/config.js';
import { validateConfigText } from '../../src/core/config-validate.js';

const schemas: ModuleSchemas = {
  schemas: new Map<string, Record<string, unknown>>([
    ['cpu', { type: 'object', properties: { per_core: { type: 'boolean' }, warning: { type: 'number' } }, additionalProperties: false }],
    ['load', { type: 'object', properties: {}, additionalProperties: false }],
    ['datetime', { type: 'object', properties: { format: { type: 'string' } }, additionalProperties: false }],
  ]),
  layoutAliases: ['custom'],
};

async function problemsOf(text: string) {
  try {
    await validateConfigText(text, '/home/u/.config/shoji/config.yaml', schemas);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('config validation', () => {
  it('accepts a good config and fills defaults', async () => {
    const cfg = await validateConfigText('theme: solarized\nright: [cpu, load]\nmodules:\n  cpu:\n    per_core: true\n    interval: 2\n', 'f', schemas);
    expect(cfg.theme).toBe('solarized');
    expect(cfg.right).toEqual(['cpu', 'load']);
    expect(cfg.left).toEqual(DEFAULT_CONFIG.left);
    expect(cfg.modules.cpu).toEqual({ per_core: true, interval: 2 });
    expect(cfg.dashboard.refresh).toBe(1);
  });

  it('names file, line and key of an unknown module option', async () => {
    const text = ['theme: default', 'modules:', '  cpu:', '    per_core: true', '    per_cor: false', ''].join('\n');
    const [p, ...rest] = await problemsOf(text);
    expect(rest).toEqual([]);
    expect(p.file).toBe('/home/u/.config/shoji/config.yaml');
    expect(p.line).toBe(5);
    expect(p.key).toBe('modules.cpu.per_cor');
    expect(p.message).toMatch(/unknown key for module cpu \(known: per_core, warning, interval, timeout, priority, enabled, alert, format, format_short\)/);
  });

  it("checks a module's alert: true or { level, after, via }, a wrong one named by file, line and key", async () => {
    const ok = ['modules:', '  cpu:', '    alert: true', '  load:', '    alert: { level: critical, after: 120, via: tmux }', ''].join('\n');
    expect(await problemsOf(ok)).toEqual([]);
    const [p, ...rest] = await problemsOf(['modules:', '  cpu:', '    alert:', '      level: severe', ''].join('\n'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 4, key: 'modules.cpu.alert.level' });
    expect(p.message).toMatch(/warning, critical/);
    const [bare, ...others] = await problemsOf(['modules:', '  cpu:', '    alert: 5', ''].join('\n'));
    expect(others).toEqual([]);
    expect(bare).toMatchObject({ line: 3, key: 'modules.cpu.alert', message: 'must be true or false, or a mapping' });
  });

  it('names an unknown top-level key', async () => {
    const [p] = await problemsOf('theme: default\n\ncolour: red\n');
    expect(p).toMatchObject({ line: 3, key: 'colour' });
  });

  it('names an unknown module in a layout, at its line', async () => {
    const [p] = await problemsOf('right:\n  - cpu\n  - cpuu\n');
    expect(p).toMatchObject({ line: 3, key: 'right.1' });
    expect(p.message).toMatch(/unknown module \(known: cpu, load, datetime, custom\)/);
  });

  it('names a wrong type at the value', async () => {
    const [p] = await problemsOf('modules:\n  cpu:\n    per_core: "yes"\n');
    expect(p).toMatchObject({ line: 3, key: 'modules.cpu.per_core' });
    expect(p.message).toMatch(/boolean/);
  });

  it('reports a YAML syntax error at its exact line and column, without the parser\'s dangling "at line N"', async () => {
    const comments = Array.from({ length: 14 }, (_, i) => `# line ${i + 1}`);
    const [p, ...rest] = await problemsOf([...comments, '\tright: [cpu]', ''].join('\n'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 15, column: 1, message: 'Tabs are not allowed as indentation' });
    expect(formatProblem(p)).toBe('/home/u/.config/shoji/config.yaml:15:1: Tabs are not allowed as indentation');
  });

  it('points at the line where the indentation goes wrong', async () => {
    const [p] = await problemsOf('theme: default\nmodules:\n  cpu:\n    warning: 80\n   per_core: true\n');
    expect(p).toMatchObject({ line: 5, column: 1 });
    expect(p.message).toBe('All mapping items must start at the same column');
  });

  it('points at the end of an unclosed flow list, not at the line after it', async () => {
    const [p, ...rest] = await problemsOf('theme: default\nright: [cpu, load\n\nmodules: {}\n');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 2, column: 18, message: 'Flow sequence in block collection must be sufficiently indented and end with a ]' });
  });

  it('rejects duplicate keys, at the second one', async () => {
    const [p] = await problemsOf('theme: a\nright: [cpu]\ntheme: b\n');
    expect(p).toMatchObject({ line: 3, column: 1, message: 'duplicate key "theme" (first at line 1)' });
  });

  it('finds a duplicate key deep in a large mapping', async () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `  k${i}: 1`);
    const problems = await problemsOf(['dashboard:', ...keys, '  k7: 2', ''].join('\n'));
    expect(problems[0]).toMatchObject({ line: 2002, message: 'duplicate key "k7" (first at line 9)' });
  });

  it('rejects a non-mapping document', async () => {
    expect((await problemsOf('- cpu\n- load\n'))[0].message).toMatch(/mapping/);
  });

  it('refuses an alias bomb (billion laughs) with a located error, quickly', async () => {
    const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const prev = String.fromCharCode(96 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const [p, ...rest] = await problemsOf(`${lines.join('\n')}\n`);
    expect(rest).toEqual([]);
    // Line 3: the first alias (*b) whose anchored value holds aliases itself.
    expect(p).toMatchObject({ file: '/home/u/.config/shoji/config.yaml', line: 3, column: 8 });
    expect(p.message).toMatch(/aliases nested in aliases/);
  });

  it('accepts plain aliases (a value written once, used twice)', async () => {
    const cfg = await validateConfigText('modules:\n  cpu: &fast {interval: 1}\n  load: *fast\n', 'f', schemas);
    expect(cfg.modules.load).toEqual({ interval: 1 });
  });

  it('names an alias to an anchor that is not set', async () => {
    const [p] = await problemsOf('theme: default\nright: *nope\n');
    expect(p).toMatchObject({ line: 2, column: 8, message: 'alias *nope names no anchor (&nope) set before it' });
  });

  it('refuses text over 1 MiB without parsing it', async () => {
    const [p] = await problemsOf(`# ${'x'.repeat(1024 * 1024)}\n`);
    expect(p.file).toBe('/home/u/.config/shoji/config.yaml');
    expect(p.message).toMatch(/at most 1048576 \(1 MiB\)/);
  });

  it('caps the problems reported for a file of thousands of mistakes', async () => {
    const problems = await problemsOf(Array.from({ length: 5000 }, (_, i) => `k${i}: 1`).join('\n'));
    expect(problems).toHaveLength(21);
    expect(problems[20].message).toMatch(/^and more problems/);
  });

  it('refuses numbers that are not finite where a number is wanted', async () => {
    const problems = await problemsOf('modules:\n  cpu:\n    warning: .nan\n    timeout: .inf\n');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, key: 'modules.cpu.warning', message: 'must be a finite number (got .nan)' }),
        expect.objectContaining({ line: 4, key: 'modules.cpu.timeout', message: 'must be a finite number (got .inf)' }),
      ]),
    );
  });

  it('refuses a timeout longer than an hour', async () => {
    const [p] = await problemsOf('modules:\n  cpu:\n    timeout: 99999\n');
    expect(p).toMatchObject({ line: 3, key: 'modules.cpu.timeout', message: 'must be <= 3600' });
  });

  it('keeps the host keys out of module options', () => {
    expect(moduleOptions({ per_core: false }, { per_core: true, interval: 3, priority: 9 })).toEqual({ per_core: true });
  });
});

describe('module intervals in the config', () => {
  const at = (value: string) => `theme: default\nmodules:\n  cpu:\n    interval: ${value}\n`;

  it.each([
    ['0', /must be more than 0 seconds \(got 0\)/],
    ['-5', /must be more than 0 seconds \(got -5\)/],
    ['"0"', /must be more than 0 seconds \(got "0"\)/],
    ['.inf', /must be a finite number of seconds \(got \.inf\)/],
    ['-.inf', /must be a finite number of seconds \(got -\.inf\)/],
    ['.nan', /\(got \.nan\)/],
    ['0.1', /at least 0.25 seconds/],
    ['40000000', /at most a year \(31536000 seconds; got 40000000\)/],
    ['"0 0 30 2 *"', /"0 0 30 2 \*"\): it never fires/],
    ['"0 0 31 4 *"', /it never fires/],
    ['"61 * * * *"', /not a usable cron expression/],
    ['nope', /cron expression of 5 or 6 fields \(got "nope"\)/],
    ['"0x10"', /\(got "0x10"\)/],
    ['true', /must be seconds, "once" or a cron expression \(got true\)/],
    ['[]', /\(got a list\)/],
    ['""', /must not be empty/],
  ])('refuses interval: %s, naming file, line, column and key', async (value, message) => {
    const problems = await problemsOf(at(value));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: '/home/u/.config/shoji/config.yaml', line: 4, column: 15, key: 'modules.cpu.interval' });
    expect(problems[0].message).toMatch(message);
  });

  it.each(['2', '"2"', '"0.5"', '0.25', 'once', '"*/5 * * * *"', '"0 0 1 1 *"', '"0 0 29 2 *"', '"@daily"', '"*/10 * * * * *"', '3000000', '31536000'])(
    'accepts interval: %s',
    async (value) => {
      expect(await problemsOf(at(value))).toEqual([]);
    },
  );
});

describe('loading the config file', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-config-'));
    env = { SHOJI_CONFIG_DIR: join(dir, 'cfg'), SHOJI_RUNTIME_DIR: join(dir, 'run'), HOME: dir };
    mkdirSync(join(dir, 'cfg'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the defaults when there is no file', async () => {
    const r = await loadConfig(env, 'k', () => schemas);
    expect(r.exists).toBe(false);
    expect(r.config).toEqual(DEFAULT_CONFIG);
  });

  it('caches the validated result and notices an edit', async () => {
    const file = join(dir, 'cfg', 'config.yaml');
    writeFileSync(file, 'theme: solarized\n');
    let calls = 0;
    const counted = () => {
      calls++;
      return schemas;
    };
    expect((await loadConfig(env, 'k', counted)).config.theme).toBe('solarized');
    expect((await loadConfig(env, 'k', counted)).config.theme).toBe('solarized');
    expect(calls).toBe(1);
    writeFileSync(file, 'theme: byobu\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await loadConfig(env, 'k', counted)).config.theme).toBe('byobu');
    expect(calls).toBe(2);
  });

  it('rebuilds a corrupt cache', async () => {
    writeFileSync(join(dir, 'cfg', 'config.yaml'), 'theme: basic16\n');
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'config-cache.json'), '{"file": tru');
    expect((await loadConfig(env, 'k', () => schemas)).config.theme).toBe('basic16');
  });

  it('turns an alias bomb into a located ConfigError, not a crash', async () => {
    const file = join(dir, 'cfg', 'config.yaml');
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const err = await loadConfig(env, 'k', () => schemas).catch((e: unknown) => e);
    expect(isConfigError(err)).toBe(true);
    expect((err as ConfigError).problems[0]).toMatchObject({ file, line: 3 });
  });

  it('refuses a file over 1 MiB, naming it', async () => {
    const file = join(dir, 'cfg', 'config.yaml');
    writeFileSync(file, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect(loadConfig(env, 'k', () => schemas)).rejects.toThrow(`${file}: the file is`);
  });

  it('refuses an impossible cron on load, at its line', async () => {
    const file = join(dir, 'cfg', 'config.yaml');
    writeFileSync(file, 'modules:\n  load:\n    interval: "0 0 30 2 *"\n');
    await expect(loadConfig(env, 'k', () => schemas)).rejects.toThrow(`${file}:3:15: modules.load.interval: not a usable cron expression`);
  });

  it('throws ConfigError for a broken file, naming it', async () => {
    const file = join(dir, 'cfg', 'config.yaml');
    writeFileSync(file, 'modules:\n  nosuch: {}\n');
    await expect(loadConfig(env, 'k', () => schemas)).rejects.toThrow(`${file}:2:3: modules.nosuch: unknown module`);
  });
});
