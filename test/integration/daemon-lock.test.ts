/**
 * One daemon per tmux server, however many start at once: tmux starts the left and right jobs
 * together, and each starts a daemon when it finds none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBuild, sandbox, SHOJI, waitFor, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox | undefined;
let children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children = [];
  sb?.cleanup();
});

/** Start `count` daemons for a "server" that is this test process, all at once. */
function startDaemons(count: number): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, [SHOJI, 'tmux-daemon', '--server-pid', String(process.pid)], { env: sb!.env, stdio: 'ignore' }),
  );
}
const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);

describe('tmux daemon lock', () => {
  it('lets exactly one of eight daemons started together run', async () => {
    requireBuild();
    sb = sandbox();
    children = startDaemons(8);
    const pidFile = join(sb.env.SHOJI_RUNTIME_DIR!, `tmux-${process.pid}`, 'daemon.pid');
    await waitFor('the losers to exit', () => running().length === 1, 20_000);
    expect(Number(readFileSync(pidFile, 'utf8'))).toBe(running()[0].pid);
  });

  it("takes over from a dead daemon's pid file, and never from a live one's", async () => {
    requireBuild();
    sb = sandbox();
    const dir = join(sb.env.SHOJI_RUNTIME_DIR!, `tmux-${process.pid}`);
    const pidFile = join(dir, 'daemon.pid');
    children = startDaemons(1);
    await waitFor(
      'first daemon',
      () => {
        try {
          return Number(readFileSync(pidFile, 'utf8')) === children[0].pid;
        } catch {
          return false;
        }
      },
      20_000,
    );
    const second = startDaemons(1)[0];
    children.push(second);
    await waitFor('the second to give way to the live one', () => second.exitCode !== null, 20_000);
    children[0].kill('SIGKILL');
    await waitFor('first gone', () => children[0].signalCode !== null);
    writeFileSync(pidFile, '999999999\n'); // a pid that is not running (pid_max is far below it)
    const third = startDaemons(1)[0];
    children.push(third);
    await waitFor(
      'the third to take the stale lock',
      () => {
        try {
          return Number(readFileSync(pidFile, 'utf8')) === third.pid;
        } catch {
          return false;
        }
      },
      20_000,
    );
    expect(third.exitCode).toBeNull();
  });
});
