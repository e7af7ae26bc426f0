/**
 * GNU screen's window list estimated from a /proc of the test's making (src/host/screen-room.ts),
 * at its edges: children listed out of order and spaced oddly, three windows (only the one
 * before the current is marked "-"), and the processes that are not a window's program: a
 * session leader with no terminal, a process on a terminal that does not lead its session, and
 * stat lines that do not read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { windowListEstimate } from '../../src/host/screen-room.js';

let proc: string;
beforeEach(() => {
  proc = mkdtempSync(join(tmpdir(), 'shoji-screen-proc-'));
});
afterEach(() => rmSync(proc, { recursive: true, force: true }));

const stat = (pid: number, line: string) => {
  mkdirSync(join(proc, String(pid)), { recursive: true });
  writeFileSync(join(proc, String(pid), 'stat'), `${line}\n`);
};
/** A process as the kernel writes its stat line. */
const addProcess = (pid: number, comm: string, session: number, ttyNr: number) => stat(pid, `${pid} (${comm}) S 100 ${pid} ${session} ${ttyNr} -1 4194560 0 0`);
const server = (childrenText: string) => {
  mkdirSync(join(proc, '100', 'task', '100'), { recursive: true });
  writeFileSync(join(proc, '100', 'task', '100', 'children'), childrenText);
};

describe("screen's window list at the edges", () => {
  it('orders windows by pid as numbers, whatever the spacing', () => {
    addProcess(9, 'first', 9, 34816);
    addProcess(203, 'second', 203, 34817);
    addProcess(1000, 'third', 1000, 34818);
    server('  1000\n203   9 \n');
    expect(windowListEstimate(100, false, proc)).toBe('0 first  1- second  2* third');
  });

  it('leaves out a session leader with no terminal, and a process on a terminal that leads no session', () => {
    addProcess(203, 'bash', 203, 34816);
    addProcess(204, 'daemon', 204, 0);
    addProcess(205, 'job', 100, 34817);
    server('203 204 205');
    expect(windowListEstimate(100, false, proc)).toBe('0* bash');
  });

  it('skips a stat line without its (comm), or with the parentheses the wrong way round, and a process gone', () => {
    addProcess(203, 'bash', 203, 34816);
    stat(205, '205 a b 205 7 x'); // no parentheses: fields read from the wrong place would look like a window
    stat(206, '206 )( 1 2 206 7');
    server('203 205 206 207'); // 207 has ended: no stat
    expect(windowListEstimate(100, false, proc)).toBe('0* bash');
  });
});
