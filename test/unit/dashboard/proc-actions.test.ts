import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import {
  killErrorText,
  niceOf,
  renice,
  openSignalDialog,
  type ProcTarget,
  sendSignal,
  SIGNALS,
  signalDialogKey,
  signalDialogLines,
  startTimeOf,
  targetWarning,
} from '../../../src/dashboard/proc-actions.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

const target = (over: Partial<ProcTarget> = {}): ProcTarget => ({ pid: 4242, start: '777', name: 'sleep', command: 'sleep 1000', user: 'alice', ...over });

let tree: FixtureTree | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  tree?.cleanup();
  tree = undefined;
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** A real child process, and how it ended. */
function startSleep(): { pid: number; ended: Promise<NodeJS.Signals | null> } {
  child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  const c = child;
  return { pid: c.pid!, ended: new Promise((resolve) => c.on('exit', (_code, signal) => resolve(signal))) };
}

describe('the signal menu', () => {
  it('offers TERM first, then KILL, HUP, INT, STOP, CONT, USR1, USR2', () => {
    expect(SIGNALS).toEqual(['TERM', 'KILL', 'HUP', 'INT', 'STOP', 'CONT', 'USR1', 'USR2']);
    const lines = signalDialogLines(openSignalDialog(target()), 1);
    expect(lines.filter((l) => /SIG/.test(l))).toEqual([
      '> 1 SIGTERM',
      '  2 SIGKILL',
      '  3 SIGHUP',
      '  4 SIGINT',
      '  5 SIGSTOP',
      '  6 SIGCONT',
      '  7 SIGUSR1',
      '  8 SIGUSR2',
    ]);
  });

  it('Enter asks a question naming the process (PID, command, user); y sends, n goes back, Esc cancels', () => {
    let d = openSignalDialog(target());
    const key = (ch: string, full = ch) => {
      const r = signalDialogKey(d, ch, full);
      if (r.kind === 'open') d = r.dialog;
      return r;
    };
    key('', 'down');
    key('', 'down');
    key('', 'up');
    expect(d.choice).toBe(1);
    key('\r', 'enter');
    expect(d.step).toBe('confirm');
    // blessed reports the Return key a second time as 'return': it must not answer the question
    expect(key('\r', 'return').kind).toBe('open');
    expect(d.step).toBe('confirm');
    const question = signalDialogLines(d, 1).join('\n');
    expect(question).toContain('Send SIGKILL to');
    expect(question).toContain('PID 4242, user alice');
    expect(question).toContain('sleep 1000');
    expect(key('x').kind).toBe('open'); // anything else: still asking
    key('n');
    expect(d.step).toBe('choose');
    expect(key('5')).toEqual({ kind: 'open', dialog: { ...d, step: 'confirm', choice: 4 } });
    expect(key('y')).toEqual({ kind: 'send', signal: 'STOP', target: target() });
    expect(signalDialogKey(openSignalDialog(target()), '', 'escape')).toEqual({ kind: 'cancel' });
    // q cancels the menu rather than quitting the dashboard behind it
    expect(signalDialogKey(openSignalDialog(target()), 'q', 'q')).toEqual({ kind: 'cancel' });
  });

  it('says so before signalling PID 1 or the dashboard itself', () => {
    expect(targetWarning({ pid: 1 }, 500)).toMatch(/init/);
    expect(targetWarning({ pid: 500 }, 500)).toMatch(/dashboard itself/);
    expect(targetWarning({ pid: 501 }, 500)).toBeNull();
    const lines = signalDialogLines({ ...openSignalDialog(target({ pid: 1 })), step: 'confirm' }, 500);
    expect(lines.join('\n')).toMatch(/Careful: PID 1 is init/);
  });

  it('turns kill errors into words', () => {
    expect(killErrorText('EPERM', 'TERM', target())).toBe('SIGTERM to PID 4242 (sleep): not permitted (EPERM): it belongs to alice');
    expect(killErrorText('ESRCH', 'TERM', target())).toBe('PID 4242 (sleep) has ended since you selected it: nothing sent');
    expect(killErrorText('EINVAL', 'HUP', target())).toBe('SIGHUP to PID 4242 (sleep) failed: EINVAL');
  });
});

describe('sending a signal', () => {
  it('sends it to a real process whose start time is still the one selected', async () => {
    const { pid, ended } = startSleep();
    const start = startTimeOf('/proc', pid);
    expect(start).toMatch(/^\d+$/);
    // field 22 of the real stat file, counted by hand
    expect(start).toBe(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ')[19]);
    const r = sendSignal('/proc', target({ pid, start: start! }), 'TERM');
    expect(r).toEqual({ ok: true, text: `SIGTERM sent to PID ${pid} (sleep)` });
    expect(await ended).toBe('SIGTERM');
  });

  it('refuses when the PID now names another process (another start time), and sends nothing', () => {
    const { pid } = startSleep();
    tree = fixtureTree();
    // The PID as a fixture /proc shows it: the same PID, started later than the one selected.
    const fields = Array(50).fill('0');
    fields[0] = 'S';
    fields[19] = '9999'; // starttime, field 22 counting from the PID
    tree.write(`proc/${pid}/stat`, `${pid} (sleep) ${fields.join(' ')}\n`);
    expect(startTimeOf(tree.procRoot, pid)).toBe('9999');
    const calls: number[] = [];
    const r = sendSignal(tree.procRoot, target({ pid, start: '777' }), 'KILL', (p) => calls.push(p));
    expect(r.ok).toBe(false);
    expect(r.text).toBe(`PID ${pid} is another process now (sleep ended): nothing sent`);
    expect(calls).toEqual([]);
    expect(child!.exitCode).toBeNull();
  });

  it('says a process that ended since it was selected has ended', async () => {
    const { pid, ended } = startSleep();
    const start = startTimeOf('/proc', pid)!;
    child!.kill('SIGKILL');
    await ended;
    const r = sendSignal('/proc', target({ pid, start }), 'TERM');
    expect(r).toEqual({ ok: false, text: `PID ${pid} (sleep) has ended since you selected it: nothing sent` });
  });

  it('never passes a PID below 1 to kill(2) (0 and -1 mean process groups and everyone)', () => {
    tree = fixtureTree();
    const calls: number[] = [];
    for (const pid of [0, -1, -4242]) {
      // Even where a stat file answers for such a "PID" with the start time selected.
      const fields = Array(50).fill('0');
      fields[19] = '777';
      tree.write(`proc/${pid}/stat`, `${pid} (odd) ${fields.join(' ')}\n`);
      expect(startTimeOf(tree.procRoot, pid)).toBe('777');
      const r = sendSignal(tree.procRoot, target({ pid, start: '777' }), 'KILL', (p) => calls.push(p));
      expect(r.ok).toBe(false);
    }
    expect(calls).toEqual([]);
  });

  it('shows a kill error in words rather than throwing', () => {
    const { pid } = startSleep();
    const start = startTimeOf('/proc', pid)!;
    const eperm = Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    const r = sendSignal('/proc', target({ pid, start }), 'TERM', () => {
      throw eperm;
    });
    expect(r).toEqual({ ok: false, text: `SIGTERM to PID ${pid} (sleep): not permitted (EPERM): it belongs to alice` });
  });
});

describe('renice (n, N)', () => {
  it('moves a real process one step up and down, within -20..19', () => {
    const { pid } = startSleep();
    const start = startTimeOf('/proc', pid)!;
    expect(niceOf('/proc', pid)).toEqual({ start, nice: 0 });
    expect(renice('/proc', target({ pid, start }), 1)).toEqual({ ok: true, text: `PID ${pid} (sleep): nice 0 -> 1` });
    expect(getPriority(pid)).toBe(1);
    expect(niceOf('/proc', pid)!.nice).toBe(1);
    setPriority(pid, 19);
    expect(renice('/proc', target({ pid, start }), 1)).toEqual({ ok: false, text: `PID ${pid} (sleep) is already at nice 19, the highest` });
    expect(getPriority(pid)).toBe(19);
  });

  it('changes nothing when the PID names another process now, or it has ended', async () => {
    const { pid, ended } = startSleep();
    const calls: number[] = [];
    const r = renice('/proc', target({ pid, start: '1' }), 1, (p) => calls.push(p));
    expect(r.text).toBe(`PID ${pid} is another process now (sleep ended): nothing changed`);
    const start = startTimeOf('/proc', pid)!;
    child!.kill('SIGKILL');
    await ended;
    expect(renice('/proc', target({ pid, start }), 1, (p) => calls.push(p)).text).toBe(`PID ${pid} (sleep) has ended since you selected it: nothing changed`);
    expect(calls).toEqual([]);
  });

  it("says EACCES (lowering needs privilege) and EPERM in words, from Node's system error", () => {
    const { pid } = startSleep();
    const start = startTimeOf('/proc', pid)!;
    // The error os.setPriority throws, as Node builds it (checked by hand as an unprivileged user).
    const systemError = (code: string) => Object.assign(new Error(`uv_os_setpriority returned ${code}`), { code: 'ERR_SYSTEM_ERROR', info: { code } });
    const fail = (code: string) => () => {
      throw systemError(code);
    };
    expect(renice('/proc', target({ pid, start }), -1, fail('EACCES')).text).toBe(
      `nice -1 for PID ${pid} (sleep): lowering the nice value needs privilege (EACCES)`,
    );
    expect(renice('/proc', target({ pid, start }), 1, fail('EPERM')).text).toBe(`nice 1 for PID ${pid} (sleep): not permitted (EPERM): it belongs to alice`);
  });
});
