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
import { type CpuInfo, cpus, hostname, loadavg, uptime } from 'node:os';
import type { Systeminformation } from 'systeminformation';
import { plausible } from './linux/sensors.js';
import type { CpuTicks, HostReader, InterfaceBytes, LoginSession, Sensors } from './types.js';

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
};
