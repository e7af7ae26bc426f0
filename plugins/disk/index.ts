/**
 * disk — space used on the chosen filesystems, via statfs (any directory names its filesystem).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "24G/50G 48%" for one path, "/ 48% /home 71%" for several; the state is the worst.
 * % is df's: used / (used + available to users), so root-reserved blocks count as full.
 * A path that does not exist is named in the detail and skipped; when none exists the module
 * fails with that message. statfs runs off the main thread: on a dead NFS mount it hangs, and
 * the host's timeout must still be able to give up on it.
 */
import { statfs, type StatsFs } from 'node:fs';
import { join } from 'node:path';
import { defineModule, type DetailLine, type State } from '../../src/core/contract.js';
import { STATES } from '../../src/core/contract.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';
import { formatBytes, formatPercent } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';

const options = declareOptions({
  mounts: T.Array(T.String({ minLength: 1 }), { minItems: 1, default: ['/'], description: 'paths to report, under SHOJI_ROOT' }),
  ...thresholdOptions({ of: '% used', warning: 80, critical: 90 }),
});
export type DiskOptions = OptionsOf<typeof options>;

/** What the disk module publishes. */
const data = declareData(
  () => ({
    mounts: T.Array(
      T.Object({
        mount: T.String({ description: 'The path as configured (under SHOJI_ROOT)' }),
        total: T.Number({ unit: 'bytes', description: 'Size of the filesystem holding it' }),
        used: T.Number({ unit: 'bytes', description: "Used: size − free blocks, as df's Used (root's reserve is neither used nor available)" }),
        available: T.Number({ unit: 'bytes', description: 'Available to unprivileged users' }),
        ratio: T.Number({ unit: 'ratio (0–1)', description: "df's use: used / (used + available)" }),
      }),
      { description: 'Each configured path that could be read, in the configured order' },
    ),
  }),
  { description: 'Published when at least one configured path can be read (otherwise the module fails).' },
);
export type DiskData = DataOf<typeof data>;
/** One configured path's filesystem. */
export type MountUsage = DiskData['mounts'][number];

/**
 * statfs off the main thread (libuv's pool). Not through node:fs/promises: loading that module
 * costs ~1.2 ms (measured) on every `shoji status`.
 */
const statfsOffThread = (path: string) => new Promise<StatsFs>((resolve, reject) => statfs(path, (err, stats) => (err ? reject(err) : resolve(stats))));

async function usage(path: string, mount: string): Promise<MountUsage> {
  const s = await statfsOffThread(path);
  const total = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  const available = s.bavail * s.bsize;
  return { mount, total, used, available, ratio: used + available > 0 ? used / (used + available) : 0 };
}

const worst = (a: State, b: State) => (STATES.indexOf(b) > STATES.indexOf(a) ? b : a);

export default defineModule<DiskOptions, DiskData>({
  id: 'disk',
  description: 'disk space used on chosen mounts',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_filesystem_size_bytes', {
      rows: 'mounts',
      label: ['mountpoint', 'mount'],
      value: 'total',
    }),
    perRow('gauge', 'shoji_filesystem_used_bytes', {
      rows: 'mounts',
      label: ['mountpoint', 'mount'],
      value: 'used',
    }),
    perRow('gauge', 'shoji_filesystem_avail_bytes', {
      rows: 'mounts',
      label: ['mountpoint', 'mount'],
      value: 'available',
    }),
  ]),
  interval: 30,
  priority: 60,
  async collect(ctx) {
    const o = ctx.options;
    const found: MountUsage[] = [];
    const detail: DetailLine[] = [];
    const missing: string[] = [];
    for (const mount of o.mounts) {
      try {
        const u = await usage(join(ctx.root, mount), mount);
        found.push(u);
        detail.push({
          label: mount,
          value: `${formatBytes(u.used)} used of ${formatBytes(u.total)} (${formatPercent(u.ratio)}), ${formatBytes(u.available)} free`,
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        missing.push(mount);
        detail.push({ label: mount, value: code === 'ENOENT' ? 'not found' : `cannot read (${code ?? 'error'})` });
      }
    }
    if (found.length === 0) throw new Error(`cannot read ${missing.join(', ')}`);

    const t = { info: o.info, warning: o.warning, critical: o.critical };
    const state = found.map((u) => stateFor(u.ratio * 100, t)).reduce(worst);
    const one = found.length === 1 ? found[0] : null;
    return {
      reading: {
        text: one
          ? `${formatBytes(one.used)}/${formatBytes(one.total)} ${formatPercent(one.ratio)}`
          : found.map((u) => `${u.mount} ${formatPercent(u.ratio)}`).join(' '),
        short: found.map((u) => formatPercent(u.ratio)).join(' '),
        state,
        icon: 'disk',
        detail,
      },
      data: { mounts: found },
    };
  },
});
