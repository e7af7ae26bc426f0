/**
 * Taking a sample of this host for the ledger, and recording it: from the `ec2-cost` command
 * (run.ts) and from the ec2-cost status module's collect (status-reading.ts), which the tmux
 * daemon, the exporter and the dashboard run every minute and a one-shot `shoji status` whenever
 * the module is due.
 *
 * Cheap by design, since it runs on the status line's path: five or six small files read
 * (boot_id, stat, uptime, net/dev, net/route, an ifindex per counted interface), the ledger read
 * and written once under its lock. It never throws into its caller: a sample that cannot be taken
 * or recorded is an outcome, and the reading or the report goes on without it.
 *
 * Off Linux (macOS, the BSDs: no boot_id and the platform is not Linux) the boot is named by its
 * start from Node's uptime (src/core/boot-id.ts) and the byte counters come from the host reader
 * (src/platform: systeminformation's networkStats there). That reader answers later, so the
 * counters are read first, by readHereOffLinux, which the callers await (the ec2-cost command,
 * the module's collect); the sample is then taken at the moment they were read.
 */
import { join } from 'node:path';
import { bootSecond } from '../../core/boot-id.js';
import { forLocale } from '../../core/locale.js';
import { defaultRouteInterfaces } from '../../core/net.js';
import { hostRoots } from '../../core/paths.js';
import { readLine, readNumber, readText } from '../../core/read.js';
import { escapeControl } from '../../render/sanitize.js';
import { HostReadError, parseNetDev } from '../host.js';
import type { ConfigLoader } from '../here-inputs.js';
import { configText } from '../here-wanted.js';
import type { Io } from '../io.js';
import { type Recorder, recordSample, type RecordOutcome } from './store.js';
import type { HostReader, HostRoots } from '../../platform/types.js';
import type { UsageReading } from '../usage/sample.js';
import type { HostSample } from './types.js';
import { validInterfaceName } from './validate.js';

/** The boot's start from /proc/stat's btime line (seconds since the epoch), or null. */
function btimeOf(statText: string | null): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(statText ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * One sample of the host under procRoot/sysRoot (SHOJI_PROC_ROOT and SHOJI_SYS_ROOT in tests): the
 * boot id, the boot's start (btime, else now minus the uptime), the sample's time (the boot's start
 * plus the uptime, so that a sample's time never runs ahead of its boot), and the byte counters of
 * the named interfaces or, when none are named, of those carrying the default route. Throws a
 * HostReadError naming the file it could not read.
 */
export function sampleHost(_env: NodeJS.ProcessEnv, procRoot: string, sysRoot: string, interfaces: string[] = [], now: number = Date.now() / 1000): HostSample {
  return takeSample(procRoot, sysRoot, interfaces, now).sample;
}

/**
 * sampleHost's sample, and the /proc/stat text it read for btime (null when unreadable): the
 * long-lived processes' usage record (../usage/) takes its CPU counters from the same text rather
 * than reading the file again.
 */
export function takeSample(
  procRoot: string,
  sysRoot: string,
  interfaces: string[],
  now: number = Date.now() / 1000,
  platform: string = process.platform,
): { sample: HostSample; statText: string | null; usage?: HereUsage | null } {
  const idPath = join(procRoot, 'sys/kernel/random/boot_id');
  const bootId = readLine(idPath);
  if (!bootId && platform !== 'linux') return { sample: sampleOffLinux(interfaces), statText: null, usage: here?.usage ?? null };
  if (!bootId) throw new HostReadError(`cannot read the boot id from ${idPath}`);
  const uptimePath = join(procRoot, 'uptime');
  const uptimeText = readText(uptimePath)?.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+(\.\d+)?$/.test(uptimeText)) throw new HostReadError(`cannot read the uptime from ${uptimePath}`);
  const uptime = Number(uptimeText);
  const statText = readText(join(procRoot, 'stat'));
  const btime = btimeOf(statText);
  const bootTime = btime ?? now - uptime;
  const at = btime !== null ? btime + uptime : now;

  const devPath = join(procRoot, 'net/dev');
  const text = readText(devPath);
  if (text === null) throw new HostReadError(`cannot read network counters from ${devPath}`);
  const all = parseNetDev(text, devPath);
  const wanted = interfaces.length > 0 ? interfaces : defaultRouteInterfaces(procRoot);
  const counters: HostSample['counters'] = new Map();
  for (const name of wanted) {
    const c = all.get(name);
    // A name the kernel could not have written (or one with control characters) is not recorded.
    if (!c || !validInterfaceName(name)) continue;
    const ifindex = readNumber(join(sysRoot, 'class/net', name, 'ifindex'));
    counters.set(name, ifindex !== null && Number.isSafeInteger(ifindex) && ifindex > 0 ? { ...c, ifindex } : c);
  }
  return { sample: { bootId, bootTime, at, counters }, statText };
}

/** Byte counters read off Linux by readHereOffLinux: for which interfaces, and when. */
interface HereCounters {
  interfaces: string;
  at: number;
  counters: HostSample['counters'];
  /** CPU time and memory, for the long-lived processes' hourly usage record (../usage/), when asked and read. */
  usage: HereUsage | null;
}

/** What the hourly usage record reads off Linux, from the host reader: its CPU time and memory. */
export type HereUsage = Omit<UsageReading, 'rapl' | 'batteryWatts'>;
let here: HereCounters | null = null;

/** Whether this host is one where the ledger reads no /proc (not Linux, and no boot_id under procRoot). */
export function offLinux(procRoot: string, platform: string = process.platform): boolean {
  return platform !== 'linux' && readLine(join(procRoot, 'sys/kernel/random/boot_id')) === null;
}

/**
 * Off Linux, read the byte counters of the interfaces a sample counts (those named, else the
 * default route's) from the host reader, for the next takeSample; nothing on Linux, where
 * takeSample reads net/dev itself. An interface the reader cannot count is left out, and a
 * reader that fails leaves none: the boot and its uptime are still recorded. `withUsage` (the
 * long-lived processes) reads the CPU time and memory the usage record keeps, too.
 */
export async function readHereOffLinux(
  env: NodeJS.ProcessEnv,
  procRoot: string,
  sysRoot: string,
  interfaces: string[],
  now: () => number = () => Date.now() / 1000,
  platform: string = process.platform,
  withUsage = false,
): Promise<void> {
  if (platform === 'linux' || !offLinux(procRoot, platform)) return;
  // Read a moment ago for the same interfaces (the estimate, then the recording, in one run): once is enough.
  if (here !== null && here.interfaces === interfaces.join(',') && Math.abs(now() - here.at) < 1 && (here.usage !== null || !withUsage)) return;
  const counters: HostSample['counters'] = new Map();
  let usage: HereUsage | null = null;
  try {
    const roots = { procRoot, sysRoot, root: '/' };
    // Loaded here, off Linux only: Linux's ec2-cost bundles stay without the host readers.
    const { hostFor } = await import('../../platform/backend.js');
    const host = hostFor({ ...roots, env });
    const wanted = interfaces.length > 0 ? interfaces : await host.defaultInterfaces(roots);
    const bytes = await host.interfaceBytes(roots, wanted);
    for (const name of wanted) {
      const c = bytes?.get(name);
      if (c && validInterfaceName(name) && Number.isSafeInteger(c.rxBytes) && Number.isSafeInteger(c.txBytes) && c.rxBytes >= 0 && c.txBytes >= 0) {
        counters.set(name, { rx: BigInt(c.rxBytes), tx: BigInt(c.txBytes) });
      }
    }
    if (withUsage) usage = await usageFrom(host, roots);
  } catch {
    // no counters this time
  }
  here = { interfaces: interfaces.join(','), at: now(), counters, usage };
}

/** CPU time (whole ticks: the record keeps counts) and memory in use from the host reader; null when it gives none. */
async function usageFrom(host: HostReader, roots: HostRoots): Promise<HereUsage | null> {
  try {
    const ticks = await host.cpuTicks(roots);
    const mem = await host.memory(roots);
    const vcpus = Object.keys(ticks).filter((line) => line !== 'cpu').length;
    const [busy, idle] = ticks.cpu.map(Math.round);
    if (vcpus < 1 || !(mem.total > 0)) return null;
    return { busyTicks: busy, totalTicks: busy + idle, vcpus, memUsedBytes: Math.max(0, mem.total - mem.available), memTotalBytes: mem.total };
  } catch {
    return null;
  }
}

/** The counters readHereOffLinux read for these interfaces, or null when it read none for them. */
export function hereCounters(interfaces: string[]): HostSample['counters'] | null {
  return here !== null && here.interfaces === interfaces.join(',') ? here.counters : null;
}

/**
 * The sample off Linux: the boot from Node's uptime, its time the moment readHereOffLinux read
 * the counters (never later than them). Throws when they were not read for these interfaces.
 */
function sampleOffLinux(interfaces: string[]): HostSample {
  if (here === null || here.interfaces !== interfaces.join(',')) throw new HostReadError('the network counters were not read yet (no /proc here)');
  const bootTime = bootSecond();
  return { bootId: `boottime-${bootTime}`, bootTime, at: Math.max(here.at, bootTime), counters: here.counters };
}

/** Take a sample and record it; never throws. */
export function recordHost(env: NodeJS.ProcessEnv, procRoot: string, sysRoot: string, interfaces: string[] = [], now?: number, by?: Recorder): RecordOutcome {
  try {
    return recordSample(env, sampleHost(env, procRoot, sysRoot, interfaces, now), by);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
}

/** What-if quantities: a run given any of these describes another host or time, and records nothing. */
export const WHAT_IF_OPTIONS = ['uptime', 'tx-bytes', 'rx-bytes', 'now'] as const;

/**
 * The `ec2-cost` command's recording: what it read of this host, unless the run was given what-if
 * quantities (naming another instance type or region changes the prices, not what was read).
 * `interfaces` are ledgerInterfaces'. A failure is shown only with SHOJI_DEBUG: the report does
 * not depend on it.
 */
export async function recordRun(args: Readonly<Record<string, unknown>>, io: Io, interfaces: string[]): Promise<RecordOutcome | null> {
  if (WHAT_IF_OPTIONS.some((name) => args[name] !== undefined)) return null;
  const { procRoot, sysRoot } = hostRoots(io.env);
  await readHereOffLinux(io.env, procRoot, sysRoot, interfaces);
  const outcome = recordHost(io.env, procRoot, sysRoot, interfaces, undefined, 'one-shot');
  if (outcome.status === 'failed' && io.env.SHOJI_DEBUG) io.err(`${forLocale(`ec2-cost: ledger: ${escapeControl(outcome.reason)}`, io.env)}\n`);
  return outcome;
}

/** A key named `interfaces` anywhere in the config's text (the ec2-cost module's, or another's). */
const INTERFACES_KEY = /\binterfaces['"]?\s*:/;

/**
 * The interfaces a run counts for the ledger: those named with --interfaces, else those
 * `modules.ec2-cost.interfaces` names (what the status module records every minute, so that one
 * boot's record never mixes two sets), else (empty) the default route's. The config is looked at
 * only when its text has an `interfaces` key, and not for a what-if run, which records nothing
 * and folds nothing of this host into a report.
 */
export async function ledgerInterfaces(args: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv, load?: ConfigLoader): Promise<string[]> {
  const named = typeof args.interfaces === 'string' ? args.interfaces.split(',').map((s) => s.trim()) : [];
  if (named.some(Boolean)) return named.filter(Boolean);
  if (WHAT_IF_OPTIONS.some((name) => args[name] !== undefined)) return [];
  const text = configText(env);
  if (text === null || !INTERFACES_KEY.test(text)) return [];
  const { configuredInterfaces } = await import('./configured.js');
  return configuredInterfaces(env, text, load);
}

/**
 * A sample of this host as the run would record it (ledgerInterfaces'), for a report made now to
 * fold in without writing it (store.ts's readLedger); null when the host cannot be read.
 */
export function runSample(env: NodeJS.ProcessEnv, interfaces: string[]): HostSample | null {
  const { procRoot, sysRoot } = hostRoots(env);
  try {
    return sampleHost(env, procRoot, sysRoot, interfaces);
  } catch {
    return null;
  }
}
