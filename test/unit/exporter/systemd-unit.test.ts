/**
 * `shoji exporter --systemd-unit`: the service's keys (this shoji by absolute path, the hardening,
 * where shoji keeps its files), checked key by key, and by systemd-analyze where it is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteArg, systemdUnit } from '../../../src/exporter/systemd-unit.js';

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
