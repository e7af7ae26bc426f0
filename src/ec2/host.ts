/**
 * What the estimate needs from this host, read from procRoot (SHOJI_PROC_ROOT in tests):
 * uptime, bytes sent and received, and — for "what would this cost on EC2" — vCPUs and memory.
 * Each reader says plainly what it could not read; callers turn that into a one-line error.
 */
import os from 'node:os';
import { join } from 'node:path';
import { defaultRouteInterfaces } from '../core/net.js';
import { parseKeyValues, readText } from '../core/read.js';
import type { Arch } from './catalog.js';
import { dec, int, type Q } from './money.js';

export class HostReadError extends Error {
  override name = 'HostReadError';
}

/** What Node's os module says about this machine (a parameter, so tests can stand in for a Mac). */
export interface OsSize {
  platform: string;
  cpus: () => number;
  totalmem: () => number;
  uptime: () => number;
}

const NODE_OS: OsSize = { platform: process.platform, cpus: () => os.cpus().length, totalmem: () => os.totalmem(), uptime: () => os.uptime() };

/**
 * Seconds since boot, exactly as /proc/uptime writes them ("1090800.37"); off Linux, where
 * procRoot has no uptime file, os.uptime() (kern.boottime on macOS and the BSDs).
 */
export function readUptime(procRoot: string, host: Pick<OsSize, 'platform' | 'uptime'> = NODE_OS): Q {
  return readUptimeFrom(procRoot, host).seconds;
}

/** Where the uptime came from, as the report says it: /proc/uptime, or the system's boot time (Node's os.uptime()). */
export type UptimeSource = 'proc' | 'system';

/** readUptime's seconds, and where they came from. */
export function readUptimeFrom(procRoot: string, host: Pick<OsSize, 'platform' | 'uptime'> = NODE_OS): { seconds: Q; from: UptimeSource } {
  const path = join(procRoot, 'uptime');
  const text = readText(path);
  if (text === null && host.platform !== 'linux') {
    const up = host.uptime();
    if (!(up >= 0)) throw new HostReadError(`cannot read the uptime: the system gives none (${host.platform})`);
    return { seconds: dec(up.toFixed(2)), from: 'system' };
  }
  const first = text?.trim().split(/\s+/)[0];
  if (!first || !/^\d+(\.\d+)?$/.test(first)) throw new HostReadError(`cannot read the uptime from ${path}`);
  return { seconds: dec(first), from: 'proc' };
}

/** Where the report says the uptime came from (--detail's "s from /proc/uptime", the assumptions' "Since boot (from ...)"). */
export const UPTIME_FROM_WORDS: Record<UptimeSource | 'option', string> = {
  proc: 'from /proc/uptime',
  system: "from the system's boot time",
  option: 'given',
};

export interface Traffic {
  interfaces: string[];
  txBytes: Q;
  rxBytes: Q;
  /** Interfaces wanted (named, or carrying the default route) that the counters do not list. */
  missing: string[];
  /** Every interface the counters list, for a message about a missing one. */
  listed: string[];
  /** Why nothing was counted where the system keeps no such counters (macOS, the BSDs), for the estimate's notes. */
  unavailable?: string;
}

/**
 * Every interface's byte counters in a net/dev file: two header lines ("Inter-|", " face |"),
 * then one "name: 16 counters" line per interface. Anything else means the file is not what
 * the kernel writes, and an estimate of $0 traffic from it would be a wrong answer: it throws,
 * naming the file and line. A Map, since the names are the file's.
 */
export function parseNetDev(text: string, path: string): Map<string, { rx: bigint; tx: bigint }> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const notNetDev = (n: number, why: string) => new HostReadError(`${path}:${n}: ${why}: not a network counters file`);
  if (lines.length < 2 || !lines[0].includes('|') || !lines[1].includes('|')) throw notNetDev(1, 'no header');
  const out = new Map<string, { rx: bigint; tx: bigint }>();
  for (let i = 2; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    const name = colon < 0 ? '' : lines[i].slice(0, colon).trim();
    const f = lines[i]
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (name === '' || f.length < 16 || !f.every((n) => /^\d{1,20}$/.test(n))) {
      throw notNetDev(i + 1, `not an interface line "${lines[i].slice(0, 60)}"`);
    }
    out.set(name, { rx: BigInt(f[0]), tx: BigInt(f[8]) });
  }
  return out;
}

/**
 * Bytes since boot on the default-route interfaces, or on the ones named. An unreadable or
 * damaged net/dev is an error: "0 bytes" would be a wrong answer, not an estimate.
 */
export function readTraffic(procRoot: string, named: string[] = [], platform: string = process.platform): Traffic {
  const path = join(procRoot, 'net/dev');
  const text = readText(path);
  if (text === null && platform !== 'linux' && named.length === 0) {
    // macOS and the BSDs keep no such file: "what would this machine cost on EC2" is still
    // answered, without traffic, and says so (--tx-bytes and --rx-bytes give it).
    const unavailable = `no network counters to read on ${platform} (no ${path}): no traffic counted (give --tx-bytes and --rx-bytes)`;
    return { interfaces: [], txBytes: int(0n), rxBytes: int(0n), missing: [], listed: [], unavailable };
  }
  if (text === null) throw new HostReadError(`cannot read network counters from ${path}`);
  const counters = parseNetDev(text, path);
  const wanted = named.length > 0 ? named : defaultRouteInterfaces(procRoot);
  const present = wanted.filter((n) => counters.has(n));
  let tx = 0n;
  let rx = 0n;
  for (const n of present) {
    tx += counters.get(n)!.tx;
    rx += counters.get(n)!.rx;
  }
  return { interfaces: present, txBytes: int(tx), rxBytes: int(rx), missing: wanted.filter((n) => !counters.has(n)), listed: [...counters.keys()] };
}

export interface HostSize {
  vcpus: number;
  memoryMiB: number;
  arch: Arch | null;
}

/**
 * vCPUs (processor entries in cpuinfo) and MemTotal, the kernel's view of this machine. macOS
 * and the BSDs have no /proc: there, when procRoot has no cpuinfo, Node's os module answers
 * (logical CPUs from host_processor_info / hw.ncpu, memory from hw.memsize / hw.physmem), so a
 * Mac is fitted to EC2 types of its own size and architecture (arm64: Graviton). Linux reads
 * procRoot as always, and a missing cpuinfo there is an error.
 */
export function readHostSize(procRoot: string, arch: string = process.arch, host: OsSize = NODE_OS): HostSize {
  const cpuinfo = readText(join(procRoot, 'cpuinfo'));
  if (cpuinfo === null && host.platform !== 'linux') return osHostSize(host, arch);
  const vcpus = cpuinfo === null ? 0 : (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  if (vcpus === 0) throw new HostReadError(`cannot count processors in ${join(procRoot, 'cpuinfo')}`);
  const meminfo = readText(join(procRoot, 'meminfo'));
  const kb = meminfo === null ? undefined : parseKeyValues(meminfo).get('MemTotal');
  if (!kb) throw new HostReadError(`cannot read MemTotal from ${join(procRoot, 'meminfo')}`);
  return { vcpus, memoryMiB: Math.floor(kb / 1024), arch: archOf(arch) };
}

function osHostSize(host: OsSize, arch: string): HostSize {
  const vcpus = host.cpus();
  const bytes = host.totalmem();
  if (!(vcpus > 0)) throw new HostReadError(`cannot count processors: the system lists none (${host.platform})`);
  if (!(bytes > 0)) throw new HostReadError(`cannot read the memory size: the system gives none (${host.platform})`);
  return { vcpus, memoryMiB: Math.floor(bytes / 1048576), arch: archOf(arch) };
}

/** Node's and uname's names for the two architectures EC2 sells. */
export function archOf(name: string): Arch | null {
  if (['x64', 'x86_64', 'amd64'].includes(name)) return 'x86_64';
  if (['arm64', 'aarch64'].includes(name)) return 'arm64';
  return null;
}
