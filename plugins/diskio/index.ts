/**
 * diskio — disk read and write throughput since the previous reading, from <procRoot>/diskstats.
 * Hidden while both directions are under the threshold, as byobu's disk_io is.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "r 1.2M/s w 300K/s" (only the directions over the threshold), or "r -- w --" until there is a
 * previous sample. Partitions are skipped (a partition has a `partition` file in
 * <sysRoot>/class/block/<name>; without /sys the name decides), as are loop, ram and zram.
 * Rates divide by the measured time between samples; a counter that went backwards or a disk
 * that came or went gives "r -- w --" once, never a negative or inflated rate.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineModule, type DetailLine } from '../../src/core/contract.js';
import { readText } from '../../src/core/read.js';
import { formatRate } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';

const options = declareOptions({
  devices: T.Array(T.String({ minLength: 1 }), { default: [], description: 'device names to count ("sda", "nvme0n1"); empty = every whole disk' }),
  threshold: T.Number({ minimum: 0, default: 50 * 1024, description: 'bytes/s under which a direction is not shown (50 KiB/s)' }),
  stacked: T.Boolean({
    default: false,
    description: 'also count dm-* and md* devices, which sit on whole disks and would count their I/O twice',
  }),
});
export type DiskioOptions = OptionsOf<typeof options>;

/** What the diskio module publishes, also while it hides under its threshold. */
const data = declareData(
  () => ({
    read: T.Number({ unit: 'bytes/s', description: 'Read since the previous reading, summed over `devices`' }),
    write: T.Number({ unit: 'bytes/s', description: 'Written since the previous reading, summed over `devices`' }),
    devices: T.Array(T.String(), { description: "The devices counted (whole disks, or the `devices` option's), in /proc/diskstats order" }),
    readTotalBytes: T.Number({ unit: 'bytes', description: 'Read since boot, summed over `devices`' }),
    writeTotalBytes: T.Number({ unit: 'bytes', description: 'Written since boot, summed over `devices`' }),
    perDevice: T.Array(
      T.Object({
        name: T.String({ description: 'Device name (`sda`, `nvme0n1`)' }),
        read: T.Number({ unit: 'bytes/s', description: 'Read since the previous reading' }),
        write: T.Number({ unit: 'bytes/s', description: 'Written since the previous reading' }),
        readTotalBytes: T.Number({ unit: 'bytes', description: "Read since boot (the kernel's sector counter × 512)" }),
        writeTotalBytes: T.Number({ unit: 'bytes', description: 'Written since boot' }),
      }),
      { description: 'Each device, in the order of `devices`' },
    ),
    sampleSeconds: T.Number({ unit: 'seconds', description: 'Time between the two samples the rates divide by' }),
  }),
  {
    description:
      'Published once there are two samples, also while the module hides itself under its threshold; nothing on the first collect or after a counter reset or a disk coming or going.',
  },
);
export type DiskioData = DataOf<typeof data>;
/** One device's throughput. */
export type DeviceIo = DiskioData['perDevice'][number];

/** Private to this module. Cumulative [sectors read, sectors written] per device and when they were read. */
export interface DiskioMemo {
  at: number;
  sectors: Record<string, [number, number]>;
}

/** /proc/diskstats counts 512-byte sectors whatever the device's real sector size. */
const SECTOR = 512;
const PARTITION_NAME = /^((sd|hd|vd|xvd)[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+|nbd\d+|md\d+)p\d+)$/;

function isWholeDisk(sysRoot: string, name: string, stacked: boolean): boolean {
  if (/^(loop|ram|zram)\d/.test(name)) return false;
  if (!stacked && /^(dm-|md)\d/.test(name)) return false;
  // sysfs spells "/" in device names (cciss/c0d0) as "!".
  const dir = join(sysRoot, 'class/block', name.replace(/\//g, '!'));
  if (existsSync(dir)) return !existsSync(join(dir, 'partition'));
  return !PARTITION_NAME.test(name);
}

function parseDiskstats(text: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const read = Number(f[5]);
    const written = Number(f[9]);
    if (Number.isFinite(read) && Number.isFinite(written)) out[f[2]] = [read, written];
  }
  return out;
}

function isMemo(m: unknown): m is DiskioMemo {
  return typeof m === 'object' && m !== null && typeof (m as DiskioMemo).at === 'number' && typeof (m as DiskioMemo).sectors === 'object';
}

export default defineModule<DiskioOptions, DiskioData, DiskioMemo>({
  id: 'diskio',
  description: 'disk read/write rates (hidden when quiet)',
  options,
  data,
  interval: 3,
  priority: 30,
  collect(ctx, prev) {
    const o = ctx.options;
    const path = join(ctx.procRoot, 'diskstats');
    const text = readText(path);
    if (text === null) throw new Error(`cannot read ${path}`);
    const all = parseDiskstats(text);
    const names = Object.keys(all).filter((n) => (o.devices.length > 0 ? o.devices.includes(n) : isWholeDisk(ctx.sysRoot, n, o.stacked)));
    const memo: DiskioMemo = { at: ctx.now(), sectors: Object.fromEntries(names.map((n) => [n, all[n]])) };

    const elapsed = isMemo(prev) ? (memo.at - prev.at) / 1000 : 0;
    const deltas = names.map((n) => {
      const before = isMemo(prev) ? prev.sectors[n] : undefined;
      return before ? [all[n][0] - before[0], all[n][1] - before[1]] : null;
    });
    const sameSet = isMemo(prev) && Object.keys(prev.sectors).length === names.length;
    if (elapsed <= 0 || !sameSet || deltas.some((d) => d === null || d[0] < 0 || d[1] < 0)) {
      return { reading: { text: 'r -- w --', state: 'idle', icon: 'diskio', pending: true }, memo };
    }

    const perSecond = (sectors: number) => (sectors * SECTOR) / elapsed;
    const read = perSecond(deltas.reduce((s, d) => s + d![0], 0));
    const write = perSecond(deltas.reduce((s, d) => s + d![1], 0));
    const perDevice = names.map((name, i) => ({
      name,
      read: perSecond(deltas[i]![0]),
      write: perSecond(deltas[i]![1]),
      readTotalBytes: all[name][0] * SECTOR,
      writeTotalBytes: all[name][1] * SECTOR,
    }));
    const data: DiskioData = {
      read,
      write,
      devices: names,
      readTotalBytes: perDevice.reduce((s, d) => s + d.readTotalBytes, 0),
      writeTotalBytes: perDevice.reduce((s, d) => s + d.writeTotalBytes, 0),
      perDevice,
      sampleSeconds: elapsed,
    };
    // Quiet: nothing on the line, but the measurement is still published.
    if (read < o.threshold && write < o.threshold) return { reading: null, data, memo };

    const parts: string[] = [];
    if (read >= o.threshold) parts.push(`r ${formatRate(read)}`);
    if (write >= o.threshold) parts.push(`w ${formatRate(write)}`);
    const detail: DetailLine[] = perDevice.map((d) => ({ label: d.name, value: `read ${formatRate(d.read)}, write ${formatRate(d.write)}` }));
    detail.push({ label: 'Sampled over', value: `${elapsed.toFixed(1)} s` });
    return { reading: { text: parts.join(' '), state: 'info', icon: 'diskio', detail }, data, memo };
  },
});
