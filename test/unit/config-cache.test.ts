/**
 * The config cache is only a faster way to the answer validating the file would give: an edit
 * is always seen, including one that keeps the file's size (a theme name or a number swapped
 * for one as long) and one that also keeps its modification time (an editor or a copy that
 * preserves it, or two saves within one tick of the file system's clock).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type ModuleSchemas } from '../../src/core/config.js';

const schemas: ModuleSchemas = {
  schemas: new Map<string, Record<string, unknown>>([['cpu', { type: 'object', properties: { warning: { type: 'number' } }, additionalProperties: false }]]),
  layoutAliases: [],
};

describe('config cache', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let file: string;
  let validations: number;
  const load = async () =>
    (
      await loadConfig(env, 'k', () => {
        validations++;
        return schemas;
      })
    ).config;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-cfgcache-'));
    mkdirSync(join(dir, 'cfg'));
    env = { SHOJI_CONFIG_DIR: join(dir, 'cfg'), SHOJI_RUNTIME_DIR: join(dir, 'run') };
    file = join(dir, 'cfg', 'config.yaml');
    validations = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees an edit that keeps the size, with a new modification time', async () => {
    writeFileSync(file, 'theme: default\nmodules:\n  cpu: { warning: 80 }\n');
    expect(await load()).toMatchObject({ theme: 'default', modules: { cpu: { warning: 80 } } });
    expect(await load()).toMatchObject({ theme: 'default' });
    expect(validations).toBe(1); // the second call came from the cache
    const before = statSync(file);
    writeFileSync(file, 'theme: basic16\nmodules:\n  cpu: { warning: 95 }\n');
    utimesSync(file, before.atime, new Date(before.mtimeMs + 2000));
    expect(statSync(file).size).toBe(before.size);
    expect(await load()).toMatchObject({ theme: 'basic16', modules: { cpu: { warning: 95 } } });
  });

  it('sees an edit that keeps both the size and the modification time', async () => {
    // A whole second, which utimes sets exactly.
    const stamp = new Date(Date.UTC(2026, 10, 1, 12, 0, 0));
    writeFileSync(file, 'modules:\n  cpu: { warning: 80 }\n');
    utimesSync(file, stamp, stamp);
    expect((await load()).modules.cpu).toEqual({ warning: 80 });
    const before = statSync(file);
    writeFileSync(file, 'modules:\n  cpu: { warning: 95 }\n');
    utimesSync(file, stamp, stamp);
    const after = statSync(file);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect((await load()).modules.cpu).toEqual({ warning: 95 });
  });

  it('sees an edit within the same second', async () => {
    writeFileSync(file, 'modules:\n  cpu: { warning: 81 }\n');
    expect((await load()).modules.cpu).toEqual({ warning: 81 });
    const before = statSync(file);
    writeFileSync(file, 'modules:\n  cpu: { warning: 82 }\n');
    // 0.4 s apart and in the same whole second: a cache keyed on seconds would miss it.
    const later = before.mtimeMs % 1000 < 500 ? before.mtimeMs + 400 : before.mtimeMs - 400;
    utimesSync(file, before.atime, later / 1000);
    expect(Math.floor(statSync(file).mtimeMs / 1000)).toBe(Math.floor(before.mtimeMs / 1000));
    expect((await load()).modules.cpu).toEqual({ warning: 82 });
  });
  it('a broken file is validated once, its problems kept for the same text, and a fix is seen', async () => {
    writeFileSync(file, 'modules:\n  cpu: { warning: "hot" }\n');
    await expect(load()).rejects.toThrow(/config\.yaml:2:.*modules\.cpu\.warning/);
    await expect(load()).rejects.toThrow(/config\.yaml:2:.*modules\.cpu\.warning/);
    expect(validations).toBe(1); // the second call's problems came from the cache
    writeFileSync(file, 'modules:\n  cpu: { warning: 90 }\n');
    expect(await load()).toMatchObject({ modules: { cpu: { warning: 90 } } });
    expect(validations).toBe(2);
  });
});
