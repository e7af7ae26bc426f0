/**
 * Which spot price a spot instance is priced at. The one-shot `ec2-cost` uses the price cached
 * within the hour, or asks EC2 (spot-fetch.ts, bounded) and keeps the answer; a failure is kept
 * too, and asked again after RETRY_MS, so that a host without credentials (or with a stalling
 * endpoint) does not pay the SDK and the wait on every run. The status module
 * never waits on the network: it uses the cached price and, when that is missing or old, starts
 * a detached `ec2-cost` to ask (at most once per RETRY_MS while the answers are failures), so the
 * price is there for a later collect. Without a price the on-demand price stays, as an upper
 * bound, with the reason.
 */
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import type { Identity } from './identify.js';
import { isFresh, isSpotKey, readSpotEntry, SPOT_FRESH_MS, writeSpotEntry, type SpotKey, type SpotPrice } from './spot-cache.js';

export interface SpotLookup {
  /** The price used, or null: the on-demand price is used as an upper bound (see `problem`). */
  price: SpotPrice | null;
  /** What the price is the price of; null when the instance's zone or type is not known. */
  key: SpotKey | null;
  /** When shoji asked EC2 for it (ISO 8601). */
  checkedAt: string | null;
  /** Read from the cache rather than asked for just now. */
  cached: boolean;
  /** Why there is no price, in a few words; null with a price. */
  problem: string | null;
  /** The status module: the cache wants a refresh (started in the background). */
  refreshDue: boolean;
}

/** A failed lookup is tried again after this long; an unfinished one (the status module's) too. */
export const RETRY_MS = 10 * 60 * 1000;

/** 'fetch': may ask EC2 (bounded); 'cache': the cached price only (the status line). */
export type SpotMode = 'fetch' | 'cache';

function keyOf(identity: Identity): SpotKey | string {
  if (!identity.region) return 'the instance region is unknown';
  if (!identity.availabilityZone) return 'the availability zone is unknown';
  if (!identity.instanceType) return 'the instance type is unknown';
  const key = { region: identity.region, availabilityZone: identity.availabilityZone, instanceType: identity.instanceType };
  return isSpotKey(key) ? key : 'the instance type or zone is not a valid name';
}

export async function lookUpSpotPrice(env: NodeJS.ProcessEnv, identity: Identity, now: Date, mode: SpotMode): Promise<SpotLookup> {
  const key = keyOf(identity);
  if (typeof key === 'string') return { price: null, key: null, checkedAt: null, cached: false, problem: key, refreshDue: false };
  const entry = readSpotEntry(env, key, now);
  if (entry && isFresh(entry, now)) return { price: entry.price, key, checkedAt: entry.checkedAt, cached: true, problem: null, refreshDue: false };
  const age = entry ? now.getTime() - Date.parse(entry.checkedAt) : Infinity;
  if (entry?.problem && age < RETRY_MS) {
    return { price: null, key, checkedAt: entry.checkedAt, cached: true, problem: entry.problem, refreshDue: false };
  }

  if (mode === 'cache') {
    const refreshDue = !entry || (entry.price !== null ? age >= SPOT_FRESH_MS : age >= RETRY_MS);
    const problem = entry?.problem ?? (entry && entry.price === null && !refreshDue ? 'being looked up' : 'not looked up yet');
    return { price: null, key, checkedAt: entry?.checkedAt ?? null, cached: true, problem, refreshDue };
  }

  const { fetchSpotPrice } = await import('./spot-fetch.js');
  const answer = await fetchSpotPrice(env, key, now);
  const checkedAt = now.toISOString();
  writeSpotEntry(env, { ...key, checkedAt, price: answer.price ?? null, problem: answer.problem ?? null });
  return { price: answer.price ?? null, key, checkedAt, cached: false, problem: answer.problem ?? null, refreshDue: false };
}

/**
 * Ask EC2 off the status line's clock: mark the lookup as under way (so that the next collects
 * do not start another), then run `ec2-cost` detached, which asks and keeps the answer.
 */
export async function refreshSpotInBackground(env: NodeJS.ProcessEnv, key: SpotKey, now: Date): Promise<void> {
  writeSpotEntry(env, { ...key, checkedAt: now.toISOString(), price: null, problem: null });
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'ec2-cost'), '--json'], { detached: true, stdio: 'ignore', env });
  child.on('error', () => {
    // Nothing to report to: the module shows the on-demand bound and tries again later.
  });
  child.unref();
}
