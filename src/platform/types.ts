/**
 * The host interface: what the modules that read the machine (cpu, load, memory, swap, uptime,
 * hostname, diskio, network, users, processes, temperature) and the dashboard's process table
 * need from it, as counters and
 * facts, never ready-made rates. Two readers implement it: src/platform/linux/ (the direct
 * /proc and /sys readers, synchronous) and src/platform/systeminformation.ts (macOS, the BSDs,
 * anywhere without /proc; asynchronous, loaded only when chosen). src/platform/backend.ts picks
 * one; docs/platforms.md says what each reads on each platform and what it costs.
 *
 * Rates stay the modules' own work: they keep the previous counters in their memo and divide by
 * the monotonic time between two collects, whichever reader gave the counters.
 */

/** A value now (the direct readers) or later (systeminformation). */
export type MaybePromise<T> = T | Promise<T>;

/** Where the direct readers look: a ModuleContext has all three (fixture trees in tests). */
export interface HostRoots {
  procRoot: string;
  sysRoot: string;
  root: string;
}

/** The readers' names, as `SHOJI_BACKEND` takes them and `shoji modules` shows them. */
export const BACKEND_NAMES = ['linux', 'systeminformation'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** CPU time since boot in USER_HZ ticks (1/100 s), [busy, idle], by /proc/stat line name: 'cpu' (all) and 'cpuN'. */
export type CpuTicks = Record<string, [number, number]>;

/** One login session: user, line (tty) and remote host ('' when local). */
export interface LoginSession {
  user: string;
  line: string;
  host: string;
}

/** A temperature sensor and the limits the system gives for it (°C). */
export interface Sensor {
  id: string;
  celsius: number;
  criticalCelsius?: number;
  highCelsius?: number;
}

/** The sensors read, hottest first, and readings left out as not temperatures ("id: value"). */
export interface Sensors {
  sensors: Sensor[];
  ignored: string[];
}

/** How many processes there are; `running` and `tasks` (threads included) where the system says. */
export interface ProcessCount {
  processes: number;
  running: number | null;
  tasks: number | null;
}

/** Cumulative bytes an interface received and sent. */
export interface InterfaceBytes {
  rxBytes: number;
  txBytes: number;
}

/** One process as the host lists it, for the dashboard's process table. */
export interface ProcessEntry {
  pid: number;
  /** The parent's PID (0 for none): the tree view and kernel threads. */
  ppid: number;
  /** Short name (on Linux the kernel's comm, 15 characters at most). */
  name: string;
  /** One letter, as /proc/PID/stat and ps write it (R, S, D, Z, T, I...); '?' when unknown. */
  state: string;
  /** CPU time used so far (user + system) in the list's `ticksPerSecond`; null where the system gives a percentage instead. */
  ticks: number | null;
  /** % of one core, where the system gives that instead of counters (ps's own average); null with counters. */
  cpuPercent: number | null;
  rssBytes: number;
  /** Threads, or null where the list does not say. */
  threads: number | null;
  /** With the PID, names one process for good: clock ticks since boot (/proc), or the start's epoch second (ps). */
  start: string;
  /** A kernel thread: no command line, nobody's work (hidden unless the table is asked to show them). */
  kernelThread: boolean;
  /** Owner and command line where the list carries them (ps); the direct reader reads them only for the rows shown. */
  user?: string;
  command?: string;
}

/** Every process at one moment, and how to read what the list leaves out. */
export interface ProcessList {
  entries: ProcessEntry[];
  /** The machine's memory in bytes, for each process's share (0 when unknown). */
  memTotal: number;
  /** Clock ticks per second of the entries' `ticks`. */
  ticksPerSecond: number;
  /** Owner and command line of an entry (the direct reader reads /proc/PID here: only rows on screen are asked). */
  describe(entry: Pick<ProcessEntry, 'pid' | 'name'>): { user: string; command: string };
}

export interface HostReader {
  readonly name: BackendName;
  /** CPU time per line; throws when the system gives none. */
  cpuTicks(roots: HostRoots): MaybePromise<CpuTicks>;
  /** Load averages over 1, 5 and 15 minutes; throws when unreadable. */
  loadAverages(roots: HostRoots): MaybePromise<[number, number, number]>;
  /** Online CPUs (0 when the system does not say). */
  onlineCpus(roots: HostRoots): MaybePromise<number>;
  /** Memory total and available to start new work without swapping, in bytes; throws when unreadable. */
  memory(roots: HostRoots): MaybePromise<{ total: number; available: number }>;
  /** Swap total and free, in bytes (total 0: no swap); throws when unreadable. */
  swap(roots: HostRoots): MaybePromise<{ total: number; free: number }>;
  /** Seconds since boot, or null when the system does not say. */
  uptimeSeconds(roots: HostRoots): MaybePromise<number | null>;
  /** The running host name (uname -n), raw: the module removes control characters. */
  hostname(roots: HostRoots): MaybePromise<string | null>;
  /**
   * Cumulative 512-byte sectors [read, written] per disk counted: `devices` when given, else every
   * whole disk (`stacked`: dm-* and md* too). Throws when unreadable or when the reader cannot
   * count what was asked (systeminformation has no per-device counters).
   */
  diskSectors(roots: HostRoots, devices: readonly string[], stacked: boolean): MaybePromise<Record<string, [number, number]>>;
  /** Why disk I/O cannot be counted here at all, or null when it can. */
  diskSectorsWhyNot(roots: HostRoots): MaybePromise<string | null>;
  /** The interfaces the default routes go out of (none without a default route). */
  defaultInterfaces(roots: HostRoots): MaybePromise<string[]>;
  /** Byte counters of the named interfaces that exist; null when the system gives none. */
  interfaceBytes(roots: HostRoots, names: readonly string[]): MaybePromise<Map<string, InterfaceBytes> | null>;
  /** Whether login sessions can be read here at all (the direct reader needs a utmp file). */
  sessionsReadable(roots: HostRoots): MaybePromise<boolean>;
  /** Login sessions, as who(1) lists them; throws when they cannot be read. */
  sessions(roots: HostRoots): MaybePromise<LoginSession[]>;
  /** Processes on the host; null when the system lists none (no usable /proc). */
  processCount(roots: HostRoots): MaybePromise<ProcessCount | null>;
  /** Temperature sensors, hottest first. */
  sensors(roots: HostRoots): MaybePromise<Sensors>;
  /** Every process, for the dashboard's table; throws when the system lists none. */
  processes(roots: HostRoots): MaybePromise<ProcessList>;
}
