/**
 * Which instance this is: local files first (detect.ts), then — only when they say EC2 or
 * cannot tell — the metadata service, once per boot (imds-cache.ts).
 */
import { detect, type Detection } from './detect.js';
import { isInstanceId, isLifecycle, isRegionCode, isTypeName, isZoneName } from './names.js';
import type { InstanceMetadata } from './imds-check.js';
import type { ImdsResult } from './imds.js';
import { imdsDisabled, imdsEndpoint } from './imds-env.js';
import { bootIdOf, readImdsCache, writeImdsCache } from './imds-cache.js';

export interface Identity {
  onEc2: boolean;
  detection: Detection;
  instanceType: string | null;
  region: string | null;
  availabilityZone: string | null;
  lifecycle: string | null;
  /** Whether IMDS reports a public IPv4 address; null when unknown. */
  publicIpv4: boolean | null;
  instanceId: string | null;
  /** How the instance facts were learnt. */
  source: 'dmi' | 'imds' | 'imds (cached for this boot)' | 'none';
  /** What happened with the metadata service, for --detail; absent when it was not needed. */
  imdsNote?: string;
  /** The service failed in a way worth retrying: not to be remembered (see imds-cache.ts). */
  imdsTransient?: boolean;
}

export interface IdentifyOptions {
  sysRoot: string;
  procRoot: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  now?: () => Date;
  /** Per-request IMDS timeout (tests shorten it). */
  timeoutMs?: number;
}

function endpointKey(env: NodeJS.ProcessEnv): string {
  try {
    return imdsEndpoint(env).href;
  } catch {
    return String(env.AWS_EC2_METADATA_SERVICE_ENDPOINT);
  }
}

export async function identify(opts: IdentifyOptions): Promise<Identity> {
  const detection = detect(opts.sysRoot);
  const base: Identity = {
    onEc2: detection.verdict === 'ec2',
    detection,
    instanceType: detection.instanceType ?? null,
    region: null,
    availabilityZone: null,
    lifecycle: null,
    publicIpv4: null,
    instanceId: detection.instanceId ?? null,
    source: detection.verdict === 'ec2' ? 'dmi' : 'none',
  };
  if (detection.verdict === 'no') return base;
  if (imdsDisabled(opts.env)) return { ...base, imdsNote: 'not asked: AWS_EC2_METADATA_DISABLED is set' };

  const boot = bootIdOf(opts.procRoot);
  const endpoint = endpointKey(opts.env);
  let result = readImdsCache(opts.env, boot, endpoint);
  let cached = true;
  if (!result) {
    cached = false;
    const { queryImds } = await import('./imds.js');
    result = await queryImds({ env: opts.env, signal: opts.signal, timeoutMs: opts.timeoutMs });
    // Files that say EC2 make silence a passing problem (a loaded instance, a slow first token):
    // asked again next time. Remembered for the boot only when the files could not tell, so a
    // Xen host elsewhere pays the timeout once, not on every call.
    if (!result.ok && !result.disabled && detection.verdict === 'ec2') result = { ...result, transient: true };
    writeImdsCache(opts.env, boot, endpoint, result, (opts.now ?? (() => new Date()))());
  }
  return merge(base, result, cached);
}

/**
 * An identity remembered elsewhere (the status module's memo, which the one-shot `shoji status`
 * keeps in a state file), or null when it is not one identify() could have produced: it is used
 * only when every field it feeds into a lookup or a report has the shape a fresh answer must have.
 */
export function checkIdentity(x: unknown): Identity | null {
  if (!x || typeof x !== 'object') return null;
  const id = x as Identity;
  const ok = (v: unknown, valid: (s: string) => boolean) => v === null || (typeof v === 'string' && valid(v));
  const d = id.detection as Detection | undefined;
  const fine =
    typeof id.onEc2 === 'boolean' &&
    ok(id.instanceType, isTypeName) &&
    ok(id.region, isRegionCode) &&
    ok(id.availabilityZone, isZoneName) &&
    ok(id.lifecycle, isLifecycle) &&
    ok(id.instanceId, isInstanceId) &&
    (id.publicIpv4 === null || typeof id.publicIpv4 === 'boolean') &&
    ['dmi', 'imds', 'imds (cached for this boot)', 'none'].includes(id.source) &&
    (id.imdsNote === undefined || typeof id.imdsNote === 'string') &&
    !!d &&
    ['ec2', 'maybe', 'no'].includes(d.verdict) &&
    (d.platform === null || d.platform === 'nitro' || d.platform === 'xen') &&
    typeof d.reason === 'string';
  return fine ? id : null;
}

function merge(base: Identity, result: ImdsResult, cached: boolean): Identity {
  const when = cached ? ' (cached for this boot)' : '';
  if (!result.ok) {
    // Files said EC2: still EC2, with what the files told. Files could not tell: not EC2.
    return { ...base, imdsNote: `no answer${when}: ${result.reason}`, ...(result.transient ? { imdsTransient: true } : {}) };
  }
  const m: InstanceMetadata = result.metadata;
  return {
    ...base,
    onEc2: true,
    instanceType: m.instanceType,
    region: m.region,
    availabilityZone: m.availabilityZone,
    lifecycle: m.lifecycle,
    publicIpv4: m.publicIpv4 !== null,
    instanceId: m.instanceId ?? base.instanceId,
    source: cached ? 'imds (cached for this boot)' : 'imds',
    imdsNote: `IMDS${m.imdsVersion}${when}`,
  };
}
