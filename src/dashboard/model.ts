/**
 * From module statuses (the same scheduler and modules as the status line) to what the
 * dashboard draws: current values and their histories.
 *
 * Modules' `data` is the source wherever it has what a panel needs. Where it does not yet,
 * values are derived defensively from what the module already keeps, never guessed:
 * - per-core CPU: data.cores, else the per-core tick counters in the cpu module's memo;
 * - per-interface network and disk I/O rates, and rates while the module hides itself under
 *   its threshold (its reading is then null): the byte/sector counters in the memo and their
 *   monotonic timestamps, divided by the measured time between two of them.
 * Anything that does not have the expected shape gives "no value", not a wrong one.
 */
import type { DetailLine } from '../core/contract.js';
import type { ModuleStatus } from '../core/scheduler.js';
import type { DrawState } from '../core/theme.js';
import { Histories } from './history.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** How one module looks right now, whatever it is. */
export interface ModuleView {
  id: string;
  state: DrawState;
  text: string;
  detail: DetailLine[];
  /** The failure shown in the panel (the last good reading is kept alongside). */
  error?: string;
  /** No value yet (first sample of a rate, or not collected yet). */
  pending: boolean;
  /** False when the module cannot work on this host (no battery...). */
  available: boolean;
  data: Rec | null;
}

export function moduleView(id: string, st: ModuleStatus | undefined): ModuleView {
  const r = st?.reading ?? null;
  const failed = Boolean(st?.error && st.failures > 0);
  return {
    id,
    state: failed ? 'failed' : (r?.state ?? 'idle'),
    text: r?.text ?? '',
    detail: r?.detail ?? [],
    error: failed ? st!.error : st?.available === false && st.error ? st.error : undefined,
    pending: !st?.hasValue || Boolean(r?.pending),
    available: st?.available !== false,
    data: isRec(r?.data) ? r.data : null,
  };
}

export interface Rate {
  name: string;
  rx: number | null;
  tx: number | null;
}

/** Counter deltas per key between two memos of shape { at, [field]: { key: [a, b] } }. */
export function memoRates(prev: unknown, cur: unknown, field: string, scale = 1): Map<string, [number, number]> | null {
  if (!isRec(prev) || !isRec(cur)) return null;
  const at0 = num(prev.at);
  const at1 = num(cur.at);
  const a = prev[field];
  const b = cur[field];
  if (at0 === null || at1 === null || at1 <= at0 || !isRec(a) || !isRec(b)) return null;
  const seconds = (at1 - at0) / 1000;
  const out = new Map<string, [number, number]>();
  for (const [key, v1] of Object.entries(b)) {
    const v0 = a[key];
    if (!Array.isArray(v0) || !Array.isArray(v1)) continue;
    const d0 = Number(v1[0]) - Number(v0[0]);
    const d1 = Number(v1[1]) - Number(v0[1]);
    // A counter that went backwards (reset, interface replaced) gives no rate.
    if (!(d0 >= 0) || !(d1 >= 0)) continue;
    out.set(key, [(d0 * scale) / seconds, (d1 * scale) / seconds]);
  }
  return out;
}

/** Busy share per cpu line from two cpu memos ({ at, ticks: { cpu0: [busy, idle] } }). */
export function memoCores(prev: unknown, cur: unknown): (number | null)[] | null {
  if (!isRec(prev) || !isRec(cur) || !isRec(prev.ticks) || !isRec(cur.ticks)) return null;
  const a = prev.ticks;
  const b = cur.ticks;
  const names = Object.keys(b)
    .filter((n) => /^cpu\d+$/.test(n))
    .sort((x, y) => Number(x.slice(3)) - Number(y.slice(3)));
  if (names.length === 0) return null;
  return names.map((n) => {
    const p = a[n];
    const c = b[n];
    if (!Array.isArray(p) || !Array.isArray(c)) return null;
    const busy = Number(c[0]) - Number(p[0]);
    const idle = Number(c[1]) - Number(p[1]);
    return busy >= 0 && idle >= 0 && busy + idle > 0 ? busy / (busy + idle) : null;
  });
}

/** The modules with panels of their own (the rest each get a generic module panel). */
export const CORE_MODULES = ['cpu', 'load', 'memory', 'swap', 'network', 'disk', 'diskio', 'battery', 'ec2-cost'] as const;
/** Shown in the header rather than in panels (the time comes from the dashboard's clock). */
export const HEADER_MODULES = ['hostname', 'uptime', 'datetime'] as const;

export class Metrics {
  readonly history = new Histories();
  cpuTotal: number | null = null;
  cores: (number | null)[] = [];
  net: Rate[] = [];
  io: { read: number | null; write: number | null } = { read: null, write: null };
  private seen = new Map<string, number>();
  private memos = new Map<string, unknown>();

  /** Take in every module that has a new reading since the last call; push histories. */
  update(statuses: Map<string, ModuleStatus>): void {
    for (const id of ['cpu', 'memory', 'swap', 'network', 'diskio', 'load']) {
      const st = statuses.get(id);
      if (!st || st.lastOkWall === undefined || this.seen.get(id) === st.lastOkWall) continue;
      this.seen.set(id, st.lastOkWall);
      const prevMemo = this.memos.get(id);
      this.memos.set(id, st.memo);
      const data = isRec(st.reading?.data) ? (st.reading!.data as Rec) : null;
      if (id === 'cpu') this.takeCpu(data, prevMemo, st.memo, Boolean(st.reading?.pending));
      else if (id === 'memory') this.history.get('memory').push(num(data?.ratio));
      else if (id === 'swap') this.history.get('swap').push(num(data?.ratio));
      else if (id === 'load') this.history.get('load').push(num(data?.one));
      else if (id === 'network') this.takeNetwork(data, prevMemo, st.memo);
      else if (id === 'diskio') this.takeIo(data, prevMemo, st.memo);
    }
  }

  private takeCpu(data: Rec | null, prev: unknown, memo: unknown, pending: boolean): void {
    this.cpuTotal = pending ? null : num(data?.total);
    const cores = Array.isArray(data?.cores) ? (data!.cores as unknown[]).map(num) : memoCores(prev, memo);
    this.cores = cores ?? [];
    this.history.get('cpu').push(this.cpuTotal);
    for (const [i, c] of this.cores.entries()) this.history.get(`cpu${i}`).push(c);
  }

  private takeNetwork(data: Rec | null, prev: unknown, memo: unknown): void {
    const rates = memoRates(prev, memo, 'bytes');
    if (rates && rates.size > 0) {
      this.net = [...rates].map(([name, [rx, tx]]) => ({ name, rx, tx }));
    } else if (data && num(data.rx) !== null) {
      const names = Array.isArray(data.interfaces) ? (data.interfaces as unknown[]).join('+') : 'total';
      this.net = [{ name: names || 'total', rx: num(data.rx), tx: num(data.tx) }];
    } else {
      this.net = this.net.map((r) => ({ ...r, rx: null, tx: null }));
    }
    for (const r of this.net) {
      this.history.get(`net:${r.name}:rx`).push(r.rx);
      this.history.get(`net:${r.name}:tx`).push(r.tx);
    }
  }

  private takeIo(data: Rec | null, prev: unknown, memo: unknown): void {
    // /proc/diskstats counts 512-byte sectors.
    const rates = memoRates(prev, memo, 'sectors', 512);
    if (rates && rates.size > 0) {
      let read = 0;
      let write = 0;
      for (const [r, w] of rates.values()) {
        read += r;
        write += w;
      }
      this.io = { read, write };
    } else if (data) {
      this.io = { read: num(data.read), write: num(data.write) };
    } else {
      this.io = { read: null, write: null };
    }
    this.history.get('io:read').push(this.io.read);
    this.history.get('io:write').push(this.io.write);
  }
}
