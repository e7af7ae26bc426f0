/**
 * Which reader answers a module's questions about the host (src/platform/types.ts), decided
 * from its context on every collect, without allocating:
 *
 * 1. `SHOJI_BACKEND` (linux or systeminformation) when set, for tests and for anyone comparing;
 * 2. the direct readers when SHOJI_PROC_ROOT points somewhere else than /proc: a fixture tree
 *    or a chroot stands in for the host, and only the direct readers read under the roots;
 * 3. the direct readers on Linux with /proc mounted (the default: fast, no process started);
 * 4. systeminformation everywhere else: macOS, FreeBSD, OpenBSD, a Linux without /proc.
 *
 * Modules import this (a module-level import, not a ModuleContext field): the choice is a pure
 * function of what the context already carries (env, procRoot), so the public plugin API does
 * not grow, and a user's plugin, which runs in a worker thread where no functions cross, would
 * not have had the field anyway.
 */
import { existsSync } from 'node:fs';
import { linuxReader } from './linux/index.js';
import { BACKEND_NAMES, type BackendName, type HostReader, type HostRoots } from './types.js';

/** The built-in modules that read the host through this interface, by id. */
export const HOST_MODULES: readonly string[] = [
  'cpu',
  'load',
  'memory',
  'swap',
  'uptime',
  'hostname',
  'diskio',
  'network',
  'users',
  'processes',
  'temperature',
];

/**
 * Modules that read the host the same way on every platform: disk asks statfs(2) (Node's
 * fs.statfs), the call df itself makes on Linux, macOS and the BSDs; systeminformation's fsSize
 * would start df to get the same numbers.
 */
export const SAME_ON_EVERY_PLATFORM: Readonly<Record<string, string>> = { disk: 'statfs' };

const DEFAULT_PROC = '/proc';

/**
 * The reader's name for this environment: `platform` is process.platform, `procMounted` says
 * whether /proc/stat is there (asked only when it decides).
 */
export function chooseBackend(env: NodeJS.ProcessEnv, procRoot: string, platform: NodeJS.Platform, procMounted: () => boolean): BackendName {
  const forced = env.SHOJI_BACKEND;
  if (forced !== undefined && forced !== '') {
    if ((BACKEND_NAMES as readonly string[]).includes(forced)) return forced as BackendName;
    throw new Error(`SHOJI_BACKEND=${JSON.stringify(forced)}: expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  if (procRoot !== DEFAULT_PROC) return 'linux';
  return platform === 'linux' && procMounted() ? 'linux' : 'systeminformation';
}

/** Whether /proc is mounted, asked once: it does not come and go under a running shoji. */
let procMountedHere: boolean | undefined;
const procMounted = () => (procMountedHere ??= existsSync(`${DEFAULT_PROC}/stat`));

/** The reader's name for this context (or environment and roots). */
export function backendName(ctx: { env: NodeJS.ProcessEnv; procRoot: string }): BackendName {
  return chooseBackend(ctx.env, ctx.procRoot, process.platform, procMounted);
}

/**
 * systeminformation's reader, loaded at its first use: until a module asks, nothing of it (nor
 * of the package) is loaded, and on Linux by default nothing ever is.
 */
let loaded: Promise<HostReader> | undefined;
const load = () =>
  (loaded ??= import('./systeminformation.js').then(
    (m) => m.systeminformationReader,
    (err) => {
      loaded = undefined; // asked again at the next collect, not failed for the daemon's life
      throw err;
    },
  ));

type Method = Exclude<keyof HostReader, 'name'>;
/** Every method of the interface: a key missing here is a type error. */
const METHODS = Object.keys({
  cpuTicks: true,
  loadAverages: true,
  onlineCpus: true,
  memory: true,
  swap: true,
  uptimeSeconds: true,
  hostname: true,
  diskSectors: true,
  diskSectorsWhyNot: true,
  defaultInterfaces: true,
  interfaceBytes: true,
  sessionsReadable: true,
  sessions: true,
  processCount: true,
  sensors: true,
  processes: true,
} satisfies Record<Method, true>) as Method[];

const lazySysteminformation = Object.fromEntries([
  ['name', 'systeminformation'],
  ...METHODS.map((method) => [method, (...args: unknown[]) => load().then((reader) => (reader[method] as (...a: unknown[]) => unknown)(...args))]),
]) as unknown as HostReader;

/** The reader a module reads the host with, for its context. Throws on an unknown SHOJI_BACKEND. */
export function hostFor(ctx: HostRoots & { env: NodeJS.ProcessEnv }): HostReader {
  return backendName(ctx) === 'linux' ? linuxReader : lazySysteminformation;
}

/**
 * Whether this process's modules read the host through systeminformation (process.env and the
 * roots it names): for what a module declares before any context exists, such as a longer
 * timeout where systeminformation starts a process to answer. False on an unknown SHOJI_BACKEND,
 * whose modules fail naming it.
 */
export function systeminformationHere(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return chooseBackend(env, env.SHOJI_PROC_ROOT || DEFAULT_PROC, process.platform, procMounted) === 'systeminformation';
  } catch {
    return false;
  }
}

/** What `shoji modules` says a module reads the host with: a reader's name, 'statfs', or null for a module that does not read it through here. */
export function backendOfModule(id: string, env: NodeJS.ProcessEnv, procRoot: string): string | null {
  if (SAME_ON_EVERY_PLATFORM[id] !== undefined) return SAME_ON_EVERY_PLATFORM[id];
  return HOST_MODULES.includes(id) ? chooseBackend(env, procRoot, process.platform, procMounted) : null;
}
