/**
 * The process table's data, from the host's process list (src/platform: /proc read directly on
 * Linux, systeminformation's processes() elsewhere).
 *
 * %CPU is CPU-time ticks gained since the previous sample / ticks per second / measured elapsed
 * seconds, as a share of one core (top's and htop's convention, so a process using two cores
 * shows 200 %). Where the list gives no CPU time (systeminformation: ps's percentage), its
 * percentage is shown. Either way a process seen for the first time has no %CPU yet (null), as
 * the rule for every rate in shoji says.
 *
 * The direct reader answers at once; systeminformation's answer comes later (it starts ps):
 * `sample` then returns a promise, and the table keeps the last list until it arrives.
 */
import { hostFor } from '../platform/backend.js';
import { processUnits } from '../platform/linux/processes.js';
import type { BackendName, HostReader, HostRoots, ProcessList } from '../platform/types.js';
import { type ProcessProbe, procProbe, psProbe } from './proc-actions.js';
import { bootTime, cpuBetween, detailFromRow, type ProcDetail, readProcDetail } from './proc-detail.js';

export { parseProcStat, readAuxv } from '../platform/linux/processes.js';

export type ProcSort = 'cpu' | 'mem' | 'pid';
export const PROC_SORTS: readonly ProcSort[] = ['cpu', 'mem', 'pid'];

export interface ProcRow {
  pid: number;
  /** Short name (on Linux the kernel's comm, 15 characters at most). */
  name: string;
  state: string;
  /** % of one core since the previous sample; null for a process seen the first time. */
  cpu: number | null;
  rssBytes: number;
  /** Share of the machine's memory, 0..1. */
  mem: number;
  /** Threads, or null where the host's list does not say. */
  threads: number | null;
  /** CPU time used since it started (user + system), in seconds; null where the host's list does not say. */
  cpuSeconds: number | null;
  /** Parent's PID: the tree view. */
  ppid: number;
  /** With the PID, names one process for good (clock ticks since boot on Linux, the start's second elsewhere). */
  start: string;
  /** A kernel thread (hidden unless `H` shows them). */
  kernelThread: boolean;
  /** Tree view (`T`): the branch drawn before the command. */
  indent?: string;
  /** Filled in by `describe` for the rows on screen. */
  user?: string;
  command?: string;
}

interface Seen {
  start: string;
  ticks: number | null;
}

export interface ProcSamplerOptions extends HostRoots {
  env: NodeJS.ProcessEnv;
  now(): number;
}

export class ProcSampler {
  private seen = new Map<number, Seen>();
  private lastAt: number | null = null;
  private list: ProcessList | null = null;
  private described = new Map<string, { user: string; command: string }>();
  private host: HostReader;
  private rows: ProcRow[] = [];
  /** How an action checks the selected process again before it acts: /proc, or ps where the list came from ps. */
  readonly probe: ProcessProbe;

  constructor(private opts: ProcSamplerOptions) {
    this.host = hostFor(opts);
    this.probe = this.host.name === 'linux' ? procProbe(opts.procRoot) : psProbe();
  }

  /** The reader the list comes from: linux (/proc) or systeminformation. */
  get backend(): BackendName {
    return this.host.name;
  }

  /** Every process now, with %CPU since the previous call: at once from /proc, later from systeminformation. */
  sample(): ProcRow[] | Promise<ProcRow[]> {
    const list = this.host.processes(this.opts);
    return list instanceof Promise ? list.then((l) => this.rowsOf(l)) : this.rowsOf(list);
  }

  private rowsOf(list: ProcessList): ProcRow[] {
    const at = this.opts.now();
    const elapsed = this.lastAt === null ? 0 : (at - this.lastAt) / 1000;
    const { memTotal, ticksPerSecond } = list;
    const rows: ProcRow[] = [];
    const next = new Map<number, Seen>();
    for (const e of list.entries) {
      const before = this.seen.get(e.pid);
      // The same PID with another start time is a new process: no rate from the old one's ticks.
      const same = before !== undefined && before.start === e.start;
      let cpu: number | null = null;
      if (e.ticks === null) cpu = same ? e.cpuPercent : null;
      else if (same && before.ticks !== null && elapsed > 0 && e.ticks >= before.ticks) cpu = ((e.ticks - before.ticks) / ticksPerSecond / elapsed) * 100;
      next.set(e.pid, { start: e.start, ticks: e.ticks });
      rows.push({
        pid: e.pid,
        name: e.name,
        state: e.state,
        cpu,
        rssBytes: e.rssBytes,
        mem: memTotal > 0 ? e.rssBytes / memTotal : 0,
        threads: e.threads,
        cpuSeconds: e.ticks === null ? null : e.ticks / ticksPerSecond,
        ppid: e.ppid,
        start: e.start,
        kernelThread: e.kernelThread,
      });
    }
    this.seen = next;
    this.lastAt = at;
    this.list = list;
    this.rows = rows;
    // Forget descriptions of processes that ended.
    for (const key of this.described.keys()) {
      const pid = Number(key.split(':')[0]);
      if (next.get(pid)?.start !== key.split(':')[1]) this.described.delete(key);
    }
    return rows;
  }

  /** The boot time the detail view dates starts from (seconds since the epoch; /proc only). */
  bootTime(): number | null {
    return this.host.name === 'linux' ? bootTime(this.opts.procRoot) : null;
  }

  /**
   * One reading for the detail view, and the process's %CPU since `before` (`seconds` ago), or
   * null when it has ended: from /proc/PID where the list is /proc's, else from the last list.
   */
  readDetail(
    target: { pid: number; start: string; command: string; user: string },
    before: ProcDetail | null,
    seconds: number,
    boot: number | null,
  ): { detail: ProcDetail; cpu: number | null } | null {
    if (this.host.name !== 'linux') {
      const row = this.rows.find((r) => r.pid === target.pid && this.probe.same(r.start, target.start));
      const detail = detailFromRow(row, target);
      return detail && { detail, cpu: row?.cpu ?? null };
    }
    const { clkTck, pageSize } = processUnits(this.opts.procRoot);
    const detail = readProcDetail({ procRoot: this.opts.procRoot, clkTck, pageSize, boot }, target);
    return detail && { detail, cpu: cpuBetween(before, detail, seconds, clkTck) };
  }

  /** Fill in user and command line for the rows about to be shown. */
  describe(rows: ProcRow[]): ProcRow[] {
    const list = this.list;
    if (!list) return rows;
    return rows.map((row) => {
      const key = `${row.pid}:${row.start}`;
      let d = this.described.get(key);
      if (!d) {
        d = list.describe(row);
        this.described.set(key, d);
      }
      return { ...row, ...d };
    });
  }
}

/** Sorted copy: highest CPU or memory first (then by PID), or by PID ascending. */
export function sortProcs(rows: readonly ProcRow[], sort: ProcSort): ProcRow[] {
  const copy = rows.slice();
  if (sort === 'pid') return copy.sort((a, b) => a.pid - b.pid);
  const key = sort === 'cpu' ? (r: ProcRow) => r.cpu ?? -1 : (r: ProcRow) => r.rssBytes;
  return copy.sort((a, b) => key(b) - key(a) || (sort === 'cpu' ? b.rssBytes - a.rssBytes : 0) || a.pid - b.pid);
}
