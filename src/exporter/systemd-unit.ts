/**
 * `shoji exporter --systemd-unit`: a systemd service running this shoji's exporter, for servers
 * without tmux. Installed with:
 *
 *   shoji exporter --systemd-unit | sudo tee /etc/systemd/system/shoji-exporter.service
 *   sudo systemctl daemon-reload
 *   sudo systemctl enable --now shoji-exporter
 *
 * Hardened as systemd's own services are: a user made for it at start (DynamicUser), a
 * read-only system, no home folders, no capabilities, no privilege gain, only the network
 * families it uses, the @system-service set of system calls. Left out on purpose, because
 * shoji would stop working: MemoryDenyWriteExecute (V8 compiles JavaScript to machine code),
 * ProtectProc=invisible and ProcSubset=pid (the processes, cpu and memory modules read all of
 * /proc), PrivateNetwork and IPAddressDeny (Prometheus must reach it, ec2-cost must reach IMDS).
 *
 * Where shoji keeps things: config in /etc/shoji (ConfigurationDirectory, read-only), state in
 * StateDirectory, cache in CacheDirectory, runtime files in /run/shoji. With DynamicUser,
 * systemd makes /var/lib/shoji and /var/cache/shoji links into /var/lib/private and
 * /var/cache/private, and shoji refuses a state folder that is a link (core/trust.ts), so the
 * XDG variables point at the real folders.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ConfigProblem } from '../core/config-schema.js';
import { packageRoot } from '../core/package-root.js';
import { escapeControl } from '../render/sanitize.js';
import { readWebConfig } from './web-config.js';

export interface UnitOptions {
  /** `--listen` as given (or the default). */
  listen: string;
  /** Absolute path of the web config, if any. */
  webConfigFile?: string;
  /** The node binary and shoji's bin/shoji (tests pass their own). */
  node?: string;
  shoji?: string;
}

export interface Unit {
  text: string;
  /** Something the operator should know before installing it, or none. */
  warnings: string[];
}

/** Folders ProtectHome=yes hides from the service. */
const HOME_FOLDERS = ['/home/', '/root/', '/run/user/'];
/** Folders PrivateTmp=yes replaces with the service's own, empty ones. */
const TMP_FOLDERS = ['/tmp/', '/var/tmp/'];

/**
 * Why the service could not read `file` (the web config, or a file it names), or null. Its
 * real path counts too: a link in /etc/shoji to a file in /home is as hidden as the file.
 */
export function hiddenFromService(file: string): string | null {
  let real = file;
  try {
    real = realpathSync(file);
  } catch {
    // missing: said elsewhere
  }
  for (const path of new Set([file, real])) {
    const tmp = TMP_FOLDERS.find((f) => path.startsWith(f));
    if (tmp) return `${path} is under ${tmp.slice(0, -1)}, which the service cannot see (it gets a private one, PrivateTmp=yes)`;
    const home = HOME_FOLDERS.find((f) => path.startsWith(f));
    if (home) return `${path} is under ${home.slice(0, -1)}, which the service cannot see (ProtectHome=yes hides it)`;
  }
  return null;
}

const PUT_IT = 'put it in /etc/shoji/ (the service reads its config there), e.g. /etc/shoji/web.yml';

/**
 * Check the web config a unit will name as the service will meet it: there, where the service
 * can see it, valid, and its certificate, key and CA files also where the service can see them.
 * Throws an Error (or ConfigError) saying what to do; returns what guards the exporter.
 */
export function checkUnitWebConfig(file: string): { tls: boolean; password: boolean } {
  if (!existsSync(file)) throw new Error(`--web-config-file ${escapeControl(file)}: no such file; write it first, and ${PUT_IT}`);
  const hidden = hiddenFromService(file);
  if (hidden) throw new Error(`--web-config-file: ${escapeControl(hidden)}; ${PUT_IT}`);
  const web = readWebConfig(file);
  const problems: ConfigProblem[] = [];
  const tls = web.tls;
  if (tls) {
    for (const [key, source] of [
      ['cert_file', tls.cert],
      ['key_file', tls.key],
      ['client_ca_file', tls.clientCa],
    ] as const) {
      const why = source && 'file' in source ? hiddenFromService(source.file) : null;
      if (why) problems.push({ file, ...tls.positions[key], key: `tls_server_config.${key}`, message: `${escapeControl(why)}; put it in /etc/shoji/` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { tls: tls !== undefined, password: web.users.size > 0 };
}

export function systemdUnit(o: UnitOptions): Unit {
  const node = o.node ?? process.execPath;
  const shoji = o.shoji ?? join(packageRoot(), 'bin', 'shoji');
  const args = [node, shoji, 'exporter', '--listen', o.listen, ...(o.webConfigFile ? ['--web-config-file', o.webConfigFile] : [])];
  const warnings: string[] = [];
  const inHome = [node, shoji].filter((p) => HOME_FOLDERS.some((h) => p.startsWith(h)));
  for (const p of inHome) {
    if (p.startsWith('/root/'))
      warnings.push(
        `${p} is under /root, which the service's own user cannot read: install Node and shoji outside /root (a system package of Node, \`npm install -g\` as root)`,
      );
  }
  const protectHome = inHome.length > 0 ? 'read-only' : 'yes';
  const lines = [
    '# shoji exporter: this host as Prometheus metrics (written by `shoji exporter --systemd-unit`).',
    '#   shoji exporter --systemd-unit | sudo tee /etc/systemd/system/shoji-exporter.service',
    '#   sudo systemctl daemon-reload',
    '#   sudo systemctl enable --now shoji-exporter',
    '[Unit]',
    'Description=shoji exporter: this host as Prometheus metrics',
    `Documentation=file:${join(packageRoot(), 'docs', 'exporter.md')}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=exec',
    `ExecStart=${args.map(quoteArg).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=5s',
    '# A user made for the service when it starts: it owns nothing else and can write nowhere else.',
    'DynamicUser=yes',
    'ConfigurationDirectory=shoji',
    'StateDirectory=shoji',
    'CacheDirectory=shoji',
    'RuntimeDirectory=shoji',
    '# The real folders: with DynamicUser, /var/lib/shoji and /var/cache/shoji are links, which shoji refuses.',
    'Environment=XDG_CONFIG_HOME=/etc XDG_STATE_HOME=/var/lib/private XDG_CACHE_HOME=/var/cache/private XDG_RUNTIME_DIR=/run',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ProtectHome=${protectHome}`,
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RemoveIPC=yes',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    '# AF_NETLINK: Node lists network interfaces through it.',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
    'SystemCallArchitectures=native',
    'SystemCallFilter=@system-service',
    'SystemCallErrorNumber=EPERM',
    'UMask=0077',
    'MemoryMax=256M',
    'TasksMax=128',
    '# Not MemoryDenyWriteExecute (V8 compiles JavaScript at run time), nor ProtectProc=invisible or',
    '# ProcSubset=pid (the processes, cpu and memory modules read all of /proc).',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return { text: lines.join('\n'), warnings };
}

/**
 * One ExecStart argument as systemd reads it: quoted when it holds a space or a quote, `%` and
 * `$` doubled (specifiers and variables are expanded otherwise).
 */
export function quoteArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (!/[\s"'\\;]/.test(escaped) && escaped !== '') return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
