/**
 * The dashboard's process list, read from <procRoot> directly.
 *
 * Why not systeminformation or ps on Linux: measured beside gtop, its processes() starts `ps`
 * and reads /proc per PID on every refresh, and those children alone cost gtop 4 % of a core.
 * Here one list is a readdir plus one read of /proc/PID/stat per process; the user and the
 * command line are read only for the rows on screen (ProcessList.describe), and the dashboard
 * caches them per process.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statfsSync, statSync } from 'node:fs';
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

/** What the process table takes from one /proc/PID/stat line. */
export interface ProcStat {
  name: string;
  state: string;
  ppid: number;
  ticks: number;
  start: string;
  rssPages: number;
  threads: number;
}

/** Parse one /proc/PID/stat line; null when it is not one. */
export function parseProcStat(text: string): ProcStat | null {
  const buf = Buffer.from(text, 'latin1');
  return parseStatBytes(buf, buf.length);
}

// Fields after the comm, counted from the state (0): stat(5)'s numbers less 3.
const F_STATE = 0;
const F_PPID = 1;
const F_UTIME = 11;
const F_STIME = 12;
const F_THREADS = 17;
const F_START = 19;
const F_RSS = 21;

/** The integer in buf[from, to), or NaN when it is not one (as Number() would say for these fields). */
function intAt(buf: Buffer, from: number, to: number): number {
  let i = from;
  const negative = buf[i] === 0x2d; // '-'
  if (negative) i++;
  if (i >= to) return Number.NaN;
  let n = 0;
  for (; i < to; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/**
 * Parse the first `length` bytes of `buf` as a /proc/PID/stat line, straight from the bytes: a
 * list reads one per process every refresh, and decoding each line and splitting it made ~50
 * strings per process, all garbage by the next list.
 */
export function parseStatBytes(buf: Buffer, length: number): ProcStat | null {
  // comm may contain spaces and ')' itself: it runs from the first '(' to the last ')'.
  const open = buf.indexOf(0x28);
  const close = length > 0 ? buf.lastIndexOf(0x29, length - 1) : -1;
  if (open < 0 || open >= length || close < open) return null;
  let state = '';
  let ppid = 0;
  let ticks = 0;
  let threads = 1;
  let start = '';
  let rssPages = Number.NaN;
  let field = 0;
  let from = close + 2;
  for (let i = from; i <= length && field <= F_RSS; i++) {
    if (i < length && buf[i] !== 0x20 && buf[i] !== 0x0a) continue;
    if (field === F_STATE) state = buf.toString('latin1', from, i);
    else if (field === F_PPID) ppid = intAt(buf, from, i) || 0;
    else if (field === F_UTIME || field === F_STIME) ticks += intAt(buf, from, i);
    else if (field === F_THREADS) threads = intAt(buf, from, i) || 1;
    else if (field === F_START) start = buf.toString('latin1', from, i);
    else if (field === F_RSS) rssPages = intAt(buf, from, i);
    field++;
    from = i + 1;
    if (i < length && buf[i] === 0x0a) break;
  }
  if (field <= F_RSS || !Number.isFinite(ticks) || !Number.isFinite(rssPages)) return null;
  return { name: buf.toString('latin1', open + 1, close), state, ppid, ticks, start, rssPages, threads };
}

/** One buffer for every stat file: a stat line is a few hundred bytes. */
const STAT_BUF = Buffer.alloc(4096);

/** procfs's f_type (statfs(2)): only there does a kept-open stat file name one process for good. */
const PROC_SUPER_MAGIC = 0x9fa0;

/**
 * /proc/PID/stat files kept open from one list to the next, so a list is one pread per process
 * instead of open + read + close (measured at 2,100 processes: 44 % less of the sample's CPU
 * time, which is mostly in the kernel). Only under a real procfs: there a file opened for one
 * process fails to read (ESRCH) once that process has ended, even when its PID is used again, so
 * a failed read means reopen, and an old process is never read in a new one's place. (A
 * fixture tree of plain files under SHOJI_PROC_ROOT would go on reading a replaced file's old
 * content, so it is opened afresh each time.) At most `cap` files are kept, and beyond that a
 * file is opened and closed as before; should the process run out of descriptors all the same
 * (a low limit), every kept file is given back and none is kept from then on, so that the list,
 * and everything else shoji opens, still gets its descriptors.
 */
export class StatFiles {
  private readonly open = new Map<number, { fd: number; seen: number }>();
  private generation = 0;
  private keep: boolean;

  constructor(
    private readonly procRoot: string,
    private readonly cap = 2048,
  ) {
    let keep = false;
    try {
      keep = statfsSync(procRoot).type === PROC_SUPER_MAGIC;
    } catch {
      // not there: listProcesses says so when it lists the folder
    }
    this.keep = keep;
  }

  /** How many files are open now (tests). */
  get size(): number {
    return this.open.size;
  }

  /** Start a list: files not read again before `endList` belong to processes that ended. */
  beginList(): void {
    this.generation++;
  }

  /** Parse the stat file of `pid` (its folder name `entry`); null when it ended or is not one. */
  read(entry: string, pid: number): ProcStat | null {
    const kept = this.open.get(pid);
    if (kept) {
      const n = readAt(kept.fd);
      if (n >= 0) {
        kept.seen = this.generation;
        return parseStatBytes(STAT_BUF, n);
      }
      // That process ended (its PID may be another's now): reopen by name below.
      this.forget(pid, kept.fd);
    }
    const path = `${this.procRoot}/${entry}/stat`;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (this.open.size === 0 || (code !== 'EMFILE' && code !== 'ENFILE')) return null; // it ended between readdir and open
      // Out of descriptors: give back every kept one and keep none from now on.
      this.keep = false;
      for (const [kept, { fd: open }] of this.open) this.forget(kept, open);
      try {
        fd = openSync(path, 'r');
      } catch {
        return null;
      }
    }
    const n = readAt(fd);
    if (n >= 0 && this.keep && this.open.size < this.cap) this.open.set(pid, { fd, seen: this.generation });
    else closeSync(fd);
    return n < 0 ? null : parseStatBytes(STAT_BUF, n);
  }

  /** Close the files of processes the list did not see. */
  endList(): void {
    for (const [pid, kept] of this.open) if (kept.seen !== this.generation) this.forget(pid, kept.fd);
  }

  private forget(pid: number, fd: number): void {
    this.open.delete(pid);
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to free
    }
  }
}

/** Read a stat file from its start into STAT_BUF: the bytes read, or -1 when it cannot be read. */
function readAt(fd: number): number {
  try {
    return readSync(fd, STAT_BUF, 0, STAT_BUF.length, 0);
  } catch {
    return -1;
  }
}

/** The kept-open stat files of each /proc a list was made from. */
const statFilesByRoot = new Map<string, StatFiles>();

function readMemTotal(procRoot: string): number {
  try {
    const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(readFileSync(join(procRoot, 'meminfo'), 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** How long a list reuses MemTotal: it changes only when memory is added or removed (hotplug, a balloon). */
const MEM_TOTAL_TTL_MS = 60_000;
const memTotalByRoot = new Map<string, { bytes: number; at: number }>();

/**
 * The machine's memory, read at most once a minute: /proc/meminfo is generated on each read, and
 * reading it for every list was about a third of a list's CPU time at ~90 processes (in a profile).
 */
export function memTotal(procRoot: string, now = performance.now()): number {
  const cached = memTotalByRoot.get(procRoot);
  if (cached && now - cached.at < MEM_TOTAL_TTL_MS) return cached.bytes;
  const bytes = readMemTotal(procRoot);
  memTotalByRoot.set(procRoot, { bytes, at: now });
  return bytes;
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
  let files = statFilesByRoot.get(procRoot);
  if (!files) {
    files = new StatFiles(procRoot);
    statFilesByRoot.set(procRoot, files);
  }
  files.beginList();
  const entries: ProcessEntry[] = [];
  for (const entry of names) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const pid = Number(entry);
    const s = files.read(entry, pid);
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
  files.endList();
  return {
    entries,
    memTotal: memTotal(procRoot),
    ticksPerSecond: clkTck,
    describe: (e) => ({ user: userOf(procRoot, root, e.pid), command: commandOf(procRoot, e.pid, e.name) }),
  };
}
