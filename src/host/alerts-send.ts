/**
 * Where an alert is shown, and showing it: a message on every client of the tmux server this
 * process belongs to (`display-message`), or a desktop notification (`notify-send`). Two
 * processes per alert at most (tmux: list the clients, then one command for all of them), and
 * alerts come once per episode (core/alerts.ts), never per refresh.
 *
 * The text comes from module readings, outside text, and tmux expands display-message's text
 * as a format: `#(cmd)` would run a command, `#[...]` set a style, `%H` is strftime's. So it is
 * escaped for both passes tmux makes over it (render/tmux.ts's escapeTmux, measured on tmux
 * 3.3a, with '%' doubled for strftime), and an argument ending in ';', which tmux takes as the
 * end of a command, is written as tmux's '\;'. Every program is run with execFile: no shell.
 */
import { isAbsolute } from 'node:path';
import { findExecutable } from '../core/find-program.js';
import type { AlertVia } from '../core/alerts.js';
import { escapeTmux } from '../render/tmux.js';

/** How long tmux shows an alert (ms): tmux's own display-time, 750 ms by default, is too short to read one. */
export const TMUX_ALERT_MS = 10_000;
/** The longest a tmux or notify-send call may take before it is given up. */
const SEND_TIMEOUT_MS = 5000;

export type AlertTarget = { kind: 'tmux'; tmux: string; socket: string } | { kind: 'desktop'; notifySend: string };

/**
 * The socket of the tmux server this process runs under: tmux sets TMUX to
 * "SOCKET,SERVER_PID,SESSION" for its panes and its #() jobs (environ_for_session), and the
 * daemon inherits it from the job that starts it. With `serverPid`, only that server's.
 */
export function tmuxSocket(env: NodeJS.ProcessEnv, serverPid?: number): string | null {
  const m = /^(.+),(\d+),(-?\d+)$/.exec(env.TMUX ?? '');
  if (!m || !isAbsolute(m[1])) return null;
  if (serverPid !== undefined && Number(m[2]) !== serverPid) return null;
  return m[1];
}

/** Whether a desktop session is there to notify: a session bus, or a display. */
function desktopSession(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.DBUS_SESSION_BUS_ADDRESS || env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Where `via` shows an alert from this process, or why nowhere. */
export function alertTarget(via: AlertVia, env: NodeJS.ProcessEnv, serverPid?: number): AlertTarget | { why: string } {
  const tmuxTarget = (): AlertTarget | { why: string } => {
    const socket = tmuxSocket(env, serverPid);
    if (!socket && tmuxSocket(env)) return { why: `TMUX names another tmux server than ${serverPid}'s` };
    if (!socket) return { why: 'not running inside tmux (TMUX is not set for this process)' };
    const tmux = findExecutable('tmux', env.PATH);
    return tmux ? { kind: 'tmux', tmux, socket } : { why: 'tmux is not on PATH' };
  };
  const desktopTarget = (): AlertTarget | { why: string } => {
    if (!desktopSession(env)) return { why: 'no desktop session (neither DBUS_SESSION_BUS_ADDRESS, DISPLAY nor WAYLAND_DISPLAY is set)' };
    const notifySend = findExecutable('notify-send', env.PATH);
    return notifySend ? { kind: 'desktop', notifySend } : { why: 'notify-send is not on PATH' };
  };
  if (via === 'tmux') return tmuxTarget();
  if (via === 'desktop') return desktopTarget();
  const inTmux = tmuxTarget();
  if ('kind' in inTmux || tmuxSocket(env, serverPid)) return inTmux;
  const desktop = desktopTarget();
  return 'kind' in desktop ? desktop : { why: `${inTmux.why}, and ${desktop.why}` };
}

/** The message as display-message's argument: shown as it is, never run or styled. */
export function tmuxMessageArg(message: string): string {
  const escaped = escapeTmux(message).replace(/%/g, '%%');
  return escaped.endsWith(';') ? `${escaped.slice(0, -1)}\\;` : escaped;
}

async function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  // Loaded here, not at the top: this file is in the bundle every `shoji status` loads, and
  // node:child_process costs a few ms to load (see core/scripts.ts).
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: SEND_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args[0] === '-S' ? args[2] : args[0]} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** Show `message` at the target. Resolves to how many places it was shown on (tmux: clients). */
export async function sendAlert(target: AlertTarget, message: string, urgent: boolean, env: NodeJS.ProcessEnv): Promise<number> {
  if (target.kind === 'desktop') {
    // The summary only: a notification's body is markup to many servers, its summary is text.
    await run(target.notifySend, ['--app-name=shoji', `--urgency=${urgent ? 'critical' : 'normal'}`, '--', message], env);
    return 1;
  }
  const base = ['-S', target.socket];
  const clients = (await run(target.tmux, [...base, 'list-clients', '-F', '#{client_name}'], env)).split('\n').filter((c) => c !== '');
  if (clients.length === 0) return 0;
  const arg = tmuxMessageArg(message);
  const commands = clients.flatMap((c, i) => [...(i > 0 ? [';'] : []), 'display-message', '-d', String(TMUX_ALERT_MS), '-c', c, arg]);
  await run(target.tmux, [...base, ...commands], env);
  return clients.length;
}
