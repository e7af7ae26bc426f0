/**
 * raid — Linux software RAID (md) arrays in trouble, from <procRoot>/mdstat. byobu's `raid`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Quiet while every array is healthy, as byobu's is: it speaks only when something is wrong or
 * under way. A degraded array (fewer working members than it needs, "[2/1] [U_]") is critical,
 * "md1 degraded [U_]", with the rebuild's progress and time left while one runs: "md1 degraded
 * [U_] recovery 12.6% 2h 7m". A resync or reshape of a whole array is a warning (its redundancy is
 * not whole until it ends; "resync=DELAYED" waits for another array on the same disks), an
 * inactive array (not assembled) and a member marked failed "(F)" too; a routine check (Debian's
 * checkarray, monthly) is info, or not shown with `checks: false`. Not available where mdstat is
 * absent (the md driver is not loaded).
 * The percent and time left are md's own: "[===>.....] recovery = 12.6% (123/976) finish=127.3min
 * speed=111703K/sec". Every array, healthy ones too, is in the data and the detail.
 */
import { join } from 'node:path';
import * as T from 'typebox';
import { type DetailLine, defineModule, type State } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { readText } from '../../src/core/read.js';
import { formatDuration } from '../../src/core/units.js';

const options = declareOptions({
  checks: T.Boolean({ default: true, description: 'show a routine check of a healthy array ("md0 check 40.1% 1h 5m", state info)' }),
});
export type RaidOptions = OptionsOf<typeof options>;

const ACTIONS = ['resync', 'recovery', 'check', 'reshape'] as const;

/** What the raid module publishes. */
const data = declareData(
  () => ({
    arrays: T.Array(
      T.Object({
        device: T.String({ description: 'The array (`md0`)' }),
        active: T.Boolean({ description: 'Whether it is assembled and running (`inactive`: not)' }),
        readOnly: T.Boolean({ description: 'Whether md marks it `(read-only)` or `(auto-read-only)`' }),
        level: T.Optional(T.String({ description: 'Its personality (`raid1`, `raid10`, `linear`); none while inactive' })),
        members: T.Array(
          T.Object({
            device: T.String({ description: 'The member device (`sda1`)' }),
            role: T.Integer({ description: 'Its slot number, the N of `sda1[N]`' }),
            faulty: T.Boolean({ description: 'Marked failed, `(F)`' }),
            spare: T.Boolean({ description: 'A spare, `(S)`: idle until a member fails, or being rebuilt onto' }),
          }),
          { description: 'Its member devices, in the order mdstat lists them (newest first)' },
        ),
        sizeBytes: T.Optional(T.Number({ unit: 'bytes', description: 'Its usable size (mdstat counts 1 KiB blocks)' })),
        disks: T.Optional(T.Integer({ description: 'Members it needs, the 2 of `[2/1]`; none for levels without redundancy (raid0, linear)' })),
        workingDisks: T.Optional(T.Integer({ description: 'Members working, the 1 of `[2/1]`' })),
        status: T.Optional(T.String({ description: 'Each slot, `U` up or `_` down, as `[U_]` gives it' })),
        degraded: T.Boolean({ description: 'Fewer members working than it needs' }),
        action: T.Optional(T.Enum([...ACTIONS], { description: 'What md is doing on it: resync (also repair), recovery (a rebuild), check, reshape' })),
        pending: T.Optional(T.Boolean({ description: 'The action waits (`resync=DELAYED`, `=PENDING`) rather than runs' })),
        progress: T.Optional(T.Number({ unit: 'ratio (0–1)', description: "The running action's progress" })),
        secondsLeft: T.Optional(T.Number({ unit: 'seconds', description: "md's estimate of the time to finish it (`finish=127.3min`)" })),
        bytesPerSecond: T.Optional(T.Number({ unit: 'bytes/s', description: 'Its speed (`speed=111703K/sec`)' })),
      }),
      { description: 'Every md array, in the order mdstat lists them' },
    ),
  }),
  { description: 'Published at every collect while mdstat can be read (an empty list: no arrays).' },
);
export type RaidData = DataOf<typeof data>;
type MdArray = RaidData['arrays'][number];

const KIB = 1024;

/** "md1 : active (auto-read-only) raid1 sdb1[1] sda1[0](F)": the array's first line. */
const HEAD = /^(md\S*)\s*:\s*(active|inactive)\s*(.*)$/;
/** A member: "sdd1[3](F)", "sde1[4](S)", "sdf1[5](W)(F)". */
const MEMBER = /^(.+)\[(\d+)\]((?:\([A-Z]\))*)$/;
/** "  1048512 blocks super 1.2 [2/1] [U_]": size, and the slots where the level has them. */
const BLOCKS = /^\s*(\d+)\s+blocks\b.*?(?:\[(\d+)\/(\d+)\]\s+\[([U_]+)\])?\s*$/;
/** "  [==>....]  recovery = 12.6% (123/976) finish=127.3min speed=111703K/sec". */
const PROGRESS = /\b(resync|recovery|check|reshape)\s*=\s*([\d.]+)%(?:\s*\(\d+\/\d+\))?(?:\s*finish=([\d.]+)min)?(?:\s*speed=(\d+)K\/sec)?/;
/** "  resync=DELAYED", "  resync=PENDING": an action waiting its turn. */
const WAITING = /\b(resync|recovery|check|reshape)\s*=\s*(DELAYED|PENDING)\b/;

function parseHead(m: RegExpExecArray): MdArray {
  const words = m[3].split(/\s+/).filter(Boolean);
  let readOnly = false;
  while (words[0]?.startsWith('(')) {
    if (/read-only/.test(words.shift()!)) readOnly = true;
  }
  const active = m[2] === 'active';
  const level = active && words.length > 0 && !MEMBER.test(words[0]) ? words.shift() : undefined;
  const members = words.flatMap((w) => {
    const mm = MEMBER.exec(w);
    return mm ? [{ device: mm[1], role: Number(mm[2]), faulty: mm[3].includes('(F)'), spare: mm[3].includes('(S)') }] : [];
  });
  return { device: m[1], active, readOnly, ...(level !== undefined ? { level } : {}), members, degraded: false };
}

/** Every array in an mdstat text, with what its following lines say. */
export function parseMdstat(text: string): MdArray[] {
  const arrays: MdArray[] = [];
  let current: MdArray | undefined;
  for (const line of text.split('\n')) {
    const head = HEAD.exec(line);
    if (head) {
      current = parseHead(head);
      arrays.push(current);
      continue;
    }
    // A line that is not indented (Personalities, unused devices) ends the array's block.
    if (!/^\s/.test(line) || current === undefined) {
      current = undefined;
      continue;
    }
    const blocks = BLOCKS.exec(line);
    if (blocks) {
      current.sizeBytes = Number(blocks[1]) * KIB;
      if (blocks[2] !== undefined) {
        current.disks = Number(blocks[2]);
        current.workingDisks = Number(blocks[3]);
        current.status = blocks[4];
        current.degraded = current.workingDisks < current.disks || current.status.includes('_');
      }
      continue;
    }
    const progress = PROGRESS.exec(line);
    if (progress) {
      current.action = progress[1] as MdArray['action'];
      current.progress = Number(progress[2]) / 100;
      if (progress[3] !== undefined) current.secondsLeft = Math.round(Number(progress[3]) * 60);
      if (progress[4] !== undefined) current.bytesPerSecond = Number(progress[4]) * KIB;
      continue;
    }
    const waiting = WAITING.exec(line);
    if (waiting) {
      current.action = waiting[1] as MdArray['action'];
      current.pending = true;
    }
  }
  return arrays;
}

const ORDER: State[] = ['idle', 'good', 'info', 'warning', 'critical'];
const worse = (a: State, b: State) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/** What is wrong or under way with an array, and how bad: null when there is nothing to say. */
function trouble(a: MdArray, checks: boolean): { words: string[]; state: State } | null {
  const words: string[] = [];
  let state: State = 'idle';
  if (!a.active) {
    words.push('inactive');
    state = 'warning';
  }
  if (a.degraded) {
    words.push(`degraded [${a.status}]`);
    state = 'critical';
  }
  const failed = a.members.filter((m) => m.faulty).map((m) => m.device);
  if (failed.length > 0 && !a.degraded) {
    words.push(`failed ${failed.join(' ')}`);
    state = worse(state, 'warning');
  }
  if (a.action !== undefined && (a.action !== 'check' || checks || state !== 'idle')) {
    const pct = a.progress !== undefined ? ` ${(a.progress * 100).toFixed(1)}%` : '';
    const left = a.secondsLeft !== undefined ? ` ${formatDuration(a.secondsLeft)}` : '';
    words.push(a.pending ? `${a.action} waiting` : `${a.action}${pct}${left}`);
    state = worse(state, a.action === 'check' ? 'info' : 'warning');
  }
  return words.length > 0 ? { words, state } : null;
}

function describe(a: MdArray): string {
  const parts = [
    a.active ? (a.level ?? 'active') : 'inactive',
    a.readOnly ? 'read-only' : '',
    a.disks !== undefined ? `[${a.disks}/${a.workingDisks}] [${a.status}]` : '',
    a.members.map((m) => `${m.device}${m.faulty ? '(F)' : m.spare ? '(S)' : ''}`).join(' '),
  ];
  return parts.filter(Boolean).join(', ');
}

/** A row's value as 1 or 0, for a family read from a yes-or-no field. */
const oneIf = (yes: boolean) => (yes ? 1 : 0);

export default defineModule<RaidOptions, RaidData>({
  id: 'raid',
  description: 'software RAID (md) arrays degraded, failing or syncing, from /proc/mdstat',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_md_disks_required', 'Members each md array needs (none for raid0 and linear)', {
      rows: 'arrays',
      label: ['device', 'device'],
      value: 'disks',
    }),
    perRow('gauge', 'shoji_md_disks_active', 'Members of each md array that are working', {
      rows: 'arrays',
      label: ['device', 'device'],
      value: 'workingDisks',
    }),
    perRow('gauge', 'shoji_md_degraded', '1 while the md array is degraded, else 0', {
      rows: 'arrays',
      label: ['device', 'device'],
      value: { field: 'arrays[].degraded', read: (a) => oneIf(a.degraded) },
    }),
    perRow('gauge', 'shoji_md_sync_progress_ratio', 'Progress of the resync, recovery, check or reshape running on each md array', {
      rows: 'arrays',
      label: ['device', 'device'],
      value: 'progress',
    }),
    perRow('gauge', 'shoji_md_sync_time_left_seconds', "md's estimate of the time until each md array's running action ends", {
      rows: 'arrays',
      label: ['device', 'device'],
      value: 'secondsLeft',
    }),
  ]),
  interval: 29,
  priority: 60,
  icons: { raid: 'RAID ' },
  available: (ctx) => readText(join(ctx.procRoot, 'mdstat')) !== null,
  collect(ctx) {
    const path = join(ctx.procRoot, 'mdstat');
    const text = readText(path);
    if (text === null) throw new Error(`cannot read ${path}`);
    const arrays = parseMdstat(text);
    const troubled = arrays
      .flatMap((a) => {
        const t = trouble(a, ctx.options.checks);
        return t ? [{ array: a, ...t }] : [];
      })
      .sort((a, b) => ORDER.indexOf(b.state) - ORDER.indexOf(a.state));
    if (troubled.length === 0) return { reading: null, data: { arrays } };
    const detail: DetailLine[] = arrays.map((a) => ({ label: a.device, value: describe(a) }));
    const worst = troubled[0];
    return {
      reading: {
        text: troubled.map((t) => `${t.array.device} ${t.words.join(' ')}`).join(', '),
        short: `${worst.array.device} ${worst.array.progress !== undefined && !worst.array.pending ? `${(worst.array.progress * 100).toFixed(1)}%` : worst.words[0]}`,
        state: worst.state,
        icon: 'raid',
        detail,
      },
      data: { arrays },
    };
  },
});
