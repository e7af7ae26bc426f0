/**
 * Where shoji keeps things (src/core/paths.ts): each override in its order of precedence, the
 * runtime folder's candidates, and the refusals recorded while choosing one.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, configDir, hostRoots, runtimeCandidates, runtimeDir, runtimeRefusals, stateDir } from '../../src/core/paths.js';
import { forgetChecks, UnsafeFolderError } from '../../src/core/trust.js';

describe('the XDG folders', () => {
  it.each([
    ['config', configDir, 'SHOJI_CONFIG_DIR', 'XDG_CONFIG_HOME', '.config'],
    ['state', stateDir, 'SHOJI_STATE_DIR', 'XDG_STATE_HOME', '.local/state'],
    ['cache', cacheDir, 'SHOJI_CACHE_DIR', 'XDG_CACHE_HOME', '.cache'],
  ] as const)('%s: SHOJI_ over XDG_ over HOME, empty values skipped', (_what, fn, shoji, xdg, under) => {
    expect(fn({ [shoji]: '/s', [xdg]: '/x', HOME: '/h' })).toBe('/s');
    expect(fn({ [shoji]: '', [xdg]: '/x', HOME: '/h' })).toBe('/x/shoji');
    expect(fn({ [xdg]: '', HOME: '/h' })).toBe(`/h/${under}/shoji`);
    expect(fn({ HOME: '' })).toBe(join(homedir(), under, 'shoji'));
    expect(fn({})).toBe(join(homedir(), under, 'shoji'));
  });

  it('host roots default to the real ones and follow the overrides', () => {
    expect(hostRoots({})).toEqual({ procRoot: '/proc', sysRoot: '/sys', root: '/' });
    expect(hostRoots({ SHOJI_PROC_ROOT: '/p', SHOJI_SYS_ROOT: '/y', SHOJI_ROOT: '/r' })).toEqual({ procRoot: '/p', sysRoot: '/y', root: '/r' });
    expect(hostRoots({ SHOJI_PROC_ROOT: '', SHOJI_SYS_ROOT: '', SHOJI_ROOT: '' })).toEqual({ procRoot: '/proc', sysRoot: '/sys', root: '/' });
  });
});

describe('runtime folder candidates', () => {
  const uid = process.getuid?.() ?? 'user';
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'host';

  it('SHOJI_RUNTIME_DIR, when set, is the only one', () => {
    expect(runtimeCandidates({ SHOJI_RUNTIME_DIR: '/r', XDG_RUNTIME_DIR: '/x' })).toEqual(['/r']);
  });

  it('$XDG_RUNTIME_DIR/shoji, then /tmp/shoji-UID, then run-HOST in the cache folder', () => {
    expect(runtimeCandidates({ XDG_RUNTIME_DIR: '/run/user/7', SHOJI_CACHE_DIR: '/c' })).toEqual(['/run/user/7/shoji', `/tmp/shoji-${uid}`, `/c/run-${host}`]);
    expect(runtimeCandidates({ SHOJI_RUNTIME_DIR: '', XDG_RUNTIME_DIR: '', SHOJI_CACHE_DIR: '/c' })).toEqual([`/tmp/shoji-${uid}`, `/c/run-${host}`]);
  });
});

describe('runtimeDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-paths-'));
    forgetChecks();
    runtimeRefusals.length = 0;
  });
  afterEach(() => {
    runtimeRefusals.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the first candidate 0700 and records no refusal', () => {
    const rt = join(dir, 'rt');
    expect(runtimeDir({ SHOJI_RUNTIME_DIR: rt })).toBe(rt);
    expect(statSync(rt).mode & 0o777).toBe(0o700);
    expect(runtimeRefusals).toEqual([]);
  });

  it('throws the refusal when no candidate passes, and records it once however often asked', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    for (let i = 0; i < 2; i++) {
      let caught: unknown;
      try {
        runtimeDir({ SHOJI_RUNTIME_DIR: open });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UnsafeFolderError);
      expect((caught as Error).message).toBe(`refusing ${open}: it is writable by others (mode 777)`);
    }
    expect(runtimeRefusals).toEqual([`refusing ${open}: it is writable by others (mode 777)`]);
  });

  it('passes over a refused $XDG_RUNTIME_DIR/shoji, recording why', () => {
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'shoji'), { recursive: true });
    chmodSync(join(xdg, 'shoji'), 0o770);
    const chosen = runtimeDir({ XDG_RUNTIME_DIR: xdg, SHOJI_CACHE_DIR: join(dir, 'cache') });
    expect(chosen).not.toBe(join(xdg, 'shoji'));
    expect(runtimeRefusals[0]).toBe(`refusing ${join(xdg, 'shoji')}: it is writable by its group (mode 770)`);
  });
});
