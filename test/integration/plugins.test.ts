/**
 * User plugins in the real, built shoji: a plugin stuck in `for(;;){}` and one allocating
 * without end in a live tmux daemon (review A14, A17: the first froze the daemon for good,
 * the second killed it), a stuck plugin in a one-shot `shoji status`, and the trust check as
 * a user who is not root (root passes every permission check).
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, sandbox, SHOJI, waitFor, type Sandbox } from '../helpers/cli.js';
import { startShojiTmux, tmux, tmuxOk, type Viewer } from '../helpers/tmux.js';
import { NO_SECOND_USER, runAs, testUser } from '../helpers/users.js';

const OPTIONS = "options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} }";
const SPIN = `export default { id: 'spin', description: 'never answers', ${OPTIONS}, interval: 1, collect() { for (;;) {} } };\n`;
const HOG = `export default { id: 'hog', description: 'eats memory', ${OPTIONS}, interval: 1,
  collect() { const a = []; for (;;) a.push(new Array(100000).fill(Math.random())); } };\n`;
const TICK = `let n = 0;
export default { id: 'tick', description: 'counts', ${OPTIONS}, interval: 1, collect() { n++; return { reading: { text: 'tick' + n, state: 'info' } }; } };\n`;

function putPlugin(configDir: string, name: string, text: string, mode = 0o644): string {
  const dir = join(configDir, 'plugins');
  mkdirSync(dir, { recursive: true });
  chmodSync(configDir, 0o755);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, name), text);
  chmodSync(join(dir, name), mode);
  return join(dir, name);
}

function daemonPids(serverPid: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        return cmd.includes('tmux-daemon') && cmd.includes(`--server-pid\0${serverPid}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('user plugins in a live tmux daemon', () => {
  const socket = `shoji-plugins-${process.pid}`;
  let sb: Sandbox;
  let serverPid = '';
  let viewer: Viewer;
  const line = () => viewer.statusLine();

  beforeAll(async () => {
    requireBuild();
    requireProgram('tmux');
    sb = sandbox();
    putPlugin(sb.configDir, 'spin.mjs', SPIN);
    putPlugin(sb.configDir, 'hog.mjs', HOG);
    putPlugin(sb.configDir, 'tick.mjs', TICK);
    writeFileSync(
      join(sb.configDir, 'config.yaml'),
      ['icons: ascii', 'left: [hostname]', 'right: [spin, hog, tick]', 'modules:', '  spin: { timeout: 1 }', '  hog: { timeout: 20 }', ''].join('\n'),
    );
    ({ serverPid, viewer } = await startShojiTmux(socket, sb));
  });

  afterAll(() => {
    viewer?.kill();
    tmuxOk(socket, ['kill-server'], sb?.env);
    sb?.cleanup();
  });

  it('shows the stuck and the greedy plugin failed while the rest keeps updating', async () => {
    const failed = await waitFor(
      'both plugins failed',
      () => {
        const l = line();
        return l.includes('!spin') && l.includes('!hog') ? l : undefined;
      },
      30_000,
    );
    const at = Number(/tick(\d+)/.exec(failed)?.[1] ?? 0);
    await waitFor('tick moving on', () => Number(/tick(\d+)/.exec(line())?.[1] ?? 0) >= at + 2, 15_000);
    const modules = await runShoji(['modules'], sb.env);
    expect(modules.stdout).toMatch(/spin .*FAILED: no answer within 1000 ms/);
    expect(modules.stdout).toMatch(/hog .*FAILED: ran out of memory \(limit \d+ MiB\)/);
    expect(modules.stdout).toMatch(/values from: tmux daemon \d+/);
  });

  it('the daemon still ends with its tmux server', async () => {
    expect(daemonPids(serverPid)).toHaveLength(1);
    viewer.kill();
    tmux(socket, ['kill-server'], sb.env);
    await waitFor('daemon exit', () => daemonPids(serverPid).length === 0, 15_000);
  });
});

describe('a stuck plugin in a one-shot shoji status', () => {
  it('prints the line with the plugin failed, and exits', async () => {
    requireBuild();
    const sb = sandbox();
    try {
      putPlugin(sb.configDir, 'spin.mjs', SPIN);
      writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [spin, uptime]\n');
      const r = await runShoji(['status', '--format', 'plain'], sb.env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^!spin .*up \d/);
    } finally {
      sb.cleanup();
    }
  });
});

describe("a plugin's console output", () => {
  it('goes to stderr with control characters escaped, never into the status line', async () => {
    requireBuild();
    const sb = sandbox();
    try {
      putPlugin(
        sb.configDir,
        'loud.mjs',
        `export default { id: 'loud', description: 'talks', ${OPTIONS}, interval: 10,
          collect() { console.log('to stdout \\x1b]0;TITLE\\x07'); console.error('to stderr \\x1b[2J'); return { reading: { text: 'quiet', state: 'info' } }; } };\n`,
      );
      writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [loud]\n');
      const r = await runShoji(['status', '--format', 'plain'], sb.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('quiet\n');
      expect(r.stderr.split('\n').sort()).toEqual(['', 'shoji: plugin loud.mjs: to stderr \\x1b[2J', 'shoji: plugin loud.mjs: to stdout \\x1b]0;TITLE\\x07']);
    } finally {
      sb.cleanup();
    }
  });
});

describe.skipIf(NO_SECOND_USER)('the plugin trust check as a user who is not root', () => {
  it('refuses a group-writable plugin and one owned by someone else, and loads a good one', () => {
    requireBuild();
    const victim = testUser('shoji-victim');
    const attacker = testUser('shoji-attacker');
    const dir = mkdtempSync(join(tmpdir(), 'shoji-plugins-user-'));
    try {
      chownSync(dir, victim.uid, victim.gid);
      const configDir = join(dir, 'config');
      const good = putPlugin(configDir, 'tick.mjs', TICK);
      const groupWritable = putPlugin(configDir, 'spin.mjs', SPIN, 0o664);
      const foreign = putPlugin(configDir, 'hog.mjs', HOG);
      for (const path of [configDir, join(configDir, 'plugins'), good, groupWritable]) chownSync(path, victim.uid, victim.gid);
      chownSync(foreign, attacker.uid, attacker.gid);
      const env = {
        SHOJI_CONFIG_DIR: configDir,
        SHOJI_STATE_DIR: join(dir, 'state'),
        SHOJI_CACHE_DIR: join(dir, 'cache'),
        SHOJI_RUNTIME_DIR: join(dir, 'run'),
        HOME: dir,
      };
      const r = runAs(victim, process.execPath, [SHOJI, 'modules', '--json'], { env });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { modules: { id: string; source: string; value: string }[]; problems: { file: string; message: string }[] };
      expect(out.problems.map(({ file, message }) => ({ file, message }))).toEqual([
        { file: foreign, message: `${foreign} is owned by uid ${attacker.uid}, not by you (uid ${victim.uid}): refusing to run it` },
        { file: groupWritable, message: `${groupWritable} is writable by its group (chmod g-w ${groupWritable}): refusing to run it` },
      ]);
      expect(out.modules.find((m) => m.id === 'tick')).toMatchObject({ source: 'plugin', value: 'tick1' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
