/**
 * byobu's hardware modules through the real, built shoji on fixture trees (SHOJI_PROC_ROOT,
 * SHOJI_SYS_ROOT): raid quiet while its arrays are healthy and speaking, critical, when one is
 * degraded and rebuilding; cpu-freq, fan, wifi and entropy on the line as a user would put them
 * there; and `shoji modules` saying which of them this fixture host has.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, type Sandbox, sandbox } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';

let sb: Sandbox;
let tree: FixtureTree;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  tree = fixtureTree();
});
afterEach(() => {
  sb.cleanup();
  tree.cleanup();
});

const config = (right: string[]) => writeFileSync(join(sb.configDir, 'config.yaml'), `icons: ascii\nleft: []\nright: [${right.join(', ')}]\n`);
const env = () => ({ ...sb.env, LANG: 'C', SHOJI_PROC_ROOT: tree.procRoot, SHOJI_SYS_ROOT: tree.sysRoot });
const status = (format: string, ...more: string[]) => runShoji(['status', '--format', format, '--side', 'right', ...more], env());
/** Forget the one-shot path's last readings, so the next call reads the fixture again at once. */
const fresh = () => rmSync(sb.env.SHOJI_RUNTIME_DIR!, { recursive: true, force: true });

const HEALTHY = `Personalities : [raid1] [raid10] 
md0 : active raid1 sdb1[1] sda1[0]
      10476544 blocks super 1.2 [2/2] [UU]

unused devices: <none>
`;
const REBUILDING = `Personalities : [raid1] [raid10] 
md0 : active raid1 sdc1[2] sda1[0]
      10476544 blocks super 1.2 [2/1] [U_]
      [==>..................]  recovery = 12.6% (1320044/10476544) finish=127.3min speed=111703K/sec

unused devices: <none>
`;

describe('the raid segment of shoji status', () => {
  it('is quiet while the arrays are healthy, and critical with the rebuild when one is degraded', async () => {
    config(['raid']);
    tree.write('proc/mdstat', HEALTHY);
    const quiet = await runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], env());
    expect(quiet.stdout).toBe('\n');
    expect(quiet.stderr).toBe('right: raid: nothing to show (hidden until it has)\n');

    tree.write('proc/mdstat', REBUILDING);
    fresh();
    const r = await status('plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('RAID md0 degraded [U_] recovery 12.6% 2h 7m\n');
    const json = JSON.parse((await status('json')).stdout).right[0];
    expect(json).toMatchObject({ id: 'raid', state: 'critical' });
    expect(json.data.arrays[0]).toMatchObject({ device: 'md0', degraded: true, action: 'recovery', progress: 0.126, secondsLeft: 7638 });
  });

  it('is not available where the md driver is not loaded (no mdstat)', async () => {
    config(['raid']);
    const r = await runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], env());
    expect(r.stderr).toBe('right: raid: not available on this host\n');
  });
});

describe('cpu-freq, fan, wifi and entropy on the line', () => {
  it('show their figures in ASCII under LANG=C, entropy only when low', async () => {
    config(['cpu-freq', 'fan', 'wifi', 'entropy']);
    tree.write('sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', '2400000\n');
    tree.write('sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq', '1600000\n');
    tree.write('sys/class/hwmon/hwmon2/name', 'thinkpad\n');
    tree.write('sys/class/hwmon/hwmon2/fan1_input', '2355\n');
    tree.write('sys/class/net/wlp3s0/phy80211/name', 'phy0\n');
    tree.write(
      'proc/net/wireless',
      'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n' +
        ' face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n' +
        'wlp3s0: 0000   58.  -52.  -256        0      0      0     14      0        0\n',
    );
    tree.write('proc/sys/kernel/random/entropy_avail', '256\n');
    tree.write('proc/sys/kernel/random/poolsize', '256\n');
    const r = await status('plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('2.0GHz fan 2355rpm wlp3s0 83%\n');

    tree.write('proc/sys/kernel/random/entropy_avail', '40\n');
    fresh();
    expect((await status('plain')).stdout).toBe('2.0GHz fan 2355rpm wlp3s0 83% entropy 40\n');
  });

  it('shoji modules says which of them this host has', async () => {
    tree.write('proc/sys/kernel/random/entropy_avail', '256\n');
    const r = await runShoji(['modules', '--json'], env());
    expect(r.stderr).toBe('');
    const rows = (JSON.parse(r.stdout) as { modules: { id: string; available: boolean }[] }).modules;
    const availability = Object.fromEntries(rows.filter((m) => ['cpu-freq', 'fan', 'wifi', 'entropy', 'raid'].includes(m.id)).map((m) => [m.id, m.available]));
    expect(availability).toEqual({ 'cpu-freq': false, fan: false, wifi: false, entropy: true, raid: false });
  });
});
