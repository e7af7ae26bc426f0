/**
 * A long-lived process's minute usage sample: the reading (sample.ts) taken beside the ledger's
 * sample, into the store (store.ts). Loaded lazily by ../ledger/collect.ts, and only in the
 * long-lived processes: the one-shot `shoji status` and `ec2-cost` never load or run it.
 */
import type { HostSample } from '../ledger/types.js';
import { readPower, readUsage } from './sample.js';
import { recordUsage, type UsageOutcome } from './store.js';

/** Read the host's CPU (from the ledger sample's /proc/stat text), memory and power and record them; never throws. */
export function recordUsageSample(env: NodeJS.ProcessEnv, procRoot: string, sysRoot: string, sample: HostSample, statText: string | null): UsageOutcome {
  try {
    const reading = readUsage(procRoot, statText, readPower(sysRoot, sample.at));
    if (typeof reading === 'string') return { status: 'failed', reason: reading };
    return recordUsage(env, sample, reading);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
}
