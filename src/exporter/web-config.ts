/**
 * The web configuration file of `shoji exporter --web-config-file FILE`: the format Prometheus
 * exporters share (prometheus/exporter-toolkit, its web configuration document), so an operator reuses
 * the file node_exporter already has:
 *
 *   tls_server_config: cert_file/cert, key_file/key, client_auth_type, client_ca_file/client_ca,
 *                      client_allowed_sans, min_version, max_version, prefer_server_cipher_suites
 *   http_server_config: headers (the five exporter-toolkit allows), http2 (accepted, ignored:
 *                       shoji serves HTTP/1.1, which is what Prometheus scrapes with)
 *   basic_auth_users: user -> bcrypt hash
 *   rate_limit: interval, burst
 *
 * Problems are reported as the config's are (file:line:column: key: message), and a key
 * exporter-toolkit does not know is an error, as there (it unmarshals strictly). Two of its keys
 * are refused by name, since they take Go's names for things Node calls otherwise:
 * cipher_suites and curve_preferences (Node's defaults are used: TLS 1.2+ with modern suites).
 *
 * Relative file names are taken from the web config file's folder, as exporter-toolkit does.
 * Files that decide who gets in are checked like a plugin (core/trust.ts's runnableProblem: owned
 * by you or root, not writable by group or others, nor any folder above them); the private key
 * must also not be readable by others: such a key is refused, as OpenSSH refuses one, rather
 * than served with a warning, because anyone on the host could already impersonate the exporter.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { ConfigError, type ConfigProblem } from '../core/config-schema.js';
import { runnableProblem } from '../core/trust.js';
import { escapeControl } from '../render/sanitize.js';

/** A web config is a few lines; a bigger file is a mistake (or an attack on the parser). */
const MAX_BYTES = 256 * 1024;

/** exporter-toolkit's client_auth_type values (RequireClientCert is its old name for RequireAnyClientCert). */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** exporter-toolkit's TLS version names, as Node's minVersion/maxVersion spell them. */
const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
type TlsVersion = (typeof TLS_VERSIONS)[keyof typeof TLS_VERSIONS];

/** The response headers exporter-toolkit lets a web config set, with the values it accepts (none listed: any). */
const ALLOWED_HEADERS: Record<string, readonly string[] | null> = {
  'Strict-Transport-Security': null,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': null,
  'Content-Security-Policy': null,
};

/** A bcrypt hash as htpasswd -B, Go's bcrypt and bcryptjs write it: $2a$, $2b$ or $2y$, cost, 53 characters of salt and hash. */
const BCRYPT_HASH = /^\$2[aby]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;

export interface TlsSettings {
  /** Where each PEM came from: a file (absolute) or the web config itself (inline). */
  cert: PemSource;
  key: PemSource;
  clientCa?: PemSource;
  clientAuth: ClientAuthType;
  clientAllowedSans?: string[];
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  preferServerCipherSuites: boolean;
  /** Where each of the file keys is written in the web config, for a message about its file. */
  positions: Record<string, { line?: number; column?: number }>;
}

export type PemSource = { file: string } | { inline: string };

export interface WebConfig {
  file: string;
  tls?: TlsSettings;
  /** user -> bcrypt hash; empty: no basic auth. */
  users: Map<string, string>;
  headers: Record<string, string>;
  /** A token bucket: one request per intervalMs, bursts of `burst`; absent: no limit. */
  rateLimit?: { intervalMs: number; burst: number };
}

/** What Node's https server and tls.createSecureContext take, read from the files. */
export interface TlsMaterial {
  cert: string;
  key: string;
  ca?: string;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  honorCipherOrder: boolean;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

type Kind = 'string' | 'boolean' | 'int' | 'duration' | 'strings' | 'stringMap' | Section;
interface Section {
  keys: Record<string, Kind>;
  /** exporter-toolkit keys shoji does not take, with why. */
  refused?: Record<string, string>;
}

const TLS_SECTION: Section = {
  keys: {
    cert: 'string',
    key: 'string',
    client_ca: 'string',
    cert_file: 'string',
    key_file: 'string',
    client_auth_type: 'string',
    client_ca_file: 'string',
    client_allowed_sans: 'strings',
    min_version: 'string',
    max_version: 'string',
    prefer_server_cipher_suites: 'boolean',
  },
  refused: {
    cipher_suites:
      "shoji's exporter runs on Node, whose cipher suites have other names; remove it to use Node's defaults (TLS 1.2 and 1.3 with forward secrecy)",
    curve_preferences: "shoji's exporter runs on Node, whose curves have other names; remove it to use Node's defaults",
  },
};

const FILE_SECTION: Section = {
  keys: {
    tls_server_config: TLS_SECTION,
    http_server_config: { keys: { http2: 'boolean', headers: 'stringMap' } },
    basic_auth_users: 'stringMap',
    rate_limit: { keys: { interval: 'duration', burst: 'int' } },
  },
};

/** Read and check a web config file; throws ConfigError naming every problem found. */
export function readWebConfig(file: string): WebConfig {
  const path = resolve(file);
  const trust = runnableProblem(path, dirname(path));
  if (trust) throw new ConfigError([{ file: path, message: `refusing it: ${escapeControl(trust)} (it decides who may read the metrics)` }]);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_BYTES) throw new ConfigError([{ file: path, message: `the file is ${size} bytes; a web config may be at most ${MAX_BYTES}` }]);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([{ file: path, message: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseWebConfig(text, path);
}

/** Check a web config's text (`file` names it in messages and anchors relative paths). */
export function parseWebConfig(text: string, file: string): WebConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const at = (node: Node | null | undefined): { line?: number; column?: number } => {
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const pos = lc.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const problems: ConfigProblem[] = [];
  const problem = (node: Node | null | undefined, key: string | undefined, message: string) =>
    problems.push({ file, ...at(node), ...(key ? { key } : {}), message });
  for (const err of doc.errors) {
    const pos = lc.linePos(err.pos[0]);
    problems.push({ file, line: pos.line, column: pos.col, message: escapeControl(err.message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '')) });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const values = new Map<string, { node: Node; value: unknown }>();
  const root = doc.contents;
  // An empty file is a valid web config: plain HTTP, nobody asked for a password (as exporter-toolkit).
  if (root && !(isScalar(root) && root.value === null)) walk(root as Node, FILE_SECTION, '', values, problem);
  if (problems.length > 0) throw new ConfigError(problems);

  const get = <T>(key: string): T | undefined => values.get(key)?.value as T | undefined;
  const nodeOf = (key: string) => values.get(key)?.node;
  const folder = dirname(file);

  const users = new Map<string, string>();
  for (const [name, hash] of Object.entries(get<Record<string, string>>('basic_auth_users') ?? {})) {
    const cost = BCRYPT_HASH.exec(hash)?.[1];
    if (cost === undefined) {
      problem(
        nodeOf(`basic_auth_users.${name}`),
        `basic_auth_users.${escapeControl(name)}`,
        'must be a bcrypt hash ($2y$10$... as `htpasswd -nBC 10 "" | tr -d \':\\n\'` prints it), never the password itself',
      );
    } else if (Number(cost) < 4 || Number(cost) > 31) {
      problem(nodeOf(`basic_auth_users.${name}`), `basic_auth_users.${escapeControl(name)}`, `its bcrypt cost is ${cost}; bcrypt's run from 04 to 31`);
    } else users.set(name, hash);
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(get<Record<string, string>>('http_server_config.headers') ?? {})) {
    const key = `http_server_config.headers.${escapeControl(name)}`;
    if (!Object.hasOwn(ALLOWED_HEADERS, name)) {
      problem(nodeOf(`http_server_config.headers.${name}`), key, `this header cannot be set (known: ${Object.keys(ALLOWED_HEADERS).join(', ')})`);
      continue;
    }
    const allowed = ALLOWED_HEADERS[name];
    if (allowed && !allowed.includes(value)) problem(nodeOf(`http_server_config.headers.${name}`), key, `must be one of: ${allowed.join(', ')}`);
    else if (/[\r\n\0]/.test(value)) problem(nodeOf(`http_server_config.headers.${name}`), key, 'must be one line');
    else if (value !== '') headers[name] = value; // blank: unset, as exporter-toolkit says
  }

  let rateLimit: WebConfig['rateLimit'];
  const interval = get<number>('rate_limit.interval');
  const burst = get<number>('rate_limit.burst');
  if (interval && interval > 0) {
    if (!burst || burst < 1) problem(nodeOf('rate_limit.burst') ?? nodeOf('rate_limit'), 'rate_limit.burst', 'must be 1 or more when an interval is set');
    else rateLimit = { intervalMs: interval, burst };
  }

  const tls = values.has('tls_server_config') ? tlsSettings(get, nodeOf, at, folder, problem) : undefined;
  if (problems.length > 0) throw new ConfigError(problems);
  return { file, tls, users, headers, rateLimit };
}

type Problem = (node: Node | null | undefined, key: string | undefined, message: string) => void;

/** Check one mapping against its section, recording every value (by dotted key) for the checks above. */
function walk(node: Node, section: Section, prefix: string, out: Map<string, { node: Node; value: unknown }>, problem: Problem, sectionKey?: Node): void {
  const where = prefix.slice(0, -1);
  if (!isMap(node)) {
    problem(
      node,
      where || undefined,
      prefix ? 'must be a mapping of keys' : `the web config must be a mapping of keys (${Object.keys(section.keys).join(', ')})`,
    );
    return;
  }
  // A section is pointed at by its key: a problem about what it lacks is reported there.
  out.set(where, { node: sectionKey ?? node, value: true });
  for (const pair of node.items as Pair<Node, Node>[]) {
    const keyNode = pair.key;
    const name = isScalar(keyNode) ? String(keyNode.value) : '';
    const key = `${prefix}${escapeControl(name)}`;
    const refused = section.refused?.[name];
    const kind = Object.hasOwn(section.keys, name) ? section.keys[name] : undefined;
    if (refused) problem(keyNode, key, `not supported: ${refused}`);
    else if (!kind) problem(keyNode, key, `unknown key (known: ${Object.keys(section.keys).join(', ')})`);
    else {
      const value = pair.value;
      if (value === null || (isScalar(value) && value.value === null)) continue; // `key:` with nothing: the default
      if (typeof kind === 'object') walk(value, kind, `${prefix}${name}.`, out, problem, keyNode);
      else checkValue(value, kind, `${prefix}${name}`, out, problem);
    }
  }
}

function checkValue(node: Node, kind: Exclude<Kind, Section>, key: string, out: Map<string, { node: Node; value: unknown }>, problem: Problem): void {
  const shown = escapeControl(key);
  const scalar = isScalar(node) ? node.value : undefined;
  switch (kind) {
    case 'string':
      if (typeof scalar !== 'string') return void problem(node, shown, 'must be a string');
      out.set(key, { node, value: scalar });
      return;
    case 'boolean':
      if (typeof scalar !== 'boolean') return void problem(node, shown, 'must be true or false');
      out.set(key, { node, value: scalar });
      return;
    case 'int':
      if (typeof scalar !== 'number' || !Number.isSafeInteger(scalar) || scalar < 0) return void problem(node, shown, 'must be a whole number, 0 or more');
      out.set(key, { node, value: scalar });
      return;
    case 'duration': {
      const ms = typeof scalar === 'string' ? goDurationMs(scalar) : scalar === 0 ? 0 : undefined;
      if (ms === undefined) return void problem(node, shown, 'must be a duration such as 1s, 500ms or 1m30s (0: no limit)');
      out.set(key, { node, value: ms });
      return;
    }
    case 'strings': {
      if (!isSeq(node) || !node.items.every((i) => isScalar(i) && typeof i.value === 'string')) return void problem(node, shown, 'must be a list of strings');
      out.set(key, { node, value: node.items.map((i) => String((i as { value: unknown }).value)) });
      return;
    }
    case 'stringMap': {
      if (!isMap(node)) return void problem(node, shown, 'must be a mapping of names to strings');
      const map: Record<string, string> = Object.create(null);
      for (const pair of node.items as Pair<Node, Node>[]) {
        const name = isScalar(pair.key) ? String(pair.key.value) : '';
        const value = isScalar(pair.value) ? pair.value.value : undefined;
        if (name === '' || typeof value !== 'string') {
          problem(pair.value ?? pair.key, `${shown}.${escapeControl(name)}`, 'must be a string');
          continue;
        }
        map[name] = value;
        out.set(`${key}.${name}`, { node: pair.value as Node, value });
      }
      out.set(key, { node, value: map });
    }
  }
}

/** Go's time.ParseDuration, for rate_limit.interval: "1s", "500ms", "1m30s", "1.5h". Milliseconds, or undefined. */
export function goDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * unitMs[m[2]];
    at = part.lastIndex;
  }
  return at > 0 && Number.isFinite(total) ? total : undefined;
}

function tlsSettings(
  get: <T>(key: string) => T | undefined,
  nodeOf: (key: string) => Node | undefined,
  at: (node: Node | undefined) => { line?: number; column?: number },
  folder: string,
  problem: Problem,
): TlsSettings | undefined {
  const section = nodeOf('tls_server_config');
  const source = (inlineKey: string, fileKey: string, what: string, required: boolean): PemSource | undefined => {
    const inline = get<string>(`tls_server_config.${inlineKey}`);
    const file = get<string>(`tls_server_config.${fileKey}`);
    if (inline && file) problem(nodeOf(`tls_server_config.${inlineKey}`), `tls_server_config.${inlineKey}`, `give ${inlineKey} or ${fileKey}, not both`);
    else if (file) return { file: isAbsolute(file) ? file : resolve(folder, file) };
    else if (inline) return { inline };
    else if (required) problem(section, 'tls_server_config', `missing one of ${inlineKey} or ${fileKey}: the ${what}`);
    return undefined;
  };
  const cert = source('cert', 'cert_file', "server's certificate (PEM)", true);
  const key = source('key', 'key_file', "server's private key (PEM)", true);
  const clientCa = source('client_ca', 'client_ca_file', '', false);

  const authName = get<string>('tls_server_config.client_auth_type') ?? 'NoClientCert';
  const clientAuth = (authName === 'RequireClientCert' ? 'RequireAnyClientCert' : authName) as ClientAuthType;
  if (!CLIENT_AUTH_TYPES.includes(clientAuth)) {
    problem(nodeOf('tls_server_config.client_auth_type'), 'tls_server_config.client_auth_type', `must be one of: ${CLIENT_AUTH_TYPES.join(', ')}`);
  } else if (clientCa && clientAuth === 'NoClientCert') {
    problem(
      nodeOf('tls_server_config.client_ca_file') ?? nodeOf('tls_server_config.client_ca'),
      'tls_server_config.client_ca_file',
      "client CAs are given but client_auth_type is NoClientCert: set it to RequireAndVerifyClientCert to check clients' certificates",
    );
  } else if (!clientCa && (clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven')) {
    problem(
      nodeOf('tls_server_config.client_auth_type'),
      'tls_server_config.client_auth_type',
      `${clientAuth} needs client_ca_file (or client_ca): the CAs clients' certificates are checked against`,
    );
  }

  const version = (name: 'min_version' | 'max_version', fallback: keyof typeof TLS_VERSIONS): TlsVersion => {
    const given = get<string>(`tls_server_config.${name}`) ?? fallback;
    if (!Object.hasOwn(TLS_VERSIONS, given)) {
      problem(nodeOf(`tls_server_config.${name}`), `tls_server_config.${name}`, `must be one of: ${Object.keys(TLS_VERSIONS).join(', ')}`);
      return TLS_VERSIONS[fallback];
    }
    return TLS_VERSIONS[given as keyof typeof TLS_VERSIONS];
  };
  const minVersion = version('min_version', 'TLS12');
  const maxVersion = version('max_version', 'TLS13');
  if (minVersion > maxVersion) problem(nodeOf('tls_server_config.min_version'), 'tls_server_config.min_version', 'is above max_version');

  // The names in a certificate nobody verified prove nothing: anyone can sign one naming anything.
  const sans = get<string[]>('tls_server_config.client_allowed_sans');
  if (sans && clientAuth !== 'RequireAndVerifyClientCert' && clientAuth !== 'VerifyClientCertIfGiven') {
    problem(
      nodeOf('tls_server_config.client_allowed_sans'),
      'tls_server_config.client_allowed_sans',
      `needs a client_auth_type that asks for a certificate and verifies it: RequireAndVerifyClientCert, or VerifyClientCertIfGiven, with client_ca_file (${clientAuth} ${clientAuth === 'RequireAnyClientCert' ? 'takes a certificate nobody signed, whatever names it carries' : 'asks for no verified certificate'})`,
    );
  }
  if (!cert || !key) return undefined;
  return {
    cert,
    key,
    clientCa,
    clientAuth,
    ...(sans && { clientAllowedSans: sans }),
    minVersion,
    maxVersion,
    preferServerCipherSuites: get<boolean>('tls_server_config.prefer_server_cipher_suites') ?? true,
    positions: Object.fromEntries(
      ['cert', 'cert_file', 'key', 'key_file', 'client_ca', 'client_ca_file'].map((k) => [k, at(nodeOf(`tls_server_config.${k}`))]),
    ),
  };
}

/**
 * Read the certificate, key and client CAs a web config names, checking the files first (see
 * the top of this file). Throws ConfigError naming the key whose file is refused or unreadable.
 */
export function loadTlsMaterial(config: WebConfig): TlsMaterial {
  const tls = config.tls!;
  const problems: ConfigProblem[] = [];
  const where = (key: string) => ({ file: config.file, ...tls.positions[key], key: `tls_server_config.${key}` });
  const read = (src: PemSource, key: string, secret: boolean): string => {
    if ('inline' in src) {
      if (secret) {
        const why = othersMayRead(config.file);
        if (why) problems.push({ ...where(key), message: `the key is written in ${config.file}, which ${why}` });
      }
      return src.inline;
    }
    const why = runnableProblem(src.file, dirname(src.file)) ?? (secret ? othersMayRead(src.file) : null);
    if (why) {
      problems.push({ ...where(key), message: `refusing ${escapeControl(src.file)}: ${escapeControl(why)}` });
      return '';
    }
    try {
      return readFileSync(src.file, 'utf8');
    } catch (err) {
      problems.push({ ...where(key), message: `cannot read ${escapeControl(src.file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      return '';
    }
  };
  const cert = read(tls.cert, 'file' in tls.cert ? 'cert_file' : 'cert', false);
  const key = read(tls.key, 'file' in tls.key ? 'key_file' : 'key', true);
  const ca = tls.clientCa ? read(tls.clientCa, 'file' in tls.clientCa ? 'client_ca_file' : 'client_ca', false) : undefined;
  if (problems.length > 0) throw new ConfigError(problems);
  const verify = tls.clientAuth === 'RequireAndVerifyClientCert';
  return {
    cert,
    key,
    ...(ca !== undefined && { ca }),
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    honorCipherOrder: tls.preferServerCipherSuites,
    requestCert: tls.clientAuth !== 'NoClientCert',
    // The other policies are enforced once the handshake is done (server.ts): Node has no
    // "require a certificate but do not verify it".
    rejectUnauthorized: verify,
  };
}

/** Why a private key's file could be read by another user, or null. */
function othersMayRead(file: string): string | null {
  try {
    const mode = statSync(file).mode;
    return mode & 0o004 ? `is readable by others (chmod o-r ${file}; anyone on this host could pose as the exporter)` : null;
  } catch (err) {
    return `cannot be checked: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}
