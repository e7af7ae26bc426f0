/**
 * Is this EC2? Decided from world-readable files first, never from the network:
 *
 * - Nitro: DMI sys_vendor or bios_vendor is "Amazon EC2"; product_name is the instance type;
 *   board_asset_tag is the instance id.
 * - Xen: /sys/hypervisor/uuid starts with "ec2", or DMI bios_version contains "amazon".
 * - Xen with nothing else to go on (hypervisor uuid missing or unreadable): "maybe" — the
 *   only case where the metadata service is asked, once per boot.
 * - Anything else (QEMU, KVM, VMware, bare metal, no DMI at all): not EC2, no network call.
 *
 * product_uuid and product_serial are root-only (mode 0400), so they are never read.
 */
import { join } from 'node:path';
import { readLine } from '../core/read.js';
import { isInstanceId, isTypeName } from './names.js';

export type Verdict = 'ec2' | 'maybe' | 'no';

export interface Detection {
  verdict: Verdict;
  platform: 'nitro' | 'xen' | null;
  /** From DMI product_name on Nitro ("m7i.large"), when it looks like a type. */
  instanceType?: string;
  /** From DMI board_asset_tag on Nitro. */
  instanceId?: string;
  /** Why, in a few words, for --detail. */
  reason: string;
}

const DMI = 'devices/virtual/dmi/id';

export function detect(sysRoot: string): Detection {
  const dmi = (name: string) => readLine(join(sysRoot, DMI, name)) ?? '';
  const sysVendor = dmi('sys_vendor');
  const biosVendor = dmi('bios_vendor');
  const biosVersion = dmi('bios_version');
  const productName = dmi('product_name');
  const assetTag = dmi('board_asset_tag');
  const hvUuid = readLine(join(sysRoot, 'hypervisor/uuid'));

  if (sysVendor === 'Amazon EC2' || biosVendor === 'Amazon EC2' || isInstanceId(assetTag)) {
    const found: Detection = { verdict: 'ec2', platform: 'nitro', reason: `DMI says Amazon EC2 (${sysVendor || biosVendor || 'asset tag'})` };
    if (isTypeName(productName)) found.instanceType = productName;
    if (isInstanceId(assetTag)) found.instanceId = assetTag;
    return found;
  }
  if (hvUuid !== null && /^ec2/i.test(hvUuid)) return { verdict: 'ec2', platform: 'xen', reason: '/sys/hypervisor/uuid starts with ec2' };
  if (/amazon/i.test(biosVersion)) return { verdict: 'ec2', platform: 'xen', reason: `DMI bios_version ${biosVersion}` };
  const xen = /xen/i.test(sysVendor) || /xen/i.test(biosVendor);
  if (xen && hvUuid === null) return { verdict: 'maybe', platform: 'xen', reason: 'Xen guest without a readable /sys/hypervisor/uuid' };
  if (sysVendor === '' && biosVendor === '') return { verdict: 'no', platform: null, reason: 'no DMI information' };
  return { verdict: 'no', platform: null, reason: `DMI vendor is ${sysVendor || biosVendor}` };
}
