/**
 * A long-lived process's minute usage sample: the reading (sample.ts) taken beside the ledger's
 * sample, into the store (store.ts). Loaded lazily by ../ledger/collect.ts, and only in the
 * long-lived processes: the one-shot `shoji status` and `ec2-cost` never load or run it.
 */
import type { HereUsage } from '../ledger/record.js';
import type { HostSample } from '../ledger/types.js';
import { readPower, readUsage } from './sample.js';
import { recordUsage, type UsageOutcome } from './store.js';

/**
 * Read the host's CPU (from the ledger sample's /proc/stat text), memory and power and record
 * them; off Linux the CPU time and memory the ledger's sample read from the host reader
 * (`offLinux`: ../ledger/record.ts). Never throws.
 */
export function recordUsageSample(
  env: NodeJS.ProcessEnv,
  procRoot: string,
  sysRoot: string,
  sample: HostSample,
  statText: string | null,
  offLinux: HereUsage | null = null,
): UsageOutcome {
  try {
    const power = readPower(sysRoot, sample.at);
    const reading = offLinux !== null && statText === null ? { ...offLinux, ...power } : readUsage(procRoot, statText, power);
    if (typeof reading === 'string') return { status: 'failed', reason: reading };
    return recordUsage(env, sample, reading);
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message };
  }
}
