/**
 * The ledger file's text, both ways. Nothing read back is trusted beyond these checks: the file is
 * the user's own, but a half-written disk, an editor or a bug can leave anything in it, and the
 * month bill adds up what it holds. A boot record whose core fields do not check out is dropped
 * whole; a bad gap or a bad last-counter entry is dropped alone (a missing last counter only means
 * that interface counts from its next sample on, never twice).
 */
import { type LastCounters, type LedgerBoot, MAX_BOOTS, MAX_GAPS, MAX_INTERFACES } from './fold.js';
import type { Gap, HostSample, MonthTraffic } from './types.js';

export const LEDGER_FORMAT = 1;

/** Times shoji believes: after 2000-01-01 and before 2200-01-01, in seconds. */
const EARLIEST = 946_684_800;
const LATEST = 7_258_118_400;
/** The kernel's boot_id is a UUID; fixtures and other kernels may write other simple tokens. */
const BOOT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A decimal byte count: 64-bit counters summed over a month stay far below 30 digits. */
const BYTES = /^\d{1,30}$/;

/** What Linux accepts as an interface name (dev_valid_name), without control characters. */
export function validInterfaceName(name: string): boolean {
  return name.length > 0 && name.length < 16 && name !== '.' && name !== '..' && !/[\s/:\u0000-\u001f\u007f-\u009f]/.test(name);
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= EARLIEST && v <= LATEST;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIfindex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v < 2 ** 31;

function bytesOf(v: unknown): bigint | null {
  return typeof v === 'string' && BYTES.test(v) ? BigInt(v) : null;
}

/** Why a sample cannot be recorded, or null. (Samples come from recorders; a bad one is a bug or a damaged /proc.) */
export function sampleProblem(s: HostSample): string | null {
  if (typeof s.bootId !== 'string' || !BOOT_ID.test(s.bootId)) return `the boot id "${String(s.bootId).slice(0, 70)}" is not one`;
  if (!isTime(s.bootTime) || !isTime(s.at)) return `the times (boot ${s.bootTime}, sample ${s.at}) are not believable`;
  if (s.at < s.bootTime) return 'the sample is older than its boot';
  if (s.counters.size > MAX_INTERFACES) return `more than ${MAX_INTERFACES} interfaces`;
  for (const [name, c] of s.counters) {
    if (!validInterfaceName(name)) return `"${name.slice(0, 20)}" is not an interface name`;
    if (typeof c.rx !== 'bigint' || typeof c.tx !== 'bigint' || c.rx < 0n || c.tx < 0n) return `the counters of ${name} are not byte counts`;
    if (c.ifindex !== undefined && !isIfindex(c.ifindex)) return `the ifindex of ${name} is not one`;
  }
  return null;
}

function readMonths(v: unknown): Record<string, MonthTraffic> | null {
  if (!isObject(v)) return null;
  const out: Record<string, MonthTraffic> = {};
  for (const [month, t] of Object.entries(v)) {
    if (!MONTH.test(month) || !isObject(t)) return null;
    const txBytes = bytesOf(t.tx);
    const rxBytes = bytesOf(t.rx);
    if (txBytes === null || rxBytes === null) return null;
    out[month] = { txBytes, rxBytes };
  }
  return out;
}

function readGaps(v: unknown, bootTime: number, lastSeen: number): Gap[] {
  if (!Array.isArray(v)) return [];
  const ok = (g: unknown): g is Gap => isObject(g) && isTime(g.from) && isTime(g.to) && g.from < g.to && g.from >= bootTime && g.to <= lastSeen;
  return v
    .filter(ok)
    .map((g) => ({ from: g.from, to: g.to }))
    .slice(-MAX_GAPS);
}

function readLast(v: unknown): Record<string, LastCounters> {
  const out: Record<string, LastCounters> = {};
  if (!isObject(v)) return out;
  for (const [name, c] of Object.entries(v).slice(0, MAX_INTERFACES)) {
    if (!validInterfaceName(name) || !isObject(c)) continue;
    const rx = bytesOf(c.rx);
    const tx = bytesOf(c.tx);
    if (rx === null || tx === null) continue;
    if (c.ifindex !== undefined && !isIfindex(c.ifindex)) continue;
    out[name] = c.ifindex === undefined ? { rx, tx } : { rx, tx, ifindex: c.ifindex };
  }
  return out;
}

/** One boot record as read from the file, or null when it does not check out. */
export function readBoot(v: unknown): LedgerBoot | null {
  if (!isObject(v)) return null;
  const { bootId, bootTime, firstSeen, lastSeen, interfaces, counterResets, samples } = v;
  if (typeof bootId !== 'string' || !BOOT_ID.test(bootId)) return null;
  if (!isTime(bootTime) || !isTime(firstSeen) || !isTime(lastSeen) || !(bootTime <= firstSeen && firstSeen <= lastSeen)) return null;
  if (!Array.isArray(interfaces) || interfaces.length > MAX_INTERFACES || !interfaces.every((n) => typeof n === 'string' && validInterfaceName(n))) return null;
  if (new Set(interfaces).size !== interfaces.length) return null;
  if (!isCount(counterResets) || !isCount(samples) || samples < 1) return null;
  const months = readMonths(v.months);
  if (months === null) return null;
  return {
    bootId,
    bootTime,
    firstSeen,
    lastSeen,
    interfaces: [...(interfaces as string[])],
    months,
    counterResets,
    samples,
    gaps: readGaps(v.gaps, bootTime, lastSeen),
    last: readLast(v.last),
  };
}

/** The boots in a ledger file's text that check out; `problem` says why the file as a whole is unusable. */
export function parseLedger(text: string): { boots: LedgerBoot[]; problem: string | null; dropped: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { boots: [], problem: `not JSON (${(err as Error).message})`, dropped: 0 };
  }
  if (!isObject(doc) || doc.format !== LEDGER_FORMAT || !Array.isArray(doc.boots)) {
    return { boots: [], problem: `not a format-${LEDGER_FORMAT} ledger`, dropped: 0 };
  }
  const boots: LedgerBoot[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const raw of doc.boots.slice(0, MAX_BOOTS * 2)) {
    const b = readBoot(raw);
    if (b === null || seen.has(b.bootId)) dropped++;
    else {
      seen.add(b.bootId);
      boots.push(b);
    }
  }
  dropped += Math.max(0, doc.boots.length - MAX_BOOTS * 2);
  boots.sort((a, b) => a.bootTime - b.bootTime || a.firstSeen - b.firstSeen);
  return { boots, problem: null, dropped };
}

function bootJson(b: LedgerBoot): unknown {
  const months: Record<string, { tx: string; rx: string }> = {};
  for (const [m, t] of Object.entries(b.months)) months[m] = { tx: t.txBytes.toString(), rx: t.rxBytes.toString() };
  const last: Record<string, { rx: string; tx: string; ifindex?: number }> = {};
  for (const [name, c] of Object.entries(b.last))
    last[name] = { rx: c.rx.toString(), tx: c.tx.toString(), ...(c.ifindex === undefined ? {} : { ifindex: c.ifindex }) };
  return {
    bootId: b.bootId,
    bootTime: b.bootTime,
    firstSeen: b.firstSeen,
    lastSeen: b.lastSeen,
    interfaces: b.interfaces,
    months,
    counterResets: b.counterResets,
    samples: b.samples,
    gaps: b.gaps,
    last,
  };
}

/** The file's text: one boot per line, so that a person can read it; byte counts as decimal strings (64-bit). */
export function ledgerText(boots: LedgerBoot[]): string {
  const lines = boots.map((b) => JSON.stringify(bootJson(b)));
  return `{"format":${LEDGER_FORMAT},"boots":[\n${lines.join(',\n')}\n]}\n`;
}
