import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import diskio, { type DiskioMemo } from '../../../plugins/diskio/index.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';

const MiB = 1024 ** 2;

/** Sectors read and written per device; everything else as this machine's /proc/diskstats has it. */
type Sectors = Record<string, [number, number]>;

const MAJOR: Record<string, string> = { loop: '7', vda: '254', zram: '253', nvme: '259', sda: '8', dm: '252', md: '9' };

function diskstats(s: Sectors): string {
  return `${Object.entries(s)
    .map(([name, [read, written]], i) => {
      const major = MAJOR[Object.keys(MAJOR).find((k) => name.startsWith(k)) ?? 'sda'];
      return `${major.padStart(4)} ${String(i).padStart(7)} ${name} 36805 8966 ${read} 33536 2717 18550 ${written} 4019 0 9804 38196 3574 6 76832 634 101 4`;
    })
    .join('\n')}\n`;
}

const BASE: Sectors = {
  loop0: [0, 0],
  loop1: [0, 0],
  vda: [2143210, 839416],
  vda1: [2100000, 800000],
  vda15: [5000, 0],
  nvme0n1: [1000, 2000],
  nvme0n1p1: [900, 1900],
  'dm-0': [100, 100],
  zram0: [0, 0],
};

function bump(s: Sectors, changes: Sectors): Sectors {
  const out: Sectors = { ...s };
  for (const [n, [r, w]] of Object.entries(changes)) out[n] = [s[n][0] + r, s[n][1] + w];
  return out;
}

describe('diskio', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    for (const name of Object.keys(BASE)) tree.write(`sys/class/block/${name}/dev`, '0:0\n');
    for (const part of ['vda1', 'vda15', 'nvme0n1p1']) tree.write(`sys/class/block/${part}/partition`, '1\n');
    tree.write('proc/diskstats', diskstats(BASE));
  });
  afterEach(() => tree.cleanup());

  /** First collect, then the counters change and `ms` pass; returns the second result. */
  async function twoSamples(next: Sectors, ms: number, options = {}) {
    const ctx = moduleContext(diskio, tree, options);
    const first = await diskio.collect(ctx, undefined);
    tree.write('proc/diskstats', diskstats(next));
    ctx.clock.advance(ms);
    return { first, second: await diskio.collect(ctx, first.memo) };
  }

  it('is pending on the first reading', async () => {
    const { reading, memo } = await diskio.collect(moduleContext(diskio, tree), undefined);
    expect(reading).toMatchObject({ text: 'r -- w --', pending: true, state: 'idle', icon: 'diskio' });
    expect(Object.keys(memo!.sectors).sort()).toEqual(['nvme0n1', 'vda']);
  });

  it('publishes nothing until there is a previous sample', async () => {
    expect((await diskio.collect(moduleContext(diskio, tree), undefined)).data).toBeUndefined();
  });

  it('divides 512-byte sectors by the measured time, whole disks only', async () => {
    // 5 MiB read and 1 MiB written on vda over 2.5 s; the partition's own counters are not added again.
    const next = bump(BASE, { vda: [10240, 2048], vda1: [10240, 2048], loop0: [99999, 99999], 'dm-0': [10240, 2048] });
    const { second } = await twoSamples(next, 2500);
    expect(second.data).toMatchObject({ read: (5 * MiB) / 2.5, write: (1 * MiB) / 2.5, devices: ['vda', 'nvme0n1'] });
    expect(second.reading!.text).toBe('r 2M/s w 410K/s');
    expect(second.reading!.state).toBe('info');
    expect(second.reading!.detail).toContainEqual({ label: 'Sampled over', value: '2.5 s' });
  });

  it('publishes per-device rates and byte totals (512-byte sectors), and the sample length', async () => {
    const { second } = await twoSamples(bump(BASE, { vda: [4096, 0], nvme0n1: [0, 2048] }), 2000);
    const vda = { name: 'vda', read: MiB, write: 0, readTotalBytes: (BASE.vda[0] + 4096) * 512, writeTotalBytes: BASE.vda[1] * 512 };
    const nvme = { name: 'nvme0n1', read: 0, write: MiB / 2, readTotalBytes: BASE.nvme0n1[0] * 512, writeTotalBytes: (BASE.nvme0n1[1] + 2048) * 512 };
    expect(second.data).toEqual({
      read: MiB,
      write: MiB / 2,
      devices: ['vda', 'nvme0n1'],
      readTotalBytes: vda.readTotalBytes + nvme.readTotalBytes,
      writeTotalBytes: vda.writeTotalBytes + nvme.writeTotalBytes,
      perDevice: [vda, nvme],
      sampleSeconds: 2,
    });
  });

  it('uses the elapsed time, not the nominal interval', async () => {
    const { second } = await twoSamples(bump(BASE, { vda: [14336, 0] }), 7000);
    expect(second.data!.read).toBe((7 * MiB) / 7);
  });

  it('counts dm and md devices with stacked', async () => {
    const { second } = await twoSamples(bump(BASE, { 'dm-0': [2048, 0] }), 1000, { stacked: true, threshold: 0 });
    expect(second.data!.read).toBe(1 * MiB);
    expect(second.data!.devices).toContain('dm-0');
  });

  it('counts exactly the named devices, partitions included', async () => {
    const { second } = await twoSamples(bump(BASE, { vda: [4096, 0], vda1: [2048, 0] }), 1000, { devices: ['vda1'] });
    expect(second.data).toMatchObject({ read: 1 * MiB, write: 0, devices: ['vda1'] });
    expect(second.reading!.text).toBe('r 1M/s');
  });

  it('tells partitions by name when /sys has no block class', async () => {
    tree.cleanup();
    tree = fixtureTree();
    const stats: Sectors = { sda: [100, 100], sda1: [50, 50], mmcblk0: [10, 10], mmcblk0p2: [5, 5], nvme1n1: [0, 0], nvme1n1p3: [0, 0], xvdb: [0, 0] };
    tree.write('proc/diskstats', diskstats(stats));
    const { memo } = await diskio.collect(moduleContext(diskio, tree), undefined);
    expect(Object.keys(memo!.sectors).sort()).toEqual(['mmcblk0', 'nvme1n1', 'sda', 'xvdb']);
  });

  it('is hidden while both directions are under the threshold, but keeps counting and publishing', async () => {
    // 99 sectors a second each way: one sector short of 50 KiB/s.
    const { second } = await twoSamples(bump(BASE, { vda: [99, 99] }), 1000);
    expect(second.reading).toBeNull();
    expect(second.data).toMatchObject({ read: 99 * 512, write: 99 * 512, devices: ['vda', 'nvme0n1'] });
    expect(second.memo!.sectors.vda).toEqual([BASE.vda[0] + 99, BASE.vda[1] + 99]);
    tree.write('proc/diskstats', diskstats(BASE));
    const atThreshold = await twoSamples(bump(BASE, { vda: [100, 0] }), 1000);
    expect(atThreshold.second.reading!.text).toBe('r 50K/s');
  });

  it('shows only the direction over the threshold', async () => {
    const { second } = await twoSamples(bump(BASE, { vda: [0, 200] }), 1000);
    expect(second.reading!.text).toBe('w 100K/s');
  });

  it('goes back to pending on a counter reset, never negative', async () => {
    const { second } = await twoSamples({ ...BASE, vda: [10, 10] }, 3000);
    expect(second.reading).toMatchObject({ text: 'r -- w --', pending: true });
    expect(second.data).toBeUndefined();
  });

  it('goes back to pending when a disk comes or goes', async () => {
    const gone = { ...BASE } as Sectors;
    delete gone.nvme0n1;
    expect((await twoSamples(gone, 3000)).second.reading!.pending).toBe(true);
    tree.write('proc/diskstats', diskstats(BASE));
    tree.write('sys/class/block/sdb/dev', '8:16\n');
    const { second } = await twoSamples({ ...BASE, sdb: [5000000, 0] }, 3000);
    expect(second.reading!.pending).toBe(true);
  });

  it('treats a memo from a later clock as no memo', async () => {
    const ctx = moduleContext(diskio, tree);
    const later: DiskioMemo = { at: ctx.clock.ms + 1, sectors: { vda: [0, 0], nvme0n1: [0, 0] } };
    expect((await diskio.collect(ctx, later)).reading!.pending).toBe(true);
  });

  it('fails clearly when /proc/diskstats cannot be read', () => {
    tree.cleanup();
    expect(() => diskio.collect(moduleContext(diskio, tree), undefined)).toThrow(/cannot read .*diskstats/);
  });
});
