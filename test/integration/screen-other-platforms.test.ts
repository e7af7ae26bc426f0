/**
 * The screen hardstatus on macOS' and the BSDs' terms, on this Linux: a `tail` that refuses
 * --pid as BSD's does and a SHOJI_PROC_ROOT without screen's /proc/PID, so the right side's job
 * follows its file without --pid and watches screen itself; and with the real PATH and /proc,
 * the job is still GNU tail --pid alone (exec'd).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';
import { bsdLikeBin, followers, processes } from '../helpers/other-platforms.js';
import { attachViewer, type Viewer } from '../helpers/tmux.js';

let sb: Sandbox | undefined;
let viewer: Viewer | undefined;
let session = '';
/** The BSD-like bin folder's sandbox: removed only after screen and tmux were told to quit through it. */
let fakeBin: Sandbox | undefined;

beforeAll(() => {
  requireBuild();
  requireProgram('tmux');
  requireProgram('screen');
});

afterEach(() => {
  spawnSync('screen', ['-S', session, '-X', 'quit'], { env: sb?.env, stdio: 'ignore' });
  viewer?.kill();
  sb?.cleanup();
  fakeBin?.cleanup();
  fakeBin = undefined;
});

/** A screen session set up from `shoji screen-conf`, drawn in a tmux pane. */
async function startScreen(name: string, env: NodeJS.ProcessEnv): Promise<void> {
  sb = sandbox(env);
  session = `shoji-it-${name}-${process.pid}`;
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  const counter = join(sb.dir, 'n');
  writeFileSync(join(scripts, '1_tick'), `#!/bin/sh\nn=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${counter}'; echo "tick$n"\n`);
  chmodSync(join(scripts, '1_tick'), 0o755);
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: [hostname]\nright: [custom:tick]\n');
  const conf = await runShoji(['screen-conf'], sb.env);
  expect(conf.code).toBe(0);
  writeFileSync(join(sb.dir, 'screenrc'), conf.stdout);
  const envPrefix = Object.entries(sb.env)
    .filter(([k]) => k.startsWith('SHOJI_') || k === 'HOME' || k === 'PATH' || k === 'LANG')
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  viewer = attachViewer(
    `shoji-screen-${name}-${process.pid}`,
    'o',
    sb.env,
    120,
    8,
    `exec env -u TMUX ${envPrefix} TERM=xterm screen -S ${session} -c '${join(sb.dir, 'screenrc')}'`,
  );
}

const tick = (line: string) => Number(/tick(\d+)/.exec(line)?.[1] ?? 0);

describe('screen hardstatus', () => {
  it('without tail --pid or /proc/PID: the right side is followed, and the follower ends with screen', async () => {
    fakeBin = sandbox();
    const fake = bsdLikeBin(fakeBin.dir);
    const proc = join(fakeBin.dir, 'proc');
    mkdirSync(proc);
    await startScreen('bsd', { PATH: fake.bin, SHOJI_PROC_ROOT: proc });
    const run = sb!.env.SHOJI_RUNTIME_DIR!;
    await waitFor('the right side', () => tick(viewer!.statusLine()) > 0 || undefined, 15_000);
    const now = tick(viewer!.statusLine());
    await waitFor('the tick advancing', () => tick(viewer!.statusLine()) > now + 1 || undefined, 15_000);
    const tails = followers(run);
    expect(tails).toHaveLength(1);
    expect(tails[0].args.some((a) => a.startsWith('--pid'))).toBe(false);
    // A child of the job's shell, which watches screen: not exec'd into the job.
    const parent = processes().find((p) => p.pid === tails[0].ppid);
    expect(basename(parent?.args[0] ?? '')).toMatch(/sh$/);
    expect(readFileSync(fake.tailLog, 'utf8')).not.toContain('--pid');
    spawnSync('screen', ['-S', session, '-X', 'quit'], { env: sb!.env, stdio: 'ignore' });
    await waitFor('the follower ending with screen', () => followers(run).length === 0 || undefined, 15_000);
  });

  it('on Linux: the right side job is GNU tail --pid of the screen server, exec’d', async () => {
    await startScreen('linux', {});
    const run = sb!.env.SHOJI_RUNTIME_DIR!;
    await waitFor('the right side', () => tick(viewer!.statusLine()) > 0 || undefined, 15_000);
    const [tail] = await waitFor('the follower', () => {
      const t = followers(run);
      return t.length > 0 ? t : undefined;
    });
    const screenServer = processes().find((p) => p.pid === tail.ppid);
    expect(tail.args[0]).toBe('tail');
    expect(tail.args).toContain(`--pid=${tail.ppid}`);
    expect(basename(screenServer?.args[0] ?? '').toLowerCase()).toContain('screen');
  });
});
