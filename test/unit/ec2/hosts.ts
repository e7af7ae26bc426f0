/**
 * Fixture hosts for the EC2 tests: DMI trees as Nitro, Xen and QEMU guests expose them, and
 * the /proc files the estimate reads. Values follow transcripts of real instances.
 */
import type { FixtureTree } from '../../helpers/context.js';

const DMI = 'sys/devices/virtual/dmi/id';

export function nitro(tree: FixtureTree, type = 'm7i.large'): void {
  tree.write(`${DMI}/sys_vendor`, 'Amazon EC2\n');
  tree.write(`${DMI}/bios_vendor`, 'Amazon EC2\n');
  tree.write(`${DMI}/bios_version`, '1.0\n');
  tree.write(`${DMI}/product_name`, `${type}\n`);
  tree.write(`${DMI}/board_asset_tag`, 'i-0123456789abcdef0\n');
}

export function xen(tree: FixtureTree, hypervisorUuid: string | null = 'ec2e1916-9099-7caf-fd21-012345abcdef'): void {
  tree.write(`${DMI}/sys_vendor`, 'Xen\n');
  tree.write(`${DMI}/bios_vendor`, 'Xen\n');
  tree.write(`${DMI}/bios_version`, '4.11.amazon\n');
  tree.write(`${DMI}/product_name`, 'HVM domU\n');
  if (hypervisorUuid !== null) tree.write('sys/hypervisor/uuid', `${hypervisorUuid}\n`);
}

/** A Xen guest that is not obviously AWS (no amazon BIOS, no hypervisor uuid): cannot tell. */
export function plainXen(tree: FixtureTree): void {
  tree.write(`${DMI}/sys_vendor`, 'Xen\n');
  tree.write(`${DMI}/bios_vendor`, 'Xen\n');
  tree.write(`${DMI}/bios_version`, '4.2\n');
  tree.write(`${DMI}/product_name`, 'HVM domU\n');
}

export function qemu(tree: FixtureTree): void {
  tree.write(`${DMI}/sys_vendor`, 'QEMU\n');
  tree.write(`${DMI}/bios_vendor`, 'SeaBIOS\n');
  tree.write(`${DMI}/bios_version`, '1.16.3-debian-1.16.3-2\n');
  tree.write(`${DMI}/product_name`, 'Standard PC (Q35 + ICH9, 2009)\n');
}

export const BOOT_ID = '5f0c1c2e-8d5e-4a77-9a3b-1d2e3f405162';

/** /proc for a host up `uptime` seconds that sent `tx` and received `rx` bytes on eth0. */
export function proc(tree: FixtureTree, o: { uptime?: string; tx?: number; rx?: number; cpus?: number; memKb?: number; bootId?: string | null } = {}): void {
  tree.write('proc/uptime', `${o.uptime ?? '1090800.00'} 2000000.00\n`);
  const rx = o.rx ?? 73_195_290_624;
  const tx = o.tx ?? 8_502_581_400;
  tree.write(
    'proc/net/dev',
    'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      '    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       0          0\n' +
      `  eth0: ${rx} 5000000    0    0    0     0          0         0 ${tx} 3000000    0    0    0     0       0          0\n` +
      `  eth1: 1000 10    0    0    0     0          0         0 2000 20    0    0    0     0       0          0\n`,
  );
  tree.write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
      'eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n' +
      'eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n',
  );
  const cpus = o.cpus ?? 2;
  tree.write('proc/cpuinfo', Array.from({ length: cpus }, (_, i) => `processor\t: ${i}\nmodel name\t: Test CPU\n`).join('\n'));
  tree.write('proc/meminfo', `MemTotal:       ${o.memKb ?? 7_989_212} kB\nMemFree:         1000000 kB\n`);
  if (o.bootId !== null) tree.write('proc/sys/kernel/random/boot_id', `${o.bootId ?? BOOT_ID}\n`);
}
