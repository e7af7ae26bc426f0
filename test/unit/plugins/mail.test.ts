import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import mail, { type MailMemo, unreadInMbox } from '../../../plugins/mail/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

/**
 * An mbox as exim delivers to /var/mail/alice and mutt leaves it after a look: the first message
 * read (Status: RO), the second seen but unread (Status: O), the third just delivered (no Status).
 * A "From " inside a body is quoted (">From ") by the delivery agent.
 */
const MBOX = `From bob@example.com Mon Nov 23 10:01:12 2026
Return-path: <bob@example.com>
Envelope-to: alice@web1
Delivery-date: Mon, 23 Nov 2026 10:01:12 +0000
From: Bob <bob@example.com>
To: alice@web1
Subject: lunch
Date: Mon, 23 Nov 2026 10:01:10 +0000
Status: RO

Shall we?

From cron@web1 Mon Nov 23 11:00:01 2026
Return-path: <root@web1>
From: root@web1 (Cron Daemon)
To: alice@web1
Subject: Cron <alice@web1> backup.sh
Status: O

backup: 3 files copied
>From the log: done

From MAILER-DAEMON Mon Nov 23 11:30:44 2026
Return-path: <>
From: Mail Delivery System <Mailer-Daemon@web1>
To: alice@web1
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.
`;

describe('mail', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const run = async (env: NodeJS.ProcessEnv, options = {}, memo?: MailMemo) => mail.collect(moduleContext(mail, tree, options, env), memo);

  it('counts the messages of an mbox whose Status has no R (read), as mutt and mailx mark them', async () => {
    expect(unreadInMbox(MBOX)).toBe(2);
    expect(unreadInMbox('')).toBe(0);
    const path = tree.write('mbox', MBOX);
    const { reading, data } = await run({ MAIL: path });
    expect(reading).toMatchObject({ text: '2', state: 'info', icon: 'mail' });
    expectDataAsDeclared(mail, data);
    expect(data).toEqual({ new: 2, arrived: true, kind: 'mbox', path });
  });

  it('reads the spool /var/mail/$USER by default, and the path option over $MAIL', async () => {
    tree.write(`root/var/mail/${userInfo().username}`, MBOX);
    expect((await run({})).data).toMatchObject({ new: 2, path: join(tree.root, 'var/mail', userInfo().username) });
    const other = tree.write('other', MBOX.split('\n\nFrom cron')[0]);
    expect((await run({ MAIL: join(tree.dir, 'nowhere') }, { path: other })).data).toMatchObject({ new: 0, path: other });
  });

  it('is quiet when nothing is new, an empty or missing mailbox included', async () => {
    const path = tree.write('mbox', MBOX.split('\n\nFrom cron')[0]);
    expect((await run({ MAIL: path })).reading).toBeNull();
    writeFileSync(path, '');
    expect(await run({ MAIL: path })).toEqual({ reading: null, data: { new: 0, arrived: false, kind: 'mbox', path } });
    expect(await run({ MAIL: join(tree.dir, 'none') })).toEqual({ reading: null });
  });

  it('reads an unchanged mbox (same size and mtime) never again: the kept count stands', async () => {
    const path = tree.write('mbox', MBOX);
    const atime = new Date('2026-11-23T10:00:00Z');
    const mtime = new Date('2026-11-23T11:30:44Z');
    utimesSync(path, atime, mtime);
    const first = await run({ MAIL: path });
    expect(first.memo).toMatchObject({ path, new: 2 });
    // Same size and mtime, other text: not read, so the count kept stands.
    writeFileSync(path, MBOX.replace('Status: O\n', 'Status: R\n'));
    utimesSync(path, atime, mtime);
    expect((await run({ MAIL: path }, {}, first.memo)).data?.new).toBe(2);
    // A new mtime: read again.
    utimesSync(path, atime, new Date(mtime.getTime() + 5000));
    expect((await run({ MAIL: path }, {}, first.memo)).data?.new).toBe(1);
  });

  it("leaves the mbox's access time alone: mail readers and shells tell new mail by mtime after atime", async () => {
    const path = tree.write('mbox', MBOX);
    // atime before mtime: a plain read would move it (relatime does, then).
    const mtime = new Date('2026-11-23T11:30:44Z');
    const atime = new Date('2026-11-23T10:00:00Z');
    utimesSync(path, atime, mtime);
    await run({ MAIL: path });
    expect(statSync(path).atimeMs).toBe(atime.getTime());
  });

  it('an mbox over max_mbox_mib is not read: "new" while its mtime is after its atime, as mutt tells it', async () => {
    const path = tree.write('mbox', MBOX);
    utimesSync(path, new Date('2026-11-23T10:00:00Z'), new Date('2026-11-23T11:30:44Z'));
    const { reading, data, memo } = await run({ MAIL: path }, { max_mbox_mib: 0.0001 });
    expect(reading).toMatchObject({ text: 'new', state: 'info' });
    expectDataAsDeclared(mail, data);
    expect(data).toEqual({ arrived: true, kind: 'mbox', path });
    expect(memo).toBeUndefined();
    utimesSync(path, new Date('2026-11-23T12:00:00Z'), new Date('2026-11-23T11:30:44Z'));
    expect((await run({ MAIL: path }, { max_mbox_mib: 0.0001 })).reading).toBeNull();
  });

  it("counts a Maildir's new/ messages; a name starting with '.' is no message", async () => {
    const box = join(tree.dir, 'Maildir');
    for (const f of ['1763895672.M12P3456.web1,S=1234', '1763899201.M99P3460.web1,S=988', '.nfs0001']) tree.write(`Maildir/new/${f}`, 'From: x\n\nhi\n');
    tree.write('Maildir/cur/1763800000.M1P1.web1,S=10:2,S', 'From: x\n\nold\n');
    tree.write('Maildir/tmp/.keep', '');
    const { reading, data } = await run({ MAIL: box });
    expect(reading).toMatchObject({ text: '2' });
    expectDataAsDeclared(mail, data);
    expect(data).toEqual({ new: 2, arrived: true, kind: 'maildir', path: box });
  });

  it("is not available where even the mailbox's folder is missing", async () => {
    expect(await mail.available!(moduleContext(mail, tree, {}, {}))).toBe(false);
    tree.write('root/var/mail/.keep', '');
    expect(await mail.available!(moduleContext(mail, tree, {}, {}))).toBe(true);
  });
});
