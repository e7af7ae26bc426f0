/**
 * The detail view of one process (Enter in the process table): its full command line, user,
 * state, start time, RSS and swap, threads, open files, bytes read and written, cgroup or
 * container, and its CPU and memory history.
 *
 * Read from /proc/PID/{stat,status,io,cgroup,fd} only while the view is open, once per poll;
 * nothing here runs otherwise. The history starts when the view opens: keeping one for every
 * process from the dashboard's start would mean a history per process per sample, for a view
 * most processes never get.
 *
 * Without /proc (systeminformation's list, from ps), the view shows what that list gives (the
 * command line, user, state, start, RSS and its %CPU), refreshed with the table, and says what
 * it cannot read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../core/units.js';
import { areaGraph } from './graph.js';
import type { History } from './history.js';
import { parseProcStat } from '../platform/linux/processes.js';
import { field, line, p, st, type PanelCtx } from './text.js';

export interface ProcDetail {
  pid: number;
  name: string;
  command: string;
  user: string;
  state: string;
  /** Start time as wall-clock milliseconds, when the boot time is known. */
  startedAt: number | null;
  ticks: number;
  rssBytes: number;
  /** VmSwap; null where status has no such line (a kernel thread). */
  swapBytes: number | null;
  threads: number;
  /** Entries in /proc/PID/fd, or why there is no count. */
  openFiles: number | 'not readable';
  /** read_bytes / write_bytes of /proc/PID/io (what reached storage); null when not readable. */
  io: { read: number; write: number } | null;
  /** The cgroup v2 path (or the first v1 one), and a container named from it. */
  cgroup: string | null;
  container: string | null;
  /** What this host's list cannot say, said in the view (null: everything was read). */
  unread?: string;
}

const STATES: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'waiting on I/O (uninterruptible)',
  Z: 'zombie (ended, not reaped by its parent)',
  T: 'stopped',
  t: 'stopped by a debugger',
  I: 'idle kernel thread',
  X: 'dead',
};

export function stateName(state: string): string {
  return STATES[state] ? `${state} (${STATES[state]})` : state;
}

/** The boot time, seconds since the epoch (btime in /proc/stat). */
export function bootTime(procRoot: string): number | null {
  try {
    const m = /^btime\s+(\d+)/m.exec(readFileSync(join(procRoot, 'stat'), 'latin1'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** VmSwap from /proc/PID/status, in bytes; null when there is no such line. */
export function parseSwap(status: string): number | null {
  const m = /^VmSwap:\s+(\d+)\s*kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : null;
}

export function parseIo(text: string): { read: number; write: number } | null {
  const read = /^read_bytes:\s+(\d+)/m.exec(text);
  const write = /^write_bytes:\s+(\d+)/m.exec(text);
  return read && write ? { read: Number(read[1]), write: Number(write[1]) } : null;
}

/**
 * The process's cgroup (the v2 line "0::/path" when there is one, else the first v1 line with a
 * path beyond "/") and the container it names, if any: Docker, Podman, Kubernetes, LXC, systemd-nspawn.
 */
export function parseCgroup(text: string): { cgroup: string | null; container: string | null } {
  const lines = text.split('\n').filter(Boolean);
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const v1 = lines.map((l) => l.split(':').slice(2).join(':')).find((path) => path && path !== '/');
  const cgroup = v2 && v2 !== '/' ? v2 : (v1 ?? v2 ?? null);
  return { cgroup, container: cgroup ? containerOf(cgroup) : null };
}

function containerOf(path: string): string | null {
  const id = (m: RegExpExecArray | null) => m?.[1].slice(0, 12);
  const docker = id(/docker[-/]([0-9a-f]{12,64})/.exec(path));
  if (docker) return `docker ${docker}`;
  const podman = id(/libpod-(?:conmon-)?([0-9a-f]{12,64})/.exec(path));
  if (podman) return `podman ${podman}`;
  const pod = /kubepods.*?pod([0-9a-f_-]{36})/.exec(path);
  if (pod) return `kubernetes pod ${pod[1].replace(/_/g, '-')}`;
  const lxc = /\/lxc(?:\.payload)?[./]([^/]+)/.exec(path);
  if (lxc) return `lxc ${lxc[1]}`;
  const nspawn = /machine-([^/]+)\.scope/.exec(path);
  if (nspawn) return `machine ${nspawn[1].replace(/\\x2d/g, '-')}`;
  return null;
}

function read(procRoot: string, pid: number, file: string): string | null {
  try {
    return readFileSync(join(procRoot, String(pid), file), 'latin1');
  } catch {
    return null;
  }
}

function openFiles(procRoot: string, pid: number): number | 'not readable' {
  try {
    return readdirSync(join(procRoot, String(pid), 'fd')).length;
  } catch {
    return 'not readable';
  }
}

export interface DetailSource {
  procRoot: string;
  clkTck: number;
  pageSize: number;
  /** Boot time, seconds since the epoch (bootTime()), read once when the view opens. */
  boot: number | null;
}

/**
 * One reading of the process, or null when it has ended (or its PID names another process now:
 * `start` is the start time it was opened with).
 */
export function readProcDetail(src: DetailSource, target: { pid: number; start: string; command: string; user: string }): ProcDetail | null {
  const stat = read(src.procRoot, target.pid, 'stat');
  const s = stat === null ? null : parseProcStat(stat);
  if (!s || s.start !== target.start) return null;
  const status = read(src.procRoot, target.pid, 'status') ?? '';
  const io = read(src.procRoot, target.pid, 'io');
  const cg = parseCgroup(read(src.procRoot, target.pid, 'cgroup') ?? '');
  return {
    pid: target.pid,
    name: s.name,
    command: target.command,
    user: target.user,
    state: s.state,
    startedAt: src.boot === null ? null : (src.boot + Number(s.start) / src.clkTck) * 1000,
    ticks: s.ticks,
    rssBytes: s.rssPages * src.pageSize,
    swapBytes: parseSwap(status),
    threads: s.threads,
    openFiles: openFiles(src.procRoot, target.pid),
    io: io === null ? null : parseIo(io),
    cgroup: cg.cgroup,
    container: cg.container,
  };
}

/** What the detail view cannot show without /proc (systeminformation's list comes from ps). */
export const UNREAD_WITHOUT_PROC = "swap, threads, open files, I/O and cgroup: read from /proc/PID, which this system's process list (ps) does not give";

/**
 * The detail from the table's last row for the process (no /proc to read): null when the list
 * no longer has it. Its start is the epoch second (src/platform/process-start.ts).
 */
export function detailFromRow(
  row: { name: string; state: string; start: string; rssBytes: number; threads: number | null } | undefined,
  target: { pid: number; command: string; user: string },
): ProcDetail | null {
  if (!row) return null;
  const started = Number(row.start);
  return {
    pid: target.pid,
    name: row.name,
    command: target.command,
    user: target.user,
    state: row.state,
    startedAt: row.start !== '' && Number.isFinite(started) ? started * 1000 : null,
    ticks: 0,
    rssBytes: row.rssBytes,
    swapBytes: null,
    threads: row.threads ?? 0,
    openFiles: 'not readable',
    io: null,
    cgroup: null,
    container: null,
    unread: UNREAD_WITHOUT_PROC,
  };
}

/** %CPU of one core between two readings `seconds` apart (null for the first, or a reset). */
export function cpuBetween(before: ProcDetail | null, after: ProcDetail, seconds: number, clkTck: number): number | null {
  if (!before || seconds <= 0 || after.ticks < before.ticks) return null;
  return ((after.ticks - before.ticks) / clkTck / seconds) * 100;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A wall-clock time as the header writes it, in local time. */
export function formatStart(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export interface DetailView {
  detail: ProcDetail | null;
  /** Why there is no detail (the process ended...). */
  gone?: string;
  cpu: History;
  mem: History;
  /** Seconds of history shown, to label the graphs. */
  seconds: number;
}

/** The detail view's lines, at ctx's size: the figures first, then the two histories. */
export function procDetailLines(v: DetailView, ctx: PanelCtx): string[] {
  const lines: string[] = [];
  const idle = st(ctx.theme, 'idle');
  const row = (name: string, value: string) => lines.push(line([p(field(name, 12), idle), p(value)], ctx.width));
  const d = v.detail;
  if (v.gone) lines.push(line([p(`! ${v.gone}`, st(ctx.theme, 'failed'))], ctx.width));
  if (d) {
    // The whole command line, over as many lines as it takes (up to 4): it is what this view is for.
    const cmd = d.command;
    const room = Math.max(1, ctx.width - 12);
    for (let i = 0; i < Math.min(cmd.length, room * 4); i += room) row(i === 0 ? 'Command' : '', cmd.slice(i, i + room));
    row('PID, user', `${d.pid}, ${d.user || '?'}`);
    row('State', stateName(d.state));
    row('Started', d.startedAt === null ? 'unknown (no boot time)' : formatStart(d.startedAt));
    row('Memory', `RSS ${formatBytes(d.rssBytes)}, swap ${d.swapBytes === null ? '-' : formatBytes(d.swapBytes)}`);
    if (d.unread) row('Not read', d.unread);
    else {
      row('Threads', String(d.threads));
      row('Open files', String(d.openFiles));
      row('I/O', d.io === null ? 'not readable' : `read ${formatBytes(d.io.read)}, written ${formatBytes(d.io.write)}`);
      row('Cgroup', d.cgroup ?? '-');
      if (d.container) row('Container', d.container);
    }
  }
  const left = ctx.height - lines.length - 2;
  if (left >= 2) {
    const rows = Math.max(1, Math.floor(left / 2) - 1);
    const span = `last ${Math.round(v.seconds)}s, since this view opened`;
    const cpuPeak = Math.max(100, v.cpu.max());
    lines.push(line([p(`CPU % (0-${Math.round(cpuPeak)}, ${span})`, idle)], ctx.width));
    for (const g of areaGraph(v.cpu.values(), ctx.width, rows, cpuPeak, ctx.charset)) lines.push(line([p(g, st(ctx.theme, 'info'))], ctx.width));
    const memPeak = v.mem.max();
    lines.push(line([p(`RSS (peak ${formatBytes(memPeak)}, ${span})`, idle)], ctx.width));
    for (const g of areaGraph(v.mem.values(), ctx.width, rows, Math.max(1, memPeak), ctx.charset)) lines.push(line([p(g, st(ctx.theme, 'info'))], ctx.width));
  }
  lines.push(line([p('Esc: back   k: send a signal', idle)], ctx.width));
  return lines.slice(0, ctx.height);
}
