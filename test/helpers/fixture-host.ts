/**
 * A fixture host for the built-in modules: everything they read under a temp dir (a fixture
 * tree), /proc's counters moved on by `tick`, a battery, a reboot flag, pending updates, two
 * login sessions, RAPL energy counters (a package with its core and DRAM), cpufreq, a fan, a Wi-Fi
 * link, the entropy pool, a raid1 rebuilding, an AMD GPU, and a script; not EC2 (ec2-cost prices the cheapest fit, from files only).
 * test/unit/plugins/published-data.test.ts checks what the modules publish from it, and the
 * exporter's tests what they export.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { qemu } from '../unit/ec2/hosts.js';
import type { FixtureTree } from './context.js';

const statLines = (ticks: number) =>
  ['cpu ', 'cpu0', 'cpu1'].map((n, i) => `${n} ${ticks * (i === 0 ? 2 : 1)} 0 ${ticks} ${10 * ticks} 5 0 1 0 0 0`).join('\n');
const netDev = (bytes: number) =>
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
  `    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n  eth0: ${bytes} 500 0 0 0 0 0 0 ${bytes / 2} 300 0 0 0 0 0 0\n`;
const diskstats = (sectors: number) => `   8       0 sda 36805 8966 ${sectors} 33536 2717 18550 ${sectors / 2} 4019 0 9804 38196 0 0 0 0 0 0\n`;

/** One login session in glibc's struct utmp (384 bytes, little-endian). */
function utmpRecord(user: string, line: string, host: string): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt32LE(7, 0); // USER_PROCESS
  b.writeInt32LE(4242, 4);
  b.write(line, 8);
  b.write(user, 44);
  b.write(host, 76);
  return b;
}

/** Everything the built-in modules read, with counters that `tick` moves on. */
export function fixtureHost(tree: FixtureTree): { tick(step: number): void } {
  qemu(tree); // not EC2: ec2-cost prices the cheapest fit, from files only
  const tick = (step: number) => {
    tree.write('proc/stat', `${statLines(1000 + step * 100)}\nintr 1\n`);
    tree.write('proc/net/dev', netDev(10_000_000 + step * 4_000_000));
    tree.write('proc/diskstats', diskstats(100_000 + step * 20_000));
    // RAPL: package-0 counts 30 J a step, its DRAM 2 J, its core (inside the package) 20 J.
    for (const [dir, name, uj] of [
      ['intel-rapl:0', 'package-0', 5_000_000_000 + step * 30_000_000],
      ['intel-rapl:0:0', 'core', 3_000_000_000 + step * 20_000_000],
      ['intel-rapl:0:1', 'dram', 1_000_000_000 + step * 2_000_000],
    ] as const) {
      tree.write(`sys/class/powercap/${dir}/name`, `${name}\n`);
      tree.write(`sys/class/powercap/${dir}/energy_uj`, `${uj}\n`);
      tree.write(`sys/class/powercap/${dir}/max_energy_range_uj`, '262143328850\n');
    }
  };
  tick(0);
  tree.write('proc/loadavg', '0.50 0.40 0.30 2/150 1234\n');
  tree.write('proc/meminfo', 'MemTotal: 8000000 kB\nMemFree: 1000000 kB\nMemAvailable: 5000000 kB\nSwapTotal: 2000000 kB\nSwapFree: 1500000 kB\n');
  tree.write('proc/uptime', '277230.57 500000.00\n');
  tree.write('proc/cpuinfo', 'processor\t: 0\nmodel name\t: Test CPU\n\nprocessor\t: 1\nmodel name\t: Test CPU\n');
  tree.write('proc/sys/kernel/hostname', 'web1.example.com\n');
  tree.write('proc/sys/kernel/random/boot_id', '5f0c1c2e-8d5e-4a77-9a3b-1d2e3f405162\n');
  tree.write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n',
  );
  // Hardware most VMs lack (cpu-freq, fan, wifi, raid): two CPUs under cpufreq (kHz), a board's fan
  // header, an associated Wi-Fi link, a current kernel's entropy pool and a raid1 rebuilding a disk.
  for (const [cpu, khz] of [
    [0, 2_400_000],
    [1, 1_600_000],
  ]) {
    tree.write(`sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`, `${khz}\n`);
    tree.write(`sys/devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_max_freq`, '4700000\n');
  }
  tree.write('sys/class/hwmon/hwmon1/name', 'nct6798\n');
  tree.write('sys/class/hwmon/hwmon1/fan2_input', '1012\n');
  tree.write(
    'proc/net/wireless',
    'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n' +
      ' face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n' +
      ' wlan0: 0000   56.  -54.  -256        0      0      0      0      0        0\n',
  );
  tree.write('proc/sys/kernel/random/entropy_avail', '256\n');
  tree.write('proc/sys/kernel/random/poolsize', '256\n');
  // An AMD GPU (gpu) through amdgpu's sysfs files: busy %, VRAM bytes, edge m°C, average µW and cap.
  const gpu = 'sys/bus/pci/devices/0000:03:00.0';
  for (const [file, value] of Object.entries({
    vendor: '0x1002',
    class: '0x030000',
    device: '0x73bf',
    'power/runtime_status': 'active',
    gpu_busy_percent: 37,
    mem_info_vram_used: 4402311168,
    mem_info_vram_total: 17163091968,
    'hwmon/hwmon3/temp1_input': 61000,
    'hwmon/hwmon3/power1_average': 35000000,
    'hwmon/hwmon3/power1_cap': 255000000,
  }))
    tree.write(`${gpu}/${file}`, `${value}\n`);
  tree.write(`${gpu}/uevent`, 'DRIVER=amdgpu\nPCI_SLOT_NAME=0000:03:00.0\n');
  tree.write('sys/class/drm/card1/dev', '226:1\n');
  symlinkSync(join('..', '..', '..', 'bus', 'pci', 'devices', '0000:03:00.0'), join(tree.sysRoot, 'class', 'drm', 'card1', 'device'));
  tree.write(
    'proc/mdstat',
    'Personalities : [raid1] \nmd0 : active raid1 sdb1[2] sda1[0]\n      10476544 blocks super 1.2 [2/1] [U_]\n' +
      '      [====>................]  recovery = 20.0% (2095308/10476544) finish=1.5min speed=93124K/sec\n\nunused devices: <none>\n',
  );
  tree.write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n',
  );
  for (const pid of ['1', '42', '4242']) mkdirSync(join(tree.procRoot, pid), { recursive: true });
  tree.write('sys/class/block/sda/dev', '8:0\n');
  for (const [file, value] of Object.entries({
    type: 'Battery',
    present: 1,
    status: 'Discharging',
    capacity: 65,
    energy_full: 50000000,
    energy_now: 32500000,
    power_now: 15000000,
  }))
    tree.write(`sys/class/power_supply/BAT0/${file}`, `${value}\n`);
  // A crash report waiting (apport), mail in alice's spool and an item in her trash (exported.ts
  // points MAIL and XDG_DATA_HOME at them).
  tree.write('root/var/crash/_usr_bin_gnome-calculator.1000.crash', 'ProblemType: Crash\nArchitecture: amd64\n');
  tree.write('root/var/mail/alice', 'From bob@example.com Mon Nov 23 10:01:12 2026\nFrom: Bob <bob@example.com>\nSubject: lunch\n\nShall we?\n');
  tree.write('root/home/alice/.local/share/Trash/files/report.pdf', '%PDF-1.7\n');
  tree.write('root/var/run/reboot-required', '*** System restart required ***\n');
  tree.write('root/var/run/reboot-required.pkgs', 'linux-image-6.1.0-29-amd64\n');
  tree.write('root/var/lib/update-notifier/updates-available', '\n5 updates can be applied immediately.\n3 of these updates are standard security updates.\n');
  mkdirSync(join(tree.root, 'var/run'), { recursive: true });
  writeFileSync(join(tree.root, 'var/run/utmp'), Buffer.concat([utmpRecord('alice', 'pts/0', '192.0.2.7'), utmpRecord('bob', 'tty1', '')]));
  const scripts = join(tree.dir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(join(scripts, '5_mail'), '#!/bin/sh\necho "3 new mails"\n');
  chmodSync(join(scripts, '5_mail'), 0o755);
  return { tick };
}

/** Options that make a module publish on the fixture host (ip: loopback, whose address every host has). */
export const FIXTURE_OPTIONS: Record<string, Record<string, unknown>> = {
  'ec2-cost': { estimate_off_ec2: true },
  ip: { interface: 'lo' },
  trash: { size: true },
};
