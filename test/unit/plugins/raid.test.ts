/**
 * raid on mdstat texts in the kernel's format (drivers/md/md.c: md_seq_show and status_resync):
 * - a healthy raid1 as an Ubuntu server shows it (metadata 1.2, a write-intent bitmap line);
 * - a degraded raid5 beside a healthy raid1, metadata 0.90, from a CentOS server's mdadm
 *   DegradedArray mail (wiki.whyaskwhy.org, "GNU Linux/Software RAID");
 * - a raid1 rebuilding onto a new disk, from a linux-raid list post (2003-10-12, "speed_limit_min
 *   probs"), with the "read_ahead" line kernels of then printed;
 * - a new raid1's initial resync, a raid10's monthly check (Debian's checkarray), a raid5 with a
 *   member marked (F) and a spare taking over, a resync DELAYED behind another array on the same
 *   disks, an inactive array left half-assembled, a raid0 and an auto-read-only array.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import raid, { parseMdstat } from '../../../plugins/raid/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

const HEALTHY_RAID1 = `Personalities : [raid1] [linear] [multipath] [raid0] [raid6] [raid5] [raid4] [raid10] 
md0 : active raid1 sdb2[1] sda2[0]
      976629760 blocks super 1.2 [2/2] [UU]
      bitmap: 2/8 pages [8KB], 65536KB chunk

unused devices: <none>
`;

const DEGRADED_RAID5 = `Personalities : [raid1] [raid6] [raid5] [raid4]
md2 : active raid5 sdd1[3] sdc1[2] sdb2[1]
      2917676544 blocks level 5, 256k chunk, algorithm 2 [4/3] [_UUU]

md1 : active raid1 sdd2[1] sdc2[0]
      8385856 blocks [2/2] [UU]

unused devices: <none>
`;

const RECOVERY = `Personalities : [raid1] 
read_ahead 1024 sectors
md0 : active raid1 hdd1[2] hda1[1]
      243537216 blocks [2/1] [_U]
      [=>...................]  recovery =  6.6% (16304448/243537216) finish=308.6min speed=12266K/sec
unused devices: <none>
`;

const RESYNC = `Personalities : [raid1] 
md0 : active raid1 sdb1[1] sda1[0]
      10476544 blocks super 1.2 [2/2] [UU]
      [=====>...............]  resync = 27.6% (2896256/10476544) finish=0.6min speed=206875K/sec

unused devices: <none>
`;

const RAID10_CHECK = `Personalities : [raid10] 
md2 : active raid10 sdd1[3] sdc1[2] sdb1[1] sda1[0]
      1953260544 blocks super 1.2 512K chunks 2 near-copies [4/4] [UUUU]
      [>....................]  check =  0.4% (8205568/1953260544) finish=189.5min speed=171056K/sec
      bitmap: 0/15 pages [0KB], 65536KB chunk

unused devices: <none>
`;

const FAILED_MEMBER_SPARE_REBUILDING = `Personalities : [raid6] [raid5] [raid4] 
md0 : active raid5 sde1[4] sdd1[3](F) sdc1[2] sdb1[1]
      5860147200 blocks super 1.2 level 5, 512k chunk, algorithm 2 [4/3] [UUU_]
      [======>..............]  recovery = 31.2% (609778432/1953382400) finish=118.4min speed=189042K/sec
      bitmap: 3/15 pages [12KB], 65536KB chunk

unused devices: <none>
`;

const ODD_ONES = `Personalities : [raid1] [raid0] 
md126 : active (auto-read-only) raid1 sdc1[1] sdd1[0]
      488253440 blocks super 1.2 [2/2] [UU]
      \tresync=PENDING

md3 : active raid0 sdf1[1] sde1[0]
      1953258496 blocks super 1.2 512k chunks

md1 : active raid1 sdb2[1] sda2[0]
      488253440 blocks super 1.2 [2/2] [UU]
      \tresync=DELAYED

md127 : inactive sdg[0](S)
      976762584 blocks super 1.2

unused devices: <none>
`;

const NO_ARRAYS = `Personalities : 
unused devices: <none>
`;

describe('raid', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const mdstat = (text: string) => tree.write('proc/mdstat', text);
  const run = async (options = {}) => raid.collect(moduleContext(raid, tree, options), undefined);

  it('is unavailable without mdstat (no md driver), and quiet with no arrays or healthy ones, publishing them', async () => {
    const ctx = moduleContext(raid, tree);
    expect(await raid.available!(ctx)).toBe(false);
    mdstat(NO_ARRAYS);
    expect(await raid.available!(ctx)).toBe(true);
    expect(await run()).toEqual({ reading: null, data: { arrays: [] } });
    mdstat(HEALTHY_RAID1);
    const { reading, data } = await run();
    expect(reading).toBeNull();
    expectDataAsDeclared(raid, data);
    expect(data).toEqual({
      arrays: [
        {
          device: 'md0',
          active: true,
          readOnly: false,
          level: 'raid1',
          members: [
            { device: 'sdb2', role: 1, faulty: false, spare: false },
            { device: 'sda2', role: 0, faulty: false, spare: false },
          ],
          sizeBytes: 976629760 * 1024,
          disks: 2,
          workingDisks: 2,
          status: 'UU',
          degraded: false,
        },
      ],
    });
  });

  it('a degraded raid5 is critical, named with its slots; the healthy raid1 beside it is in the detail only', async () => {
    mdstat(DEGRADED_RAID5);
    const { reading, data } = await run();
    expectDataAsDeclared(raid, data);
    expect(reading).toMatchObject({ text: 'md2 degraded [_UUU]', short: 'md2 degraded [_UUU]', state: 'critical', icon: 'raid' });
    expect(reading!.detail).toEqual([
      { label: 'md2', value: 'raid5, [4/3] [_UUU], sdd1 sdc1 sdb2' },
      { label: 'md1', value: 'raid1, [2/2] [UU], sdd2 sdc2' },
    ]);
    expect(data!.arrays.map((a) => [a.device, a.degraded, a.disks, a.workingDisks])).toEqual([
      ['md2', true, 4, 3],
      ['md1', false, 2, 2],
    ]);
  });

  it('a rebuild shows its percent and the time md says is left; the failed member is in the data', async () => {
    mdstat(RECOVERY);
    const r = await run();
    expectDataAsDeclared(raid, r.data);
    expect(r.reading).toMatchObject({ text: 'md0 degraded [_U] recovery 6.6% 5h 8m', short: 'md0 6.6%', state: 'critical' });
    expect(r.data!.arrays[0]).toMatchObject({ action: 'recovery', progress: 0.066, secondsLeft: 18516, bytesPerSecond: 12266 * 1024 });
    mdstat(FAILED_MEMBER_SPARE_REBUILDING);
    const f = await run();
    expectDataAsDeclared(raid, f.data);
    expect(f.reading).toMatchObject({ text: 'md0 degraded [UUU_] recovery 31.2% 1h 58m', state: 'critical' });
    expect(f.data!.arrays[0].members.filter((m) => m.faulty)).toEqual([{ device: 'sdd1', role: 3, faulty: true, spare: false }]);
    expect(f.reading!.detail).toEqual([{ label: 'md0', value: 'raid5, [4/3] [UUU_], sde1 sdd1(F) sdc1 sdb1' }]);
  });

  it('a resync of a whole array is a warning; a routine check is info, or quiet with checks: false', async () => {
    mdstat(RESYNC);
    expect((await run()).reading).toMatchObject({ text: 'md0 resync 27.6% 36s', state: 'warning' });
    mdstat(RAID10_CHECK);
    const check = await run();
    expectDataAsDeclared(raid, check.data);
    expect(check.reading).toMatchObject({ text: 'md2 check 0.4% 3h 9m', short: 'md2 0.4%', state: 'info' });
    expect(check.data!.arrays[0]).toMatchObject({ level: 'raid10', disks: 4, workingDisks: 4, status: 'UUUU', action: 'check', progress: 0.004 });
    expect((await run({ checks: false })).reading).toBeNull();
  });

  it('a failed member of an array that is not degraded is a warning', async () => {
    mdstat('Personalities : [raid1] \nmd0 : active raid1 sdc1[2](F) sdb1[1] sda1[0]\n      10476544 blocks super 1.2 [2/2] [UU]\n\nunused devices: <none>\n');
    expect((await run()).reading).toMatchObject({ text: 'md0 failed sdc1', state: 'warning' });
    // Kernels of 2003 still counted a just-failed member as working, "[2/2] [U_]" (linuxwiki.org's
    // /proc/mdstat page): the slots say degraded.
    mdstat(
      'Personalities : [raid1] \nread_ahead 1024 sectors\nmd3 : active raid1 sdb1[1](F) sda1[0]\n      104320 blocks [2/2] [U_]\nunused devices: <none>\n',
    );
    expect((await run()).reading).toMatchObject({ text: 'md3 degraded [U_]', state: 'critical' });
  });

  it('reads waiting actions, read-only and inactive arrays, and levels without slots; the worst comes first', async () => {
    mdstat(ODD_ONES);
    const { reading, data } = await run();
    expectDataAsDeclared(raid, data);
    expect(reading).toMatchObject({ text: 'md126 resync waiting, md1 resync waiting, md127 inactive', state: 'warning', short: 'md126 resync waiting' });
    expect(data!.arrays).toEqual([
      {
        device: 'md126',
        active: true,
        readOnly: true,
        level: 'raid1',
        members: [
          { device: 'sdc1', role: 1, faulty: false, spare: false },
          { device: 'sdd1', role: 0, faulty: false, spare: false },
        ],
        sizeBytes: 488253440 * 1024,
        disks: 2,
        workingDisks: 2,
        status: 'UU',
        degraded: false,
        action: 'resync',
        pending: true,
      },
      {
        device: 'md3',
        active: true,
        readOnly: false,
        level: 'raid0',
        members: [
          { device: 'sdf1', role: 1, faulty: false, spare: false },
          { device: 'sde1', role: 0, faulty: false, spare: false },
        ],
        sizeBytes: 1953258496 * 1024,
        degraded: false,
      },
      expect.objectContaining({ device: 'md1', action: 'resync', pending: true }),
      {
        device: 'md127',
        active: false,
        readOnly: false,
        members: [{ device: 'sdg', role: 0, faulty: false, spare: true }],
        sizeBytes: 976762584 * 1024,
        degraded: false,
      },
    ]);
    expect(reading!.detail).toContainEqual({ label: 'md126', value: 'raid1, read-only, [2/2] [UU], sdc1 sdd1' });
    expect(reading!.detail).toContainEqual({ label: 'md127', value: 'inactive, sdg(S)' });
  });

  it('a degraded array comes first on the line, whatever the order in mdstat', async () => {
    const degraded = DEGRADED_RAID5.split('\n').slice(1, 3).join('\n');
    mdstat(RESYNC.replace('unused devices', `${degraded}\nunused devices`));
    expect(parseMdstat(readFileSync(join(tree.procRoot, 'mdstat'), 'utf8')).map((a) => a.device)).toEqual(['md0', 'md2']);
    expect((await run()).reading).toMatchObject({ text: 'md2 degraded [_UUU], md0 resync 27.6% 36s', short: 'md2 degraded [_UUU]', state: 'critical' });
  });

  it('fails, naming the file, when mdstat goes away after the start', async () => {
    await expect(run()).rejects.toThrow(/cannot read .*proc\/mdstat/);
  });
});
