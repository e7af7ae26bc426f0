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
import { join } from 'node:path';
import type { DetailLine } from '../core/contract.js';
import { parseKeyValues, readText } from '../core/read.js';
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
export const CORE_MODULES = ['cpu', 'load', 'memory', 'swap', 'network', 'disk', 'diskio', 'battery', 'ec2-cost', 'temperature'] as const;

/** The memory panel's figures (bytes). */
export interface MemoryFigures {
  total: number;
  used: number;
  available: number;
  /** Buffers + Cached + SReclaimable from meminfo, as free(1)'s buff/cache; null where there is none to read. */
  cache: number | null;
  /** Whether total is a cgroup's limit (then the host's page cache is not the group's: cache is null). */
  cgroup: boolean;
}

/** A temperature sensor as the temperature module publishes it. */
export interface Sensor {
  id: string;
  celsius: number;
  high?: number;
  critical?: number;
}

/**
 * The page cache and buffers from <procRoot>/meminfo (kB there): the memory module publishes
 * used and available only, and the panel shows what the rest is. null without the file (not
 * Linux) or its fields.
 */
export function readCache(procRoot: string): number | null {
  const text = readText(join(procRoot, 'meminfo'));
  if (text === null) return null;
  const kb = parseKeyValues(text);
  if (!kb.has('Cached')) return null;
  return ((kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0) + (kb.get('SReclaimable') ?? 0)) * 1024;
}
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
  memory: MemoryFigures | null = null;
  /** Every sensor the temperature module read, hottest first (none on most virtual machines). */
  sensors: Sensor[] = [];
  private seen = new Map<string, number>();
  /** When the reading being taken in was made (wall ms): each sample's time, for the graphs' spans. */
  private at?: number;

  /** procRoot: where meminfo is read for the page cache (none: no cache figure). */
  constructor(private readonly opts: { procRoot?: string } = {}) {}

  /** Take in every module that has a new reading since the last call; push histories. */
  update(statuses: Map<string, ModuleStatus>): void {
    for (const id of ['cpu', 'memory', 'swap', 'network', 'diskio', 'load', 'gpu', 'temperature']) {
      const st = statuses.get(id);
      if (!st || st.lastOkWall === undefined || this.seen.get(id) === st.lastOkWall) continue;
      this.seen.set(id, st.lastOkWall);
      this.at = st.lastOkWall;
      const data = isRec(st.data) ? st.data : null;
      if (id === 'cpu') this.takeCpu(data, Boolean(st.reading?.pending));
      else if (id === 'memory') this.takeMemory(data);
      else if (id === 'swap') this.push('swap', num(data?.ratio));
      else if (id === 'load') this.push('load', num(data?.one));
      else if (id === 'network') this.takeNetwork(data);
      else if (id === 'diskio') this.takeIo(data);
      else if (id === 'gpu') this.takeGpus(data);
      else if (id === 'temperature') this.takeSensors(data);
    }
  }

  private push(key: string, v: number | null): void {
    this.history.get(key).push(v, this.at);
  }

  private takeMemory(data: Rec | null): void {
    this.push('memory', num(data?.ratio));
    const total = num(data?.total);
    const used = num(data?.used);
    if (total === null || used === null) {
      this.memory = null;
      return;
    }
    const cgroup = data?.cgroup === true;
    const cache = !cgroup && this.opts.procRoot ? readCache(this.opts.procRoot) : null;
    this.memory = { total, used, available: num(data?.available) ?? total - used, cache, cgroup };
  }

  /** The sensors and each one's history (a sensor that went away keeps its history, unshown). */
  private takeSensors(data: Rec | null): void {
    const rows = Array.isArray(data?.sensors) ? (data.sensors as unknown[]).filter(isRec) : [];
    this.sensors = rows.flatMap((r) => {
      const celsius = num(r.celsius);
      if (typeof r.id !== 'string' || celsius === null) return [];
      const high = num(r.highCelsius);
      const critical = num(r.criticalCelsius);
      return [{ id: r.id, celsius, ...(high === null ? {} : { high }), ...(critical === null ? {} : { critical }) }];
    });
    for (const s of this.sensors) this.push(`temp:${s.id}`, s.celsius);
  }

  /** Each awake GPU's utilisation and share of its memory in use (the gpu panel's graphs), by its id. */
  private takeGpus(data: Rec | null): void {
    const gpus = Array.isArray(data?.gpus) ? (data.gpus as unknown[]).filter(isRec) : [];
    for (const g of gpus) {
      if (typeof g.id !== 'string' || g.asleep === true) continue;
      const used = num(g.memoryUsed);
      const total = num(g.memoryTotal);
      this.push(`gpu:${g.id}:util`, num(g.utilization));
      this.push(`gpu:${g.id}:mem`, used !== null && total !== null && total > 0 ? used / total : null);
    }
  }

  private takeCpu(data: Rec | null, pending: boolean): void {
    this.cpuTotal = pending ? null : num(data?.total);
    this.cores = Array.isArray(data?.cores) ? (data.cores as unknown[]).map(num) : [];
    this.push('cpu', this.cpuTotal);
    for (const [i, c] of this.cores.entries()) this.push(`cpu${i}`, c);
  }

  /** Each interface's rates (bytes/s); with none published, the interfaces shown keep no value. */
  private takeNetwork(data: Rec | null): void {
    const per = Array.isArray(data?.perInterface) ? (data.perInterface as unknown[]).filter(isRec) : [];
    this.net =
      per.length > 0
        ? per.map((r) => ({ name: typeof r.name === 'string' ? r.name : '?', rx: num(r.rx), tx: num(r.tx) }))
        : this.net.map((r) => ({ ...r, rx: null, tx: null }));
    for (const r of this.net) {
      this.push(`net:${r.name}:rx`, r.rx);
      this.push(`net:${r.name}:tx`, r.tx);
    }
  }

  /** Read and write rates (bytes/s) summed over the devices the module counts. */
  private takeIo(data: Rec | null): void {
    this.io = { read: num(data?.read), write: num(data?.write) };
    this.push('io:read', this.io.read);
    this.push('io:write', this.io.write);
  }
}
