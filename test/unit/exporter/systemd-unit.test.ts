/**
 * `shoji exporter --systemd-unit`: the service's keys (this shoji by absolute path, the hardening,
 * where shoji keeps its files), checked key by key, and by systemd-analyze where it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { formatProblem, isConfigError } from '../../../src/core/config-schema.js';
import { checkUnitWebConfig, hiddenFromService, quoteArg, systemdUnit } from '../../../src/exporter/systemd-unit.js';

/** The [Service] section's keys, each with every value it was given. */
function serviceKeys(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\[.*\]$/.test(line)) section = line;
    else if (section === '[Service]' && /^\w+=/.test(line)) {
      const at = line.indexOf('=');
      keys.set(line.slice(0, at), [...(keys.get(line.slice(0, at)) ?? []), line.slice(at + 1)]);
    }
  }
  return keys;
}

describe('the systemd unit', () => {
  const unit = systemdUnit({ listen: '0.0.0.0:7465', webConfigFile: '/etc/shoji/web config.yml', node: '/usr/bin/node', shoji: '/opt/shoji/bin/shoji' });
  const keys = serviceKeys(unit.text);
  const one = (k: string) => keys.get(k)?.[0];

  it('runs this shoji by absolute path, with the flags given', () => {
    expect(one('ExecStart')).toBe('/usr/bin/node /opt/shoji/bin/shoji exporter --listen 0.0.0.0:7465 --web-config-file "/etc/shoji/web config.yml"');
    expect(unit.text).toMatch(/^\[Unit\]$/m);
    expect(unit.text).toMatch(/^\[Install\]\nWantedBy=multi-user\.target$/m);
    expect(unit.warnings).toEqual([]);
  });

  it('is hardened: its own user, a read-only system, no capabilities, no privilege gain, few address families and system calls', () => {
    expect(Object.fromEntries([...keys].map(([k, v]) => [k, v.join(' | ')]))).toMatchObject({
      DynamicUser: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      NoNewPrivileges: 'yes',
      CapabilityBoundingSet: '',
      AmbientCapabilities: '',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX AF_NETLINK',
      SystemCallFilter: '@system-service',
      SystemCallArchitectures: 'native',
      MemoryMax: '256M',
      PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectControlGroups: 'yes',
      RestrictSUIDSGID: 'yes',
      Restart: 'on-failure',
    });
    // V8 writes the machine code it compiles: this would stop Node.
    expect(keys.has('MemoryDenyWriteExecute')).toBe(false);
    // The processes, cpu and memory modules read all of /proc.
    expect(keys.has('ProtectProc')).toBe(false);
    expect(keys.has('ProcSubset')).toBe(false);
    expect(keys.has('PrivateNetwork')).toBe(false);
  });

  it("keeps shoji's config, state and cache where systemd makes folders for it, pointing at the real folders (not DynamicUser's links)", () => {
    expect(one('ConfigurationDirectory')).toBe('shoji');
    expect(one('StateDirectory')).toBe('shoji');
    expect(one('CacheDirectory')).toBe('shoji');
    expect(one('RuntimeDirectory')).toBe('shoji');
    expect(one('Environment')?.split(' ')).toEqual([
      'XDG_CONFIG_HOME=/etc',
      'XDG_STATE_HOME=/var/lib/private',
      'XDG_CACHE_HOME=/var/cache/private',
      'XDG_RUNTIME_DIR=/run',
    ]);
  });

  it('lets the service read a Node or shoji installed under /home, and warns about one under /root', () => {
    const home = systemdUnit({ listen: '127.0.0.1:7465', node: '/home/ops/.nvm/versions/node/v20/bin/node', shoji: '/opt/shoji/bin/shoji' });
    expect(serviceKeys(home.text).get('ProtectHome')).toEqual(['read-only']);
    const root = systemdUnit({ listen: '127.0.0.1:7465', node: '/usr/bin/node', shoji: '/root/shoji/bin/shoji' });
    expect(root.warnings).toEqual([expect.stringMatching(/^\/root\/shoji\/bin\/shoji is under \/root, which the service's own user cannot read/)]);
  });

  it('quotes ExecStart arguments as systemd reads them', () => {
    expect(quoteArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteArg('a b')).toBe('"a b"');
    expect(quoteArg('50%')).toBe('50%%');
    expect(quoteArg('$HOME')).toBe('$$HOME');
    expect(quoteArg('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quoteArg('')).toBe('""');
  });

  it('passes systemd-analyze verify, where systemd is installed', () => {
    const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync);
    if (!analyze) return; // not a systemd host: the key checks above stand
    const dir = mkdtempSync(join(tmpdir(), 'shoji-unit-'));
    try {
      const file = join(dir, 'shoji-exporter.service');
      // The real node binary and a real file as shoji: verify checks that ExecStart's program exists.
      const real = systemdUnit({ listen: '127.0.0.1:7465', node: process.execPath, shoji: join(process.cwd(), 'bin', 'shoji') });
      writeFileSync(file, real.text);
      const r = spawnSync(analyze, ['verify', file], { encoding: 'utf8' });
      const complaints = `${r.stdout}${r.stderr}`
        .split('\n')
        // A container without systemd running has no bus or units to check against; only the unit's own lines count.
        .filter((l) => l.includes('shoji-exporter.service'));
      expect(complaints).toEqual([]);
      expect(execFileSync(analyze, ['--version'], { encoding: 'utf8' })).toMatch(/systemd/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a web config the unit names', () => {
  it('is refused under a folder the service cannot see: its private /tmp and /var/tmp, and the home folders', () => {
    expect(hiddenFromService('/tmp/ops/web.yml')).toBe('/tmp/ops/web.yml is under /tmp, which the service cannot see (it gets a private one, PrivateTmp=yes)');
    expect(hiddenFromService('/var/tmp/web.yml')).toMatch(/^\/var\/tmp\/web\.yml is under \/var\/tmp, /);
    expect(hiddenFromService('/home/ops/web.yml')).toBe('/home/ops/web.yml is under /home, which the service cannot see (ProtectHome=yes hides it)');
    expect(hiddenFromService('/root/web.yml')).toMatch(/under \/root, /);
    expect(hiddenFromService('/run/user/1000/web.yml')).toMatch(/under \/run\/user, /);
    for (const fine of ['/etc/shoji/web.yml', '/etc/prometheus/web.yml', '/opt/tmp/web.yml', '/tmpfiles/web.yml'])
      expect(hiddenFromService(fine), fine).toBeNull();
  });

  /** A folder the service could see: /dev/shm is not /tmp, and PrivateDevices keeps it. */
  function visibleFolder(): string | undefined {
    if (!existsSync('/dev/shm')) return undefined;
    const dir = mkdtempSync('/dev/shm/shoji-unit-');
    chmodSync(dir, 0o755);
    return dir;
  }

  it('is checked as the service will read it: there, valid, and naming no file the service cannot see', () => {
    const dir = visibleFolder();
    if (!dir) return; // no /dev/shm: the path rules above stand
    const hidden = mkdtempSync('/tmp/shoji-unit-'); // /tmp itself, whatever TMPDIR says
    try {
      expect(() => checkUnitWebConfig(join(dir, 'none.yml'))).toThrow(
        `--web-config-file ${join(dir, 'none.yml')}: no such file; write it first, and put it in /etc/shoji/ (the service reads its config there), e.g. /etc/shoji/web.yml`,
      );
      const web = join(dir, 'web.yml');
      writeFileSync(web, `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('pw', 4)}\n`, { mode: 0o644 });
      expect(checkUnitWebConfig(web)).toEqual({ tls: false, password: true });
      // A link in a visible folder to a file under /tmp is as hidden as the file.
      writeFileSync(join(hidden, 'web.yml'), '', { mode: 0o644 });
      symlinkSync(join(hidden, 'web.yml'), join(dir, 'link.yml'));
      expect(() => checkUnitWebConfig(join(dir, 'link.yml'))).toThrow(/^--web-config-file: .*\/web\.yml is under \/tmp, which the service cannot see/);
      // The files it names, too, each at its line and column.
      const problems = (file: string) => {
        try {
          checkUnitWebConfig(file);
        } catch (err) {
          if (isConfigError(err)) return err.problems.map(formatProblem);
          throw err;
        }
        return [];
      };
      mkdirSync(join(dir, 'tls'), { mode: 0o755 });
      writeFileSync(web, `tls_server_config:\n  cert_file: tls/server.crt\n  key_file: ${join(hidden, 'server.key')}\n`, { mode: 0o644 });
      expect(problems(web)).toEqual([
        `${web}:3:13: tls_server_config.key_file: ${join(hidden, 'server.key')} is under /tmp, which the service cannot see (it gets a private one, PrivateTmp=yes); put it in /etc/shoji/`,
      ]);
      writeFileSync(web, 'tls_server_config:\n  cert_filse: server.crt\n', { mode: 0o644 });
      expect(problems(web)[0]).toMatch(new RegExp(`^${web}:2:3: tls_server_config\\.cert_filse: unknown key`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(hidden, { recursive: true, force: true });
    }
  });
});
