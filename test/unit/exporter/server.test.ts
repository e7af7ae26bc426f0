/**
 * The exporter's HTTP(S) server on a real loopback socket: what it answers (GET and HEAD on two
 * paths), what it refuses (other methods, other paths, oversized headers, wrong or missing
 * passwords, too many requests), that idle and trickling connections cannot keep a scraper out,
 * TLS with and without client certificates (made with openssl), and that failures reach the log
 * once, not per request.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BasicAuth } from '../../../src/exporter/basic-auth.js';
import { LIMITS, type RunningServer, type ServerOptions, startServer } from '../../../src/exporter/server.js';
import { loadTlsMaterial, parseWebConfig } from '../../../src/exporter/web-config.js';
import { basicAuth as basic, get } from '../../helpers/http.js';

const BODY = '# HELP shoji_load1 Load\n# TYPE shoji_load1 gauge\nshoji_load1 0.5\n';

let dir: string;
let env: NodeJS.ProcessEnv;
const servers: RunningServer[] = [];
const sockets: Socket[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-server-'));
  chmodSync(dir, 0o755);
  env = { SHOJI_LOG: join(dir, 'state', 'shoji.log') };
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(o: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const s = await startServer({
    host: '127.0.0.1',
    port: 0,
    env,
    metrics: () => ({ body: BODY, contentType: 'text/plain; version=0.0.4; charset=utf-8' }),
    ...o,
  });
  servers.push(s);
  return s;
}

/** A raw TCP connection to the server, kept in `sockets` for cleanup. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => {});
    s.once('error', reject);
    sockets.push(s);
  });
}

/** What a raw socket receives until the server closes it. */
function readAll(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d) => {
      text += d;
    });
    s.on('close', () => resolve(text));
  });
}

describe('what it answers', () => {
  it('serves /metrics on GET with the exposition and its content type, and a landing page at /', async () => {
    const s = await serve();
    const m = await get(s.url);
    expect(m).toMatchObject({ status: 200, body: BODY });
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(m.headers['x-content-type-options']).toBe('nosniff');
    const landing = await get(s.url.replace('/metrics', '/'));
    expect(landing.status).toBe(200);
    expect(landing.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(landing.body).toContain('<a href="metrics">');
    expect((await get(`${s.url}?name[]=x`)).status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const s = await serve();
    const h = await get(s.url, { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(h.body).toBe('');
  });

  it('passes the Accept header to the exposition (OpenMetrics when the scraper asks)', async () => {
    const seen: (string | undefined)[] = [];
    const s = await serve({
      metrics: (accept) => {
        seen.push(accept);
        return { body: BODY, contentType: 'x' };
      },
    });
    await get(s.url, { headers: { Accept: 'application/openmetrics-text;version=1.0.0' } });
    expect(seen).toEqual(['application/openmetrics-text;version=1.0.0']);
  });

  it('refuses other methods with 405 and Allow, without reading the body, and closes the connection', async () => {
    let scrapes = 0;
    const s = await serve({
      metrics: () => {
        scrapes++;
        return { body: BODY, contentType: 'text/plain' };
      },
    });
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
      const r = await get(s.url, { method, body: method === 'TRACE' ? undefined : 'x=1' });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(r.headers.connection).toBe('close');
    }
    // A body announced as 1 GB and never sent: answered at once, the connection closed.
    const sock = await open(s.port);
    const answer = readAll(sock);
    sock.write(`POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000\r\n\r\n${'y'.repeat(1000)}`);
    expect(await answer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    // A request sent after a refused one on the same connection is never answered: it is closed.
    const pipelined = await open(s.port);
    const both = readAll(pipelined);
    pipelined.write(
      'POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhelloGET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect((await both).match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 405']);
    expect(scrapes).toBe(0);
  });

  it('answers 404 for every other path', async () => {
    const s = await serve();
    for (const path of ['/metrics/', '/metricsx', '/debug/pprof', '/../etc/passwd', '/%2e%2e/etc/passwd', '/favicon.ico']) {
      expect((await get(s.url.replace('/metrics', path))).status, path).toBe(404);
    }
    const sock = await open(s.port);
    const answer = readAll(sock);
    sock.end('GET http://evil.example/metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('refuses a request whose headers pass 8 KiB with 431', async () => {
    const s = await serve();
    expect((await get(s.url, { headers: { 'X-Pad': 'a'.repeat(LIMITS.MAX_HEADER_BYTES) } })).status).toBe(431);
    expect((await get(s.url, { headers: { 'X-Pad': 'a'.repeat(LIMITS.MAX_HEADER_BYTES / 2) } })).status).toBe(200);
  });

  it('adds the headers the web config sets', async () => {
    const s = await serve({ headers: { 'Strict-Transport-Security': 'max-age=60', 'X-Frame-Options': 'deny' } });
    for (const path of ['/metrics', '/', '/nope']) {
      const r = await get(s.url.replace('/metrics', path));
      expect(r.headers['strict-transport-security']).toBe('max-age=60');
      expect(r.headers['x-frame-options']).toBe('deny');
    }
  });

  it('says when the address cannot be had', async () => {
    const s = await serve();
    await expect(serve({ port: s.port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${s.port}: something else is listening there (--listen HOST:PORT picks another)`,
    );
    await expect(serve({ host: '192.0.2.1' })).rejects.toThrow(/cannot listen on 192\.0\.2\.1:0: no interface of this host has that address/);
  });
});

describe('basic auth and rate limits', () => {
  const hash = bcrypt.hashSync('pw', 4);

  it('answers 401 with WWW-Authenticate to a missing or wrong password, 200 to the right one, on every path', async () => {
    const auth = new BasicAuth(new Map([['prom', hash]]));
    const s = await serve({ auth: (h) => auth.check(h) });
    const missing = await get(s.url);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Basic realm="shoji exporter", charset="UTF-8"');
    expect(missing.body).not.toContain('shoji_load1');
    expect((await get(s.url, { headers: { Authorization: basic('prom', 'nope') } })).status).toBe(401);
    expect((await get(s.url, { headers: { Authorization: basic('mallory', 'pw') } })).status).toBe(401);
    expect((await get(s.url.replace('/metrics', '/'))).status).toBe(401);
    expect(await get(s.url, { headers: { Authorization: basic('prom', 'pw') } })).toMatchObject({ status: 200, body: BODY });
  });

  it('a scraper from another address gets its first check in while one address floods the queue with guesses', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const auth = new BasicAuth(new Map([['prom', hash]]), async (password, h) => {
      await gate;
      return bcrypt.compare(password, h);
    });
    let checked = 0;
    const s = await serve({
      auth: (h, client) => {
        checked++;
        return auth.check(h, client);
      },
    });
    const guesses = Array.from({ length: 12 }, (_, i) => get(s.url, { headers: { Authorization: basic('prom', `guess${i}`) } }));
    const checks = (n: number) =>
      new Promise<void>((r) => {
        const poll = setInterval(() => {
          if (checked === n) {
            clearInterval(poll);
            r();
          }
        }, 5);
      });
    // Every guess queued or turned away before the scraper comes; the queue held until it has been checked.
    await checks(guesses.length);
    const scraper = get(s.url, { headers: { Authorization: basic('prom', 'pw') }, localAddress: '127.0.0.2' });
    await checks(guesses.length + 1);
    release();
    expect((await scraper).status).toBe(200);
    const statuses = (await Promise.all(guesses)).map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(2).fill(401), ...Array(10).fill(429)]);
  });

  it('answers 429 past the rate limit', async () => {
    const s = await serve({ rateLimit: { intervalMs: 3_600_000, burst: 2 } });
    expect((await get(s.url)).status).toBe(200);
    expect((await get(s.url)).status).toBe(200);
    const third = await get(s.url);
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('3600');
  });
});

describe('slow and idle clients', () => {
  it('still answers a scrape while 200 idle connections and one trickling its headers are open', async () => {
    const s = await serve();
    const idle = await Promise.all(Array.from({ length: 200 }, () => open(s.port)));
    const slow = await open(s.port);
    slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const trickle = setInterval(() => slow.writable && slow.write('a'), 200);
    try {
      expect(await get(s.url)).toMatchObject({ status: 200, body: BODY });
      // The oldest idle connections were closed to make room; at most the cap stay open.
      const closed = idle.filter((c) => c.destroyed || c.readableEnded).length;
      expect(closed).toBeGreaterThanOrEqual(200 + 1 + 1 - LIMITS.MAX_CONNECTIONS - 1);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes the oldest idle connection for a newcomer, never one whose request is being answered', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    const s = await serve({
      maxConnections: 3,
      metrics: async () => {
        calls++;
        if (calls <= 2) await held;
        return { body: BODY, contentType: 'text/plain' };
      },
    });
    // Two scrapes held in the middle of being answered, one idle connection.
    const busy = [get(s.url), get(s.url)];
    await new Promise<void>((r) => {
      const poll = setInterval(() => {
        if (calls === 2) {
          clearInterval(poll);
          r();
        }
      }, 5);
    });
    const idle = await open(s.port);
    const idleClosed = new Promise<void>((r) => idle.once('close', () => r()));
    // Rejects as soon as a held scrape is cut; never resolves otherwise.
    const busyCut = Promise.race(busy.map((p) => p.then(() => new Promise<never>(() => {}))));
    // A newcomer: the idle one makes room, the busy ones are left alone.
    expect(await get(s.url)).toMatchObject({ status: 200 });
    await Promise.race([idleClosed, busyCut]);
    release();
    expect((await Promise.all(busy)).map((a) => a.status)).toEqual([200, 200]);
  });
});

describe('one request at a time', () => {
  it('closes a connection that pipelines requests, answering one at most and rendering once at most', async () => {
    let scrapes = 0;
    const s = await serve({
      metrics: () => {
        scrapes++;
        return { body: BODY, contentType: 'text/plain' };
      },
    });
    const sock = await open(s.port);
    const answer = readAll(sock);
    sock.write('GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(50));
    expect(((await answer).match(/^HTTP\/1\.1 \d+/gm) ?? []).length).toBeLessThanOrEqual(1);
    expect(scrapes).toBeLessThanOrEqual(1);
    // One after another, each once the last was answered, is fine (keep-alive, as Prometheus does).
    const serial = await open(s.port);
    let text = '';
    serial.on('data', (d) => {
      text += d;
    });
    for (let i = 1; i <= 3; i++) {
      serial.write('GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await new Promise<void>((r) => {
        const poll = setInterval(() => {
          if ((text.match(/shoji_load1 0\.5\n/g) ?? []).length === i) {
            clearInterval(poll);
            r();
          }
        }, 5);
      });
    }
    expect(serial.destroyed).toBe(false);
  });

  it('clients that never read their answers cannot keep a scraper out', async () => {
    // Far more than the kernel's socket buffers hold: each answer stays with the server, unread.
    const big = `${'# pad\n'.repeat((16 * 1024 * 1024) / 6)}${BODY}`;
    let written = 0;
    const s = await serve({
      maxConnections: 3,
      metrics: () => {
        written++;
        return { body: big, contentType: 'text/plain' };
      },
    });
    for (let i = 0; i < 3; i++) {
      const sock = await open(s.port);
      sock.pause();
      sock.write('GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n');
    }
    await new Promise<void>((r) => {
      const poll = setInterval(() => {
        if (written === 3) {
          clearInterval(poll);
          r();
        }
      }, 5);
    });
    const scrape = await get(s.url);
    expect(scrape.status).toBe(200);
    expect(scrape.body.endsWith(BODY)).toBe(true);
  });
});

describe('the Host header', () => {
  const withHost = (url: string, host: string) => get(url, { headers: { Host: host } });

  it('bound to loopback, answers only requests for localhost, 127.x or [::1] (DNS rebinding)', async () => {
    const s = await serve();
    for (const host of ['localhost', 'LOCALHOST:7465', '127.0.0.1', `127.0.0.1:${s.port}`, '127.1.2.3:80', '[::1]', '[::1]:7465']) {
      expect((await withHost(s.url, host)).status, host).toBe(200);
    }
    for (const host of ['evil.example', 'evil.example:7465', 'localhost.evil.example', '127.0.0.1.evil.example', '10.0.0.1', '[::2]:7465']) {
      const r = await withHost(s.url, host);
      expect(r.status, host).toBe(421);
      expect(r.body).toBe('This exporter answers only requests for localhost, 127.0.0.1 or [::1].\n');
    }
    const empty = await open(s.port);
    const refused = readAll(empty);
    empty.write('GET /metrics HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n');
    expect(await refused).toMatch(/^HTTP\/1\.1 421 /);
    // HTTP/1.0 without Host is no browser's: answered.
    const sock = await open(s.port);
    const answer = readAll(sock);
    sock.write('GET /metrics HTTP/1.0\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('bound beyond loopback, answers whatever Host names it', async () => {
    const s = await serve({ host: '0.0.0.0' });
    const r = await get(`http://127.0.0.1:${s.port}/metrics`, { headers: { Host: 'web-1.example:7465' } });
    expect(r).toMatchObject({ status: 200, body: BODY });
  });
});

describe('failures in the log', () => {
  it('logs one line for many failed scrapes, with a count, never a line per request', async () => {
    const s = await serve({
      metrics: () => {
        throw new Error('exposition broke');
      },
    });
    for (let i = 0; i < 5; i++) expect((await get(s.url)).status).toBe(500);
    const lines = readFileSync(env.SHOJI_LOG!, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('exposition broke'))).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/exporter: answering GET \/metrics failed: Error: exposition broke/);
    // Refusals are answers, not failures: nothing logged for them.
    await get(s.url, { method: 'POST' });
    await get(s.url.replace('/metrics', '/x'));
    expect(readFileSync(env.SHOJI_LOG!, 'utf8').trim().split('\n')).toHaveLength(lines.length);
  });
});

describe('TLS', () => {
  let pki: Record<string, string>;

  beforeAll(() => {
    // A CA, a server certificate for 127.0.0.1 it signed, a client certificate it signed, and a stranger's self-signed one.
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test CA']);
    const signed = (name: string, san: string) => {
      run(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
      run([
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
      ]);
    };
    signed('server', 'IP:127.0.0.1');
    signed('client', 'DNS:prometheus.example.com');
    run(['req', '-x509', ...ec, '-keyout', 'stranger.key', '-out', 'stranger.crt', '-days', '2', '-subj', '/CN=stranger']);
    // A stranger's self-signed certificate claiming the name a signed client has.
    const impostor = ['-keyout', 'impostor.key', '-out', 'impostor.crt', '-days', '2', '-subj', '/CN=impostor'];
    run(['req', '-x509', ...ec, ...impostor, '-addext', 'subjectAltName=DNS:prometheus.example.com']);
    for (const f of ['ca.key', 'server.key', 'client.key', 'stranger.key', 'impostor.key']) chmodSync(join(dir, f), 0o600);
    pki = Object.fromEntries(
      ['ca.crt', 'client.crt', 'client.key', 'stranger.crt', 'stranger.key', 'impostor.crt', 'impostor.key'].map((f) => [
        f,
        readFileSync(join(dir, f), 'utf8'),
      ]),
    );
  });

  async function tlsServer(extra: string): Promise<RunningServer> {
    const file = join(dir, 'web.yml');
    const config = parseWebConfig(`tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${extra}`, file);
    const tls = loadTlsMaterial(config);
    return serve({ tls: { ...tls, clientAuth: config.tls!.clientAuth, clientAllowedSans: config.tls!.clientAllowedSans } });
  }

  it('serves https with the configured certificate; plain HTTP gets no metrics', async () => {
    const s = await tlsServer('');
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(await get(s.url, { ca: pki['ca.crt'] })).toMatchObject({ status: 200, body: BODY });
    await expect(get(s.url)).rejects.toThrow(); // not trusted without the CA
    const plain = await get(s.url.replace('https:', 'http:')).catch((e: Error) => ({ status: 0, body: e.message }));
    expect(plain.body).not.toContain('shoji_load1');
  });

  it('RequireAndVerifyClientCert: only clients with a certificate the CA signed get in', async () => {
    const s = await tlsServer('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n');
    expect((await get(s.url, { ca: pki['ca.crt'], cert: pki['client.crt'], key: pki['client.key'] })).status).toBe(200);
    await expect(get(s.url, { ca: pki['ca.crt'] })).rejects.toThrow();
    await expect(get(s.url, { ca: pki['ca.crt'], cert: pki['stranger.crt'], key: pki['stranger.key'] })).rejects.toThrow();
  });

  it('client_allowed_sans: a signed certificate must also carry an allowed name', async () => {
    const allowed = await tlsServer(
      '  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: [prometheus.example.com]\n',
    );
    expect((await get(allowed.url, { ca: pki['ca.crt'], cert: pki['client.crt'], key: pki['client.key'] })).status).toBe(200);
    const other = await tlsServer('  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: [grafana.example.com]\n');
    await expect(get(other.url, { ca: pki['ca.crt'], cert: pki['client.crt'], key: pki['client.key'] })).rejects.toThrow();
  });

  it('never lets allowed names in on a certificate nobody verified, even given a policy the web config refuses', async () => {
    const config = parseWebConfig(
      'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAnyClientCert\n',
      join(dir, 'web.yml'),
    );
    const s = await serve({ tls: { ...loadTlsMaterial(config), clientAuth: 'RequireAnyClientCert', clientAllowedSans: ['prometheus.example.com'] } });
    await expect(get(s.url, { ca: pki['ca.crt'], cert: pki['impostor.crt'], key: pki['impostor.key'] })).rejects.toThrow();
  });

  it('RequireAnyClientCert wants a certificate but not a signed one; VerifyClientCertIfGiven checks one only when given', async () => {
    const any = await tlsServer('  client_auth_type: RequireAnyClientCert\n');
    expect((await get(any.url, { ca: pki['ca.crt'], cert: pki['stranger.crt'], key: pki['stranger.key'] })).status).toBe(200);
    await expect(get(any.url, { ca: pki['ca.crt'] })).rejects.toThrow();
    const ifGiven = await tlsServer('  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n');
    expect((await get(ifGiven.url, { ca: pki['ca.crt'] })).status).toBe(200);
    expect((await get(ifGiven.url, { ca: pki['ca.crt'], cert: pki['client.crt'], key: pki['client.key'] })).status).toBe(200);
    await expect(get(ifGiven.url, { ca: pki['ca.crt'], cert: pki['stranger.crt'], key: pki['stranger.key'] })).rejects.toThrow();
  });
});
