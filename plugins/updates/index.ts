/**
 * updates — package updates waiting to be installed (apt).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "12" (state info), or "12 (3 security)" (state warning) when some come from a
 * -security archive; short form "12" / "12!". Hidden when there is nothing to install.
 * Without `command`, Ubuntu's own count (<root>/var/lib/update-notifier/updates-available)
 * is used while it is newer than dpkg's status file; otherwise apt-get simulates an upgrade.
 * apt's answer can only change when dpkg's status or apt's lists change, so it is kept in the
 * memo and reused until one of them does (or for 6 hours): the default interval of every
 * 5 minutes costs two stat calls, and an upgrade shows up within minutes rather than hours.
 * The answer is also saved in shoji's state folder (updates-apt.json), so the status line's
 * daemon, a dashboard and one-shot calls share it: apt's simulation costs about 2 s of CPU
 * here, which a dashboard would otherwise pay every time it opens.
 * Another `command` runs at every interval: give a slow one a longer `interval`.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findExecutable } from '../../src/core/find-program.js';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { isTrustedFolder } from '../../src/core/trust.js';
import type { ModuleContext } from '../../src/core/contract.js';
import { defineModule } from '../../src/core/contract.js';
import { readText } from '../../src/core/read.js';
import { strftime } from '../../src/core/strftime.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';

export const DEFAULT_COMMAND = ['apt-get', '-s', '-o', 'Debug::NoLocking=true', 'upgrade'];
const NOTIFIER = 'var/lib/update-notifier/updates-available';
const DPKG_STATUS = 'var/lib/dpkg/status';
const APT_LISTS = 'var/lib/apt/lists';
const MAX_AGE_MS = 6 * 3600_000;
/** apt's last answer, shared by every shoji process of this user (in ctx.stateDir). */
export const SAVED_ANSWER = 'updates-apt.json';
const LISTED = 20;

const options = declareOptions({
  command: T.Optional(
    T.Array(T.String({ minLength: 1 }), {
      minItems: 1,
      description:
        'argv (a list) whose output has apt-get -s style "Inst pkg" lines; unset: Ubuntu\'s update-notifier count, else apt-get -s -o Debug::NoLocking=true upgrade',
    }),
  ),
});
export type UpdatesOptions = OptionsOf<typeof options>;

/** What the updates module publishes, also while it hides (count 0). */
const data = declareData(
  () => ({
    count: T.Integer({ unit: 'packages', description: 'Updates waiting to be installed' }),
    security: T.Integer({ unit: 'packages', description: 'How many of them come from a -security archive' }),
    packages: T.Array(T.String(), { description: 'Their names (empty when update-notifier gave only numbers)' }),
    securityPackages: T.Array(T.String(), { description: "The security updates' names (empty likewise)" }),
    source: T.Enum(['update-notifier', 'apt', 'command'], {
      description: "Ubuntu's file, the default apt command, or the `command` option's",
    }),
    checkedAt: T.Number({
      unit: 'ms since the Unix epoch',
      description: "When the count was taken: older than now while apt's answer is reused",
    }),
  }),
  { description: 'Published at every collect that got an answer, also while the module hides itself (count 0).' },
);
export type UpdatesData = DataOf<typeof data>;
/** The count and the names, whichever way they were found. */
export type Pending = Omit<UpdatesData, 'source' | 'checkedAt'>;

/** Private to this module: apt's last answer and what it depended on. */
export interface UpdatesMemo {
  key: string;
  checkedAt: number;
  pending: Pending;
}

/** Count "Inst" lines of `apt-get -s upgrade`; an archive named *-security marks a security update. */
export function parseAptSimulation(stdout: string): Pending {
  const packages: string[] = [];
  const securityPackages: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^Inst\s+(\S+)/.exec(line);
    if (!m) continue;
    packages.push(m[1]);
    if (line.includes('-security')) securityPackages.push(m[1]);
  }
  return { count: packages.length, security: securityPackages.length, packages, securityPackages };
}

/**
 * Ubuntu's motd text, whose wording has changed between releases: "12 packages can be
 * updated. / 5 updates are security updates." and "5 updates can be applied immediately. /
 * 3 of these updates are standard security updates." Updates that need ESM ("2 additional
 * security updates can be applied with ESM Apps") cannot be installed, so they do not count.
 * An empty file means none; wording not recognised gives null, so apt is asked instead.
 */
export function parseUpdateNotifier(text: string): Pending | null {
  const none = { count: 0, security: 0, packages: [], securityPackages: [] };
  if (text.trim() === '') return none;
  const total = /(\d+)\s+(?:updates?|packages?)\s+can\s+be\s+(?:applied|updated|installed)/i.exec(text);
  if (!total) return null;
  const security = /(\d+)\s+(?:of\s+these\s+)?(?:updates?|packages?)\s+(?:are|is)\s+(?:an?\s+)?(?:standard\s+)?security\s+updates?/i.exec(text);
  return { ...none, count: Number(total[1]), security: security ? Number(security[1]) : 0 };
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** Ubuntu's count, unless dpkg has installed or removed something since it was written. */
function fromNotifier(root: string): Pending | null {
  const text = readText(join(root, NOTIFIER));
  if (text === null) return null;
  const written = mtime(join(root, NOTIFIER)) ?? 0;
  const changed = mtime(join(root, DPKG_STATUS));
  if (changed !== null && changed > written) return null;
  return parseUpdateNotifier(text);
}

async function simulate(ctx: ModuleContext<UpdatesOptions>, argv: string[]): Promise<Pending> {
  // Loaded here, not at the top: node:child_process costs milliseconds that every
  // `shoji status` would pay even when apt's answer is reused from the memo.
  const run = promisify((await import('node:child_process')).execFile);
  try {
    const { stdout } = await run(argv[0], argv.slice(1), {
      signal: ctx.signal,
      // Inst lines and archive names are only stable in the C locale.
      env: { ...ctx.env, LC_ALL: 'C' },
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
    });
    return parseAptSimulation(stdout);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const e = err as Error & { stderr?: string; code?: unknown };
    const why = (e.stderr ?? '').trim().split('\n').pop() || e.message;
    throw new Error(`${argv.join(' ')} failed (${String(e.code)}): ${why}`);
  }
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The answer another shoji process saved, or undefined when there is none or it is damaged. */
function savedAnswer(ctx: ModuleContext<UpdatesOptions>): UpdatesMemo | undefined {
  // Only from a folder another user cannot write (the check is remembered for the process).
  if (!isTrustedFolder(ctx.stateDir)) return undefined;
  try {
    const m = JSON.parse(readFileSync(join(ctx.stateDir, SAVED_ANSWER), 'utf8')) as UpdatesMemo;
    const p = m?.pending;
    const valid =
      typeof m.key === 'string' &&
      typeof m.checkedAt === 'number' &&
      typeof p?.count === 'number' &&
      typeof p.security === 'number' &&
      isStringList(p.packages) &&
      isStringList(p.securityPackages);
    return valid && Number.isFinite(m.checkedAt) && p.count >= 0 && p.security >= 0 ? m : undefined;
  } catch {
    return undefined; // missing or corrupt: apt is asked, and the file is written afresh
  }
}

function saveAnswer(ctx: ModuleContext<UpdatesOptions>, answer: UpdatesMemo): void {
  try {
    writeFileAtomic(join(ctx.stateDir, SAVED_ANSWER), JSON.stringify(answer));
  } catch {
    // An unwritable state folder only means the next process asks apt again.
  }
}

function listed(names: string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

export default defineModule<UpdatesOptions, UpdatesData, UpdatesMemo>({
  id: 'updates',
  description: 'package updates available (apt)',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_updates_pending', 'count'), gauge('shoji_updates_pending_security', 'security')]),
  // Seconds rather than a cron expression: the daemon then never loads the cron parser (~4 MB).
  interval: 300,
  priority: 30,
  timeoutMs: 60_000,
  // apt's simulation takes seconds: never on the status line's clock.
  background: true,
  available(ctx) {
    const argv = ctx.options.command;
    if (argv) return findExecutable(argv[0], ctx.env.PATH) !== null;
    return readText(join(ctx.root, NOTIFIER)) !== null || findExecutable('apt-get', ctx.env.PATH) !== null;
  },
  async collect(ctx, memo) {
    const custom = ctx.options.command;
    const argv = custom ?? DEFAULT_COMMAND;
    let source: UpdatesData['source'] = custom ? 'command' : 'apt';
    let pending = custom ? null : fromNotifier(ctx.root);
    let checkedAt = ctx.wallNow();
    let nextMemo = memo;
    if (pending !== null) {
      source = 'update-notifier';
    } else {
      const isApt = ['apt-get', 'apt'].includes(basename(argv[0]));
      const key = JSON.stringify([argv, mtime(join(ctx.root, DPKG_STATUS)), mtime(join(ctx.root, APT_LISTS))]);
      const current = (m: UpdatesMemo | undefined): m is UpdatesMemo =>
        m !== undefined && m.key === key && checkedAt - m.checkedAt < MAX_AGE_MS && checkedAt >= m.checkedAt;
      let reused = isApt && current(memo) ? memo : undefined;
      if (isApt && !reused) {
        const saved = savedAnswer(ctx);
        if (current(saved)) reused = saved;
      }
      if (reused) {
        pending = reused.pending;
        checkedAt = reused.checkedAt;
        nextMemo = reused;
      } else {
        pending = await simulate(ctx, argv);
        nextMemo = isApt ? { key, checkedAt, pending } : undefined;
        if (nextMemo) saveAnswer(ctx, nextMemo);
      }
    }
    const data: UpdatesData = { ...pending, source, checkedAt };
    // Nothing to install: nothing on the line, but the count (0) is still published.
    if (pending.count === 0) return { reading: null, data, memo: nextMemo };
    const { count, security } = pending;
    const detail = [
      { label: 'Updates', value: String(count) },
      { label: 'Security', value: String(security) },
    ];
    if (pending.securityPackages.length > 0) {
      detail.push({ label: 'Security packages', value: listed(pending.securityPackages) });
    }
    if (pending.packages.length > 0) detail.push({ label: 'Packages', value: listed(pending.packages) });
    detail.push(
      { label: 'Source', value: source === 'update-notifier' ? join(ctx.root, NOTIFIER) : argv.join(' ') },
      { label: 'Checked', value: strftime('%Y-%m-%d %H:%M', new Date(checkedAt)) },
    );
    return {
      reading: {
        text: security > 0 ? `${count} (${security} security)` : String(count),
        short: security > 0 ? `${count}!` : String(count),
        state: security > 0 ? 'warning' : 'info',
        icon: 'updates',
        detail,
      },
      data,
      memo: nextMemo,
    };
  },
});
