/**
 * The process table's data, read from <procRoot> directly.
 *
 * Why not systeminformation or ps: measured beside gtop, its processes() starts `ps` and reads
 * /proc per PID on every refresh, and those children alone cost gtop 4 % of a core. Here one
 * sample is a readdir plus one read of /proc/PID/stat per process; the user and the command
 * line are read only for the rows on screen, and cached per process.
 *
 * %CPU is (utime+stime) ticks gained since the previous sample / clock ticks per second /
 * measured elapsed seconds, as a share of one core (top's and htop's convention, so a process
 * using two cores shows 200 %). A process seen for the first time has no %CPU yet (null), as
 * the rule for every rate in shoji says.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type ProcSort = 'cpu' | 'mem' | 'pid';
export const PROC_SORTS: readonly ProcSort[] = ['cpu', 'mem', 'pid'];

export interface ProcRow {
  pid: number;
  /** Short name (the kernel's comm, 15 characters at most). */
  name: string;
  state: string;
  /** % of one core since the previous sample; null for a process seen the first time. */
  cpu: number | null;
  rssBytes: number;
  /** Share of the machine's memory, 0..1. */
  mem: number;
  threads: number;
  /** CPU time used since it started (user + system), in seconds. */
  cpuSeconds: number;
  /** Parent's PID (stat field 4): the tree view and kernel threads (children of kthreadd, PID 2). */
  ppid: number;
  /** Start time in clock ticks since boot (stat field 22): with the PID, names one process for good. */
  start: string;
  /** Tree view (`T`): the branch drawn before the command. */
  indent?: string;
  /** Filled in by `describe` for the rows on screen. */
  user?: string;
  command?: string;
}

interface Seen {
  start: string;
  ticks: number;
}

export interface ProcSamplerOptions {
  procRoot: string;
  /** Root of /etc/passwd for user names (SHOJI_ROOT). */
  root: string;
  now(): number;
  /** Clock ticks per second and page size; read from <procRoot>/self/auxv when not given. */
  clkTck?: number;
  pageSize?: number;
}

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

export class ProcSampler {
  private seen = new Map<number, Seen>();
  private lastAt: number | null = null;
  private clkTck: number;
  private pageSize: number;
  private users: Map<number, string> | null = null;
  private described = new Map<string, { user: string; command: string }>();

  constructor(private opts: ProcSamplerOptions) {
    const aux = opts.clkTck && opts.pageSize ? {} : readAuxv(opts.procRoot);
    this.clkTck = opts.clkTck ?? aux.clkTck ?? 100;
    this.pageSize = opts.pageSize ?? aux.pageSize ?? 4096;
  }

  /** Clock ticks per second and page size, as this sampler counts them (the detail view uses the same). */
  get units(): { clkTck: number; pageSize: number } {
    return { clkTck: this.clkTck, pageSize: this.pageSize };
  }

  /** Every process now, with %CPU since the previous call. */
  sample(): ProcRow[] {
    const at = this.opts.now();
    const elapsed = this.lastAt === null ? 0 : (at - this.lastAt) / 1000;
    const memTotal = this.memTotal();
    const rows: ProcRow[] = [];
    const next = new Map<number, Seen>();
    let names: string[];
    try {
      names = readdirSync(this.opts.procRoot);
    } catch (err) {
      throw new Error(`cannot list ${this.opts.procRoot}: ${(err as Error).message}`);
    }
    for (const entry of names) {
      if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
      const pid = Number(entry);
      const text = readStat(`${this.opts.procRoot}/${entry}/stat`);
      const s = text === null ? null : parseProcStat(text);
      if (!s) continue;
      const before = this.seen.get(pid);
      // The same PID with another start time is a new process: no rate from the old one's ticks.
      const delta = before && before.start === s.start && elapsed > 0 ? s.ticks - before.ticks : null;
      const cpu = delta !== null && delta >= 0 ? (delta / this.clkTck / elapsed) * 100 : null;
      next.set(pid, { start: s.start, ticks: s.ticks });
      const rssBytes = s.rssPages * this.pageSize;
      rows.push({
        pid,
        name: s.name,
        state: s.state,
        cpu,
        rssBytes,
        mem: memTotal > 0 ? rssBytes / memTotal : 0,
        threads: s.threads,
        cpuSeconds: s.ticks / this.clkTck,
        ppid: s.ppid,
        start: s.start,
      });
    }
    this.seen = next;
    this.lastAt = at;
    // Forget descriptions of processes that ended.
    for (const key of this.described.keys()) {
      const pid = Number(key.split(':')[0]);
      if (next.get(pid)?.start !== key.split(':')[1]) this.described.delete(key);
    }
    return rows;
  }

  /** Fill in user and command line for the rows about to be shown. */
  describe(rows: ProcRow[]): ProcRow[] {
    return rows.map((row) => {
      const key = `${row.pid}:${this.seen.get(row.pid)?.start ?? ''}`;
      let d = this.described.get(key);
      if (!d) {
        d = { user: this.userOf(row.pid), command: this.commandOf(row.pid, row.name) };
        this.described.set(key, d);
      }
      return { ...row, ...d };
    });
  }

  private memTotal(): number {
    try {
      const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(readFileSync(join(this.opts.procRoot, 'meminfo'), 'latin1'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  private userOf(pid: number): string {
    let uid: number;
    try {
      uid = statSync(join(this.opts.procRoot, String(pid))).uid;
    } catch {
      return '?';
    }
    if (!this.users) {
      this.users = new Map();
      try {
        for (const line of readFileSync(join(this.opts.root, 'etc/passwd'), 'utf8').split('\n')) {
          const f = line.split(':');
          if (f.length > 2 && /^\d+$/.test(f[2])) this.users.set(Number(f[2]), f[0]);
        }
      } catch {
        // no passwd file: numeric ids
      }
    }
    return this.users.get(uid) ?? String(uid);
  }

  private commandOf(pid: number, name: string): string {
    try {
      const cmd = readFileSync(join(this.opts.procRoot, String(pid), 'cmdline'), 'utf8')
        .replace(/\0+$/, '')
        .replace(/\0/g, ' ');
      return cmd || `[${name}]`; // kernel threads have no command line
    } catch {
      return `[${name}]`;
    }
  }
}

/** Sorted copy: highest CPU or memory first (then by PID), or by PID ascending. */
export function sortProcs(rows: readonly ProcRow[], sort: ProcSort): ProcRow[] {
  const copy = rows.slice();
  if (sort === 'pid') return copy.sort((a, b) => a.pid - b.pid);
  const key = sort === 'cpu' ? (r: ProcRow) => r.cpu ?? -1 : (r: ProcRow) => r.rssBytes;
  return copy.sort((a, b) => key(b) - key(a) || (sort === 'cpu' ? b.rssBytes - a.rssBytes : 0) || a.pid - b.pid);
}
