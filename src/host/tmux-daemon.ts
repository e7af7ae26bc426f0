/**
 * The tmux daemon: one per tmux server, ending when that server ends.
 *
 * Why this shape (measured, see docs/benchmarks.md): tmux keeps a #() job's process running
 * and redraws the status line with the job's latest output line as soon as it arrives, so
 * status-right is `#(exec shoji-tmux-job right #{pid} NODE #{client_width})`, a shell script
 * that `tail -F`s a file this daemon appends to. Per refresh that costs no process at all — no fork, no Node start —
 * and a line that did not change is not written, so tmux redraws nothing. Pushing with
 * `tmux set` instead would repaint every attached client in full (~5 KB) on each change.
 *
 * Files in <runtime>/tmux-<server pid>/: daemon.pid (the single-instance lock), left and right
 * (one rendered line per change; cut back to one line when they grow), right@WIDTH (the right
 * side fitted to a client WIDTH cells wide, for each width a job asked for in want/ before
 * sending SIGWINCH), snapshot.json (module statuses for `shoji modules`, written when it sends
 * SIGUSR2: writing it on every change was measured as the daemon's largest steady cost).
 */
import { closeSync, constants, type Dirent, linkSync, lstatSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/app.js';
import { writeFileAtomic } from '../core/atomic.js';
import { type LockPolicy, removeIfStill } from '../core/lock.js';
import { runtimeDir } from '../core/paths.js';
import { privateFolder } from '../core/trust.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { displayWidth } from '../core/width.js';
import { alertingModules } from './alerts-watch.js';
import { LiveStatus } from './live.js';
import { lineFiles } from './line-files.js';
import { log } from './log.js';
import { renderSide, sideSegments } from './render-sides.js';

/**
 * Client widths served at once; a resize asks for a new one, and the oldest is dropped (a
 * client still that wide then keeps its last line until it is resized or reattached).
 */
const MAX_WIDTHS = 8;
/**
 * What tmux draws around shoji's left side that the job's number does not already count (see
 * tmuxRoomFormat in src/cli/tmux-conf.ts): status-left is "[#S] LEFT ", so "[", "]" and a
 * space on each side of it.
 */
export const TMUX_OWN_CELLS = 4;
const MIN_RIGHT_CELLS = 10;

/**
 * How wide the right side may be when a client leaves `cells` for shoji's sides (its width
 * less the session name and the window list, as the job passes it), beside a left side
 * `leftWidth` cells wide: tmux cuts a right side that does not fit from its start and squeezes
 * the window list out, so shoji drops its lowest-priority segments first; and it leaves no
 * more than that blank. A max_width from the config still caps it.
 */
export function rightWidthFor(cells: number, leftWidth: number, maxWidth: number): number {
  const room = Math.max(MIN_RIGHT_CELLS, cells - leftWidth - TMUX_OWN_CELLS);
  return maxWidth > 0 ? Math.min(maxWidth, room) : room;
}

export function tmuxDir(env: NodeJS.ProcessEnv, serverPid: number): string {
  return join(runtimeDir(env), `tmux-${serverPid}`);
}

/** Whether a process exists and is yours (kill -0 answers EPERM for another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * ps(1)'s runner for isDaemonFor where there is no /proc: loaded by the daemon before it judges a
 * pid file (loadPsRunner), never at import, since `shoji status` loads this file too and has no
 * use for node:child_process in its steady state.
 */
let psRunner: typeof import('node:child_process').spawnSync | undefined;

export async function loadPsRunner(): Promise<void> {
  psRunner ??= (await import('node:child_process')).spawnSync;
}

/**
 * Whether `pid` is a live shoji daemon of yours serving tmux server `serverPid`: a pid file may
 * name a process that has since died and whose pid was reused (a `sleep`, pid 1), and waiting
 * on that would freeze the line for as long as it lives.
 */
export function isDaemonFor(pid: number, serverPid: number, procRoot = '/proc', ps = 'ps'): boolean {
  if (!(pid > 0) || !alive(pid)) return false;
  let args: string[];
  try {
    args = readFileSync(join(procRoot, String(pid), 'cmdline'), 'latin1').split('\0');
  } catch {
    // No /proc to ask (macOS, the BSDs): ps(1) names the command, its arguments joined by spaces
    // (-ww: whole, whatever the width). Asked only here, when a pid file is already there.
    const named = psRunner?.(ps, ['-ww', '-p', String(pid), '-o', 'command='], { encoding: 'latin1', timeout: 5000 });
    if (!named || named.error) return true; // no ps either: a live process of yours is taken at its word
    return ` ${named.stdout.trim()} `.includes(` tmux-daemon --server-pid ${serverPid} `);
  }
  const at = args.indexOf('--server-pid');
  return args.includes('tmux-daemon') && at >= 0 && args[at + 1] === String(serverPid);
}

/** The lock file's text, or null when there is none (or it cannot be read). */
function pidFileText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The pid a lock file's text names, or 0 when it names none. */
function holderIn(text: string | null): number {
  const t = text?.trim() ?? '';
  return /^\d{1,10}$/.test(t) ? Number(t) : 0;
}

/** Only how a gate left by a killed starter is judged (core/lock.ts): the pid file itself is judged above. */
const GATE_POLICY: LockPolicy = { staleAfterMs: 30_000, retries: 0, retryMs: 0, takeOverUnreadable: false };

/**
 * Take the single-instance lock; false when another live daemon holds it. The file appears
 * with its pid already in it (written beside it, then hard-linked into place, which fails if
 * it exists): the left and right jobs start a daemon each at the same moment, and one that
 * found the file still empty would have taken it for a dead daemon's and run as a second.
 */
export function acquirePidFile(file: string, serverPid: number): boolean {
  const mine = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(mine, file);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const text = pidFileText(file);
        const holder = holderIn(text);
        if (holder > 0 && holder !== process.pid && isDaemonFor(holder, serverPid)) return false;
        // A dead daemon's, or not a daemon's at all: removed only if it still reads as judged, through
        // core/lock.ts's exclusive gate. A check then a remove let two starters both pass the check,
        // the second removing the file the first had just linked, and both ran.
        if (text !== null) removeIfStill(file, text, GATE_POLICY);
      }
    }
    return false;
  } finally {
    // Also when the disk is full: a half-written temporary file is never left behind.
    rmSync(mine, { force: true });
  }
}

/**
 * Take the client widths jobs asked for: want/ holds empty files named right@WIDTH. Only
 * regular files with that name are taken and unlinked (never followed, never recursed into);
 * anything else is left and reported once.
 */
export function takeWantedWidths(wantDir: string, onOdd: (message: string) => void): number[] {
  try {
    const st = lstatSync(wantDir);
    if (!st.isDirectory()) {
      onOdd(`${wantDir} is not a folder; ignoring it`);
      return [];
    }
  } catch {
    return []; // no job has asked yet
  }
  const widths: number[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(wantDir, { withFileTypes: true });
  } catch (err) {
    onOdd(`cannot read ${wantDir}: ${(err as Error).message}`);
    return [];
  }
  for (const entry of entries) {
    const m = /^right@(\d{1,5})$/.exec(entry.name);
    if (!m || !entry.isFile()) {
      onOdd(`unexpected ${entry.isDirectory() ? 'folder' : 'entry'} ${join(wantDir, entry.name)} left alone`);
      continue;
    }
    try {
      unlinkSync(join(wantDir, entry.name));
    } catch {
      // another daemon's request already taken
    }
    const w = Number(m[1]);
    if (w > 0) widths.push(w);
  }
  return widths;
}

export interface DaemonHandle {
  stop(): void;
  done: Promise<void>;
}

export async function runTmuxDaemon(env: NodeJS.ProcessEnv, serverPid: number): Promise<DaemonHandle | null> {
  const dir = privateFolder(tmuxDir(env, serverPid));
  const pidFile = join(dir, 'daemon.pid');
  await loadPsRunner();
  // Listen before the pid file exists: SIGUSR2's default action would end the daemon.
  let live: LiveStatus | undefined;
  const snapshot = () => {
    if (live) writeSnapshot(join(dir, 'snapshot.json'), live.statuses());
  };
  process.on('SIGUSR2', snapshot);
  if (!acquirePidFile(pidFile, serverPid)) {
    process.off('SIGUSR2', snapshot);
    return null;
  }

  // Each problem with the folder's files is logged once, not on every render.
  const reported = new Set<string>();
  const reportOnce = (message: string) => {
    if (reported.has(message)) return;
    reported.add(message);
    log(env, message);
  };
  // One file per side and fitted width: left, right, right@WIDTH.
  const write = lineFiles(dir, (file, err) => reportOnce(`cannot write ${file}: ${err.message}`));

  // Client widths the right side is fitted to, oldest first. Lines fitted by a daemon that
  // died without cleaning up would never change again: start without them (each job asks
  // for its width when it starts, and tail -F follows the file when it is written anew).
  const widths: number[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('right@') && !entry.isDirectory()) unlinkSync(join(dir, entry.name));
  }
  const render = (app: App, statuses: Map<string, ModuleStatus>) => {
    const left = sideSegments(app, 'left', statuses);
    write('left', renderSide('tmux', left, app));
    const right = sideSegments(app, 'right', statuses);
    write('right', renderSide('tmux', right, app));
    if (widths.length === 0) return;
    const leftWidth = displayWidth(renderSide('plain', left, app));
    for (const w of widths) {
      write(`right@${w}`, renderSide('tmux', right, app, { width: rightWidthFor(w, leftWidth, app.config.max_width) }));
    }
  };
  /** Take the widths jobs asked for (want/right@WIDTH) and draw for them at once. */
  const takeWants = () => {
    for (const w of takeWantedWidths(join(dir, 'want'), reportOnce)) {
      if (widths.includes(w)) continue;
      widths.push(w);
      if (widths.length > MAX_WIDTHS) widths.shift();
    }
    if (live?.app) render(live.app, live.statuses());
  };
  process.on('SIGWINCH', takeWants);

  live = new LiveStatus({
    env,
    // And the modules set to alert, shown or not: their messages go to this server's clients.
    modules: (app) => [...new Set([...app.modules.left, ...app.modules.right, ...alertingModules(app)])],
    onRender: render,
    alerts: { tmuxServerPid: serverPid },
  });

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let watch: NodeJS.Timeout | undefined;
  const stop = () => {
    live?.stop();
    process.off('SIGUSR2', snapshot);
    process.off('SIGWINCH', takeWants);
    clearInterval(watch);
    rmSync(dir, { recursive: true, force: true });
    resolveDone();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('SIGHUP', stop);
  // The daemon belongs to its tmux server: when the server is gone, so is the daemon.
  watch = setInterval(() => {
    if (serverPid > 0 && !alive(serverPid)) {
      log(env, `tmux server ${serverPid} has exited; stopping`);
      stop();
    }
  }, 2000);
  try {
    await live!.start();
    takeWants(); // jobs that asked before this daemon was listening
  } catch (err) {
    log(env, `tmux daemon failed to start: ${(err as Error).stack ?? err}`);
    stop();
  }
  log(env, `tmux daemon for server ${serverPid} started in ${dir}`);
  return { stop, done };
}

function writeSnapshot(file: string, statuses: Map<string, ModuleStatus>): void {
  const out: Record<string, Omit<ModuleStatus, 'memo'>> = {};
  for (const [id, st] of statuses) {
    const { memo: _memo, ...rest } = st;
    out[id] = rest;
  }
  try {
    writeFileAtomic(file, JSON.stringify({ pid: process.pid, at: Date.now(), modules: out }));
  } catch {
    // The snapshot only serves `shoji modules`; the status line does not depend on it.
  }
}
