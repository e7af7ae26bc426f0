/**
 * diskio — disk read and write throughput since the previous reading, from <procRoot>/diskstats
 * (on Linux; elsewhere every disk's sum through src/platform: docs/platforms.md).
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
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { type CounterMemo, counterRates } from '../../src/core/counter-rates.js';
import { formatRate } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import type { DataOf } from '../../src/core/data.js';
import { hostFor } from '../../src/platform/backend.js';

const options = declareOptions({
  devices: T.Array(T.String({ minLength: 1 }), { default: [], description: 'device names to count ("sda", "nvme0n1"); empty = every whole disk' }),
  threshold: T.Number({ minimum: 0, default: 50 * 1024, description: 'bytes/s under which a direction is not shown (50 KiB/s)' }),
  stacked: T.Boolean({
    default: false,
    description: 'also count dm-* and md* devices, which sit on whole disks and would count their I/O twice',
  }),
});
export type DiskioOptions = OptionsOf<typeof options>;

/** /proc/diskstats counts 512-byte sectors whatever the device's real sector size. */
const SECTOR = 512;

/**
 * What the diskio module publishes, also while it hides under its threshold (docs/modules.md): read and
 * write rates and byte totals, summed and per device, declared, measured and shown as network's
 * are (src/core/counter-rates.ts).
 */
const io = counterRates('diskio', {
  counters: { read: { done: 'Read', short: 'r' }, write: { done: 'Written', short: 'w' } },
  items: { key: 'devices', rows: 'perDevice', one: 'device', name: 'Device name (`sda`, `nvme0n1`)' },
  listed: "The devices counted (whole disks, or the `devices` option's), in /proc/diskstats order",
  counts: { unit: 'sectors', bytes: SECTOR, since: 'boot', source: "the kernel's sector counter × 512" },
});
export type DiskioData = DataOf<typeof io.data>;
/** Private to this module: each device's cumulative [sectors read, sectors written] and when they were read. */
export type DiskioMemo = CounterMemo<'sectors'>;

export default defineModule<DiskioOptions, DiskioData, DiskioMemo>({
  id: 'diskio',
  description: 'disk read/write rates (hidden when quiet)',
  options,
  data: io.data,
  metrics: io.metrics('device', {
    read: { name: 'shoji_disk_read_bytes_total' },
    write: { name: 'shoji_disk_written_bytes_total' },
  }),
  interval: 3,
  priority: 30,
  // Everywhere but where systeminformation has no disk counters (FreeBSD, OpenBSD): saying so.
  available(ctx) {
    const whyNot = hostFor(ctx).diskSectorsWhyNot(ctx);
    const answer = (why: string | null) => (why === null ? true : { available: false as const, why });
    return whyNot instanceof Promise ? whyNot.then(answer) : answer(whyNot);
  },
  collect(ctx, prev) {
    const o = ctx.options;
    const sectors = hostFor(ctx).diskSectors(ctx, o.devices, o.stacked);
    return sectors instanceof Promise ? sectors.then((s) => measure(ctx, prev, s)) : measure(ctx, prev, sectors);
  },
});

/** The rates between the previous collect's counters and these. */
function measure(
  ctx: ModuleContext<DiskioOptions>,
  prev: DiskioMemo | undefined,
  sectors: Record<string, [number, number]>,
): Collected<DiskioData, DiskioMemo> {
  const names = Object.keys(sectors);
  const memo: DiskioMemo = { at: ctx.now(), sectors };

  const data = io.between(names, prev, memo);
  if (data === null) return { reading: io.pending(), memo };
  // Quiet (reading null): nothing on the line, but the measurement is still published.
  return { reading: io.reading(data, ctx.options.threshold, formatRate), data, memo };
}
