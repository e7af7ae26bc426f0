/**
 * services: a stand-in `systemctl` first on PATH prints what systemd 252 (Debian 12) prints for
 * `systemctl list-units --plain --no-legend --no-pager --full --failed` and for `--all` with
 * unit patterns (captured on a Debian 12 server; columns padded as systemctl pads them), and one
 * that never answers stands for a systemctl stuck on a busy bus.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWithTimeout } from '../../../src/core/collect.js';
import services, { parseListUnits } from '../../../plugins/services/index.js';
import { waitFor } from '../../helpers/cli.js';
import { type FixtureTree, fixtureTree, moduleContext, readingWithData } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

const FAILED_TWO = `logrotate.service              loaded failed failed Rotate log files
systemd-networkd-wait-online.service loaded failed failed Wait for Network to be Configured
`;

// Older systemd marks failed units with a bullet even with --plain.
const FAILED_BULLET = `● fwupd-refresh.service loaded failed failed Refresh fwupd metadata and update motd
`;

const WATCHED = `nginx.service              loaded active   running A high performance web server and a reverse proxy server
postgresql@15-main.service loaded failed   failed  PostgreSQL Cluster 15-main
ssh.service                loaded inactive dead    OpenBSD Secure Shell server
`;

/** Whether a process has ended: no longer in /proc, or a zombie left for its parent to reap. */
function gone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

describe('services', () => {
  let tree: FixtureTree;
  let bin: string;
  let env: NodeJS.ProcessEnv;

  /** A systemctl in `bin` that records its arguments and prints `output`, or never answers. */
  function fakeSystemctl(output: string | 'hang'): void {
    const path = join(bin, 'systemctl');
    const body =
      output === 'hang'
        ? // exec: the process killed is the one holding the pipe, as with the real binary.
          `echo $$ > "$0.pid"\nexec sleep 600\n`
        : `echo "LC_ALL=$LC_ALL SYSTEMD_COLORS=$SYSTEMD_COLORS $*" >> "$0.calls"\ncat "$0.out"\n`;
    if (output !== 'hang') writeFileSync(`${path}.out`, output);
    writeFileSync(path, `#!/bin/sh\n${body}`);
    chmodSync(path, 0o755);
  }
  const calls = () => readFileSync(join(bin, 'systemctl.calls'), 'utf8').trim().split('\n');

  beforeEach(() => {
    tree = fixtureTree();
    bin = join(tree.dir, 'bin');
    mkdirSync(bin);
    env = { PATH: `${bin}:/usr/bin:/bin`, LANG: 'de_DE.UTF-8' };
    // What sd_booted() checks: systemd is running as init.
    mkdirSync(join(tree.root, 'run', 'systemd', 'system'), { recursive: true });
  });
  afterEach(() => tree.cleanup());

  it('is quiet where systemd did not boot the host, without running systemctl', async () => {
    fakeSystemctl(FAILED_TWO);
    const container = fixtureTree();
    try {
      expect(await services.collect(moduleContext(services, container, {}, env), undefined)).toEqual({ reading: null });
    } finally {
      container.cleanup();
    }
    expect(existsSync(join(bin, 'systemctl.calls'))).toBe(false);
  });

  it('is not available where systemd did not boot the host (a container) or there is no systemctl', async () => {
    fakeSystemctl('');
    expect(await services.available!(moduleContext(services, tree, {}, env))).toBe(true);
    expect(await services.available!(moduleContext(services, tree, {}, { PATH: '/nonexistent' }))).toEqual({ available: false, why: 'no systemctl on PATH' });
    const container = fixtureTree();
    try {
      expect(await services.available!(moduleContext(services, container, {}, env))).toEqual({
        available: false,
        why: `systemd is not this host's init (no ${join(container.root, 'run', 'systemd', 'system')})`,
      });
    } finally {
      container.cleanup();
    }
  });

  it('counts the failed units, critical, and names them in the detail', async () => {
    fakeSystemctl(FAILED_TWO);
    const ctx = moduleContext(services, tree, {}, env);
    const reading = readingWithData(await services.collect(ctx, undefined));
    expect(calls()).toEqual(['LC_ALL=C SYSTEMD_COLORS=0 list-units --plain --no-legend --no-pager --full --failed']);
    expect(reading).toEqual({
      text: '2 failed',
      short: '2!',
      state: 'critical',
      icon: 'services',
      detail: [
        { label: 'logrotate.service', value: 'failed (failed): Rotate log files' },
        { label: 'systemd-networkd-wait-online.service', value: 'failed (failed): Wait for Network to be Configured' },
      ],
      data: {
        failed: 2,
        down: 2,
        units: [
          { unit: 'logrotate.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'Rotate log files' },
          {
            unit: 'systemd-networkd-wait-online.service',
            load: 'loaded',
            active: 'failed',
            sub: 'failed',
            description: 'Wait for Network to be Configured',
          },
        ],
      },
    });
  });

  it('drops the bullet older versions print before a failed unit', () => {
    expect(parseListUnits(FAILED_BULLET)).toEqual([
      { unit: 'fwupd-refresh.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'Refresh fwupd metadata and update motd' },
    ]);
  });

  it('is quiet when nothing failed, and still publishes the count', async () => {
    fakeSystemctl('');
    const collected = await services.collect(moduleContext(services, tree, {}, env), undefined);
    expect(collected).toEqual({ reading: null, data: { failed: 0, down: 0, units: [] } });
  });

  it('with `units`, as byobu: the watched units not active, and a pattern nothing matched', async () => {
    fakeSystemctl(WATCHED);
    const ctx = moduleContext(services, tree, { units: ['nginx', 'postgresql@*', 'ssh.service', 'redis'] }, env);
    const collected = await services.collect(ctx, undefined);
    expect(calls()).toEqual(['LC_ALL=C SYSTEMD_COLORS=0 list-units --plain --no-legend --no-pager --full --all -- nginx postgresql@* ssh.service redis']);
    expect(collected.reading).toMatchObject({ text: '3 down', short: '3!', state: 'critical' });
    expect(collected.reading?.detail).toEqual([
      { label: 'postgresql@15-main.service', value: 'failed (failed): PostgreSQL Cluster 15-main' },
      { label: 'ssh.service', value: 'inactive (dead): OpenBSD Secure Shell server' },
      { label: 'redis', value: 'no such unit' },
    ]);
    expect(collected.data).toMatchObject({ failed: 1, down: 3 });
    expectDataAsDeclared(services, collected.data);
  });

  it('with `units`: one inactive unit is named on the line, a warning; all running is quiet', async () => {
    fakeSystemctl(WATCHED);
    const one = await services.collect(moduleContext(services, tree, { units: ['ssh'] }, env), undefined);
    expect(one.reading).toMatchObject({ text: 'ssh inactive', state: 'warning' });
    const running = await services.collect(moduleContext(services, tree, { units: ['nginx.service'] }, env), undefined);
    expect(running.reading).toBeNull();
  });

  it('refuses a watched unit that would read as a systemctl option', async () => {
    const { Compile } = await import('typebox/compile');
    const check = Compile(services.options.schema as never);
    expect(check.Check({ units: ['--user'] })).toBe(false);
    expect(check.Check({ units: ['nginx.service'] })).toBe(true);
  });

  it('a systemctl that never answers: the collect fails when the host gives up, and the process is killed', async () => {
    fakeSystemctl('hang');
    const result = await runWithTimeout((signal) => services.collect({ ...moduleContext(services, tree, {}, env), signal }, undefined), 500);
    expect(result).toMatchObject({ ok: false, timedOut: true });
    const pid = Number(readFileSync(join(bin, 'systemctl.pid'), 'utf8'));
    // Killed by the host's abort, not left for the module's own 10 s limit or its 600 s sleep.
    await waitFor(`systemctl (pid ${pid}) to be killed`, () => gone(pid), 5000);
  });

  it('a systemctl that fails says why', async () => {
    writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\necho "System has not been booted with systemd as init system (PID 1). Can\'t operate." >&2\nexit 1\n');
    chmodSync(join(bin, 'systemctl'), 0o755);
    await expect(services.collect(moduleContext(services, tree, {}, env), undefined)).rejects.toThrow(
      "systemctl list-units failed (1): System has not been booted with systemd as init system (PID 1). Can't operate.",
    );
  });
});
