/**
 * The registry (src/core/registry.ts) built from real folders: built-ins, scripts from the
 * config's scripts/ and ~/.byobu/bin, a plugin that cannot load keeping its place, and the
 * keys and schemas derived from it.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { loadApp } from '../../src/app/app.js';
import { buildRegistry, CUSTOM_ALIAS, moduleSchemas, pluginsKey, withoutByobuScripts } from '../../src/core/registry.js';
import { expandLayout, resolveModules } from '../../src/core/resolve.js';

let dir: string;
let cfg: string;
let home: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-registry-'));
  cfg = join(dir, 'cfg');
  home = join(dir, 'home');
  mkdirSync(cfg, { mode: 0o755 });
  mkdirSync(home, { mode: 0o755 });
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(folder: string, name: string): string {
  mkdirSync(folder, { recursive: true, mode: 0o755 });
  chmodSync(folder, 0o755);
  const file = join(folder, name);
  writeFileSync(file, '#!/bin/sh\necho hi\n');
  chmodSync(file, 0o755);
  return file;
}

describe('buildRegistry', () => {
  it("holds every built-in, and scripts from the config's scripts folder", async () => {
    const file = script(join(cfg, 'scripts'), '5_mail');
    const reg = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    for (const def of BUILTIN_MODULES) expect(reg.modules.get(def.id)).toEqual({ def, source: 'builtin' });
    const mail = [...reg.modules.values()].find((m) => m.source === 'script');
    expect(mail).toMatchObject({ source: 'script', file });
    expect(reg.problems).toEqual([]);
  });

  it('~/.byobu/bin only when byobu_scripts is on, from $HOME', async () => {
    script(join(home, '.byobu', 'bin'), '60_beer');
    const off = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    withoutByobuScripts(off, { HOME: home });
    expect([...off.modules.values()].filter((m) => m.source === 'script')).toEqual([]);
    const on = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    expect([...on.modules.values()].filter((m) => m.source === 'script').map((m) => m.file)).toEqual([join(home, '.byobu', 'bin', '60_beer')]);
  });

  it("with byobu_scripts: false, ~/.byobu/bin's scripts are neither modules nor problems; the config's scripts stay", async () => {
    const mine = script(join(cfg, 'scripts'), '5_mail');
    script(join(home, '.byobu', 'bin'), '60_beer');
    chmodSync(script(join(home, '.byobu', 'bin'), '61_open'), 0o777);
    const run = join(dir, 'run');
    mkdirSync(run, { mode: 0o700 });
    const env = { HOME: home, SHOJI_CONFIG_DIR: cfg, SHOJI_RUNTIME_DIR: run, SHOJI_STATE_DIR: join(dir, 'state') };
    const on = await loadApp(env, { userPlugins: false });
    expect(on.registry.problems).toEqual([{ file: join(home, '.byobu', 'bin', '61_open'), message: expect.stringContaining('writable by others') }]);
    // In name order: custom:beer, then custom:mail.
    expect(on.modules.right.filter((m) => m.source === 'script').map((m) => m.file)).toEqual([join(home, '.byobu', 'bin', '60_beer'), mine]);
    writeFileSync(join(cfg, 'config.yaml'), 'byobu_scripts: false\n');
    const off = await loadApp(env, { userPlugins: false });
    expect(off.configError).toBeUndefined();
    expect(off.registry.problems).toEqual([]);
    expect([...off.modules.all.values()].filter((m) => m.source === 'script').map((m) => m.file)).toEqual([mine]);
    expect(off.modules.right.filter((m) => m.source === 'script').map((m) => m.file)).toEqual([mine]);
  });

  it('a refused script is a problem with its reason, not a module', async () => {
    const file = script(join(cfg, 'scripts'), '5_open');
    chmodSync(file, 0o777);
    const reg = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    expect([...reg.modules.values()].filter((m) => m.source === 'script')).toEqual([]);
    expect(reg.problems).toEqual([{ file, message: expect.stringContaining('writable by others') }]);
  });

  it('a plugin that is refused keeps its place: any options, interval 60, and every collect fails with the reason', async () => {
    const plugins = join(cfg, 'plugins');
    mkdirSync(plugins, { mode: 0o755 });
    chmodSync(plugins, 0o755);
    const file = join(plugins, 'todo.mjs');
    writeFileSync(file, 'export default {};\n');
    chmodSync(file, 0o666);
    const reg = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home } });
    const todo = reg.modules.get('todo')!;
    expect(todo).toMatchObject({ source: 'plugin', file });
    expect(reg.problems).toHaveLength(1);
    expect(reg.problems[0].file).toBe(file);
    expect(todo.def.interval).toBe(60);
    expect(todo.def.options).toEqual({ schema: { type: 'object', additionalProperties: true }, defaults: {} });
    expect(todo.def.description).toBe('a plugin that could not be loaded (see the problem below)');
    expect(() => todo.def.collect({} as never, undefined)).toThrow(reg.problems[0].message);
    // With plugins off, it is not even looked at.
    const off = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    expect(off.modules.has('todo')).toBe(false);
    expect(off.problems).toEqual([]);
  });

  it('a refused plugin named like a built-in does not replace it', async () => {
    const plugins = join(cfg, 'plugins');
    mkdirSync(plugins, { mode: 0o755 });
    chmodSync(plugins, 0o755);
    writeFileSync(join(plugins, 'cpu.mjs'), 'export default {};\n');
    chmodSync(join(plugins, 'cpu.mjs'), 0o666);
    const reg = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home } });
    expect(reg.modules.get('cpu')!.source).toBe('builtin');
  });
});

describe('derived from the registry', () => {
  it('schemas by module id, and "custom" as the only layout alias', async () => {
    const reg = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    const { schemas, layoutAliases } = moduleSchemas(reg);
    expect(layoutAliases).toEqual(['custom']);
    expect(CUSTOM_ALIAS).toBe('custom');
    expect(schemas.size).toBe(reg.modules.size);
    expect(schemas.get('cpu')).toBe(reg.modules.get('cpu')!.def.options.schema);
  });

  it('the plugins key changes when a plugin file is touched, and is empty without plugins', () => {
    expect(pluginsKey(cfg)).toBe('');
    const plugins = join(cfg, 'plugins');
    mkdirSync(plugins);
    writeFileSync(join(plugins, 'a.mjs'), '');
    writeFileSync(join(plugins, 'b.js'), '');
    utimesSync(join(plugins, 'a.mjs'), 1000, 1000);
    const key = pluginsKey(cfg);
    expect(key).toMatch(new RegExp(`^${join(plugins, 'a.mjs')}@1000000:[0-9.]+\\|${join(plugins, 'b.js')}@[0-9.]+:[0-9.]+$`));
    utimesSync(join(plugins, 'a.mjs'), 2000, 2000);
    expect(pluginsKey(cfg)).not.toBe(key);
  });

  it('expandLayout: the custom alias holds only scripts, in name order', async () => {
    script(join(cfg, 'scripts'), '9_zeta');
    script(join(cfg, 'scripts'), '5_alpha');
    const reg = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: cfg, env: { HOME: home }, userPlugins: false });
    const ids = expandLayout(['custom'], resolveModules(DEFAULT_CONFIG, reg).all).map((m) => m.id);
    expect(ids).toHaveLength(2);
    expect(ids).toEqual([...ids].sort());
    for (const id of ids) expect(reg.modules.get(id)!.source).toBe('script');
  });
});
