/**
 * The ec2-cost module's price refresh in the background (`modules.ec2-cost.refresh_prices: 30d`):
 * in a long-lived process (ctx.longLived: the tmux daemon, the screen stream, the dashboard,
 * the exporter), on EC2, when the cached prices of the instance's region are older than the
 * setting (or there are none), the region's offer file is downloaded in this process
 * (fetch-region.ts, loaded only then) and cached for every shoji process to price from.
 *
 * - Jitter: once due, the refresh waits a random time of up to SHOJI_PRICE_REFRESH_JITTER
 *   seconds (default an hour), so that a fleet started together does not ask AWS at one instant.
 * - One at a time: one per process (this file's state), one per region across processes (the
 *   refresh lock; a process that finds it held leaves the work to its holder).
 * - Failure: logged (shoji's log), remembered in cacheDir()/ec2/prices-<region>.failed.json, and
 *   tried again after a back-off of an hour, doubling up to a day (never more than the setting),
 *   so a restarted process does not ask again at once.
 * Nothing here throws into the module's collect: the status line never waits for a refresh.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleContext } from '../../core/contract.js';
import { writeFileAtomic } from '../../core/atomic.js';
import { cacheDir } from '../../core/paths.js';
import type { Identity } from '../identify.js';
import type { Ec2CostOptions } from '../options.js';
import { readRefreshedPrices } from '../price-cache.js';
import { isKnownRegion } from '../regions.js';

const HOUR_MS = 3600_000;
const UNIT_MS: Record<string, number> = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };
const DEFAULT_JITTER_S = 3600;
const MAX_JITTER_S = 24 * 3600;
const FIRST_BACKOFF_MS = HOUR_MS;
const MAX_BACKOFF_MS = 24 * HOUR_MS;

/** "30d" -> ms; the option's schema allows only h, d and w (at least an hour). */
export function refreshPeriodMs(text: string): number | null {
  const m = /^([1-9]\d{0,3})([hdw])$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
}

/** The most a due refresh waits, at random (SHOJI_PRICE_REFRESH_JITTER seconds, 0 to a day). */
export function jitterMs(env: NodeJS.ProcessEnv): number {
  const given = env.SHOJI_PRICE_REFRESH_JITTER;
  const s = given !== undefined && /^\d+(\.\d+)?$/.test(given) ? Number(given) : DEFAULT_JITTER_S;
  return Math.min(s, MAX_JITTER_S) * 1000;
}

interface Failure {
  failedAt: string;
  failures: number;
  reason: string;
}

const failureFile = (env: NodeJS.ProcessEnv, region: string) => join(cacheDir(env), 'ec2', `prices-${region}.failed.json`);

function readFailure(env: NodeJS.ProcessEnv, region: string): Failure | null {
  try {
    const f = JSON.parse(readFileSync(failureFile(env, region), 'utf8')) as Failure;
    return typeof f.failedAt === 'string' && !Number.isNaN(Date.parse(f.failedAt)) && Number.isSafeInteger(f.failures) && f.failures > 0 ? f : null;
  } catch {
    return null; // none, or damaged: no back-off to keep
  }
}

/** How long after its n-th failure in a row a refresh is tried again. */
export function backoffMs(failures: number, periodMs: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(failures - 1, 20), MAX_BACKOFF_MS, periodMs);
}

/** When the region's prices are next due a refresh (ms since the epoch; at or before `now`: due). */
export function nextRefreshMs(env: NodeJS.ProcessEnv, region: string, periodMs: number): number {
  const cached = readRefreshedPrices(env, region).prices;
  const fresh = cached ? Date.parse(cached.refreshedAt) + periodMs : 0;
  const failed = readFailure(env, region);
  const retry = failed ? Date.parse(failed.failedAt) + backoffMs(failed.failures, periodMs) : 0;
  return Math.max(fresh, retry);
}

/** This process's refresh, scheduled or running (one at a time). */
let inFlight = false;
/** After a failure, not before this (ms since the epoch), even when the failure could not be written down. */
let notBefore = 0;

/** Start a refresh in the background if one is due; returns at once, never throws. */
export function refreshInBackground(ctx: ModuleContext<Ec2CostOptions>, identity: Identity | undefined): void {
  const host = ctx.longLived;
  const period = ctx.options.refresh_prices ? refreshPeriodMs(ctx.options.refresh_prices) : null;
  const region = identity?.onEc2 ? identity.region : null;
  if (!host || period === null || !region || !isKnownRegion(region) || inFlight) return;
  try {
    if (Math.max(notBefore, nextRefreshMs(ctx.env, region, period)) > ctx.wallNow()) return;
  } catch {
    return;
  }
  inFlight = true;
  const bound = jitterMs(ctx.env);
  const wait = Math.floor(Math.random() * bound);
  // Said before the wait, so a user (and a test) sees the refresh is coming, and when.
  host.log(`ec2-cost: ${region} prices are due a refresh; downloading them in ${seconds(wait)} s (a random wait of up to ${seconds(bound)} s)`);
  const timer = setTimeout(() => {
    void refreshNow(ctx.env, region, period, host.log).finally(() => {
      inFlight = false;
    });
  }, wait);
  timer.unref();
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function refreshNow(env: NodeJS.ProcessEnv, region: string, period: number, log: (m: string) => void): Promise<void> {
  // Another process may have refreshed while this one waited out its jitter.
  if (nextRefreshMs(env, region, period) > Date.now()) return;
  try {
    const { fetchRegionPrices } = await import('./fetch-region.js');
    const got = await fetchRegionPrices(region, { env, terminal: false, background: true });
    if (!got.ok) {
      // Another process holds the lock: the refresh is its to finish; this one asks again at a later collect.
      log(`ec2-cost: ${region} prices are being refreshed by another process (pid ${got.busy.pid}); left to it`);
      return;
    }
    rmSync(failureFile(env, region), { force: true });
    log(
      `ec2-cost: refreshed ${got.prices.prices.size} Linux on-demand prices for ${region} (published ${got.prices.pricesAsOf.slice(0, 10)}) in the background`,
    );
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300);
    const failures = (readFailure(env, region)?.failures ?? 0) + 1;
    const now = Date.now();
    try {
      writeFileAtomic(failureFile(env, region), JSON.stringify({ failedAt: new Date(now).toISOString(), failures, reason } satisfies Failure));
    } catch {
      // An unwritable cache folder: the back-off is this process's alone (notBefore).
    }
    notBefore = now + backoffMs(failures, period);
    const next = new Date(notBefore).toISOString();
    log(`ec2-cost: background refresh of ${region} prices failed (${failures} in a row): ${reason}; the prices cached before are kept; next try after ${next}`);
  }
}
