/**
 * Sending a signal to a process from the dashboard: the short menu of signals, the confirmation
 * that names the process, and the send itself, which checks first that the PID still names the
 * process the user selected.
 *
 * Why the start time: PIDs are reused. Between the sample the user picked a row from and the
 * moment they confirm, the process may have ended and its PID gone to another one. A PID with
 * its start time (/proc/PID/stat field 22, clock ticks since boot) names one process for good,
 * so the send reads it again and refuses when it differs. (A window of microseconds remains
 * between that read and kill(2); pidfd_send_signal would close it, but Node has no binding.)
 * Without /proc (the systeminformation list), `ps -o etime= -p PID` gives the start again, to
 * the second, and the nice value comes from getpriority(2): see psProbe.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getPriority, setPriority as osSetPriority } from 'node:os';
import { join } from 'node:path';
import { parseProcStat } from '../platform/linux/processes.js';
import { sameStart } from '../platform/process-start.js';

/** The menu, in this order: TERM first, as the safe default under Enter. */
export const SIGNALS = ['TERM', 'KILL', 'HUP', 'INT', 'STOP', 'CONT', 'USR1', 'USR2'] as const;
export type SignalName = (typeof SIGNALS)[number];

/** The process an action is about, as it was when the user selected it. */
export interface ProcTarget {
  pid: number;
  start: string;
  name: string;
  command: string;
  user: string;
}

/**
 * The signal dialog: first a menu (choose), then a question naming the process (confirm).
 * Pure state; ui.ts draws it and feeds it keys.
 */
export interface SignalDialog {
  step: 'choose' | 'confirm';
  target: ProcTarget;
  /** Index into SIGNALS. */
  choice: number;
}

export type DialogResult = { kind: 'open'; dialog: SignalDialog } | { kind: 'cancel' } | { kind: 'send'; signal: SignalName; target: ProcTarget };

export function openSignalDialog(target: ProcTarget): SignalDialog {
  return { step: 'choose', target, choice: 0 };
}

/**
 * One key in the dialog. Enter is blessed's 'enter' only: it reports the Return key twice, as
 * 'enter' and then 'return', and the second must not answer the question the first opened. In the menu: Up/Down (or j/k) move, Enter or the signal's number
 * (1-8) chooses; in the question: y sends, n or Esc goes back to the menu... Esc in the menu
 * (or q) closes it. `full` is blessed's key name, `ch` the character typed.
 */
export function signalDialogKey(d: SignalDialog, ch: string, full: string): DialogResult {
  if (d.step === 'confirm') {
    if (ch === 'y' || ch === 'Y') return { kind: 'send', signal: SIGNALS[d.choice], target: d.target };
    if (ch === 'n' || ch === 'N' || full === 'escape' || full === 'backspace') return { kind: 'open', dialog: { ...d, step: 'choose' } };
    return { kind: 'open', dialog: d };
  }
  if (full === 'escape' || ch === 'q') return { kind: 'cancel' };
  if (full === 'down' || ch === 'j') return { kind: 'open', dialog: { ...d, choice: Math.min(SIGNALS.length - 1, d.choice + 1) } };
  if (full === 'up' || ch === 'k') return { kind: 'open', dialog: { ...d, choice: Math.max(0, d.choice - 1) } };
  if (full === 'enter') return { kind: 'open', dialog: { ...d, step: 'confirm' } };
  const n = Number(ch);
  if (ch.length === 1 && n >= 1 && n <= SIGNALS.length) return { kind: 'open', dialog: { ...d, choice: n - 1, step: 'confirm' } };
  return { kind: 'open', dialog: d };
}

/** What the confirmation warns about before anything is sent (shown, never silently refused). */
export function targetWarning(target: Pick<ProcTarget, 'pid'>, selfPid: number): string | null {
  if (target.pid === 1) return 'PID 1 is init: stopping it stops the machine (or the container)';
  if (target.pid === selfPid) return 'this is the dashboard itself';
  return null;
}

/** The lines of the dialog, plain text (ui.ts styles them). The menu marks the choice with '>'. */
export function signalDialogLines(d: SignalDialog, selfPid: number): string[] {
  const t = d.target;
  const who = [`PID ${t.pid}, user ${t.user || '?'}`, t.command || t.name];
  const warning = targetWarning(t, selfPid);
  if (d.step === 'confirm') {
    return [`Send SIG${SIGNALS[d.choice]} to`, ...who, ...(warning ? [`Careful: ${warning}.`] : []), '', 'y: send   n, Esc: back'];
  }
  return [
    ...who,
    ...(warning ? [`Careful: ${warning}.`] : []),
    '',
    ...SIGNALS.map((s, i) => `${i === d.choice ? '>' : ' '} ${i + 1} SIG${s}`),
    '',
    'Enter: choose   Esc: cancel',
  ];
}

/** The start time /proc says the PID has now, or null when no such process exists. */
export function startTimeOf(procRoot: string, pid: number): string | null {
  try {
    return parseProcStat(readFileSync(join(procRoot, String(pid), 'stat'), 'latin1'))?.start ?? null;
  } catch {
    return null;
  }
}

/** How an action reads the selected process again just before it acts, on the host's terms. */
export interface ProcessProbe {
  /** The start the PID has now, or null when no such process exists. */
  startOf(pid: number): string | null;
  /** Whether two starts are one process's. */
  same(a: string, b: string): boolean;
  /** Start and nice value the PID has now, or null when it has ended. */
  niceOf(pid: number): { start: string; nice: number } | null;
  /** Whether the process is gone, asked every 250 ms after a signal: as cheap as the host allows. */
  gone(pid: number, start: string): boolean;
}

/** The direct probe: /proc/PID/stat. */
export function procProbe(procRoot: string): ProcessProbe {
  return {
    startOf: (pid) => startTimeOf(procRoot, pid),
    same: (a, b) => a === b,
    niceOf: (pid) => niceOf(procRoot, pid),
    gone: (pid, start) => startTimeOf(procRoot, pid) !== start,
  };
}

/** ps's elapsed time ("[[dd-]hh:]mm:ss") in seconds, or null when it is not one. */
export function parseEtime(text: string): number | null {
  const m = /^\s*(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)\s*$/.exec(text);
  if (!m) return null;
  const [days, hours, minutes, seconds] = [m[1], m[2], m[3], m[4]].map((v) => Number(v ?? 0));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

/**
 * The probe where there is no /proc: the start again from `ps -o etime= -p PID` (POSIX, on
 * macOS, the BSDs and Linux), as the epoch second systeminformation's list gives (src/platform/
 * process-start.ts), within its rounding; the nice value from getpriority(2). One ps per
 * signal or renice the user asks for (a few ms, synchronous: the answer decides the action);
 * while waiting for an end, only kill(pid, 0).
 */
export function psProbe(run: (pid: number) => string | null = psEtime, nowMs: () => number = Date.now): ProcessProbe {
  const startNow = (pid: number): string | null => {
    const elapsed = parseEtime(run(pid) ?? '');
    return elapsed === null ? null : String(Math.floor(nowMs() / 1000) - elapsed);
  };
  return {
    startOf: startNow,
    same: sameStart,
    niceOf(pid) {
      const start = startNow(pid);
      if (start === null) return null;
      try {
        return { start, nice: getPriority(pid) };
      } catch {
        return null;
      }
    },
    gone(pid) {
      try {
        process.kill(pid, 0);
        return false;
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'ESRCH';
      }
    },
  };
}

function psEtime(pid: number): string | null {
  try {
    return execFileSync('ps', ['-o', 'etime=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch (err) {
    // ps exits 1 when there is no such process; a ps that is missing, killed or too slow says nothing about it.
    if ((err as { status?: number | null }).status === 1) return null;
    throw new Error(`ps could not say whether PID ${pid} is the same process (${(err as NodeJS.ErrnoException).code ?? 'no answer in 5 s'})`);
  }
}

/** The probe's answer, or the reason it has none as the action's message. */
function probed<T>(ask: () => T): { answer: T } | { text: string } {
  try {
    return { answer: ask() };
  } catch (err) {
    return { text: (err as Error).message };
  }
}

const probeOf = (p: string | ProcessProbe): ProcessProbe => (typeof p === 'string' ? procProbe(p) : p);

export interface SendResult {
  ok: boolean;
  /** What the user is told, plain text (sanitized where drawn). */
  text: string;
}

/** What a failed kill(2) means to the user. */
export function killErrorText(code: string | undefined, signal: SignalName, target: ProcTarget): string {
  const what = `PID ${target.pid} (${target.name})`;
  if (code === 'EPERM') return `SIG${signal} to ${what}: not permitted (EPERM): it belongs to ${target.user || 'another user'}`;
  if (code === 'ESRCH') return `${what} has ended since you selected it: nothing sent`;
  return `SIG${signal} to ${what} failed: ${code ?? 'unknown error'}`;
}

/**
 * Send `signal` to the target, only if its PID still names the process selected. `kill` is
 * process.kill (a parameter so a test can count calls); it is never given a PID below 1, which
 * kill(2) reads as a whole process group or every process.
 */
export function sendSignal(
  probe: string | ProcessProbe,
  target: ProcTarget,
  signal: SignalName,
  kill: (pid: number, signal: NodeJS.Signals) => void = process.kill,
): SendResult {
  if (!Number.isInteger(target.pid) || target.pid < 1) return { ok: false, text: `PID ${target.pid} is not a process: nothing sent` };
  const p = probeOf(probe);
  const asked = probed(() => p.startOf(target.pid));
  if ('text' in asked) return { ok: false, text: `${asked.text}: nothing sent` };
  const now = asked.answer;
  if (now === null) return { ok: false, text: killErrorText('ESRCH', signal, target) };
  if (!p.same(now, target.start)) return { ok: false, text: `PID ${target.pid} is another process now (${target.name} ended): nothing sent` };
  try {
    kill(target.pid, `SIG${signal}` as NodeJS.Signals);
  } catch (err) {
    return { ok: false, text: killErrorText((err as NodeJS.ErrnoException).code, signal, target) };
  }
  return { ok: true, text: `SIG${signal} sent to PID ${target.pid} (${target.name})` };
}

/** Start time and nice value (stat fields 22 and 19) the PID has now, or null when it has ended. */
export function niceOf(procRoot: string, pid: number): { start: string; nice: number } | null {
  try {
    const text = readFileSync(join(procRoot, String(pid), 'stat'), 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const nice = Number(f[16]);
    return f.length >= 20 && Number.isInteger(nice) ? { start: f[19], nice } : null;
  } catch {
    return null;
  }
}

/** What a failed setpriority(2) means to the user. */
export function reniceErrorText(code: string | undefined, target: ProcTarget, to: number): string {
  const what = `PID ${target.pid} (${target.name})`;
  if (code === 'EACCES') return `nice ${to} for ${what}: lowering the nice value needs privilege (EACCES)`;
  if (code === 'EPERM') return `nice ${to} for ${what}: not permitted (EPERM): it belongs to ${target.user || 'another user'}`;
  if (code === 'ESRCH') return `${what} has ended since you selected it: nothing changed`;
  return `nice ${to} for ${what} failed: ${code ?? 'unknown error'}`;
}

/**
 * `n` / `N`: the nice value one step up (+1, less CPU) or down (-1, more CPU, which needs
 * privilege), within -20..19, only if the PID still names the process selected. `setPriority`
 * is os.setPriority; Node reports the errno in err.info.code (err.code is ERR_SYSTEM_ERROR).
 */
export function renice(
  probe: string | ProcessProbe,
  target: ProcTarget,
  delta: 1 | -1,
  setPriority: (pid: number, priority: number) => void = osSetPriority,
): SendResult {
  if (!Number.isInteger(target.pid) || target.pid < 1) return { ok: false, text: `PID ${target.pid} is not a process: nothing changed` };
  const p = probeOf(probe);
  const asked = probed(() => p.niceOf(target.pid));
  if ('text' in asked) return { ok: false, text: `${asked.text}: nothing changed` };
  const now = asked.answer;
  if (now === null) return { ok: false, text: reniceErrorText('ESRCH', target, 0) };
  if (!p.same(now.start, target.start)) return { ok: false, text: `PID ${target.pid} is another process now (${target.name} ended): nothing changed` };
  const to = Math.max(-20, Math.min(19, now.nice + delta));
  if (to === now.nice) return { ok: false, text: `PID ${target.pid} (${target.name}) is already at nice ${to}, the ${delta > 0 ? 'highest' : 'lowest'}` };
  try {
    setPriority(target.pid, to);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { info?: { code?: string } };
    return { ok: false, text: reniceErrorText(e.info?.code ?? e.code, target, to) };
  }
  return { ok: true, text: `PID ${target.pid} (${target.name}): nice ${now.nice} -> ${to}` };
}
