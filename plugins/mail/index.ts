/**
 * mail — new mail waiting for you, in a Maildir or an mbox: byobu's `mail`, with a count.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Reads `path`, else $MAIL, else <root>/var/mail/$USER (the spool the local delivery agent
 * appends to). Shows "mail 3" (state info); hidden when nothing is new.
 *
 * - A Maildir (a folder with new/): the messages in new/, delivered but not yet seen by a mail
 *   reader (a name starting with "." is a delivery in progress, not a message). One listing.
 * - An mbox (a file): the messages whose Status header has no R (read), as mutt and mailx mark
 *   them. The file is read only when its size or mtime changed since the last count, which is
 *   kept (a status line every few seconds never reads an unchanged mailbox twice), and opened
 *   with O_NOATIME: reading it must not move its access time, which is how mail readers and
 *   shells tell "new mail" (mtime after atime). An mbox over `max_mbox_mib` is not read: it
 *   shows "mail new" while its mtime is after its atime (mutt's own test), nothing otherwise.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import * as T from 'typebox';
import { defineModule, type ModuleContext } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir } from '../../src/core/read.js';

const options = declareOptions({
  path: T.String({ default: '', description: 'the mailbox: a Maildir folder or an mbox file; empty: $MAIL, else /var/mail/$USER' }),
  max_mbox_mib: T.Number({
    minimum: 0,
    default: 32,
    description: 'the largest mbox counted, in MiB: a larger one only says whether new mail came (mtime after atime)',
  }),
});
export type MailOptions = OptionsOf<typeof options>;

/** What the mail module publishes. */
const data = declareData(
  () => ({
    new: T.Optional(
      T.Integer({
        unit: 'messages',
        description: 'New messages: in a Maildir new/, in an mbox those without R in Status; absent for an mbox too large to count',
      }),
    ),
    arrived: T.Boolean({ description: 'Whether new mail is there: `new` above 0, or for an mbox too large to count, its mtime after its atime' }),
    kind: T.Enum(['maildir', 'mbox'], { description: 'What the mailbox is' }),
    path: T.String({ description: 'The mailbox read' }),
  }),
  { description: 'Published at every collect where the mailbox exists; nothing while it does not (an empty spool is often removed).' },
);
export type MailData = DataOf<typeof data>;

/** Private to this module: the last mbox count, and the size and mtime of the file it came from. */
export interface MailMemo {
  path: string;
  size: number;
  mtimeMs: number;
  new: number;
}

function userName(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.LOGNAME || '';
  }
}

/** The mailbox to read; null when there is none to name (no $MAIL, no user name for the spool). */
function mailboxPath(ctx: ModuleContext<MailOptions>): string | null {
  if (ctx.options.path !== '') return ctx.options.path;
  if (ctx.env.MAIL) return ctx.env.MAIL;
  const user = userName(ctx.env);
  return user !== '' ? join(ctx.root, 'var/mail', user) : null;
}

/**
 * The unread messages of an mbox's text: each message starts with a "From " line at the start of
 * the file or after a blank line; its headers run to the first blank line, and a Status header
 * with R in it marks it read.
 */
export function unreadInMbox(text: string): number {
  let unread = 0;
  const starts = /(?:^|\n\n)From /g;
  const found: number[] = [];
  for (let m = starts.exec(text); m !== null; m = starts.exec(text)) found.push(m.index + m[0].length);
  for (const at of found) {
    const end = text.indexOf('\n\n', at);
    const headers = text.slice(at, end < 0 ? text.length : end);
    const status = /\nStatus:[ \t]*([^\n]*)/i.exec(headers);
    if (status === null || !status[1].includes('R')) unread++;
  }
  return unread;
}

/** The mbox's text, read without touching its access time (O_NOATIME; refused unless it is yours). */
function readKeepingAtime(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOATIME ?? 0));
  } catch {
    return null; // not yours, or unreadable: then it is not read at all
  }
  try {
    const buf = Buffer.alloc(fstatSync(fd).size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export default defineModule<MailOptions, MailData, MailMemo>({
  id: 'mail',
  description: 'new mail in your Maildir or mbox ($MAIL)',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_mail_new_messages', 'new')]),
  interval: 11,
  priority: 45,
  icons: { mail: 'mail ' },
  // Where even the mailbox's folder is missing, this host takes no local mail.
  available: (ctx) => {
    const path = mailboxPath(ctx);
    return path !== null && statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory() === true;
  },
  collect(ctx, prev) {
    const path = mailboxPath(ctx);
    const st = path !== null ? statSync(path, { throwIfNoEntry: false }) : undefined;
    if (!st || path === null) return { reading: null };
    let published: MailData;
    let memo: MailMemo | undefined;
    if (st.isDirectory()) {
      const count = listDir(join(path, 'new')).filter((name) => !name.startsWith('.')).length;
      published = { new: count, arrived: count > 0, kind: 'maildir', path };
    } else if (st.size === 0) {
      published = { new: 0, arrived: false, kind: 'mbox', path };
    } else if (prev && prev.path === path && prev.size === st.size && prev.mtimeMs === st.mtimeMs) {
      memo = prev;
      published = { new: prev.new, arrived: prev.new > 0, kind: 'mbox', path };
    } else {
      const text = st.size <= ctx.options.max_mbox_mib * 1024 * 1024 ? readKeepingAtime(path) : null;
      if (text !== null) {
        const count = unreadInMbox(text);
        memo = { path, size: st.size, mtimeMs: st.mtimeMs, new: count };
        published = { new: count, arrived: count > 0, kind: 'mbox', path };
      } else {
        published = { arrived: st.mtimeMs > st.atimeMs, kind: 'mbox', path };
      }
    }
    const withMemo = memo ? { memo } : {};
    if (!published.arrived) return { reading: null, data: published, ...withMemo };
    return {
      reading: {
        text: published.new !== undefined ? String(published.new) : 'new',
        state: 'info',
        icon: 'mail',
        detail: [
          { label: 'New messages', value: published.new !== undefined ? String(published.new) : 'some (too large to count)' },
          { label: published.kind === 'maildir' ? 'Maildir' : 'mbox', value: path },
        ],
      },
      data: published,
      ...withMemo,
    };
  },
});
