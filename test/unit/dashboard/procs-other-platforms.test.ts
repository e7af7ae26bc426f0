/**
 * The process table where there is no /proc: systeminformation's processes() (ps) turned into
 * the host interface's list, the check before a signal or renice on ps's terms, and the same
 * processes as /proc's list when both run here at once (the forced backend, on this Linux).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEtime, psProbe, renice, sendSignal } from '../../../src/dashboard/proc-actions.js';
import { bootTime, detailFromRow, UNREAD_WITHOUT_PROC } from '../../../src/dashboard/proc-detail.js';
import { type ProcRow, ProcSampler } from '../../../src/dashboard/procs.js';
import { processUnits } from '../../../src/platform/linux/processes.js';
import { sameStart, startSecond } from '../../../src/platform/process-start.js';
import { kernelThreadOf, processListFrom } from '../../../src/platform/systeminformation.js';

type SiProcess = Parameters<typeof processListFrom>[0][number];

const siProcess = (over: Partial<SiProcess>): SiProcess => ({
  pid: 100,
  parentPid: 1,
  name: 'node',
  cpu: 10,
  cpuu: 0,
  cpus: 0,
  mem: 1,
  priority: 0,
  memVsz: 0,
  memRss: 2048,
  nice: 0,
  started: '2026-11-30 10:00:05',
  state: 'sleeping',
  tty: '',
  user: 'me',
  command: 'node',
  params: '/srv/app.js --port 80',
  path: '/usr/bin',
  ...over,
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe("systeminformation's process list", () => {
  it('gives ps letters, RSS in bytes, the command line put back together, and no CPU time', () => {
    const list = processListFrom(
      [siProcess({}), siProcess({ pid: 101, state: 'zombie', params: '', path: '', command: 'sh' })],
      1 << 30,
      4,
      'darwin',
      new Map(),
    );
    const [node, sh] = list.entries;
    expect(node).toMatchObject({ pid: 100, ppid: 1, state: 'S', rssBytes: 2048 * 1024, ticks: null, cpuPercent: 10, threads: null, kernelThread: false });
    expect(list.describe(node)).toEqual({ user: 'me', command: '/usr/bin/node /srv/app.js --port 80' });
    expect(sh.state).toBe('Z');
    expect(list.describe(sh).command).toBe('sh');
    expect(list.memTotal).toBe(1 << 30);
  });

  it("takes Linux's share of the whole machine as one core's (x CPUs); elsewhere ps's %CPU is one core's already", () => {
    expect(processListFrom([siProcess({ cpu: 10 })], 1, 4, 'linux', new Map()).entries[0].cpuPercent).toBe(40);
    expect(processListFrom([siProcess({ cpu: 10 })], 1, 4, 'freebsd', new Map()).entries[0].cpuPercent).toBe(10);
  });

  it('removes control characters from what ps printed', () => {
    const list = processListFrom([siProcess({ user: 'me\u001b[31m', params: 'x\u0007y' })], 1, 1, 'darwin', new Map());
    expect(list.describe(list.entries[0])).toEqual({ user: 'me[31m', command: '/usr/bin/node xy' });
  });

  it("keeps a PID's start when the next list moves it by its rounding, and not when it is another process", () => {
    const starts = new Map<number, string>();
    const first = processListFrom([siProcess({ started: '2026-11-30 10:00:05' })], 1, 1, 'darwin', starts).entries[0].start;
    expect(first).toBe(startSecond('2026-11-30 10:00:05'));
    expect(processListFrom([siProcess({ started: '2026-11-30 10:00:06' })], 1, 1, 'darwin', starts).entries[0].start).toBe(first);
    expect(processListFrom([siProcess({ started: '2026-11-30 10:07:00' })], 1, 1, 'darwin', starts).entries[0].start).not.toBe(first);
    expect(sameStart('100', '102')).toBe(true);
    expect(sameStart('100', '103')).toBe(false);
    expect(sameStart('', '')).toBe(false);
  });

  it("reads a start from before a daylight-saving change as ps's elapsed time gives it, not an hour off", () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      // A process started in summer (UTC+2), listed in winter (UTC+1).
      const start = Date.parse('2026-07-15T12:00:00Z');
      const now = new Date('2026-12-02T00:00:00Z');
      expect(now.getTimezoneOffset()).toBe(-60);
      // systeminformation's started text: now shifted by the offset in force now, less the elapsed time.
      const shifted = new Date(now.getTime() - now.getTimezoneOffset() * 60_000 - (now.getTime() - start));
      const started = `${shifted.toISOString().slice(0, 10)} ${shifted.toISOString().slice(11, 19)}`;
      expect(startSecond(started, now)).toBe(String(start / 1000));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('marks kernel threads: PID 0, children of 0 other than init, and on Linux kthreadd children', () => {
    expect(kernelThreadOf(0, 0, 'darwin')).toBe(true);
    expect(kernelThreadOf(1, 0, 'darwin')).toBe(false);
    expect(kernelThreadOf(11, 0, 'freebsd')).toBe(true);
    expect(kernelThreadOf(35, 2, 'linux')).toBe(true);
    expect(kernelThreadOf(35, 2, 'darwin')).toBe(false);
    const list = processListFrom([siProcess({ pid: 35, parentPid: 2, command: 'kworker/0:1', params: '', path: '' })], 1, 1, 'linux', new Map());
    expect(list.describe(list.entries[0]).command).toBe('[kworker/0:1]');
  });
});

describe('acting on a process without /proc', () => {
  it("reads ps's elapsed time in every form it prints", () => {
    expect(parseEtime('05:07')).toBe(307);
    expect(parseEtime(' 1:02:03\n')).toBe(3723);
    expect(parseEtime('2-01:00:00')).toBe(2 * 86400 + 3600);
    expect(parseEtime('')).toBeNull();
    expect(parseEtime('x')).toBeNull();
  });

  it('asks ps for the start again: the same process is signalled, a start that moved is refused, an ended one is said', async () => {
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    children.push(child);
    const pid = child.pid!;
    const probe = psProbe();
    await new Promise((r) => setTimeout(r, 100));
    const start = probe.startOf(pid);
    expect(start).toMatch(/^\d+$/);
    expect(Math.abs(Number(start) - Date.now() / 1000)).toBeLessThan(5);
    const target = { pid, start: start!, name: 'sleep', command: 'sleep 300', user: 'me' };
    expect(sendSignal(probe, { ...target, start: String(Number(start) - 60) }, 'CONT').text).toMatch(/another process now/);
    const ended = new Promise((r) => child.on('exit', (_c, signal) => r(signal)));
    expect(sendSignal(probe, target, 'TERM')).toMatchObject({ ok: true });
    expect(await ended).toBe('SIGTERM');
    expect(probe.gone(pid, target.start)).toBe(true);
    expect(sendSignal(probe, target, 'TERM').text).toMatch(/has ended/);
  });

  it('acts on nothing when ps cannot answer, and says so rather than that the process ended', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoji-ps-'));
    const path = process.env.PATH;
    try {
      // A ps that fails for its own reasons (exit 2), as a broken or foreign ps would.
      writeFileSync(join(dir, 'ps'), '#!/bin/sh\nexit 2\n');
      chmodSync(join(dir, 'ps'), 0o755);
      process.env.PATH = dir;
      const target = { pid: process.pid, start: '1', name: 'node', command: 'node', user: 'me' };
      const sent = sendSignal(psProbe(), target, 'CONT');
      expect(sent.ok).toBe(false);
      expect(sent.text).toMatch(/^ps could not say whether PID \d+ is the same process .*: nothing sent$/);
      expect(renice(psProbe(), target, 1).text).toMatch(/^ps could not say .*: nothing changed$/);
    } finally {
      process.env.PATH = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the detail view shows what the list gives and says what it cannot read', () => {
    const row: ProcRow = {
      pid: 5,
      name: 'x',
      state: 'S',
      cpu: 1,
      rssBytes: 10,
      mem: 0,
      threads: null,
      cpuSeconds: null,
      ppid: 1,
      start: '1796169309',
      kernelThread: false,
    };
    const d = detailFromRow(row, { pid: 5, command: 'x --y', user: 'me' })!;
    expect(d).toMatchObject({ command: 'x --y', startedAt: 1796169309000, rssBytes: 10, unread: UNREAD_WITHOUT_PROC });
    expect(detailFromRow(undefined, { pid: 5, command: '', user: '' })).toBeNull();
  });
});

describe('the forced systeminformation list beside /proc, on this Linux', () => {
  it('lists the same processes, answering later (a promise), with %CPU from the second list on', async () => {
    const child = spawn('sleep', [`${300 + (process.pid % 1000)}`], { stdio: 'ignore' });
    children.push(child);
    const roots = { procRoot: '/proc', sysRoot: '/sys', root: '/', now: () => performance.now() };
    const direct = new ProcSampler({ ...roots, env: {} });
    const si = new ProcSampler({ ...roots, env: { SHOJI_BACKEND: 'systeminformation' } });
    expect(si.backend).toBe('systeminformation');
    const pending = si.sample();
    expect(pending).toBeInstanceOf(Promise);
    const first = await pending;
    expect(first.every((r) => r.cpu === null)).toBe(true); // first sight: no value yet
    await new Promise((r) => setTimeout(r, 600)); // systeminformation answers from its cache within 500 ms
    const viaPs = await si.sample();
    const viaProc = direct.sample() as ProcRow[];
    const mine = (rows: ProcRow[]) => rows.find((r) => r.pid === child.pid);
    const [a, b] = [si.describe([mine(viaPs)!])[0], direct.describe([mine(viaProc)!])[0]];
    expect(a.command).toBe(b.command);
    expect(a.user).toBe(b.user);
    expect(a.ppid).toBe(b.ppid);
    expect(a.state).toBe('S');
    expect(typeof a.cpu).toBe('number');
    // The same processes in both lists: a PID whose start (clock ticks after btime in /proc, the
    // epoch second from ps) agrees within 2 s: on a busy machine most PIDs, not every one.
    const btime = bootTime('/proc')!;
    const { clkTck } = processUnits('/proc');
    const ps = new Map(viaPs.map((r) => [r.pid, r]));
    const same = viaProc.filter((r) => ps.has(r.pid) && sameStart(String(Math.floor(btime + Number(r.start) / clkTck)), ps.get(r.pid)!.start));
    expect(same.length).toBeGreaterThan(viaProc.length * 0.5); // processes started since ps ran are not in its list
    // ...with the same parents and kernel threads.
    for (const r of same) expect([r.pid, ps.get(r.pid)!.ppid, ps.get(r.pid)!.kernelThread]).toEqual([r.pid, r.ppid, r.kernelThread]);
  }, 30_000);
});
