/**
 * The spot price shoji last asked AWS for, one small file per instance type, availability zone
 * and region under cacheDir()/ec2/. Read synchronously (the status line may use it; it never
 * asks AWS itself), written atomically, and no more trusted than the API it came from: what is
 * read back is checked as strictly as a fresh answer, and a file that fails is ignored (and
 * replaced by the next answer).
 *
 * A file says when shoji asked (checkedAt) and what came back: a price, or why there is none
 * (no credentials, no permission, a timeout), or nothing yet (a background lookup under way).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { cacheDir } from '../core/paths.js';
import { isTrustedFolder } from '../core/trust.js';
import { isRegionCode, isTypeName, isZoneName, usablePrice } from './names.js';

/** What the price is the price of. */
export interface SpotKey {
  region: string;
  availabilityZone: string;
  instanceType: string;
}

/** The product whose spot price shoji asks for: Linux on a VPC, as ec2-cost prices everything. */
export const SPOT_PRODUCT = 'Linux/UNIX';

/** A spot price is used for an hour after shoji asked for it. */
export const SPOT_FRESH_MS = 60 * 60 * 1000;

export interface SpotPrice {
  /** USD per hour, a plain decimal as AWS gave it ("0.0312"). */
  usdPerHour: string;
  /** When AWS set this price (the newest entry's timestamp; ISO 8601). */
  setAt: string;
}

export interface SpotEntry extends SpotKey {
  format: 1;
  /** When shoji asked (ISO 8601). */
  checkedAt: string;
  /** The answer; null when there was none (see `problem`) or none yet. */
  price: SpotPrice | null;
  /** Why there is no price: one short line. Null with no price: a lookup is under way. */
  problem: string | null;
}

export function isSpotKey(k: SpotKey): boolean {
  return isRegionCode(k.region) && isZoneName(k.availabilityZone) && isTypeName(k.instanceType);
}

/** The key's file; only for names of AWS's shapes (names.ts), so a name can never leave the folder. */
export function spotCacheFile(env: NodeJS.ProcessEnv, k: SpotKey): string {
  if (!isSpotKey(k)) throw new Error(`not a spot price key: "${`${k.region} ${k.availabilityZone} ${k.instanceType}`.slice(0, 80)}"`);
  return join(cacheDir(env), 'ec2', `spot-${k.region}_${k.availabilityZone}_${k.instanceType}.json`);
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const isTime = (v: unknown): v is string => typeof v === 'string' && ISO_TIME.test(v) && !Number.isNaN(Date.parse(v));
/** Our reasons are well under this; a longer one is not ours. */
const MAX_PROBLEM = 300;
/** A clock a little behind the one that wrote the file is not a reason to distrust it. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The saved entry for this key, or null: none yet, unreadable, corrupt, for another key, or
 * written "in the future" (a clock set back: its age cannot be known).
 */
export function readSpotEntry(env: NodeJS.ProcessEnv, k: SpotKey, now: Date): SpotEntry | null {
  if (!isSpotKey(k)) return null;
  const file = spotCacheFile(env, k);
  // Only from a folder another user cannot write: a planted price would be shown as ours.
  if (!isTrustedFolder(dirname(file))) return null;
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null; // none yet, unreadable or corrupt: asked again, and rewritten
  }
  if (!saved || typeof saved !== 'object' || saved.format !== 1) return null;
  if (saved.region !== k.region || saved.availabilityZone !== k.availabilityZone || saved.instanceType !== k.instanceType) return null;
  if (!isTime(saved.checkedAt) || Date.parse(saved.checkedAt) > now.getTime() + CLOCK_SKEW_MS) return null;
  const problem = saved.problem;
  if (problem !== null && (typeof problem !== 'string' || problem.length > MAX_PROBLEM || /[\u0000-\u001f\u007f-\u009f]/.test(problem))) return null;
  let price: SpotPrice | null = null;
  if (saved.price !== null) {
    const p = saved.price as Record<string, unknown> | undefined;
    const usd = typeof p?.usdPerHour === 'string' ? usablePrice(p.usdPerHour) : null;
    if (usd === null || !isTime(p?.setAt)) return null;
    price = { usdPerHour: usd, setAt: p.setAt };
  }
  if (price !== null && problem !== null) return null;
  return { format: 1, ...k, checkedAt: saved.checkedAt, price, problem };
}

/** Whether the entry's price is young enough to use. */
export function isFresh(entry: SpotEntry, now: Date): boolean {
  return entry.price !== null && now.getTime() - Date.parse(entry.checkedAt) < SPOT_FRESH_MS;
}

/** Keep an answer (or a lookup under way). Failing to write only costs a lookup next time. */
export function writeSpotEntry(env: NodeJS.ProcessEnv, entry: Omit<SpotEntry, 'format'>): void {
  const saved: SpotEntry = {
    format: 1,
    region: entry.region,
    availabilityZone: entry.availabilityZone,
    instanceType: entry.instanceType,
    checkedAt: entry.checkedAt,
    price: entry.price,
    problem: entry.problem,
  };
  try {
    writeFileAtomic(spotCacheFile(env, entry), `${JSON.stringify(saved)}\n`);
  } catch {
    // an unwritable cache folder: the next run asks again
  }
}
