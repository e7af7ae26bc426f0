/**
 * The one-shot `shoji status` as tmux or a person runs it: real processes, real files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('rebuilds a corrupt state file', async () => {
    mkdirSync(sb.env.SHOJI_RUNTIME_DIR!, { recursive: true });
    const file = join(sb.env.SHOJI_RUNTIME_DIR!, 'status-state.json');
    writeFileSync(file, '\u0000\u0000garbage{{{');
    const r = await runShoji(['status', '--format', 'plain'], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/load /);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('reports an unwritable state folder and still prints the line', async () => {
    const blocked = join(sb.dir, 'blocked');
    writeFileSync(blocked, 'a file, not a folder');
    const r = await runShoji(['status', '--format', 'plain'], { ...sb.env, SHOJI_RUNTIME_DIR: blocked });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/load /);
    expect(r.stderr).toMatch(/^shoji: cannot save .*status-state\.json/);
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
