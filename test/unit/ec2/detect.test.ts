/** Facts sheet §7 case M: classifying a host from its DMI and hypervisor files. */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect } from '../../../src/ec2/detect.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { nitro, plainXen, qemu, xen } from './hosts.js';

let tree: FixtureTree;
beforeEach(() => (tree = fixtureTree()));
afterEach(() => tree.cleanup());

describe('EC2 detection from files', () => {
  it('Nitro: EC2, with the instance type and id from DMI, no metadata service needed', () => {
    nitro(tree);
    expect(detect(tree.sysRoot)).toMatchObject({ verdict: 'ec2', platform: 'nitro', instanceType: 'm7i.large', instanceId: 'i-0123456789abcdef0' });
  });

  it('Nitro metal and Graviton names are types too', () => {
    nitro(tree, 'c7g.metal');
    expect(detect(tree.sysRoot).instanceType).toBe('c7g.metal');
  });

  it('Xen with an ec2 hypervisor uuid: EC2, the type needs the metadata service', () => {
    xen(tree);
    const d = detect(tree.sysRoot);
    expect(d).toMatchObject({ verdict: 'ec2', platform: 'xen' });
    expect(d.instanceType).toBeUndefined();
  });

  it('Xen with an amazon BIOS but no hypervisor uuid: still EC2', () => {
    xen(tree, null);
    expect(detect(tree.sysRoot)).toMatchObject({ verdict: 'ec2', platform: 'xen' });
  });

  it('plain Xen without a readable hypervisor uuid: cannot tell ("maybe")', () => {
    plainXen(tree);
    expect(detect(tree.sysRoot).verdict).toBe('maybe');
  });

  it('plain Xen whose hypervisor uuid is not ec2: not EC2', () => {
    plainXen(tree);
    tree.write('sys/hypervisor/uuid', '4d5e6f70-1111-2222-3333-444455556666\n');
    expect(detect(tree.sysRoot).verdict).toBe('no');
  });

  it('QEMU without /sys/hypervisor: not EC2', () => {
    qemu(tree);
    expect(detect(tree.sysRoot)).toMatchObject({ verdict: 'no', platform: null });
  });

  it('no DMI at all (containers, some ARM boards): not EC2, never a network call', () => {
    expect(detect(tree.sysRoot)).toMatchObject({ verdict: 'no', reason: 'no DMI information' });
  });

  it('an unreadable root-only product_uuid is not a failure (it is never read)', () => {
    nitro(tree);
    const uuid = tree.write('sys/devices/virtual/dmi/id/product_uuid', 'EC2ABCDE-0000-0000-0000-000000000000\n');
    chmodSync(uuid, 0o000);
    chmodSync(join(tree.sysRoot, 'devices/virtual/dmi/id'), 0o755);
    expect(detect(tree.sysRoot).verdict).toBe('ec2');
  });
});
