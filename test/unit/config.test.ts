import { mkdtempSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig, moduleOptions, type ModuleSchemas } from '../../src/core/config.js';
import { validateConfigText } from '../../src/core/config-validate.js';

const schemas: ModuleSchemas = {
  schemas: new Map<string, Record<string, unknown>>([
    ['cpu', { type: 'object', properties: { per_core: { type: 'boolean' }, warning: { type: 'number' } }, additionalProperties: false }],
    ['load', { type: 'object', properties: {}, additionalProperties: false }],
    ['datetime', { type: 'object', properties: { format: { type: 'string' } }, additionalProperties: false }],
  ]),
  layoutAliases: ['custom'],
};

function problemsOf(text: string) {
  try {
    validateConfigText(text, '/home/u/.config/shoji/config.yaml', schemas);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('config validation', () => {
  it('accepts a good config and fills defaults', () => {
    const cfg = validateConfigText('theme: solarized\nright: [cpu, load]\nmodules:\n  cpu:\n    per_core: true\n    interval: 2\n', 'f', schemas);
    expect(cfg.theme).toBe('solarized');
    expect(cfg.right).toEqual(['cpu', 'load']);
    expect(cfg.left).toEqual(DEFAULT_CONFIG.left);
    expect(cfg.modules.cpu).toEqual({ per_core: true, interval: 2 });
    expect(cfg.dashboard.refresh).toBe(1);
  });

  it('names file, line and key of an unknown module option', () => {
    const text = ['theme: default', 'modules:', '  cpu:', '    per_core: true', '    per_cor: false', ''].join('\n');
    const [p, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(p.file).toBe('/home/u/.config/shoji/config.yaml');
    expect(p.line).toBe(5);
    expect(p.key).toBe('modules.cpu.per_cor');
    expect(p.message).toMatch(/unknown key for module cpu \(known: per_core, warning, interval, timeout, priority, enabled\)/);
  });

  it('names an unknown top-level key', () => {
    const [p] = problemsOf('theme: default\n\ncolour: red\n');
    expect(p).toMatchObject({ line: 3, key: 'colour' });
  });

  it('names an unknown module in a layout, at its line', () => {
    const [p] = problemsOf('right:\n  - cpu\n  - cpuu\n');
    expect(p).toMatchObject({ line: 3, key: 'right.1' });
    expect(p.message).toMatch(/unknown module \(known: cpu, load, datetime, custom\)/);
  });

  it('names a wrong type at the value', () => {
    const [p] = problemsOf('modules:\n  cpu:\n    per_core: "yes"\n');
    expect(p).toMatchObject({ line: 3, key: 'modules.cpu.per_core' });
    expect(p.message).toMatch(/boolean/);
  });

  it('reports YAML syntax errors with their line', () => {
    const [p] = problemsOf('theme: default\nright: [cpu, load\nmodules: {}\n');
    expect(p.line).toBeGreaterThanOrEqual(2);
    expect(p.message.length).toBeGreaterThan(0);
  });

  it('rejects duplicate keys', () => {
    expect(problemsOf('theme: a\ntheme: b\n')[0].message).toMatch(/unique|duplicate/i);
  });

  it('rejects a non-mapping document', () => {
    expect(problemsOf('- cpu\n- load\n')[0].message).toMatch(/mapping/);
  });

  it('keeps the host keys out of module options', () => {
    expect(moduleOptions({ per_core: false }, { per_core: true, interval: 3, priority: 9 })).toEqual({ per_core: true });
  });
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
    const counted = () => (calls++, schemas);
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

  it('throws ConfigError for a broken file, naming it', async () => {
    const file = join(dir, 'cfg', 'config.yaml');
    writeFileSync(file, 'modules:\n  nosuch: {}\n');
    await expect(loadConfig(env, 'k', () => schemas)).rejects.toThrow(`${file}:2:3: modules.nosuch: unknown module`);
  });
});
