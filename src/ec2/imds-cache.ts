/**
 * The metadata service's answer, kept for the rest of the boot: the instance type can only
 * change while the instance is stopped, which means a new boot (a new kernel boot id; where there
 * is none, macOS and the BSDs, the boot's start to the second: src/core/boot-id.ts).
 * Negative answers ("no metadata service here") are kept too, so a host that is not EC2 but
 * could not be ruled out from its files pays the short timeout once per boot, not per call;
 * transient failures (an HTTP error, an answer that is not a valid type or region) are not.
 *
 * The file is no more trusted than the service: what is read back is checked as strictly as a
 * fresh answer, and anything else is ignored (the service is asked again and the file rewritten).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { bootIdFromUptime, sameBoot } from '../core/boot-id.js';
import { cacheDir } from '../core/paths.js';
import { readLine } from '../core/read.js';
import { isTrustedFolder } from '../core/trust.js';
import { checkMetadata } from './imds-check.js';
import type { ImdsResult } from './imds.js';

interface Saved {
  format: 1;
  bootId: string;
  endpoint: string;
  savedAt: string;
  result: ImdsResult;
}

/** The kernel's boot_id; off Linux, where there is none, the boot's start from Node's uptime; null on a Linux without one. */
export function bootIdOf(procRoot: string, platform: string = process.platform): string | null {
  const id = readLine(join(procRoot, 'sys/kernel/random/boot_id'));
  if (id) return id;
  return platform === 'linux' ? null : bootIdFromUptime();
}

export function imdsCacheFile(env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'ec2', 'imds.json');
}

/** The longest reason kept for a negative answer (ours are well under 200 characters). */
const MAX_REASON = 300;

/** The saved answer for this boot and endpoint, or null (none, stale, or not a valid answer). */
export function readImdsCache(env: NodeJS.ProcessEnv, bootId: string | null, endpoint: string): ImdsResult | null {
  // Only from a folder another user cannot write (a planted answer would choose the prices).
  if (!bootId || !isTrustedFolder(dirname(imdsCacheFile(env)))) return null;
  let saved: Partial<Saved> | null;
  try {
    saved = JSON.parse(readFileSync(imdsCacheFile(env), 'utf8')) as Partial<Saved> | null;
  } catch {
    return null; // none yet, unreadable or corrupt: ask again
  }
  if (saved?.format !== 1 || typeof saved.bootId !== 'string' || !sameBoot(saved.bootId, bootId) || saved.endpoint !== endpoint) return null;
  return validResult(saved.result);
}

/** A cached result exactly as the client could have produced it, or null. */
function validResult(result: unknown): ImdsResult | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as Record<string, unknown>;
  if (r.ok === true) {
    const metadata = checkMetadata(r.metadata);
    return typeof metadata === 'string' ? null : { ok: true, metadata };
  }
  if (r.ok !== false || typeof r.reason !== 'string' || r.reason.length > MAX_REASON || r.transient || r.disabled) return null;
  return { ok: false, reason: r.reason };
}

/**
 * Keep the answer for this boot. Without a boot id there is no way to know when it goes stale,
 * so nothing is kept (callers keep it in memory instead). Failing to write only costs a lookup.
 */
export function writeImdsCache(env: NodeJS.ProcessEnv, bootId: string | null, endpoint: string, result: ImdsResult, now: Date): void {
  if (!bootId || (!result.ok && (result.disabled || result.transient))) return;
  const saved: Saved = { format: 1, bootId, endpoint, savedAt: now.toISOString(), result };
  try {
    writeFileAtomic(imdsCacheFile(env), `${JSON.stringify(saved)}\n`);
  } catch {
    // an unwritable cache directory: the next call asks again
  }
}
