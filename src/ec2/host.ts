/**
 * What the estimate needs from this host, read from procRoot (SHOJI_PROC_ROOT in tests):
 * uptime, bytes sent and received, and — for "what would this cost on EC2" — vCPUs and memory.
 * Each reader says plainly what it could not read; callers turn that into a one-line error.
 */
import { join } from 'node:path';
import { defaultRouteInterfaces, readNetDev } from '../core/net.js';
import { parseKeyValues, readText } from '../core/read.js';
import type { Arch } from './catalog.js';
import { dec, int, type Q } from './money.js';

export class HostReadError extends Error {
  override name = 'HostReadError';
}

/** Seconds since boot, exactly as /proc/uptime writes them ("1090800.37"). */
export function readUptime(procRoot: string): Q {
  const path = join(procRoot, 'uptime');
  const text = readText(path);
  const first = text?.trim().split(/\s+/)[0];
  if (!first || !/^\d+(\.\d+)?$/.test(first)) throw new HostReadError(`cannot read the uptime from ${path}`);
  return dec(first);
}

export interface Traffic {
  interfaces: string[];
  txBytes: Q;
  rxBytes: Q;
  /** Interfaces asked for but not present. */
  missing: string[];
}

/**
 * Bytes since boot on the default-route interfaces (or the ones named). An unreadable
 * net/dev is an error: "0 bytes" would be a wrong answer, not an estimate.
 */
export function readTraffic(procRoot: string, named: string[] = []): Traffic {
  const counters = readNetDev(procRoot);
  if (counters === null) throw new HostReadError(`cannot read network counters from ${join(procRoot, 'net/dev')}`);
  const wanted = named.length > 0 ? named : defaultRouteInterfaces(procRoot);
  const present = wanted.filter((n) => counters.has(n));
  let tx = 0n;
  let rx = 0n;
  for (const n of present) {
    tx += BigInt(counters.get(n)!.txBytes);
    rx += BigInt(counters.get(n)!.rxBytes);
  }
  return { interfaces: present, txBytes: int(tx), rxBytes: int(rx), missing: wanted.filter((n) => !counters.has(n)) };
}

export interface HostSize {
  vcpus: number;
  memoryMiB: number;
  arch: Arch | null;
}

/** vCPUs (processor entries in cpuinfo) and MemTotal, the kernel's view of this machine. */
export function readHostSize(procRoot: string, arch: string = process.arch): HostSize {
  const cpuinfo = readText(join(procRoot, 'cpuinfo'));
  const vcpus = cpuinfo === null ? 0 : (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  if (vcpus === 0) throw new HostReadError(`cannot count processors in ${join(procRoot, 'cpuinfo')}`);
  const meminfo = readText(join(procRoot, 'meminfo'));
  const kb = meminfo === null ? undefined : parseKeyValues(meminfo).get('MemTotal');
  if (!kb) throw new HostReadError(`cannot read MemTotal from ${join(procRoot, 'meminfo')}`);
  return { vcpus, memoryMiB: Math.floor(kb / 1024), arch: archOf(arch) };
}

/** Node's and uname's names for the two architectures EC2 sells. */
export function archOf(name: string): Arch | null {
  if (['x64', 'x86_64', 'amd64'].includes(name)) return 'x86_64';
  if (['arm64', 'aarch64'].includes(name)) return 'arm64';
  return null;
}
