/**
 * Network counters shared by the network module and the EC2 cost estimator.
 * The interface is the default route's (Destination 00000000 in /proc/net/route), never
 * "the last line of the route table" (byobu's mistake).
 */
import { join } from 'node:path';
import { readText } from './read.js';

export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** Every interface's counters from <procRoot>/net/dev, or null when the file cannot be read. */
export function readNetDev(procRoot: string): Map<string, InterfaceCounters> | null {
  const text = readText(join(procRoot, 'net/dev'));
  if (text === null) return null;
  const out = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out.set(name, { name, rxBytes: f[0], rxPackets: f[1], txBytes: f[8], txPackets: f[9] });
  }
  return out;
}

/**
 * Interfaces carrying a default route (IPv4, then IPv6), lowest metric first, without duplicates.
 * Empty when there is no default route or the tables cannot be read.
 */
export function defaultRouteInterfaces(procRoot: string): string[] {
  const found: { iface: string; metric: number }[] = [];
  const v4 = readText(join(procRoot, 'net/route'));
  for (const line of (v4 ?? '').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; flag 0x1 = RTF_UP
    if (f.length >= 8 && f[1] === '00000000' && f[7] === '00000000' && (parseInt(f[3], 16) & 1) === 1) {
      found.push({ iface: f[0], metric: Number(f[6]) || 0 });
    }
  }
  if (found.length === 0) {
    const v6 = readText(join(procRoot, 'net/ipv6_route'));
    for (const line of (v6 ?? '').split('\n')) {
      const f = line.trim().split(/\s+/);
      // dest prefixlen src srcprefixlen nexthop metric refcnt use flags iface
      if (f.length >= 10 && /^0+$/.test(f[0]) && f[1] === '00' && f[9] !== 'lo') {
        found.push({ iface: f[9], metric: parseInt(f[5], 16) || 0 });
      }
    }
  }
  found.sort((a, b) => a.metric - b.metric);
  return [...new Set(found.map((r) => r.iface))];
}
