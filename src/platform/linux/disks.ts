/** The direct reader of disk I/O: <procRoot>/diskstats, whole disks told from partitions by sysfs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRequired } from '../../core/read.js';

const PARTITION_NAME = /^((sd|hd|vd|xvd)[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+|nbd\d+|md\d+)p\d+)$/;

/** Partitions are skipped (a partition has a `partition` file in sysfs; without /sys the name decides), as are loop, ram and zram. */
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

/** Sectors [read, written] of `devices`, or of every whole disk, in /proc/diskstats order. */
export function diskSectors(procRoot: string, sysRoot: string, devices: readonly string[], stacked: boolean): Record<string, [number, number]> {
  const all = parseDiskstats(readRequired(join(procRoot, 'diskstats')));
  const out: Record<string, [number, number]> = {};
  for (const name of Object.keys(all)) {
    if (devices.length > 0 ? devices.includes(name) : isWholeDisk(sysRoot, name, stacked)) out[name] = all[name];
  }
  return out;
}
