/**
 * The direct readers of /proc's small text files: CPU time, load, memory, swap, uptime, the
 * process count. Each is one synchronous read of a file the kernel writes in microseconds, as
 * the modules did before the host interface (src/platform/types.ts) existed.
 */
import { join } from 'node:path';
import { listDir, parseKeyValues, readRequired, readText } from '../../core/read.js';
import type { CpuTicks, ProcessCount } from '../types.js';

/** [busy, idle] ticks of each cpu line: busy is user+nice+system+irq+softirq+steal, idle is idle+iowait (guest is inside user and nice). */
export function parseStat(text: string): CpuTicks {
  const out: CpuTicks = {};
  for (const line of text.split('\n')) {
    if (!/^cpu\d*\s/.test(line)) continue;
    const [name, ...rest] = line.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = rest.map(Number).concat(Array(8).fill(0));
    const busy = user + nice + system + irq + softirq + steal;
    if (Number.isFinite(busy) && Number.isFinite(idle + iowait)) out[name] = [busy, idle + iowait];
  }
  return out;
}

export function cpuTicks(procRoot: string): CpuTicks {
  const path = join(procRoot, 'stat');
  const ticks = parseStat(readRequired(path));
  if (!ticks.cpu) throw new Error(`no "cpu" line in ${path}`);
  return ticks;
}

export function loadAverages(procRoot: string): [number, number, number] {
  const path = join(procRoot, 'loadavg');
  const [one, five, fifteen] = readRequired(path).trim().split(/\s+/).map(Number);
  if (![one, five, fifteen].every(Number.isFinite)) throw new Error(`unexpected content in ${path}`);
  return [one, five, fifteen];
}

/** Online CPUs as /proc/stat lists them (offline ones have no line). */
export function onlineCpus(procRoot: string): number {
  const text = readText(join(procRoot, 'stat')) ?? '';
  return text.split('\n').filter((l) => /^cpu\d+\s/.test(l)).length;
}

/** Host total and available bytes; kernels before 3.14 lack MemAvailable, so estimate it. */
export function memory(procRoot: string): { total: number; available: number } {
  const path = join(procRoot, 'meminfo');
  const meminfo = parseKeyValues(readRequired(path));
  const kb = (k: string) => meminfo.get(k) ?? 0;
  const total = meminfo.get('MemTotal');
  if (!total) throw new Error(`no MemTotal in ${path}`);
  const available = meminfo.has('MemAvailable') ? kb('MemAvailable') : kb('MemFree') + kb('Buffers') + kb('Cached') + kb('SReclaimable') - kb('Shmem');
  return { total: total * 1024, available: Math.min(total, Math.max(0, available)) * 1024 };
}

export function swap(procRoot: string): { total: number; free: number } {
  const info = parseKeyValues(readRequired(join(procRoot, 'meminfo')));
  return { total: (info.get('SwapTotal') ?? 0) * 1024, free: (info.get('SwapFree') ?? 0) * 1024 };
}

export function uptimeSeconds(procRoot: string): number | null {
  const text = readText(join(procRoot, 'uptime'));
  if (text === null) return null;
  const seconds = parseFloat(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** The "running/total" field of loadavg: runnable tasks and all tasks (threads included). */
export function parseLoadavgTasks(text: string | null): { running: number; tasks: number } | null {
  const m = /^\S+\s+\S+\s+\S+\s+(\d+)\/(\d+)/.exec(text ?? '');
  return m ? { running: Number(m[1]), tasks: Number(m[2]) } : null;
}

/** The numeric entries of /proc, and loadavg's task counts; null without any (no usable /proc). */
export function processCount(procRoot: string): ProcessCount | null {
  const processes = listDir(procRoot).filter((name) => /^\d+$/.test(name)).length;
  if (processes === 0) return null;
  const tasks = parseLoadavgTasks(readText(join(procRoot, 'loadavg')));
  return { processes, running: tasks?.running ?? null, tasks: tasks?.tasks ?? null };
}
