/**
 * The reader on systeminformation, for macOS, FreeBSD, OpenBSD and anywhere without /proc (and
 * on Linux when SHOJI_BACKEND=systeminformation asks for it). Loaded only when chosen
 * (src/platform/backend.ts imports it with import()), and each of systeminformation's files
 * only when a module first asks for what it holds.
 *
 * Counters, never its rates: its own rate fields need a second call 500 ms or more after the
 * first (networkStats' rx_sec, fsStats' rx_sec are null until then) and currentLoad's first call
 * sleeps 500 ms to sample; the modules divide counter deltas by their own measured time instead.
 * Where systeminformation only wraps Node (os.cpus(), os.loadavg(), os.uptime(), os.hostname()),
 * Node is asked directly: the same answer without loading the package, and without the shell
 * that currentLoad starts on Linux to read /proc/stat. What each call costs on each platform
 * (which start a process): docs/platforms.md.
 */
import { type CpuInfo, cpus, hostname, loadavg, totalmem, uptime } from 'node:os';
import type { Systeminformation } from 'systeminformation';
import { plausible } from './linux/sensors.js';
import { sameStart, startSecond } from './process-start.js';
import type { CpuTicks, HostReader, InterfaceBytes, LoginSession, ProcessEntry, ProcessList, Sensors } from './types.js';

/** os.cpus() counts milliseconds; the interface counts USER_HZ ticks (10 ms), as /proc/stat does. */
const MS_PER_TICK = 10;

/** The interface's CPU ticks from os.cpus()'s answer (CPUs by index: it gives no kernel numbers). */
export function ticksFromCpus(all: readonly Pick<CpuInfo, 'times'>[]): CpuTicks {
  if (all.length === 0) throw new Error('the system gives no CPU times (os.cpus() is empty)');
  const out: CpuTicks = { cpu: [0, 0] };
  for (const [i, { times }] of all.entries()) {
    // libuv has no iowait, softirq or steal: busy is user+nice+sys+irq, idle is idle.
    const busy = (times.user + times.nice + times.sys + times.irq) / MS_PER_TICK;
    const idle = times.idle / MS_PER_TICK;
    out[`cpu${i}`] = [busy, idle];
    out.cpu[0] += busy;
    out.cpu[1] += idle;
  }
  return out;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A figure systeminformation gives as a number, or null for its "unknown" (null, -1, NaN). */
const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v !== -1;

/** The interface's sensors from cpuTemperature()'s answer: each figure it knows, hottest first. */
export function sensorsFrom(t: Systeminformation.CpuTemperatureData): Sensors {
  const found: Sensors = { sensors: [], ignored: [] };
  const add = (id: string, celsius: number | null | undefined) => {
    if (!known(celsius)) return;
    if (!plausible(celsius)) found.ignored.push(`${id}: ${celsius}`);
    else found.sensors.push({ id, celsius });
  };
  add('cpu/main', t.main);
  for (const [i, c] of (t.cores ?? []).entries()) add(`cpu/core ${i}`, c);
  for (const [i, c] of (t.socket ?? []).entries()) add(`cpu/socket ${i}`, c);
  add('chipset', t.chipset);
  found.sensors.sort((a, b) => b.celsius - a.celsius);
  return found;
}

/** The interface's sessions from users()'s answer (who's lines): outside text, control characters removed as from utmp. */
export function sessionsFrom(users: readonly Systeminformation.UserData[]): LoginSession[] {
  const clean = (text: string | undefined) => (text ?? '').replace(CONTROL, '');
  return users.map((u) => ({ user: clean(u.user), line: clean(u.tty), host: clean(u.ip) })).filter((u) => u.user !== '');
}

/** The platforms where systeminformation's fsStats() answers null: it counts no disk I/O there. */
const NO_DISK_IO: readonly NodeJS.Platform[] = ['freebsd', 'openbsd', 'netbsd', 'sunos', 'win32'];

/** Why systeminformation cannot count disk I/O on `platform`, or null where it can. */
export function diskIoWhyNot(platform: NodeJS.Platform): string | null {
  return NO_DISK_IO.includes(platform) ? `systeminformation counts no disk I/O on ${platform}` : null;
}

/** processes()'s state words back to the letter ps and /proc write, which the table shows. */
const STATE_LETTERS: Record<string, string> = { running: 'R', sleeping: 'S', blocked: 'D', stopped: 'T', zombie: 'Z', paging: 'W', dead: 'X' };

/**
 * A kernel thread in ps's list: the kernel's own (PID 0: macOS' kernel_task, FreeBSD's
 * [kernel]), a process whose parent is 0 other than init (FreeBSD's [idle], Linux's kthreadd),
 * and on Linux kthreadd's children.
 */
export function kernelThreadOf(pid: number, ppid: number, platform: NodeJS.Platform): boolean {
  return pid === 0 || (ppid === 0 && pid !== 1) || (platform === 'linux' && ppid === 2);
}

/**
 * The interface's process list from processes()'s. Its %CPU is all that it gives (no CPU time):
 * ps's own average on macOS and the BSDs, already a share of one core there; on Linux its share
 * of the whole machine since its previous call, made one core's here. `starts` is the previous
 * list's starts by PID, so a start that moved by processes()'s rounding stays the same.
 */
export function processListFrom(
  list: readonly Systeminformation.ProcessesProcessData[],
  memTotal: number,
  cpuCount: number,
  platform: NodeJS.Platform,
  starts: Map<number, string>,
): ProcessList {
  const clean = (text: string | undefined) => (text ?? '').replace(CONTROL, '');
  const perCore = platform === 'linux' ? Math.max(1, cpuCount) : 1;
  const entries: ProcessEntry[] = [];
  const described = new Map<number, { user: string; command: string }>();
  const seen = new Map<number, string>();
  for (const p of list) {
    if (!Number.isInteger(p.pid) || p.pid < 0) continue;
    const ppid = Number.isInteger(p.parentPid) ? p.parentPid : 0;
    const kernelThread = kernelThreadOf(p.pid, ppid, platform);
    const name = clean(p.name || p.command) || '?';
    let start = startSecond(p.started ?? '');
    const before = starts.get(p.pid);
    if (before !== undefined && sameStart(before, start)) start = before;
    seen.set(p.pid, start);
    // ps's command column, split by processes() into path, command and parameters: put back together.
    const command = clean([p.path ? `${p.path}/${p.command}` : p.command, p.params].filter(Boolean).join(' '));
    described.set(p.pid, { user: clean(p.user) || '?', command: kernelThread || command === '' ? `[${clean(p.command) || name}]` : command });
    entries.push({
      pid: p.pid,
      ppid,
      name,
      state: STATE_LETTERS[p.state] ?? '?',
      ticks: null,
      cpuPercent: known(p.cpu) && p.cpu >= 0 ? p.cpu * perCore : null,
      rssBytes: known(p.memRss) && p.memRss > 0 ? p.memRss * 1024 : 0,
      threads: null,
      start,
      kernelThread,
      ...described.get(p.pid),
    });
  }
  starts.clear();
  for (const [pid, start] of seen) starts.set(pid, start);
  return {
    entries,
    memTotal,
    ticksPerSecond: 100,
    describe: (e) => described.get(e.pid) ?? { user: '?', command: `[${e.name}]` },
  };
}

/** The starts of the last list processes() gave, by PID (see processListFrom). */
const lastStarts = new Map<number, string>();

export const systeminformationReader: HostReader = {
  name: 'systeminformation',
  cpuTicks: () => ticksFromCpus(cpus()),
  loadAverages: () => loadavg() as [number, number, number],
  onlineCpus: () => cpus().length,
  async memory() {
    const { mem } = await import('systeminformation/lib/memory.js');
    const m = await mem();
    if (!(m.total > 0)) throw new Error('systeminformation gives no memory total');
    return { total: m.total, available: Math.min(m.total, Math.max(0, m.available)) };
  },
  async swap() {
    const { mem } = await import('systeminformation/lib/memory.js');
    const m = await mem();
    return { total: m.swaptotal, free: m.swapfree };
  },
  uptimeSeconds: () => uptime(),
  hostname: () => hostname(),
  async diskSectors(_roots, devices) {
    if (devices.length > 0) throw new Error('the `devices` option needs per-disk counters, which systeminformation does not give (it sums every disk)');
    const { fsStats } = await import('systeminformation/lib/filesystem.js');
    const s = await fsStats();
    if (s === null) throw new Error(diskIoWhyNot(process.platform) ?? 'systeminformation gave no disk I/O counters');
    // One item, every disk: bytes as 512-byte sectors, the unit the interface counts in.
    return { all: [s.rx / 512, s.wx / 512] };
  },
  diskSectorsWhyNot: () => diskIoWhyNot(process.platform),
  async defaultInterfaces() {
    const { networkInterfaceDefault } = await import('systeminformation/lib/network.js');
    const name = await networkInterfaceDefault();
    return name ? [name] : [];
  },
  async interfaceBytes(_roots, names) {
    const out = new Map<string, InterfaceBytes>();
    if (names.length === 0) return out; // networkStats('') would answer for the default interface
    const { networkStats } = await import('systeminformation/lib/network.js');
    for (const s of await networkStats(names.join(','))) {
      // An interface it cannot find comes back as zeros in state 'unknown'.
      if (s.operstate === 'unknown' && s.rx_bytes === 0 && s.tx_bytes === 0) continue;
      out.set(s.iface, { rxBytes: s.rx_bytes, txBytes: s.tx_bytes });
    }
    return out;
  },
  sessionsReadable: () => true,
  async sessions() {
    const { users } = await import('systeminformation/lib/users.js');
    return sessionsFrom(await users());
  },
  async processCount() {
    const { processes } = await import('systeminformation/lib/processes.js');
    const p = await processes();
    return p.all > 0 ? { processes: p.all, running: p.running, tasks: null } : null;
  },
  async sensors() {
    const { cpuTemperature } = await import('systeminformation/lib/cpu.js');
    return sensorsFrom(await cpuTemperature());
  },
  async processes() {
    const { processes } = await import('systeminformation/lib/processes.js');
    const { list } = await processes();
    if (list.length === 0) throw new Error('systeminformation lists no processes (ps answered nothing)');
    return processListFrom(list, totalmem(), cpus().length, process.platform, lastStarts);
  },
};
