/**
 * users — login sessions on this machine, counted as uptime(1) and who(1) count them.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Reads the binary utmp file (<root>/var/run/utmp, else <root>/run/utmp) and counts its
 * USER_PROCESS records (on Linux; elsewhere who(1)'s list through src/platform: docs/platforms.md). Shows "2" (state info); hidden when nobody is logged in, as byobu does.
 * Detail: one line per session.
 * Not available where the system keeps no utmp (some systemd builds dropped it).
 */
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { hostFor } from '../../src/platform/backend.js';

// The utmp format, read by the direct reader, is exported here as it always was.
export { parseUtmp, USER_PROCESS, UTMP_RECORD } from '../../src/platform/linux/utmp.js';

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
  available: (ctx) => hostFor(ctx).sessionsReadable(ctx),
  collect(ctx) {
    const sessions = hostFor(ctx).sessions(ctx);
    return sessions instanceof Promise ? sessions.then((s) => show(ctx, s)) : show(ctx, sessions);
  },
});

function show(ctx: ModuleContext<UsersOptions>, sessions: Session[]): Collected<UsersData> {
  const data = published(sessions);
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
}
