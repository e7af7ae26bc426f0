import { chmodSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import updates, { parseUpdateNotifier, SAVED_ANSWER, type UpdatesMemo } from '../../../plugins/updates/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

// What `LC_ALL=C apt-get -s -o Debug::NoLocking=true upgrade` prints on Debian 12.
const BOOKWORM = `NOTE: This is only a simulation!
      apt-get needs root privileges for real execution.
      Keep also in mind that locking is deactivated,
      so don't depend on the relevance to the real current situation!
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following packages will be upgraded:
  libssl3 openssl tzdata
3 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
Inst libssl3 [3.0.15-1~deb12u1] (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
Inst openssl [3.0.15-1~deb12u1] (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64]) []
Inst tzdata [2024a-0+deb12u1] (2025a-0+deb12u1 Debian:12.9/stable [all])
Conf libssl3 (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
Conf openssl (3.0.16-1~deb12u1 Debian-Security:12/stable-security [amd64])
Conf tzdata (2025a-0+deb12u1 Debian:12.9/stable [all])
`;

const POINT_RELEASE = `Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following packages will be upgraded:
  base-files curl
2 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
Inst base-files [12.4+deb12u8] (12.4+deb12u9 Debian:12.9/stable [amd64])
Inst curl [7.88.1-10+deb12u8] (7.88.1-10+deb12u12 Debian:12.9/stable [amd64])
Conf base-files (12.4+deb12u9 Debian:12.9/stable [amd64])
Conf curl (7.88.1-10+deb12u12 Debian:12.9/stable [amd64])
`;

const UP_TO_DATE = `Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
`;

const JAMMY_MOTD = `
5 updates can be applied immediately.
3 of these updates are standard security updates.
To see these additional updates run: apt list --upgradable

2 additional security updates can be applied with ESM Apps.
Learn more about enabling ESM Apps service at https://ubuntu.com/esm

`;

describe('updates', () => {
  let tree: FixtureTree;
  let bin: string;
  let env: NodeJS.ProcessEnv;

  /** An executable in `bin` that records how it was called and prints `output`. */
  function fakeApt(name: string, output: string, exit = 0): string {
    writeFileSync(join(bin, `${name}.out`), output);
    const path = join(bin, name);
    writeFileSync(
      path,
      `#!/bin/sh\n` +
        `echo "LC_ALL=$LC_ALL $*" >> "$0.calls"\n` +
        `cat "$0.out"\n` +
        (exit ? `echo 'E: Could not open lock file /var/lib/dpkg/lock-frontend' >&2\nexit ${exit}\n` : ''),
    );
    chmodSync(path, 0o755);
    return path;
  }
  const calls = (name: string) =>
    readFileSync(join(bin, `${name}.calls`), 'utf8')
      .trim()
      .split('\n');

  beforeEach(() => {
    tree = fixtureTree();
    bin = join(tree.dir, 'bin');
    mkdirSync(bin);
    // The fake apt-get comes first; the system folders provide sh's cat.
    env = { PATH: `${bin}:/usr/bin:/bin`, LANG: 'de_DE.UTF-8' };
  });
  afterEach(() => tree.cleanup());

  it('runs apt-get from PATH in the C locale and counts security updates', async () => {
    fakeApt('apt-get', BOOKWORM);
    const ctx = moduleContext(updates, tree, {}, env);
    expect(await updates.available!(ctx)).toBe(true);
    const collected = await updates.collect(ctx, undefined);
    const reading = readingWithData(collected);
    const memo = collected.memo;
    expect(calls('apt-get')).toEqual(['LC_ALL=C -s -o Debug::NoLocking=true upgrade']);
    const checkedAt = ctx.wallNow();
    expect(reading).toEqual({
      text: '3 (2 security)',
      short: '3!',
      state: 'warning',
      icon: 'updates',
      data: {
        count: 3,
        security: 2,
        packages: ['libssl3', 'openssl', 'tzdata'],
        securityPackages: ['libssl3', 'openssl'],
        source: 'apt',
        checkedAt,
      },
      detail: [
        { label: 'Updates', value: '3' },
        { label: 'Security', value: '2' },
        { label: 'Security packages', value: 'libssl3, openssl' },
        { label: 'Packages', value: 'libssl3, openssl, tzdata' },
        { label: 'Source', value: 'apt-get -s -o Debug::NoLocking=true upgrade' },
        { label: 'Checked', value: expect.stringMatching(/^2026-11-2\d \d\d:\d\d$/) },
      ],
    });
    expect(memo).toMatchObject({ checkedAt, pending: { count: 3, security: 2 } });
  });

  it('runs the command option, with state info when nothing is a security update', async () => {
    const path = fakeApt('simulate-upgrade', POINT_RELEASE);
    const ctx = moduleContext(updates, tree, { command: [path, '--quiet'] }, env);
    const first = await updates.collect(ctx, undefined);
    expect(readingWithData(first)).toMatchObject({
      text: '2',
      short: '2',
      state: 'info',
      data: { count: 2, security: 0, source: 'command' },
    });
    // Only apt's answer is tied to apt's files; another command runs every time.
    expect(first.memo).toBeUndefined();
    await updates.collect(ctx, first.memo);
    expect(calls('simulate-upgrade')).toEqual(['LC_ALL=C --quiet', 'LC_ALL=C --quiet']);
  });

  it('is hidden when everything is up to date, and publishes the count', async () => {
    fakeApt('apt-get', UP_TO_DATE);
    const upToDate = await updates.collect(moduleContext(updates, tree, {}, env), undefined);
    expect(upToDate.reading).toBeNull();
    expect(upToDate.data).toMatchObject({ count: 0, security: 0, packages: [], source: 'apt' });
  });

  it("reuses apt's answer until dpkg's status or apt's lists change, or for 6 hours", async () => {
    fakeApt('apt-get', BOOKWORM);
    const ctx = moduleContext(updates, tree, {}, env);
    const first = await updates.collect(ctx, undefined);

    writeFileSync(join(bin, 'apt-get.out'), POINT_RELEASE);
    ctx.clock.advance(300_000);
    const second = await updates.collect(ctx, first.memo);
    expect(second.data).toMatchObject({ count: 3, checkedAt: first.data?.checkedAt });
    expect(calls('apt-get')).toHaveLength(1);

    tree.write('root/var/lib/dpkg/status', 'Package: libssl3\nStatus: install ok installed\n');
    const third = await updates.collect(ctx, second.memo);
    expect(third.data).toMatchObject({ count: 2, security: 0, checkedAt: ctx.wallNow() });
    expect(calls('apt-get')).toHaveLength(2);

    writeFileSync(join(bin, 'apt-get.out'), UP_TO_DATE);
    ctx.clock.advance(6 * 3600_000);
    const fourth = await updates.collect(ctx, third.memo as UpdatesMemo);
    expect(fourth.reading).toBeNull();
    expect(fourth.memo?.pending.count).toBe(0);
    expect(calls('apt-get')).toHaveLength(3);
  });

  it("shares apt's answer with other shoji processes through the state folder, and rebuilds a damaged one", async () => {
    fakeApt('apt-get', BOOKWORM);
    const first = await updates.collect(moduleContext(updates, tree, {}, env), undefined);
    const saved = join(tree.dir, 'state', SAVED_ANSWER);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(first.memo);

    // Another process (no memo of its own) takes the saved answer instead of running apt.
    writeFileSync(join(bin, 'apt-get.out'), POINT_RELEASE);
    const other = await updates.collect(moduleContext(updates, tree, {}, env), undefined);
    expect(other.data).toMatchObject({ count: 3, security: 2, checkedAt: first.data?.checkedAt });
    expect(other.memo).toEqual(first.memo);
    expect(calls('apt-get')).toHaveLength(1);

    // A damaged file (cut short, or the wrong shape) is ignored and written afresh.
    for (const damaged of ['{"key":', JSON.stringify({ ...first.memo, pending: { count: 'many' } })]) {
      writeFileSync(saved, damaged);
      const again = await updates.collect(moduleContext(updates, tree, {}, env), undefined);
      expect(again.data).toMatchObject({ count: 2, security: 0 });
      expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(again.memo);
    }
    expect(calls('apt-get')).toHaveLength(3);

    // An upgrade makes the saved answer stale for everyone.
    tree.write('root/var/lib/dpkg/status', 'Package: tzdata\nStatus: install ok installed\n');
    writeFileSync(join(bin, 'apt-get.out'), UP_TO_DATE);
    expect((await updates.collect(moduleContext(updates, tree, {}, env), undefined)).reading).toBeNull();
    expect(calls('apt-get')).toHaveLength(4);
  });

  it('still answers when the state folder cannot be written', async () => {
    fakeApt('apt-get', BOOKWORM);
    writeFileSync(join(tree.dir, 'state'), 'a file where the folder should be');
    const { reading } = await updates.collect(moduleContext(updates, tree, {}, env), undefined);
    expect(reading?.text).toBe('3 (2 security)');
  });

  it("prefers Ubuntu's update-notifier count while it is current", async () => {
    fakeApt('apt-get', POINT_RELEASE);
    const notifier = tree.write('root/var/lib/update-notifier/updates-available', JAMMY_MOTD);
    const status = tree.write('root/var/lib/dpkg/status', '');
    utimesSync(status, 1_700_000_000, 1_700_000_000);
    utimesSync(notifier, 1_700_000_100, 1_700_000_100);
    const ctx = moduleContext(updates, tree, {}, env);
    const reading = readingWithData(await updates.collect(ctx, undefined));
    expect(reading).toMatchObject({
      text: '5 (3 security)',
      short: '5!',
      state: 'warning',
      data: { count: 5, security: 3, packages: [], securityPackages: [], source: 'update-notifier' },
    });
    expect(reading?.detail?.find((d) => d.label === 'Source')?.value).toBe(notifier);

    // dpkg changed after the file was written: the file is stale, so ask apt.
    utimesSync(status, 1_700_000_200, 1_700_000_200);
    expect((await updates.collect(ctx, undefined)).data).toMatchObject({ count: 2, source: 'apt' });
    // An explicit command always wins over the file.
    utimesSync(status, 1_700_000_000, 1_700_000_000);
    const own = moduleContext(updates, tree, { command: ['apt-get', 'dist-upgrade'] }, env);
    expect((await updates.collect(own, undefined)).data).toMatchObject({ count: 2, source: 'command' });
  });

  it('asks apt when the update-notifier text is not recognised', async () => {
    fakeApt('apt-get', BOOKWORM);
    tree.write('root/var/lib/update-notifier/updates-available', 'Es können 5 Aktualisierungen installiert werden.\n');
    const { data } = await updates.collect(moduleContext(updates, tree, {}, env), undefined);
    expect(data).toMatchObject({ count: 3, source: 'apt' });
  });

  it('fails with the command and its last stderr line when it exits non-zero', async () => {
    fakeApt('apt-get', '', 100);
    await expect(updates.collect(moduleContext(updates, tree, {}, env), undefined)).rejects.toThrow(
      'apt-get -s -o Debug::NoLocking=true upgrade failed (100): E: Could not open lock file /var/lib/dpkg/lock-frontend',
    );
  });

  it('stops when the host aborts the collect', async () => {
    fakeApt('apt-get', BOOKWORM);
    const ctx = { ...moduleContext(updates, tree, {}, env), signal: AbortSignal.abort() };
    await expect(updates.collect(ctx, undefined)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('is available with apt-get on PATH, an update-notifier file, or a runnable command', async () => {
    const empty = { PATH: join(tree.dir, 'nothing-here') };
    expect(await updates.available!(moduleContext(updates, tree, {}, empty))).toBe(false);
    expect(await updates.available!(moduleContext(updates, tree, { command: ['apt-get'] }, empty))).toBe(false);
    const path = fakeApt('apt-get', '');
    expect(await updates.available!(moduleContext(updates, tree, {}, env))).toBe(true);
    expect(await updates.available!(moduleContext(updates, tree, { command: [path] }, empty))).toBe(true);
    tree.write('root/var/lib/update-notifier/updates-available', '');
    expect(await updates.available!(moduleContext(updates, tree, {}, empty))).toBe(true);
  });
});

describe('parseUpdateNotifier', () => {
  const none = { packages: [], securityPackages: [] };
  it('reads every wording Ubuntu has used', () => {
    expect(parseUpdateNotifier(JAMMY_MOTD)).toEqual({ count: 5, security: 3, ...none });
    expect(parseUpdateNotifier('12 packages can be updated.\n5 updates are security updates.\n')).toEqual({
      count: 12,
      security: 5,
      ...none,
    });
    expect(parseUpdateNotifier('1 update can be applied immediately.\n1 of these updates is a standard security update.\n')).toEqual({
      count: 1,
      security: 1,
      ...none,
    });
    const zero = { count: 0, security: 0, ...none };
    expect(parseUpdateNotifier('\n0 updates can be applied immediately.\n\n')).toEqual(zero);
  });

  it('ignores updates that need ESM, treats an empty file as none, and gives up on other text', () => {
    expect(
      parseUpdateNotifier(
        'Expanded Security Maintenance for Applications is not enabled.\n\n0 updates can be applied immediately.\n\n' +
          '4 additional security updates can be applied with ESM Apps.\n',
      ),
    ).toEqual({ count: 0, security: 0, ...none });
    expect(parseUpdateNotifier('  \n')).toEqual({ count: 0, security: 0, ...none });
    expect(parseUpdateNotifier('System information disabled due to load higher than 1.0\n')).toBeNull();
  });
});
