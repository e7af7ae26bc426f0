/**
 * Which instance this is: local files first (detect.ts), then — only when they say EC2 or
 * cannot tell — the metadata service, once per boot (imds-cache.ts).
 */
import { detect, type Detection } from './detect.js';
import type { ImdsResult, InstanceMetadata } from './imds.js';
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
    writeImdsCache(opts.env, boot, endpoint, result, (opts.now ?? (() => new Date()))());
  }
  return merge(base, result, cached);
}

function merge(base: Identity, result: ImdsResult, cached: boolean): Identity {
  const when = cached ? ' (cached for this boot)' : '';
  if (!result.ok) {
    // Files said EC2: still EC2, with what the files told. Files could not tell: not EC2.
    return { ...base, imdsNote: `no answer${when}: ${result.reason}` };
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
