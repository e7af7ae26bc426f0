/**
 * whoami — who this status line belongs to, as "user@host": byobu's `whoami` (with its
 * `hostname` beside it), for telling apart windows logged in as root, a service account and
 * yourself.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "alice@web1" (state idle; "alice" with `host: false`); the short form is the user alone.
 * The user is the process's own (os.userInfo: the password database's name for its uid; $USER
 * where the uid has no entry there, as in some containers; the uid itself where neither is). The
 * host is the kernel's name without its domain (<procRoot>/sys/kernel/hostname, else
 * os.hostname()). Both are outside text: control characters are removed here, and every
 * renderer escapes the rest ('#' in tmux), so a name cannot carry a format into the line.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { withoutControl } from '../../src/core/outside-text.js';
import { readLine } from '../../src/core/read.js';

const options = declareOptions({
  host: T.Boolean({ default: true, description: 'show "user@host"; false: the user alone (beside the hostname module, as byobu shows them)' }),
});
export type WhoamiOptions = OptionsOf<typeof options>;

/** What the whoami module publishes. */
const data = declareData(
  () => ({
    user: T.String({ description: 'The user name (control characters removed)' }),
    uid: T.Integer({ description: 'The numeric user id' }),
    host: T.String({ description: 'The host name without its domain (control characters removed)' }),
  }),
  { description: 'Published at every collect.' },
);
export type WhoamiData = DataOf<typeof data>;

/** The process's user name: its passwd entry's, else $USER, else the uid as a number. */
function userName(env: NodeJS.ProcessEnv, uid: number): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (a container run with --user 1234).
    return env.USER || env.LOGNAME || String(uid);
  }
}

/** "web1.example.com" -> "web1"; an address used as a name stays whole. */
function shortHost(name: string): string {
  if (/^\d+(\.\d+){3}$/.test(name)) return name;
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export default defineModule<WhoamiOptions, WhoamiData>({
  id: 'whoami',
  description: 'the user and host this line belongs to (user@host)',
  options,
  data,
  // Nothing for Prometheus: names are no measurement.
  metrics: NO_METRICS,
  interval: 600,
  priority: 75,
  collect(ctx) {
    const uid = process.getuid?.() ?? -1;
    const user = withoutControl(userName(ctx.env, uid)).trim() || String(uid);
    const host = shortHost(withoutControl(readLine(join(ctx.procRoot, 'sys/kernel/hostname')) || osHostname()).trim());
    const both = host !== '' ? `${user}@${host}` : user;
    return {
      reading: {
        text: ctx.options.host ? both : user,
        short: user,
        state: 'idle',
        detail: [
          { label: 'User', value: `${user} (uid ${uid})` },
          { label: 'Host', value: host },
        ],
      },
      data: { user, uid, host },
    };
  },
});
