/**
 * users — login sessions on this machine, counted as uptime(1) and who(1) count them.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Reads the binary utmp file (<root>/var/run/utmp, else <root>/run/utmp) and counts its
 * USER_PROCESS records. Shows "2" (state info); hidden when nobody is logged in, as byobu does.
 * Detail: one line per session.
 * Not available where the system keeps no utmp (some systemd builds dropped it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';

const options = declareOptions({
  show_zero: T.Boolean({ default: false, description: 'show "0" instead of hiding the module' }),
});
export type UsersOptions = OptionsOf<typeof options>;

/** What the users module publishes, also while it hides (count 0). */
const data = declareData(
  () => ({
    count: T.Integer({ unit: 'sessions', description: 'Login sessions' }),
    users: T.Array(T.String(), { description: 'Distinct user names, sorted' }),
    sessions: T.Array(
      T.Object({
        user: T.String({ description: 'User name' }),
        line: T.String({ description: 'Terminal line (`pts/0`)' }),
        host: T.String({ description: 'Remote host, or empty for a local login' }),
      }),
      { description: 'Each session, in utmp order' },
    ),
  }),
  { description: 'Published at every collect, also while the module hides itself (count 0).' },
);
export type UsersData = DataOf<typeof data>;
/** One login session: user, line (tty) and remote host ('' when local). */
export type Session = UsersData['sessions'][number];

/** struct utmp on Linux glibc x86_64 and aarch64 (both little-endian; 32-bit time fields). */
export const UTMP_RECORD = 384;
export const USER_PROCESS = 7;
const LINE = [8, 32] as const;
const USER = [44, 32] as const;
const HOST = [76, 256] as const;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function field(buf: Buffer, at: number, [offset, size]: readonly [number, number]): string {
  const raw = buf.subarray(at + offset, at + offset + size);
  const nul = raw.indexOf(0);
  return (nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8').replace(CONTROL, '');
}

/** Logged-in sessions from utmp bytes; a trailing partial record (a write in progress) is ignored. */
export function parseUtmp(buf: Buffer): Session[] {
  const out: Session[] = [];
  for (let at = 0; at + UTMP_RECORD <= buf.length; at += UTMP_RECORD) {
    if (buf.readInt32LE(at) !== USER_PROCESS) continue;
    const user = field(buf, at, USER);
    if (user === '') continue;
    out.push({ user, line: field(buf, at, LINE), host: field(buf, at, HOST) });
  }
  return out;
}

function utmpPath(root: string): string | null {
  for (const rel of ['var/run/utmp', 'run/utmp']) {
    const path = join(root, rel);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The sessions in this host's utmp; throws, naming the folder, when there is no utmp (any more). */
function readSessions(root: string): Session[] {
  const path = utmpPath(root);
  if (path === null) throw new Error(`no utmp file under ${root}`);
  return parseUtmp(readFileSync(path));
}

/** What the module publishes for these sessions; the line and the detail show it. */
function published(sessions: Session[]): UsersData {
  return { count: sessions.length, users: [...new Set(sessions.map((s) => s.user))].sort(), sessions };
}

export default defineModule<UsersOptions, UsersData>({
  id: 'users',
  description: 'number of login sessions',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_user_sessions', 'count')]),
  interval: 11,
  priority: 25,
  available: (ctx) => utmpPath(ctx.root) !== null,
  collect(ctx) {
    const data = published(readSessions(ctx.root));
    // Nobody logged in: nothing on the line, but the count (0) is still published.
    if (data.count === 0 && !ctx.options.show_zero) return { reading: null, data };
    return {
      reading: {
        text: String(data.count),
        state: data.count > 0 ? 'info' : 'idle',
        icon: 'users',
        detail: [
          { label: 'Users', value: data.users.length > 0 ? data.users.join(', ') : 'none' },
          ...data.sessions.map((s) => ({ label: s.user, value: s.host ? `${s.line} from ${s.host}` : s.line })),
        ],
      },
      data,
    };
  },
});
