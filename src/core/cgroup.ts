/**
 * Container limits from this process's control groups, for the cpu, load, memory and swap modules.
 * Inside a container /proc shows the host's CPUs and memory, so a bar reading only /proc
 * calls 3 GiB "40 % used" on a 2 GiB container (htop #1538). Limits can sit on any ancestor
 * (a systemd slice, the pod), so the effective limit is the smallest one on the way to the root.
 *
 * cgroup v2: <sysRoot>/fs/cgroup (or fs/cgroup/unified on hybrid hosts), path from the "0::/x"
 * line of <procRoot>/self/cgroup. cgroup v1: <sysRoot>/fs/cgroup/<controller>, path from the
 * "N:memory:/x" line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readLine, readNumber, readText } from './read.js';

interface Hierarchies {
  v2: string | null;
  v1: Map<string, string>;
}

function hierarchies(procRoot: string): Hierarchies {
  const out: Hierarchies = { v2: null, v1: new Map() };
  for (const line of (readText(join(procRoot, 'self/cgroup')) ?? '').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') out.v2 = m[3];
    else for (const c of m[2].split(',')) if (c) out.v1.set(c, m[3]);
  }
  return out;
}

/**
 * Directories from the process's cgroup up to the mount root, innermost first. Without a
 * cgroup namespace a container sees its host-side path while its mount is already its own
 * group; then the path does not exist under the mount and the mount root is all there is.
 */
function chain(mount: string, path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '..' && p !== '.');
  if (!existsSync(join(mount, ...parts))) return existsSync(mount) ? [mount] : [];
  const dirs: string[] = [];
  for (let n = parts.length; n >= 0; n--) dirs.push(join(mount, ...parts.slice(0, n)));
  return dirs;
}

/**
 * The chains are looked up afresh at most every 30 s: a process's cgroup practically never
 * changes, and resolving it (a read and several stats) was measured as most of what the
 * memory and load modules cost each time they run.
 */
const CHAIN_TTL_MS = 30_000;
const chains = new Map<string, { at: number; dirs: string[] }>();

function cached(key: string, find: () => string[]): string[] {
  const now = Date.now();
  const hit = chains.get(key);
  if (hit && now - hit.at < CHAIN_TTL_MS) return hit.dirs;
  const dirs = find();
  chains.set(key, { at: now, dirs });
  return dirs;
}

function v2Chain(procRoot: string, sysRoot: string): string[] {
  return cached(`v2|${procRoot}|${sysRoot}`, () => findV2Chain(procRoot, sysRoot));
}

function v1Chain(procRoot: string, sysRoot: string, controller: string): string[] {
  return cached(`v1|${controller}|${procRoot}|${sysRoot}`, () => findV1Chain(procRoot, sysRoot, controller));
}

function findV2Chain(procRoot: string, sysRoot: string): string[] {
  const { v2 } = hierarchies(procRoot);
  if (v2 === null) return [];
  const base = join(sysRoot, 'fs/cgroup');
  const mount = existsSync(join(base, 'cgroup.controllers')) ? base : join(base, 'unified');
  return chain(mount, v2);
}

function findV1Chain(procRoot: string, sysRoot: string, controller: string): string[] {
  const path = hierarchies(procRoot).v1.get(controller);
  if (path === undefined) return [];
  return chain(join(sysRoot, 'fs/cgroup', controller), path);
}

/** "max" (v2) means no limit. */
function readLimit(file: string): number | null {
  const line = readLine(file);
  if (line === null || line === '') return null;
  if (line === 'max') return Infinity;
  const n = Number(line);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** The smallest limit on the chain and the directory that sets it. */
function tightest(dirs: string[], file: string): { limit: number; dir: string } | null {
  let best: { limit: number; dir: string } | null = null;
  for (const dir of dirs) {
    const limit = readLimit(join(dir, file));
    if (limit !== null && limit !== Infinity && (best === null || limit < best.limit)) best = { limit, dir };
  }
  return best;
}

/** "key value" lines of memory.stat. */
function statValue(dir: string, ...keys: string[]): number {
  const values = new Map<string, number>();
  for (const line of (readText(join(dir, 'memory.stat')) ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) values.set(k, Number(v));
  }
  for (const k of keys) if (values.has(k)) return values.get(k)!;
  return 0;
}

export interface CgroupMemory {
  version: 1 | 2;
  /** Bytes. */
  limit: number;
  /** Bytes in use by the limited group, page cache that could be dropped (inactive_file) excluded. */
  used: number;
  /** The cgroup directory that sets the limit. */
  dir: string;
}

/** The tightest memory limit on this process, or null when there is none. */
export function cgroupMemory(procRoot: string, sysRoot: string): CgroupMemory | null {
  const v2 = tightest(v2Chain(procRoot, sysRoot), 'memory.max');
  if (v2) {
    const current = readNumber(join(v2.dir, 'memory.current')) ?? 0;
    const used = Math.max(0, current - statValue(v2.dir, 'inactive_file'));
    return { version: 2, limit: v2.limit, used, dir: v2.dir };
  }
  const v1 = tightest(v1Chain(procRoot, sysRoot, 'memory'), 'memory.limit_in_bytes');
  if (v1) {
    const usage = readNumber(join(v1.dir, 'memory.usage_in_bytes')) ?? 0;
    const used = Math.max(0, usage - statValue(v1.dir, 'total_inactive_file', 'inactive_file'));
    return { version: 1, limit: v1.limit, used, dir: v1.dir };
  }
  return null;
}

export interface CgroupSwap {
  /** Bytes; 0 means the group may not swap at all. */
  limit: number;
  used: number;
  dir: string;
}

/** The tightest cgroup v2 swap limit (memory.swap.max), or null when there is none. */
export function cgroupSwap(procRoot: string, sysRoot: string): CgroupSwap | null {
  const v2 = tightest(v2Chain(procRoot, sysRoot), 'memory.swap.max');
  if (!v2) return null;
  return { limit: v2.limit, used: readNumber(join(v2.dir, 'memory.swap.current')) ?? 0, dir: v2.dir };
}

/** CPUs' worth of time the group may use (quota / period; 1.5 = one and a half), or null. */
export function cgroupCpuLimit(procRoot: string, sysRoot: string): { cores: number; dir: string } | null {
  const found: { cores: number; dir: string }[] = [];
  for (const dir of v2Chain(procRoot, sysRoot)) {
    const [quota, period] = (readLine(join(dir, 'cpu.max')) ?? '').split(/\s+/);
    if (quota && quota !== 'max') found.push({ cores: Number(quota) / Number(period || 100000), dir });
  }
  // Hybrid hosts mount both trees; v1 counts only when v2 sets no quota.
  if (found.length === 0) {
    for (const dir of v1Chain(procRoot, sysRoot, 'cpu')) {
      const quota = readNumber(join(dir, 'cpu.cfs_quota_us'));
      const period = readNumber(join(dir, 'cpu.cfs_period_us'));
      if (quota !== null && quota > 0 && period) found.push({ cores: quota / period, dir });
    }
  }
  const valid = found.filter((f) => Number.isFinite(f.cores) && f.cores > 0);
  return valid.length === 0 ? null : valid.reduce((a, b) => (b.cores < a.cores ? b : a));
}

/**
 * CPU time used by this process's own control group (the container), in microseconds since
 * the group was created: cpu.stat usage_usec (v2), or cpuacct.usage in nanoseconds (v1).
 * Null when neither can be read.
 */
export function cgroupCpuUsage(procRoot: string, sysRoot: string): { usageUs: number; dir: string } | null {
  const v2 = v2Chain(procRoot, sysRoot)[0];
  if (v2 !== undefined) {
    const m = /^usage_usec\s+(\d+)$/m.exec(readText(join(v2, 'cpu.stat')) ?? '');
    if (m) return { usageUs: Number(m[1]), dir: v2 };
  }
  const v1 = v1Chain(procRoot, sysRoot, 'cpuacct')[0];
  if (v1 !== undefined) {
    const ns = readNumber(join(v1, 'cpuacct.usage'));
    if (ns !== null) return { usageUs: ns / 1000, dir: v1 };
  }
  return null;
}
