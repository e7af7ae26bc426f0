/**
 * What an answer of the metadata service must look like before it is used, printed, or kept
 * for the boot. Apart from the client (imds.ts), which loads node:http: the cache reader needs
 * this check on every run, the client only when the service must be asked.
 */
import { escapeControl } from '../render/sanitize.js';
import { isInstanceId, isIpv4, isLifecycle, isRegionCode, isTypeName, isZoneName } from './names.js';

export interface InstanceMetadata {
  instanceType: string;
  region: string | null;
  availabilityZone: string | null;
  /** "on-demand", "spot", or whatever IMDS says; null when it does not say. */
  lifecycle: string | null;
  /** The public IPv4 address, or null when the instance has none. */
  publicIpv4: string | null;
  instanceId: string | null;
  imdsVersion: 'v2' | 'v1';
}

/**
 * The answer as it may be used, or why it may not: every field must have the shape AWS gives
 * it, since the type and region become cache keys and file names, and all of it is printed.
 * Applied to fresh answers and to answers read back from the cache alike.
 */
export function checkMetadata(m: unknown): InstanceMetadata | string {
  if (!m || typeof m !== 'object') return 'not an object';
  const r = m as Record<string, unknown>;
  let problem: string | null = null;
  const field = (name: keyof InstanceMetadata, valid: (s: string) => boolean): string | null => {
    const v = r[name];
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' && valid(v)) return v;
    problem ??= `${name} is not valid: "${escapeControl(String(v).slice(0, 80))}"`;
    return null;
  };
  const checked: InstanceMetadata = {
    instanceType: field('instanceType', isTypeName) ?? '',
    region: field('region', isRegionCode),
    availabilityZone: field('availabilityZone', isZoneName),
    lifecycle: field('lifecycle', isLifecycle),
    publicIpv4: field('publicIpv4', isIpv4),
    instanceId: field('instanceId', isInstanceId),
    imdsVersion: r.imdsVersion === 'v1' ? 'v1' : 'v2',
  };
  if (problem) return problem;
  if (checked.instanceType === '') return 'no instanceType';
  if (r.imdsVersion !== 'v1' && r.imdsVersion !== 'v2') return 'imdsVersion is not valid';
  return checked;
}
