/**
 * A real tmux server on a private socket, with a client attached the way a person's would
 * be: the client runs inside a pane of a second ("outer") tmux, so the status line is really
 * drawn, and capture-pane on the outer server reads it as it appears on screen.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runShoji, type Sandbox } from './cli.js';

/**
 * The environment a test's tmux runs with when the test gives none: never the runner's own.
 * A tmux server hands its environment to every pane, so an inherited NO_COLOR, LC_ALL=C or
 * TERM=dumb would reach the shoji under test and change what it draws.
 */
export function tmuxEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', TERM: 'xterm-256color' };
}

export function tmux(socket: string, args: string[], env: NodeJS.ProcessEnv = tmuxEnv()): string {
  return execFileSync('tmux', ['-L', socket, ...args], { env, encoding: 'utf8' });
}

export function tmuxOk(socket: string, args: string[], env: NodeJS.ProcessEnv = tmuxEnv()): boolean {
  return spawnSync('tmux', ['-L', socket, ...args], { env, encoding: 'utf8' }).status === 0;
}

export interface Viewer {
  outer: string;
  /** The screen as the person sees it (the outer pane), optionally with escapes (-e). */
  capture(escapes?: boolean): string;
  /** The last line of the inner client: its status line. */
  statusLine(): string;
  kill(): void;
}

/** Attach a client of `innerSocket` inside an outer tmux pane of the given size. */
let viewers = 0;

export function attachViewer(innerSocket: string, session: string, env: NodeJS.ProcessEnv, width = 200, height = 12, command?: string): Viewer {
  const outer = `${innerSocket}-outer${++viewers}`;
  const cmd = command ?? `exec env -u TMUX tmux -L ${innerSocket} attach -t ${session}`;
  tmux(outer, ['-f', '/dev/null', 'new-session', '-d', '-s', 'o', '-x', String(width), '-y', String(height), cmd], env);
  tmux(outer, ['set', '-g', 'status', 'off'], env);
  const capture = (escapes = false) => tmux(outer, ['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'o'], env);
  return {
    outer,
    capture,
    statusLine() {
      const lines = capture().replace(/\n+$/, '').split('\n');
      return lines[lines.length - 1] ?? '';
    },
    kill() {
      tmuxOk(outer, ['kill-server'], env);
    },
  };
}

/**
 * A tmux server on `socket` set up as `shoji tmux-conf` says (status-interval 1), with one
 * 200x12 session "t" and a client attached (tmux runs status jobs, and so starts shoji's
 * daemon, only for an attached client). Returns the server's pid and the viewer.
 */
export async function startShojiTmux(socket: string, sb: Sandbox): Promise<{ serverPid: string; viewer: Viewer }> {
  const conf = await runShoji(['tmux-conf'], sb.env);
  if (conf.code !== 0) throw new Error(`shoji tmux-conf failed: ${conf.stderr}`);
  writeFileSync(join(sb.dir, 'tmux.conf'), `${conf.stdout}set -g status-interval 1\n`);
  tmux(socket, ['-f', join(sb.dir, 'tmux.conf'), 'new-session', '-d', '-s', 't', '-x', '200', '-y', '12'], sb.env);
  const serverPid = tmux(socket, ['display', '-p', '#{pid}'], sb.env).trim();
  return { serverPid, viewer: attachViewer(socket, 't', sb.env) };
}
