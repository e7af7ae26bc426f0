/**
 * How many cells GNU screen leaves for shoji's right side, so that the stream drops whole
 * segments by priority instead of screen cutting the line mid-segment.
 *
 * `shoji screen-conf`'s hardstatus line is: the left side, a space, screen's window list
 * (`%-Lw%n%f* %t%+Lw`, the current window marked: "0 bash  1* bash  2- bash"), padding, the
 * right side. The right side may take what the narrowest display attached to the session
 * leaves after the other two and a space. Both are looked up every few seconds in /proc,
 * starting nothing and showing nothing (`screen -Q windows` would answer, but it also shows the
 * list on every display's message line, over the status line):
 * - each display's width, from its terminal (the screen server holds it open);
 * - the window list, from the server's child processes that lead a session on a terminal:
 *   one per window, titled by screen after its program ("bash") unless renamed. A window
 *   renamed longer than its program makes the estimate short: screen then cuts the start of
 *   the line ("..."), keeping the right side whole; renamed shorter, a few cells stay blank.
 * Widths are counted as screen counts them: in bytes (src/render/screen.ts).
 * Without /proc the room is unknown and the right side is not fitted: docs/platforms.md says why
 * (no cheap and safe way to learn the displays' widths and the windows there).
 */
import { closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { screenWidth } from '../render/screen.js';

/** The least the right side is given, however crowded the line. */
const MIN_RIGHT_CELLS = 10;
/** The space after the left side and the one before the right side. */
const GAPS = 2;
const POLL_MS = 3000;

/** A host that knows how wide the right side may be (see src/host/stream.ts). */
export interface RightRoom {
  /** Cells for the right side beside the left side `left` (as rendered), or undefined when unknown. */
  width(left: string): number | undefined;
  /** Start asking; `changed` is called when the room may have changed. */
  watch(changed: () => void): void;
  stop(): void;
}

/** What a screen-format line shows: its \005 escapes take no cells. */
export function screenVisible(line: string): string {
  return line.replace(/\u0005\{[^}]*\}|\u0005./g, '');
}

/** The right side's room on a display `display` cells wide, beside the left side and the window list. */
export function screenRightWidth(display: number, left: string, windowList: string): number {
  return Math.max(MIN_RIGHT_CELLS, display - screenWidth(screenVisible(left)) - screenWidth(windowList) - GAPS);
}

/** The widths of the terminals (displays) a screen server has open, from /proc. */
export async function displayWidths(serverPid: number, procRoot = '/proc'): Promise<number[]> {
  const fdDir = join(procRoot, String(serverPid), 'fd');
  let fds: string[];
  try {
    fds = readdirSync(fdDir);
  } catch {
    return [];
  }
  const ttys = new Set<string>();
  for (const fd of fds) {
    try {
      const target = readlinkSync(join(fdDir, fd));
      if (/^\/dev\/(pts\/\d+|tty[A-Za-z]*\d*)$/.test(target)) ttys.add(target);
    } catch {
      // closed meanwhile
    }
  }
  if (ttys.size === 0) return [];
  // Loaded here only: node:tty brings the stream machinery, which `shoji status` does without.
  const tty = await import('node:tty');
  const widths: number[] = [];
  for (const path of ttys) {
    const cols = terminalColumns(tty, path);
    if (cols > 0) widths.push(cols);
  }
  return widths;
}

/** A terminal's width (TIOCGWINSZ), opened without becoming its controlling process; 0 if unknown. */
function terminalColumns(tty: typeof import('node:tty'), path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    return 0;
  }
  let stream: import('node:tty').WriteStream | undefined;
  try {
    if (!tty.isatty(fd)) return 0;
    stream = new tty.WriteStream(fd);
    return stream.getWindowSize()[0];
  } catch {
    return 0;
  } finally {
    if (stream) stream.destroy();
    else closeSync(fd);
  }
}

/**
 * The session's window list as the hardstatus line draws it, estimated from the screen server's
 * children in /proc (see above): "N title" for each, two spaces between, '*' after the current
 * window's number, '-' after the previous one's, and '&' when several displays show the
 * current one. Undefined when /proc has no answer.
 */
export function windowListEstimate(serverPid: number, sharedCurrent: boolean, procRoot = '/proc'): string | undefined {
  let children: string[];
  try {
    children = readFileSync(join(procRoot, String(serverPid), 'task', String(serverPid), 'children'), 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return undefined;
  }
  const titles: string[] = [];
  for (const child of children.map(Number).sort((a, b) => a - b)) {
    let stat: string;
    try {
      stat = readFileSync(join(procRoot, String(child), 'stat'), 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid pgrp session tty_nr ...": comm may hold spaces and parentheses.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < open) continue;
    const [, , , session, ttyNr] = stat.slice(close + 2).split(' ');
    // A window's program leads its own session on the window's terminal; backtick jobs do not.
    if (Number(session) === child && Number(ttyNr) !== 0) titles.push(stat.slice(open + 1, close));
  }
  const current = sharedCurrent ? '&*' : '*';
  return titles.map((title, n) => `${n}${n === titles.length - 1 ? current : n === titles.length - 2 ? '-' : ''} ${title}`).join('  ');
}

export function screenRoom(serverPid: number, pollMs = POLL_MS): RightRoom {
  let display: number | undefined;
  let windows: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let asking = false;
  return {
    width(left) {
      return display === undefined || windows === undefined ? undefined : screenRightWidth(display, left, windows);
    },
    watch(changed) {
      const ask = async () => {
        if (asking) return;
        asking = true;
        try {
          const widths = await displayWidths(serverPid);
          // Detached: nobody sees the line; keep the last known room for the next attach.
          const nextDisplay = widths.length > 0 ? Math.min(...widths) : display;
          const nextWindows = windowListEstimate(serverPid, widths.length > 1) ?? windows;
          if (nextDisplay !== display || nextWindows !== windows) {
            display = nextDisplay;
            windows = nextWindows;
            changed();
          }
        } finally {
          asking = false;
        }
      };
      void ask();
      timer = setInterval(() => void ask(), pollMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
