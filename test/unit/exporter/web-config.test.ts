/**
 * The exporter's web config (exporter-toolkit's format): what is accepted, every problem named
 * as file:line:column: key, and the files that decide who gets in held to the trust rules.
 * Real files under a temp dir; certificates made with openssl.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatProblem, isConfigError } from '../../../src/core/config-schema.js';
import { goDurationMs, loadTlsMaterial, parseWebConfig, readWebConfig } from '../../../src/exporter/web-config.js';

const HASH = '$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-webcfg-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The problems of a web config text, formatted as the exporter prints them. */
function problems(text: string): string[] {
  try {
    parseWebConfig(text, '/etc/shoji/web.yml');
  } catch (err) {
    if (!isConfigError(err)) throw err;
    return err.problems.map(formatProblem);
  }
  return [];
}

function write(name: string, text: string, mode = 0o644): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** A self-signed certificate and its key (openssl is on every machine shoji's tests run on). */
function makeCert(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`],
    {
      stdio: 'ignore',
    },
  );
  chmodSync(key, 0o600);
  chmodSync(cert, 0o644);
  return { cert, key };
}

describe('what a web config says', () => {
  it('reads every supported key, relative files from its own folder', () => {
    const c = parseWebConfig(
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: /etc/ssl/private/server.key',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  client_ca_file: ca.crt',
        '  client_allowed_sans: [prometheus.example.com]',
        '  min_version: TLS13',
        '  max_version: TLS13',
        '  prefer_server_cipher_suites: false',
        'http_server_config:',
        '  http2: false',
        '  headers:',
        '    X-Frame-Options: deny',
        '    Strict-Transport-Security: max-age=31536000',
        '    Content-Security-Policy: ""',
        'basic_auth_users:',
        `  alice: ${HASH}`,
        'rate_limit:',
        '  interval: 1m30s',
        '  burst: 20',
        '',
      ].join('\n'),
      '/etc/shoji/web.yml',
    );
    expect(c.tls).toMatchObject({
      cert: { file: '/etc/shoji/server.crt' },
      key: { file: '/etc/ssl/private/server.key' },
      clientCa: { file: '/etc/shoji/ca.crt' },
      clientAuth: 'RequireAndVerifyClientCert',
      clientAllowedSans: ['prometheus.example.com'],
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      preferServerCipherSuites: false,
    });
    expect([...c.users]).toEqual([['alice', HASH]]);
    // A blank header is unset, as exporter-toolkit says.
    expect(c.headers).toEqual({ 'X-Frame-Options': 'deny', 'Strict-Transport-Security': 'max-age=31536000' });
    expect(c.rateLimit).toEqual({ intervalMs: 90_000, burst: 20 });
  });

  it('an empty file is plain HTTP without a password; TLS defaults to 1.2-1.3 and no client certificates', () => {
    expect(parseWebConfig('', '/w.yml')).toMatchObject({ tls: undefined, users: new Map(), headers: {} });
    expect(parseWebConfig('# nothing\n', '/w.yml').tls).toBeUndefined();
    const c = parseWebConfig('tls_server_config:\n  cert: "PEM"\n  key_file: k.pem\n', '/x/w.yml');
    expect(c.tls).toMatchObject({
      cert: { inline: 'PEM' },
      key: { file: '/x/k.pem' },
      clientAuth: 'NoClientCert',
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
    });
    // RequireClientCert is exporter-toolkit's older name for RequireAnyClientCert.
    expect(parseWebConfig('tls_server_config: {cert: a, key: b, client_auth_type: RequireClientCert}\n', '/w.yml').tls?.clientAuth).toBe(
      'RequireAnyClientCert',
    );
  });

  it('names file, line, column and key for unknown keys, as exporter-toolkit refuses them', () => {
    expect(problems('tls_server_config:\n  cert_filse: "server.crt"\n')).toEqual([
      expect.stringMatching(/^\/etc\/shoji\/web\.yml:2:3: tls_server_config\.cert_filse: unknown key \(known: cert, key, client_ca, cert_file, key_file,/),
    ]);
    expect(problems('basic_auth_user:\n  alice: x\n')).toEqual([
      '/etc/shoji/web.yml:1:1: basic_auth_user: unknown key (known: tls_server_config, http_server_config, basic_auth_users, rate_limit)',
    ]);
    expect(problems('- a list\n')).toEqual([
      '/etc/shoji/web.yml:1:1: the web config must be a mapping of keys (tls_server_config, http_server_config, basic_auth_users, rate_limit)',
    ]);
  });

  it("refuses exporter-toolkit's Go-only keys by name, saying what to do", () => {
    expect(problems('tls_server_config:\n  cert: a\n  key: b\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n')).toEqual([
      expect.stringMatching(/^\/etc\/shoji\/web\.yml:4:3: tls_server_config\.cipher_suites: not supported: .*remove it to use Node's defaults/),
    ]);
  });

  it('reports YAML syntax errors and duplicate keys where they are', () => {
    expect(problems('tls_server_config:\n  cert: [a\n')[0]).toMatch(/^\/etc\/shoji\/web\.yml:\d+:\d+: /);
    expect(problems(`basic_auth_users:\n  a: ${HASH}\n  a: ${HASH}\n`)[0]).toMatch(/^\/etc\/shoji\/web\.yml:3:3: .*unique/i);
  });

  it('wants bcrypt hashes, never passwords', () => {
    expect(problems('basic_auth_users:\n  john: doe\n')).toEqual([
      expect.stringMatching(/^\/etc\/shoji\/web\.yml:2:9: basic_auth_users\.john: must be a bcrypt hash/),
    ]);
    expect(problems('basic_auth_users:\n  john: 12\n')).toEqual(['/etc/shoji/web.yml:2:9: basic_auth_users.john: must be a string']);
    for (const prefix of ['$2a$', '$2b$', '$2y$']) expect(problems(`basic_auth_users:\n  j: ${HASH.replace('$2y$', prefix)}\n`)).toEqual([]);
  });

  it("takes only exporter-toolkit's headers, with its values", () => {
    expect(problems('http_server_config:\n  headers:\n    Content-Type: foo\n')).toEqual([
      expect.stringMatching(
        /^\/etc\/shoji\/web\.yml:3:19: http_server_config\.headers\.Content-Type: this header cannot be set \(known: Strict-Transport-Security,/,
      ),
    ]);
    expect(problems('http_server_config:\n  headers:\n    X-Frame-Options: allow\n')).toEqual([
      '/etc/shoji/web.yml:3:22: http_server_config.headers.X-Frame-Options: must be one of: deny, sameorigin',
    ]);
    expect(problems('http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n')).toEqual([]);
  });

  it('checks the TLS settings that go together', () => {
    expect(problems('tls_server_config:\n  key_file: k\n')).toEqual([
      "/etc/shoji/web.yml:1:1: tls_server_config: missing one of cert or cert_file: the server's certificate (PEM)",
    ]);
    expect(problems('tls_server_config:\n  cert_file: c\n  cert: c\n  key: k\n')).toEqual([
      '/etc/shoji/web.yml:3:9: tls_server_config.cert: give cert or cert_file, not both',
    ]);
    expect(problems('tls_server_config: {cert: c, key: k, client_auth_type: Always}\n')[0]).toBe(
      '/etc/shoji/web.yml:1:56: tls_server_config.client_auth_type: must be one of: NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert',
    );
    expect(problems('tls_server_config: {cert: c, key: k, client_ca_file: ca}\n')[0]).toMatch(
      /client_ca_file: client CAs are given but client_auth_type is NoClientCert/,
    );
    expect(problems('tls_server_config: {cert: c, key: k, client_auth_type: RequireAndVerifyClientCert}\n')[0]).toMatch(
      /client_auth_type: RequireAndVerifyClientCert needs client_ca_file \(or client_ca\)/,
    );
    expect(problems('tls_server_config: {cert: c, key: k, min_version: TLS13, max_version: TLS12}\n')).toEqual([
      '/etc/shoji/web.yml:1:51: tls_server_config.min_version: is above max_version',
    ]);
    expect(problems('tls_server_config: {cert: c, key: k, min_version: SSL3}\n')[0]).toMatch(/min_version: must be one of: TLS10, TLS11, TLS12, TLS13/);
    expect(problems('tls_server_config: {cert: c, key: k, client_allowed_sans: [a]}\n')[0]).toMatch(
      /client_allowed_sans: needs a client_auth_type that asks for a certificate/,
    );
  });

  it('refuses client_allowed_sans with a certificate nobody verifies: anyone can make one naming anything', () => {
    expect(
      problems('tls_server_config:\n  cert: c\n  key: k\n  client_auth_type: RequireAnyClientCert\n  client_allowed_sans: [prometheus.example.com]\n'),
    ).toEqual([
      '/etc/shoji/web.yml:5:24: tls_server_config.client_allowed_sans: needs a client_auth_type that asks for a certificate and verifies it: RequireAndVerifyClientCert, or VerifyClientCertIfGiven, with client_ca_file (RequireAnyClientCert takes a certificate nobody signed, whatever names it carries)',
    ]);
    // exporter-toolkit's older name for it too.
    expect(problems('tls_server_config: {cert: c, key: k, client_auth_type: RequireClientCert, client_allowed_sans: [a]}\n')).toHaveLength(1);
    expect(problems('tls_server_config: {cert: c, key: k, client_auth_type: RequestClientCert, client_allowed_sans: [a]}\n')[0]).toMatch(
      /client_allowed_sans: needs a client_auth_type that asks for a certificate and verifies it/,
    );
    for (const auth of ['RequireAndVerifyClientCert', 'VerifyClientCertIfGiven']) {
      expect(problems(`tls_server_config: {cert: c, key: k, client_ca: ca, client_auth_type: ${auth}, client_allowed_sans: [a]}\n`), auth).toEqual([]);
    }
  });

  it('refuses a bcrypt hash whose cost bcrypt cannot take', () => {
    const hash = (cost: string) => `$2y$${cost}$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG`;
    expect(problems(`basic_auth_users:\n  prometheus: ${hash('32')}\n`)).toEqual([
      "/etc/shoji/web.yml:2:15: basic_auth_users.prometheus: its bcrypt cost is 32; bcrypt's run from 04 to 31",
    ]);
    expect(problems(`basic_auth_users:\n  prometheus: ${hash('03')}\n`)).toHaveLength(1);
    expect(problems(`basic_auth_users:\n  prometheus: ${hash('04')}\n  grafana: ${hash('31')}\n`)).toEqual([]);
  });

  it('reads rate_limit as exporter-toolkit does: a Go duration (0: off) and a burst', () => {
    expect(goDurationMs('1s')).toBe(1000);
    expect(goDurationMs('1m30s')).toBe(90_000);
    expect(goDurationMs('1.5h')).toBe(5_400_000);
    expect(goDurationMs('250ms')).toBe(250);
    expect(goDurationMs('0')).toBe(0);
    for (const bad of ['', '1', 's', '1x', '1s2', '-1s']) expect(goDurationMs(bad)).toBeUndefined();
    expect(parseWebConfig('rate_limit: {interval: 0, burst: 5}\n', '/w.yml').rateLimit).toBeUndefined();
    expect(problems('rate_limit: {interval: 1s}\n')).toEqual(['/etc/shoji/web.yml:1:1: rate_limit.burst: must be 1 or more when an interval is set']);
    expect(problems('rate_limit: {interval: soon, burst: 1}\n')[0]).toMatch(/rate_limit\.interval: must be a duration/);
  });
});

describe('the files that decide who gets in', () => {
  it('loads a certificate and key that only their owner can read', () => {
    const { cert, key } = makeCert('server');
    const file = write('web.yml', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n');
    const material = loadTlsMaterial(readWebConfig(file));
    expect(material.cert).toContain('BEGIN CERTIFICATE');
    expect(material.key).toContain('PRIVATE KEY');
    expect(material).toMatchObject({ requestCert: false, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    expect([cert, key]).toHaveLength(2);
  });

  it('refuses a key readable by others, naming the file, the key and the fix', () => {
    const { key } = makeCert('server');
    chmodSync(key, 0o644);
    const file = write('web.yml', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n');
    let message = '';
    try {
      loadTlsMaterial(readWebConfig(file));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `${file}:3:13: tls_server_config.key_file: refusing ${key}: is readable by others (chmod o-r ${key}; anyone on this host could pose as the exporter)`,
    );
    // Group-readable is fine (Debian's ssl-cert group).
    chmodSync(key, 0o640);
    expect(() => loadTlsMaterial(readWebConfig(file))).not.toThrow();
  });

  it('refuses key and CA files others could replace, and a key through a link to one', () => {
    const { key } = makeCert('server');
    const ca = makeCert('ca').cert;
    const file = write(
      'web.yml',
      'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n',
    );
    chmodSync(ca, 0o666);
    expect(() => loadTlsMaterial(readWebConfig(file))).toThrow(/tls_server_config\.client_ca_file: refusing .*ca\.crt: .* is writable by others/);
    chmodSync(ca, 0o644);
    expect(loadTlsMaterial(readWebConfig(file))).toMatchObject({ requestCert: true, rejectUnauthorized: true });

    const elsewhere = join(dir, 'open');
    mkdirSync(elsewhere);
    chmodSync(elsewhere, 0o777);
    const exposed = join(elsewhere, 'server.key');
    writeFileSync(exposed, 'KEY');
    chmodSync(exposed, 0o600);
    symlinkSync(exposed, join(dir, 'linked.key'));
    const linked = write('linked.yml', 'tls_server_config:\n  cert_file: server.crt\n  key_file: linked.key\n');
    expect(() => loadTlsMaterial(readWebConfig(linked))).toThrow(/key_file: refusing .*linked\.key: .*is a symlink to .*open\/server\.key.*writable by others/);
    expect(key).toBeTruthy();
  });

  it('refuses a web config others could edit (it lists who may read the metrics), and an inline key others can read', () => {
    const file = write('web.yml', `basic_auth_users:\n  a: ${HASH}\n`, 0o666);
    expect(() => readWebConfig(file)).toThrow(new RegExp(`^${file}: refusing it: .*writable by others`));
    chmodSync(file, 0o644);
    expect([...readWebConfig(file).users.keys()]).toEqual(['a']);

    const { cert } = makeCert('server');
    const inline = write('inline.yml', `tls_server_config:\n  cert_file: ${cert}\n  key: "secret"\n`, 0o644);
    expect(() => loadTlsMaterial(readWebConfig(inline))).toThrow(/tls_server_config\.key: the key is written in .*inline\.yml, which is readable by others/);
    chmodSync(inline, 0o600);
    expect(loadTlsMaterial(readWebConfig(inline)).key).toBe('secret');
  });

  it('says which file it cannot read', () => {
    const file = write('web.yml', 'tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n');
    expect(() => loadTlsMaterial(readWebConfig(file))).toThrow(/tls_server_config\.cert_file: (cannot read|refusing) .*missing\.crt/);
    expect(() => readWebConfig(join(dir, 'nope.yml'))).toThrow(/nope\.yml: refusing it: cannot check/);
  });
});
