/**
 * The one-shot `shoji status` as tmux or a person runs it: real processes, real files.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: [hostname]\nright: [load, cpu, memory, uptime, processes]\n');
});
afterEach(() => sb.cleanup());

describe('shoji status', () => {
  it('prints a tmux line', async () => {
    const r = await runShoji(['status', '--format', 'tmux', '--side', 'right'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#\[default,.*load /);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('prints JSON with data', async () => {
    const r = await runShoji(['status', '--format', 'json'], sb.env);
    const json = JSON.parse(r.stdout);
    expect(json.right.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['load', 'memory', 'uptime']));
    expect(json.left[0].id).toBe('hostname');
  });

  // 20 concurrent calls: test/integration/status-concurrency.test.ts.

  it('JSON keeps a failed module, with its state and why', async () => {
    const scripts = join(sb.configDir, 'scripts');
    mkdirSync(scripts, { recursive: true });
    writeFileSync(join(scripts, '1_boom'), '#!/bin/sh\necho "sensor exploded" >&2\nexit 3\n');
    chmodSync(join(scripts, '1_boom'), 0o755);
    writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: [hostname]\nright: [custom:boom, load]\n');
    const r = await runShoji(['status', '--format', 'json', '--side', 'right'], sb.env);
    expect(r.code).toBe(0);
    const right = JSON.parse(r.stdout).right as { id: string; state: string; error?: string }[];
    expect(right.map((s) => s.id)).toEqual(['custom:boom', 'load']);
    expect(right[0]).toMatchObject({ id: 'custom:boom', state: 'failed', error: 'exited with status 3: sensor exploded' });
  });

  it('rebuilds a corrupt state file', async () => {
    mkdirSync(sb.env.SHOJI_RUNTIME_DIR!, { recursive: true });
    const file = join(sb.env.SHOJI_RUNTIME_DIR!, 'status-state.json');
    writeFileSync(file, '\u0000\u0000garbage{{{');
    const r = await runShoji(['status', '--format', 'plain'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/load /);
    const rebuilt = JSON.parse(readFileSync(file, 'utf8'));
    expect(rebuilt.version).toEqual(expect.any(Number));
    expect(Object.keys(rebuilt.modules)).toContain('load');
  });

  it('reports an unwritable state folder and still prints the line', async () => {
    const blocked = join(sb.dir, 'blocked');
    writeFileSync(blocked, 'a file, not a folder');
    const r = await runShoji(['status', '--format', 'plain'], { ...sb.env, SHOJI_RUNTIME_DIR: blocked });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/load /);
    expect(r.stderr).toMatch(/^shoji: refusing .*blocked: it is not a folder; running without saved counters/);
  });

  it('a broken config still prints a line, with the problem on stderr', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), 'right: [load]\nbogus: 1\n');
    const r = await runShoji(['status', '--format', 'plain'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/[!✗]config/);
    expect(r.stderr).toContain(`${join(sb.configDir, 'config.yaml')}:2:1: bogus: unknown key`);
  });

  it('--explain says why modules are missing', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nright: [load, battery, swap]\nmax_width: 4\n');
    const r = await runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], {
      ...sb.env,
      SHOJI_SYS_ROOT: join(sb.dir, 'empty-sys'),
    });
    expect(r.stderr).toMatch(/right: battery: not available on this host/);
    expect(r.stderr).toMatch(/right: load: dropped: line wider than 4 cells/);
  });

  it('rejects bad options with a one-line error and exit 2', async () => {
    const r = await runShoji(['status', '--format', 'html'], sb.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shoji: --format must be one of tmux, screen, ansi, plain, json/);
  });

  describe('--format ansi: colours as the terminal can show them', () => {
    // A critical segment in the solarized theme: hex colours, bold.
    const ansi = async (env: NodeJS.ProcessEnv) => {
      const scripts = join(sb.configDir, 'scripts');
      mkdirSync(scripts, { recursive: true });
      writeFileSync(join(scripts, '1_hot'), '#!/bin/sh\necho \'{"text": "hot", "state": "critical"}\'\n');
      chmodSync(join(scripts, '1_hot'), 0o755);
      writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\ntheme: solarized\nright: [custom:hot]\n');
      const base = { ...sb.env, TERM: 'xterm', COLORTERM: '', NO_COLOR: '' };
      const r = await runShoji(['status', '--format', 'ansi', '--side', 'right'], { ...base, ...env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('hot');
      return r.stdout;
    };
    it('NO_COLOR: none at all, whatever the terminal says', async () => {
      expect(await ansi({ NO_COLOR: '1', TERM: 'xterm-256color', COLORTERM: 'truecolor' })).not.toContain('\u001b');
    });
    it('TERM=dumb: none', async () => {
      expect(await ansi({ TERM: 'dumb' })).not.toContain('\u001b');
    });
    it('a plain xterm: the 16 basic colours', async () => {
      const out = await ansi({ TERM: 'xterm' });
      expect(out).toMatch(/\u001b\[(3[0-7]|9[0-7])m/);
      expect(out).not.toMatch(/\u001b\[[34]8;/);
    });
    it('a 256-colour terminal: the palette', async () => {
      const out = await ansi({ TERM: 'xterm-256color' });
      expect(out).toMatch(/\u001b\[38;5;\d+m/);
      expect(out).not.toMatch(/\u001b\[38;2;/);
    });
    it('COLORTERM=truecolor: 24-bit colour', async () => {
      // solarized's critical: #fdf6e3 on #dc322f.
      const out = await ansi({ TERM: 'xterm-256color', COLORTERM: 'truecolor' });
      expect(out).toContain('\u001b[38;2;253;246;227m');
      expect(out).toContain('\u001b[48;2;220;50;47m');
    });
  });

  it('has --help through yargs', async () => {
    const r = await runShoji(['status', '--help'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--format/);
    expect(r.stdout).toMatch(/--side/);
  });

  it('offers shell completion', async () => {
    const r = await runShoji(['completion'], sb.env);
    expect(r.stdout).toMatch(/_shoji_yargs_completions|complete -o/);
  });
});
