/**
 * What one minute's usage sample reads of the host: the kernel's cumulative CPU time from
 * /proc/stat (the text the ledger's sample already read for btime, so no second read), memory
 * from /proc/meminfo, and power where Linux offers it (core/power.ts: RAPL, a battery). The figures per minute come later, from the difference between two such
 * readings (fold.ts); a reading alone says only how far the counters have run since boot.
 */
import { join } from 'node:path';
import { type RaplSample, raplAccess, readBatteryPower, readRapl } from '../../core/power.js';
import { readText } from '../../core/read.js';

/** The counters and levels of one reading. Ticks are the kernel's USER_HZ units; only their ratios are used. */
export interface UsageReading {
  /**
   * Ticks the CPUs spent on work (user, nice, system, irq, softirq: guest time is already inside
   * user and nice), and all ticks that passed (work, idle, iowait and steal), summed over CPUs.
   */
  busyTicks: number;
  totalTicks: number;
  /** Online CPUs: the cpuN lines of /proc/stat. */
  vcpus: number;
  /** MemTotal - MemAvailable, and MemTotal; bytes. */
  memUsedBytes: number;
  memTotalBytes: number;
  /** The RAPL energy counters when readable (stamped with the sample's time in ms), else null. */
  rapl: RaplSample | null;
  /** What the batteries give the machine while discharging, in watts; null on AC or without one. */
  batteryWatts: number | null;
}

/**
 * The aggregate `cpu` line's counters. Steal (a hypervisor running another guest on our CPU) is
 * time that passed but not our work: it stays in the total and out of the busy part, so a box
 * whose CPUs were stolen half the time shows the work it got done, which is what an instance of
 * its own would have to do. iowait is idle time (the CPU had nothing to run while a disk
 * answered; the kernel's own figure is unreliable on multi-CPU hosts): counting it busy would
 * size an instance for CPU it would not use.
 */
function parseCpuLine(text: string): { busy: number; total: number; vcpus: number } | null {
  const m = /^cpu\s+(\d+(?:\s+\d+){3,})\s*$/m.exec(text);
  if (!m) return null;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[1].split(/\s+/).map(Number);
  const busy = user + nice + system + irq + softirq;
  const total = busy + idle + iowait + steal;
  const vcpus = text.match(/^cpu\d+\s/gm)?.length ?? 0;
  if (!Number.isSafeInteger(total) || vcpus < 1) return null;
  return { busy, total, vcpus };
}

/** Memory in use as the kernel estimates it (MemAvailable, since Linux 3.14; before, free + buffers + cache). */
function parseMeminfo(text: string): { used: number; total: number } | null {
  const kb = (key: string): number | null => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB\\s*$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const total = kb('MemTotal');
  if (total === null || total <= 0) return null;
  const available = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0);
  return { used: Math.max(0, Math.min(total, total - available)), total };
}

/**
 * A reading from /proc/stat's text (given: the ledger's sample read it) and procRoot/meminfo; or
 * why none could be taken, in one line naming the file.
 */
/**
 * The power readings of core/power.ts at the sample's time `at` (seconds): RAPL's counters only
 * when a counted zone can be read (root-only on many kernels: then none, quietly: `shoji modules`
 * says why under the power module), and the batteries' draw.
 */
export function readPower(sysRoot: string, at: number): Pick<UsageReading, 'rapl' | 'batteryWatts'> {
  const rapl = readRapl(sysRoot, at * 1000);
  return { rapl: raplAccess(rapl) === 'readable' ? rapl : null, batteryWatts: readBatteryPower(sysRoot).watts };
}

export function readUsage(procRoot: string, statText: string | null, power: Pick<UsageReading, 'rapl' | 'batteryWatts'>): UsageReading | string {
  const statPath = join(procRoot, 'stat');
  const cpu = statText === null ? null : parseCpuLine(statText);
  if (cpu === null) return `cannot read the CPU counters from ${statPath}`;
  const memPath = join(procRoot, 'meminfo');
  const mem = parseMeminfo(readText(memPath) ?? '');
  if (mem === null) return `cannot read the memory figures from ${memPath}`;
  return { busyTicks: cpu.busy, totalTicks: cpu.total, vcpus: cpu.vcpus, memUsedBytes: mem.used, memTotalBytes: mem.total, ...power };
}
