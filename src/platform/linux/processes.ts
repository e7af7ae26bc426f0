/**
 * The dashboard's process list, read from <procRoot> directly.
 *
 * Why not systeminformation or ps on Linux: measured beside gtop, its processes() starts `ps`
 * and reads /proc per PID on every refresh, and those children alone cost gtop 4 % of a core.
 * Here one list is a readdir plus one read of /proc/PID/stat per process; the user and the
 * command line are read only for the rows on screen (ProcessList.describe), and the dashboard
 * caches them per process.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostRoots, ProcessEntry, ProcessList } from '../types.js';

/** AT_PAGESZ and AT_CLKTCK from the kernel's auxiliary vector (64-bit little-endian pairs). */
export function readAuxv(procRoot: string): { clkTck?: number; pageSize?: number } {
  try {
    const buf = readFileSync(join(procRoot, 'self/auxv'));
    const out: { clkTck?: number; pageSize?: number } = {};
    for (let i = 0; i + 16 <= buf.length; i += 16) {
      const type = Number(buf.readBigUInt64LE(i));
      const value = Number(buf.readBigUInt64LE(i + 8));
      if (type === 6) out.pageSize = value;
      if (type === 17) out.clkTck = value;
      if (type === 0) break;
    }
    return out;
  } catch {
    return {};
  }
}

/** Clock ticks per second and page size under a /proc, read once per root (they do not change under a running kernel). */
const unitsByRoot = new Map<string, { clkTck: number; pageSize: number }>();
export function processUnits(procRoot: string): { clkTck: number; pageSize: number } {
  let units = unitsByRoot.get(procRoot);
  if (!units) {
    const aux = readAuxv(procRoot);
    units = { clkTck: aux.clkTck ?? 100, pageSize: aux.pageSize ?? 4096 };
    unitsByRoot.set(procRoot, units);
  }
  return units;
}

/** Parse one /proc/PID/stat line; null when it is not one. */
export function parseProcStat(
  text: string,
): { name: string; state: string; ppid: number; ticks: number; start: string; rssPages: number; threads: number } | null {
  // comm may contain spaces and ')' itself: it runs from the first '(' to the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 2).split(' ');
  if (f.length < 22) return null;
  const ticks = Number(f[11]) + Number(f[12]);
  const rssPages = Number(f[21]);
  if (!Number.isFinite(ticks) || !Number.isFinite(rssPages)) return null;
  return { name: text.slice(open + 1, close), state: f[0], ppid: Number(f[1]) || 0, ticks, start: f[19], rssPages, threads: Number(f[17]) || 1 };
}

/** One buffer for every stat file: a stat line is a few hundred bytes. */
const STAT_BUF = Buffer.alloc(4096);

/** open + read + close into the shared buffer: half the work of readFileSync (no fstat, no allocation). */
function readStat(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // it ended between readdir and open
  }
  try {
    const n = readSync(fd, STAT_BUF, 0, STAT_BUF.length, 0);
    return STAT_BUF.toString('latin1', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function memTotal(procRoot: string): number {
  try {
    const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(readFileSync(join(procRoot, 'meminfo'), 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User names by uid from <root>/etc/passwd, read once per root. */
const usersByRoot = new Map<string, Map<number, string>>();
function userName(root: string, uid: number): string {
  let users = usersByRoot.get(root);
  if (!users) {
    users = new Map();
    usersByRoot.set(root, users);
    try {
      for (const line of readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n')) {
        const f = line.split(':');
        if (f.length > 2 && /^\d+$/.test(f[2])) users.set(Number(f[2]), f[0]);
      }
    } catch {
      // no passwd file: numeric ids
    }
  }
  return users.get(uid) ?? String(uid);
}

function userOf(procRoot: string, root: string, pid: number): string {
  try {
    return userName(root, statSync(join(procRoot, String(pid))).uid);
  } catch {
    return '?';
  }
}

function commandOf(procRoot: string, pid: number, name: string): string {
  try {
    const cmd = readFileSync(join(procRoot, String(pid), 'cmdline'), 'utf8')
      .replace(/\0+$/, '')
      .replace(/\0/g, ' ');
    return cmd || `[${name}]`; // kernel threads have no command line
  } catch {
    return `[${name}]`;
  }
}

/** Every process under <procRoot> now; throws when the folder cannot be listed. */
export function listProcesses(roots: Pick<HostRoots, 'procRoot' | 'root'>): ProcessList {
  const { procRoot, root } = roots;
  const { clkTck, pageSize } = processUnits(procRoot);
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch (err) {
    throw new Error(`cannot list ${procRoot}: ${(err as Error).message}`);
  }
  const entries: ProcessEntry[] = [];
  for (const entry of names) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const pid = Number(entry);
    const text = readStat(`${procRoot}/${entry}/stat`);
    const s = text === null ? null : parseProcStat(text);
    if (!s) continue;
    entries.push({
      pid,
      ppid: s.ppid,
      name: s.name,
      state: s.state,
      ticks: s.ticks,
      cpuPercent: null,
      rssBytes: s.rssPages * pageSize,
      threads: s.threads,
      start: s.start,
      // kthreadd (PID 2) and its children. They have no command line either, but a zombie has
      // none too, so the parent is what decides. (In a PID namespace without kthreadd, such as a
      // container, there are none to see.)
      kernelThread: pid === 2 || s.ppid === 2,
    });
  }
  return {
    entries,
    memTotal: memTotal(procRoot),
    ticksPerSecond: clkTck,
    describe: (e) => ({ user: userOf(procRoot, root, e.pid), command: commandOf(procRoot, e.pid, e.name) }),
  };
}
