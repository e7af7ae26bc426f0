/**
 * The metadata service's answer, kept for the rest of the boot: the instance type can only
 * change while the instance is stopped, which means a new boot (a new kernel boot id).
 * Negative answers ("no metadata service here") are kept too, so a host that is not EC2 but
 * could not be ruled out from its files pays the short timeout once per boot, not per call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { cacheDir } from '../core/paths.js';
import { readLine } from '../core/read.js';
import type { ImdsResult } from './imds.js';

interface Saved {
  format: 1;
  bootId: string;
  endpoint: string;
  savedAt: string;
  result: ImdsResult;
}

export function bootIdOf(procRoot: string): string | null {
  const id = readLine(join(procRoot, 'sys/kernel/random/boot_id'));
  return id ? id : null;
}

export function imdsCacheFile(env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'ec2', 'imds.json');
}

/** The saved answer for this boot and endpoint, or null. */
export function readImdsCache(env: NodeJS.ProcessEnv, bootId: string | null, endpoint: string): ImdsResult | null {
  if (!bootId) return null;
  try {
    const saved = JSON.parse(readFileSync(imdsCacheFile(env), 'utf8')) as Saved;
    if (saved?.format === 1 && saved.bootId === bootId && saved.endpoint === endpoint && saved.result) return saved.result;
  } catch {
    // none yet, or unreadable: ask again
  }
  return null;
}

/**
 * Keep the answer for this boot. Without a boot id there is no way to know when it goes stale,
 * so nothing is kept (callers keep it in memory instead). Failing to write only costs a lookup.
 */
export function writeImdsCache(env: NodeJS.ProcessEnv, bootId: string | null, endpoint: string, result: ImdsResult, now: Date): void {
  if (!bootId || (!result.ok && result.disabled)) return;
  const saved: Saved = { format: 1, bootId, endpoint, savedAt: now.toISOString(), result };
  try {
    writeFileAtomic(imdsCacheFile(env), `${JSON.stringify(saved)}\n`);
  } catch {
    // an unwritable cache directory: the next call asks again
  }
}
