/**
 * The tmux status line on macOS' and the BSDs' terms, on this Linux: a PATH where `setsid` is
 * missing and `tail` refuses --pid as BSD's does, and a SHOJI_PROC_ROOT without the daemon's
 * /proc/PID (so the job asks ps who the daemon is, and follows its file without --pid). Beside
 * it, the same tmux set-up with the real PATH and /proc: Linux still takes the cheap path (the
 * job is tail alone, exec'd, with --pid).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';
import { bsdLikeBin, followers, processes } from '../helpers/other-platforms.js';
import { startShojiTmux, tmuxOk, type Viewer } from '../helpers/tmux.js';

/** The daemons serving tmux server `server`. */
function daemons(server: string): number[] {
  return processes()
    .filter(({ args }) => args.includes('tmux-daemon') && args[args.indexOf('--server-pid') + 1] === server)
    .map((p) => p.pid);
}

function writeConfig(sb: Sandbox): void {
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  const counter = join(sb.dir, 'n');
  writeFileSync(join(scripts, '1_tick'), `#!/bin/sh\nn=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${counter}'; echo "tick$n"\n`);
  chmodSync(join(scripts, '1_tick'), 0o755);
  writeFileSync(join(sb.configDir, 'config.yaml'), ['icons: ascii', 'left: [custom:tick]', 'right: [custom:tick, uptime]', ''].join('\n'));
}

const tick = (line: string) => Number(/tick(\d+)/.exec(line)?.[1] ?? 0);

describe('tmux status line without setsid, tail --pid or /proc/PID (as on macOS and the BSDs)', () => {
  const SOCKET = `shoji-it-bsd-${process.pid}`;
  let sb: Sandbox;
  let viewer: Viewer;
  let serverPid = '';
  let tailLog = '';
  let run = '';

  beforeAll(async () => {
    requireBuild();
    requireProgram('tmux');
    sb = sandbox();
    const fake = bsdLikeBin(sb.dir);
    tailLog = fake.tailLog;
    // A proc tree with no processes in it: the job and the daemon find no /proc/PID to ask.
    const proc = join(sb.dir, 'proc');
    mkdirSync(proc);
    writeFileSync(join(proc, 'uptime'), '12345.67 100.00\n');
    sb.env.PATH = fake.bin;
    sb.env.SHOJI_PROC_ROOT = proc;
    delete sb.env.XDG_RUNTIME_DIR;
    run = sb.env.SHOJI_RUNTIME_DIR!;
    writeConfig(sb);
    ({ serverPid, viewer } = await startShojiTmux(SOCKET, sb));
  });

  afterAll(() => {
    viewer?.kill();
    tmuxOk(SOCKET, ['kill-server'], sb?.env);
    sb?.cleanup();
  });

  it('draws the line: one daemon, recognised through ps, followed by tail without --pid', async () => {
    const line = await waitFor('the status line', () => {
      const l = viewer.statusLine();
      return tick(l) > 0 && l.includes('up ') ? l : undefined;
    });
    expect(line).not.toContain('did not start');
    const before = tick(viewer.statusLine());
    await waitFor('the tick advancing', () => tick(viewer.statusLine()) > before + 1, 15_000);
    expect(daemons(serverPid)).toHaveLength(1);
    // Every follower runs without --pid, a child of the job's shell (not exec'd into it).
    const tails = followers(run);
    expect(tails.length).toBeGreaterThan(0);
    for (const t of tails) expect(t.args.some((a) => a.startsWith('--pid'))).toBe(false);
    expect(readFileSync(tailLog, 'utf8')).not.toContain('--pid');
  });

  it('heals when the daemon is killed: the followers of the dead one end, a new daemon draws the line', async () => {
    const [old] = daemons(serverPid);
    const oldTails = followers(run).map((t) => t.pid);
    process.kill(old, 'SIGKILL');
    await waitFor('the old followers ending', () => !followers(run).some((t) => oldTails.includes(t.pid)), 15_000);
    await waitFor('a new daemon', () => daemons(serverPid).some((p) => p !== old), 15_000);
    const now = tick(viewer.statusLine());
    await waitFor('the tick advancing after the restart', () => tick(viewer.statusLine()) > now + 1, 15_000);
    expect(daemons(serverPid)).toHaveLength(1);
  });

  it('leaves nothing running when the tmux server ends', async () => {
    viewer.kill();
    tmuxOk(SOCKET, ['kill-server'], sb.env);
    await waitFor('the daemon and the followers ending', () => daemons(serverPid).length === 0 && followers(run).length === 0, 15_000);
  });
});

describe('tmux status line on Linux', () => {
  const SOCKET = `shoji-it-linux-${process.pid}`;
  let sb: Sandbox;
  let viewer: Viewer;
  let serverPid = '';

  beforeAll(async () => {
    requireBuild();
    requireProgram('tmux');
    sb = sandbox();
    writeConfig(sb);
    ({ serverPid, viewer } = await startShojiTmux(SOCKET, sb));
  });

  afterAll(() => {
    viewer?.kill();
    tmuxOk(SOCKET, ['kill-server'], sb?.env);
    sb?.cleanup();
  });

  it('takes the cheap path: each job is GNU tail --pid alone, exec’d, a child of the tmux server', async () => {
    await waitFor('the status line', () => (tick(viewer.statusLine()) > 0 ? true : undefined));
    const [daemon] = daemons(serverPid);
    const tails = await waitFor('the followers', () => {
      const t = followers(sb.env.SHOJI_RUNTIME_DIR!);
      return t.length >= 2 ? t : undefined;
    });
    for (const t of tails) {
      expect(t.args[0]).toBe('tail');
      expect(t.args).toContain(`--pid=${daemon}`);
      expect(String(t.ppid)).toBe(serverPid);
    }
  });
});
