import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import users, { parseUtmp, USER_PROCESS, UTMP_RECORD } from '../../../plugins/users/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

const BOOT_TIME = 2;
const INIT_PROCESS = 5;
const LOGIN_PROCESS = 6;
const DEAD_PROCESS = 8;

/** One glibc x86_64/aarch64 struct utmp, as login, sshd and tmux write them. */
function record(type: number, pid: number, line: string, user: string, host = ''): Buffer {
  const b = Buffer.alloc(UTMP_RECORD);
  b.writeInt32LE(type, 0);
  b.writeInt32LE(pid, 4);
  b.write(line, 8, 32, 'utf8');
  b.write(line.replace(/^(pts\/|tty)/, '').slice(-4), 40, 4, 'utf8');
  b.write(user, 44, 32, 'utf8');
  b.write(host, 76, 256, 'utf8');
  b.writeInt32LE(1_763_900_000, 340); // ut_tv.tv_sec
  return b;
}

const utmp = Buffer.concat([
  record(BOOT_TIME, 0, '~', 'reboot', '6.1.0-28-amd64'),
  record(INIT_PROCESS, 612, 'tty1', ''),
  record(LOGIN_PROCESS, 613, 'tty1', 'LOGIN'),
  record(USER_PROCESS, 1201, 'pts/0', 'alice', '198.51.100.7'),
  record(USER_PROCESS, 1388, 'pts/1', 'bob', '203.0.113.9'),
  record(DEAD_PROCESS, 1402, 'pts/2', ''),
  record(USER_PROCESS, 1501, 'tty2', 'alice'),
]);

describe('users', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());
  const writeBinary = (relative: string, bytes: Buffer) => writeFileSync(tree.write(relative, ''), bytes);

  it('counts USER_PROCESS records and lists the sessions', async () => {
    writeBinary('root/var/run/utmp', utmp);
    const ctx = moduleContext(users, tree);
    expect(await users.available!(ctx)).toBe(true);
    const reading = readingWithData(await users.collect(ctx, undefined));
    expect(reading).toEqual({
      text: '3',
      state: 'info',
      icon: 'users',
      data: {
        count: 3,
        users: ['alice', 'bob'],
        sessions: [
          { user: 'alice', line: 'pts/0', host: '198.51.100.7' },
          { user: 'bob', line: 'pts/1', host: '203.0.113.9' },
          { user: 'alice', line: 'tty2', host: '' },
        ],
      },
      detail: [
        { label: 'Users', value: 'alice, bob' },
        { label: 'alice', value: 'pts/0 from 198.51.100.7' },
        { label: 'bob', value: 'pts/1 from 203.0.113.9' },
        { label: 'alice', value: 'tty2' },
      ],
    });
  });

  it('falls back to /run/utmp', async () => {
    writeBinary('root/run/utmp', record(USER_PROCESS, 9, 'pts/4', 'carol'));
    const reading = readingWithData(await users.collect(moduleContext(users, tree), undefined));
    expect(reading?.data?.users).toEqual(['carol']);
  });

  it('is hidden when nobody is logged in, unless show_zero; the count is published either way', async () => {
    writeBinary('root/var/run/utmp', utmp.subarray(0, 3 * UTMP_RECORD));
    const nobody = await users.collect(moduleContext(users, tree), undefined);
    expect(nobody.reading).toBeNull();
    expect(nobody.data).toEqual({ count: 0, users: [], sessions: [] });
    const reading = readingWithData(await users.collect(moduleContext(users, tree, { show_zero: true }), undefined));
    expect(reading).toMatchObject({ text: '0', state: 'idle', data: { count: 0, users: [], sessions: [] } });
  });

  it('is unavailable without a utmp file', async () => {
    expect(await users.available!(moduleContext(users, tree))).toBe(false);
  });

  it('publishes each user once, sorted, whatever the order of the sessions', async () => {
    writeBinary(
      'root/var/run/utmp',
      Buffer.concat([record(USER_PROCESS, 1, 'pts/0', 'zoe'), record(USER_PROCESS, 2, 'pts/1', 'alice'), record(USER_PROCESS, 3, 'pts/2', 'zoe')]),
    );
    const reading = readingWithData(await users.collect(moduleContext(users, tree), undefined));
    expect(reading!.data!.users).toEqual(['alice', 'zoe']);
    expect(reading!.detail![0]).toEqual({ label: 'Users', value: 'alice, zoe' });
  });

  it('fails naming the folder when the utmp file has gone since it was found', async () => {
    const ctx = moduleContext(users, tree);
    expect(() => users.collect(ctx, undefined)).toThrow(`no utmp file under ${ctx.root}`);
  });

  it('reads fields that fill their whole width, ignores a torn last record, and strips control characters', () => {
    const full = record(USER_PROCESS, 7, 'pts/9', 'u'.repeat(32), 'evil\u001b[2Jhost');
    const torn = record(USER_PROCESS, 8, 'pts/10', 'late').subarray(0, 100);
    expect(parseUtmp(Buffer.concat([full, torn]))).toEqual([{ user: 'u'.repeat(32), line: 'pts/9', host: 'evil[2Jhost' }]);
  });
});
