/**
 * Acting on processes from `shoji dashboard` in a real tmux pane, read with capture-pane, on the
 * real /proc: `/` finds a process by its command line, `k` sends it a signal from the menu after
 * a confirmation naming it, and the table says when it has ended; a signal to a process the
 * dashboard's user may not signal shows EPERM in the panel and the dashboard carries on; Enter
 * opens a process's detail, read from /proc while it is open.
 *
 * The dashboard runs as a second local user (test/helpers/users.ts): as root, kill(2) is never
 * refused. Its `sleep` is started as that user; the other one as the test's own user (root).
 * Each sleep's argument holds this test's PID, so the filter finds only this run's processes on
 * a machine others share.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, SHOJI, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';
import { NO_SECOND_USER, type TestUser, testUser } from '../helpers/users.js';

const SOCKET = `shoji-dash-procs-${process.pid}`;
const S = 'procs';
let sb: Sandbox;
let user: TestUser;
const children: ChildProcess[] = [];

const tm = (args: string[]) => tmux(SOCKET, args, sb.env);
const capture = () => tm(['capture-pane', '-p', '-t', S]);
const keys = (...k: string[]) => tm(['send-keys', '-t', S, ...k]);
const type = (text: string) => tm(['send-keys', '-t', S, '-l', text]);

/** Every file of the sandbox to the second user, who runs the dashboard in it. */
function chownTree(dir: string, u: TestUser): void {
  chownSync(dir, u.uid, u.gid);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) chownTree(path, u);
    else chownSync(path, u.uid, u.gid);
  }
}

/** `sleep SECONDS` as this user (setpriv execs it: the child's PID is the sleep's), and how it ended. */
function sleeper(seconds: string, as?: TestUser): { child: ChildProcess; ended: Promise<NodeJS.Signals | null> } {
  const child = as
    ? spawn('setpriv', [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', 'sleep', seconds], { stdio: 'ignore' })
    : spawn('sleep', [seconds], { stdio: 'ignore' });
  children.push(child);
  return { child, ended: new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal))) };
}

/** The process table's row for this PID on screen, if it is there. */
const rowOf = (text: string, pid: number) => text.split('\n').find((l) => new RegExp(`^[│x|] +${pid} `).test(l));

describe.skipIf(NO_SECOND_USER)('acting on processes from the dashboard', () => {
  beforeAll(() => {
    requireBuild();
    requireProgram('tmux');
    requireProgram('setpriv');
    user = testUser('shoji-other');
    sb = sandbox();
    writeFileSync(join(sb.configDir, 'config.yaml'), 'modules:\n  updates: { enabled: false }\n');
    mkdirSync(join(sb.dir, 'state'), { recursive: true });
    chownTree(sb.dir, user);
    writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
    tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
    tm(['set', '-g', 'default-terminal', 'tmux-256color']);
    const vars = Object.entries(sb.env)
      .filter(([k, v]) => k !== 'TERM' && v !== undefined)
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    const run = `setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups env -i ${vars} TERM=\\$TERM ${process.execPath} ${SHOJI} dashboard`;
    tm(['new-session', '-d', '-s', S, '-x', '160', '-y', '48', `sh -c "${run}; echo DASHBOARD-EXITED \\$?; exec sleep 60"`]);
  });

  afterAll(async () => {
    // Quit first: a dashboard killed with the server could still be writing its state files.
    if (tmuxOk(SOCKET, ['has-session', '-t', S], sb?.env)) {
      keys('q');
      await waitFor('the dashboard to exit', () => /DASHBOARD-EXITED 0/.test(capture()), 20_000).catch(() => undefined);
    }
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    tmuxOk(SOCKET, ['kill-server'], sb?.env);
    sb?.cleanup();
  });

  it('/ finds a sleep, k sends it SIGTERM after a confirmation naming it, and the table says it ended', async () => {
    const seconds = `1000.${process.pid}`;
    const { child, ended } = sleeper(seconds, user);
    const pid = child.pid!;
    await waitFor('first frame', () => /Processes/.test(capture()) && /PID.*%CPU/.test(capture()), 30_000);
    keys('/');
    type(`sleep ${seconds}`);
    keys('Enter');
    const found = await waitFor(
      'the filter to leave only the sleep',
      () => {
        const c = capture();
        return /Processes 1 of \d+, by %CPU \(s\), \/sleep 1000\./.test(c) && rowOf(c, pid) && c;
      },
      20_000,
    );
    expect(rowOf(found, pid)).toContain(`sleep ${seconds}`);
    expect(rowOf(found, pid)).toContain('shoji-o'); // the user, cut to its column;

    keys('k');
    const menu = await waitFor('the signal menu', () => {
      const c = capture();
      return /send a signal/.test(c) && /SIGUSR2/.test(c) && c;
    });
    expect(menu).toContain(`PID ${pid}, user shoji-other`);
    expect(menu).toMatch(/> 1 SIGTERM/);
    keys('Enter');
    const question = await waitFor('the confirmation', () => {
      const c = capture();
      return /Send SIGTERM to/.test(c) && c;
    });
    expect(question).toContain(`PID ${pid}, user shoji-other`);
    expect(question).toContain(`sleep ${seconds}`);
    expect(child.exitCode === null && child.signalCode === null).toBe(true); // nothing sent before y
    keys('y');
    expect(await ended).toBe('SIGTERM');
    await waitFor('the table to say it ended', () => new RegExp(`PID ${pid} \\(sleep\\) has ended`).test(capture()) && !rowOf(capture(), pid), 20_000);
    keys('Escape'); // Esc clears the filter
    await waitFor('the filter cleared', () => !/ of \d+, by/.test(capture()));
  });

  it('Enter opens a detail of the process, polled while open; Esc goes back', async () => {
    const seconds = `1002.${process.pid}`;
    const own = sleeper(seconds, user);
    const pid = own.child.pid!;
    keys('/');
    type(`sleep ${seconds}`);
    keys('Enter');
    await waitFor('the sleep alone', () => rowOf(capture(), pid) && /Processes 1 of/.test(capture()), 20_000);
    expect(capture()).not.toMatch(/Esc: back/); // the Enter that ended the filter opened nothing
    keys('Enter');
    const detail = await waitFor(
      'the detail with a second reading',
      () => {
        const c = capture();
        return new RegExp(`Process ${pid}`).test(c) && /CPU % \(0-100, last [1-9]\d*s/.test(c) && c;
      },
      20_000,
    );
    expect(detail).toMatch(new RegExp(`Command +sleep ${seconds.replace('.', '\\.')}`));
    expect(detail).toMatch(new RegExp(`PID, user +${pid}, shoji-other`));
    expect(detail).toMatch(/State +S \(sleeping\)/);
    expect(detail).toMatch(/Open files +\d+/); // its own process: readable
    expect(detail).toMatch(/I\/O +read \d/);
    expect(detail).toMatch(/Cgroup +\//);
    keys('Escape');
    await waitFor('back to the table', () => !/Esc: back/.test(capture()) && rowOf(capture(), pid));
    keys('Escape'); // and the filter cleared
    await waitFor('the filter cleared', () => !/ of \d+, by/.test(capture()));
  });

  it('n raises the nice value of its own process; N, lowering it, needs privilege and says so', async () => {
    const seconds = `1003.${process.pid}`;
    const { child } = sleeper(seconds, user);
    const pid = child.pid!;
    keys('/');
    type(`sleep ${seconds}`);
    keys('Enter');
    await waitFor('the sleep alone', () => rowOf(capture(), pid) && /Processes 1 of/.test(capture()), 20_000);
    keys('n');
    await waitFor('nice 0 -> 1', () => capture().includes(`PID ${pid} (sleep): nice 0 -> 1`));
    expect(getPriority(pid)).toBe(1);
    keys('N');
    await waitFor('EACCES', () => capture().includes(`nice 0 for PID ${pid} (sleep): lowering the nice value needs privilege (EACCES)`));
    expect(getPriority(pid)).toBe(1);
    keys('Escape');
    await waitFor('the filter cleared', () => !/ of \d+, by/.test(capture()));
  });

  it('T shows the table as a tree: the sleep under the shell that started it', async () => {
    const seconds = `1004.${process.pid}`;
    const shell = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'sh', '-c', `sleep ${seconds}; true`], { stdio: 'ignore' });
    children.push(shell);
    keys('/');
    type(seconds);
    keys('Enter');
    await waitFor('the shell and its sleep', () => /Processes 2 of/.test(capture()), 20_000);
    keys('T');
    const tree = await waitFor('the tree', () => {
      const c = capture();
      return /tree, siblings by/.test(c) && c;
    });
    const lines = tree.split('\n');
    const sh = lines.findIndex((l) => new RegExp(`^[│x|] +${shell.pid} .* sh -c sleep`).test(l));
    expect(sh).toBeGreaterThan(0);
    expect(lines[sh + 1]).toMatch(new RegExp(` S └─ sleep ${seconds.replace('.', '\\.')}`));
    keys('T');
    await waitFor('the flat list again', () => !/tree, siblings/.test(capture()));
    keys('Escape');
    await waitFor('the filter cleared', () => !/ of \d+, by/.test(capture()));
  });

  it('u opens a menu of the users present; typing a name and Enter shows only theirs', async () => {
    keys('u');
    await waitFor('the user menu', () => /\(every user\)/.test(capture()) && /shoji-other/.test(capture()));
    type('shoji-ot');
    keys('Enter');
    const only = await waitFor('only shoji-other', () => {
      const c = capture();
      return /Processes \d+ of \d+, by %CPU \(s\), user shoji-other/.test(c) && c;
    });
    const users = only
      .split('\n')
      .filter((l) => /^[│x|] +\d+ /.test(l))
      .map((l) => l.split(/ +/)[2]);
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users)).toEqual(new Set(['shoji-o+'])); // cut to its column as ps does
    keys('u');
    await waitFor('the user menu', () => /\(every user\)/.test(capture()));
    keys('Home'); // not a menu key: ignored
    for (let i = 0; i < 20; i++) keys('Up');
    keys('Enter');
    await waitFor('every user again', () => !/, user /.test(capture()) && !/ of \d+, by/.test(capture()));
  });

  it("a signal to another user's process shows EPERM and changes nothing", async () => {
    const seconds = `1001.${process.pid}`;
    const { child } = sleeper(seconds);
    const pid = child.pid!;
    keys('/');
    keys('C-u'); // not a filter key: ignored
    for (let i = 0; i < 30; i++) keys('BSpace');
    type(`sleep ${seconds}`);
    keys('Enter');
    await waitFor('the root-owned sleep alone', () => rowOf(capture(), pid) && /Processes 1 of/.test(capture()), 20_000);
    // Its detail: another user's open files and I/O are not readable, and say so.
    keys('Enter');
    const detail = await waitFor('the detail', () => /Esc: back/.test(capture()) && capture());
    expect(detail).toMatch(/Open files +not readable/);
    expect(detail).toMatch(/I\/O +not readable/);
    keys('Escape');
    await waitFor('back to the table', () => !/Esc: back/.test(capture()));
    keys('k');
    await waitFor('the signal menu', () => /send a signal/.test(capture()));
    keys('1'); // SIGTERM, straight to the question
    await waitFor('the confirmation', () => /Send SIGTERM to/.test(capture()));
    keys('y');
    const shown = await waitFor('EPERM in the panel', () => {
      const c = capture();
      return /not permitted \(EPERM\)/.test(c) && c;
    });
    expect(shown).toContain(`SIGTERM to PID ${pid} (sleep): not permitted (EPERM): it belongs to root`);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    // Esc clears the filter; the dashboard is still running and drawing.
    keys('Escape');
    await waitFor('the filter cleared', () => !/\/sleep/.test(capture()) && !/ of \d+, by/.test(capture()));
    expect(capture()).not.toMatch(/DASHBOARD-EXITED/);
  });
});
