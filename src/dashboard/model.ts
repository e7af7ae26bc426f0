/**
 * From module statuses (the same scheduler and modules as the status line) to what the
 * dashboard draws: current values and their histories.
 *
 * Everything comes from what modules publish (their `data`, declared by each module; docs/modules.md
 * shows each built-in module's), which is there even while a module hides itself from the status line
 * (network traffic under its threshold). Memos are private to their modules and never read
 * here. A value that is not in the data, or not of the documented shape, is "no value", never
 * a guess.
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
    data: isRec(st?.data) ? st.data : null,
  };
}

export interface Rate {
  name: string;
  rx: number | null;
  tx: number | null;
}

/** The modules with panels of their own (the rest each get a generic module panel). */
export const CORE_MODULES = ['cpu', 'load', 'memory', 'swap', 'network', 'disk', 'diskio', 'battery', 'ec2-cost'] as const;
/**
 * The order of the panels after the core ones: the modules on the user's status line first, in
 * the line's order (left, then right), as what the user chose to watch; then the rest, in the
 * order given (the registry's). A host where many modules have something to show (cpu-freq,
 * distro, arch...) would otherwise push the user's own modules into "+N more".
 */
export function panelOrder(ids: readonly string[], onLine: readonly string[]): string[] {
  const rank = (id: string) => {
    const i = onLine.indexOf(id);
    return i < 0 ? onLine.length : i;
  };
  return [...ids].sort((a, b) => rank(a) - rank(b));
}

/**
 * Whether a module's panel would say anything: a value, a failure, details, or "..." while its
 * first value is awaited. A module with nothing to report (no mail, no crash reports, entropy
 * that is fine) gets no panel: the room goes to those that have something to say.
 */
export function hasSomethingToShow(v: ModuleView): boolean {
  return v.text !== '' || Boolean(v.error) || v.pending || v.detail.length > 0;
}

/** Shown in the header rather than in panels (the time comes from the dashboard's clock). */
export const HEADER_MODULES = ['hostname', 'uptime', 'datetime'] as const;

export class Metrics {
  readonly history = new Histories();
  cpuTotal: number | null = null;
  cores: (number | null)[] = [];
  net: Rate[] = [];
  io: { read: number | null; write: number | null } = { read: null, write: null };
  private seen = new Map<string, number>();

  /** Take in every module that has a new reading since the last call; push histories. */
  update(statuses: Map<string, ModuleStatus>): void {
    for (const id of ['cpu', 'memory', 'swap', 'network', 'diskio', 'load', 'gpu']) {
      const st = statuses.get(id);
      if (!st || st.lastOkWall === undefined || this.seen.get(id) === st.lastOkWall) continue;
      this.seen.set(id, st.lastOkWall);
      const data = isRec(st.data) ? st.data : null;
      if (id === 'cpu') this.takeCpu(data, Boolean(st.reading?.pending));
      else if (id === 'memory') this.history.get('memory').push(num(data?.ratio));
      else if (id === 'swap') this.history.get('swap').push(num(data?.ratio));
      else if (id === 'load') this.history.get('load').push(num(data?.one));
      else if (id === 'network') this.takeNetwork(data);
      else if (id === 'diskio') this.takeIo(data);
      else if (id === 'gpu') this.takeGpus(data);
    }
  }

  /** Each awake GPU's utilisation and share of its memory in use (the gpu panel's graphs), by its id. */
  private takeGpus(data: Rec | null): void {
    const gpus = Array.isArray(data?.gpus) ? (data.gpus as unknown[]).filter(isRec) : [];
    for (const g of gpus) {
      if (typeof g.id !== 'string' || g.asleep === true) continue;
      const used = num(g.memoryUsed);
      const total = num(g.memoryTotal);
      this.history.get(`gpu:${g.id}:util`).push(num(g.utilization));
      this.history.get(`gpu:${g.id}:mem`).push(used !== null && total !== null && total > 0 ? used / total : null);
    }
  }

  private takeCpu(data: Rec | null, pending: boolean): void {
    this.cpuTotal = pending ? null : num(data?.total);
    this.cores = Array.isArray(data?.cores) ? (data.cores as unknown[]).map(num) : [];
    this.history.get('cpu').push(this.cpuTotal);
    for (const [i, c] of this.cores.entries()) this.history.get(`cpu${i}`).push(c);
  }

  /** Each interface's rates (bytes/s); with none published, the interfaces shown keep no value. */
  private takeNetwork(data: Rec | null): void {
    const per = Array.isArray(data?.perInterface) ? (data.perInterface as unknown[]).filter(isRec) : [];
    this.net =
      per.length > 0
        ? per.map((r) => ({ name: typeof r.name === 'string' ? r.name : '?', rx: num(r.rx), tx: num(r.tx) }))
        : this.net.map((r) => ({ ...r, rx: null, tx: null }));
    for (const r of this.net) {
      this.history.get(`net:${r.name}:rx`).push(r.rx);
      this.history.get(`net:${r.name}:tx`).push(r.tx);
    }
  }

  /** Read and write rates (bytes/s) summed over the devices the module counts. */
  private takeIo(data: Rec | null): void {
    this.io = { read: num(data?.read), write: num(data?.write) };
    this.history.get('io:read').push(this.io.read);
    this.history.get('io:write').push(this.io.write);
  }
}
