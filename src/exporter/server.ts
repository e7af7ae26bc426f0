/**
 * The exporter's HTTP(S) server: `GET /metrics` and a small landing page at `/`, nothing else.
 *
 * It must be safe to leave listening on a network, so every request is bounded:
 * - GET and HEAD only (405 with Allow otherwise, the body never read); two paths (404 elsewhere);
 *   nothing reachable runs a command or reads a file: a scrape renders what the modules last
 *   published (src/exporter/run.ts), and the text holds measurements only;
 * - request line and headers at most MAX_HEADER_BYTES (431), their arrival within
 *   HEADERS_TIMEOUT_MS and the whole request within REQUEST_TIMEOUT_MS (408), a TLS handshake
 *   within HANDSHAKE_TIMEOUT_MS, an idle socket closed after IDLE_TIMEOUT_MS, a kept-alive one
 *   after KEEP_ALIVE_MS or MAX_REQUESTS_PER_SOCKET requests;
 * - one request at a time per connection: a request that arrives before the previous answer
 *   has been handed to the system (pipelining, which no scraper does) closes the connection
 *   unanswered, so a client sending thousands of requests without reading the answers costs
 *   one answer's memory, not thousands;
 * - at most MAX_CONNECTIONS open at once, and when one more arrives the oldest connection that
 *   is idle is closed to make room, or failing that the oldest whose answer is written and only
 *   waits for its client to read it: idle sockets, clients that trickle their headers a byte at
 *   a time and clients that never read cannot keep a scraper out, however many they open (a
 *   refusal would let them: they would hold every place). A connection whose answer is still
 *   being made is never cut; when all are, the new one is refused;
 * - bound to loopback, only requests naming loopback in Host (localhost, 127.x, [::1]) are
 *   answered (421 otherwise): a web page cannot read the metrics through DNS rebinding;
 * - failures go to the log (src/host/log.ts), one line per kind of failure per minute with a
 *   count of the rest: never a line per request, so a flood cannot fill the disk.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { log } from '../host/log.js';
import type { AuthAnswer } from './basic-auth.js';
import { isLoopback, isLoopbackHost } from './exposure.js';
import type { TlsMaterial } from './web-config.js';

export const LIMITS = {
  MAX_HEADER_BYTES: 8 * 1024,
  HEADERS_TIMEOUT_MS: 5_000,
  CONNECTIONS_CHECK_MS: 15_000,
  REQUEST_TIMEOUT_MS: 10_000,
  HANDSHAKE_TIMEOUT_MS: 5_000,
  IDLE_TIMEOUT_MS: 30_000,
  KEEP_ALIVE_MS: 30_000,
  MAX_REQUESTS_PER_SOCKET: 1_000,
  MAX_CONNECTIONS: 64,
} as const;

/** One line per kind of failure per this long in the log; the rest are counted. */
const LOG_EVERY_MS = 60_000;

export interface MetricsAnswer {
  body: string;
  contentType: string;
}

export interface ServerOptions {
  host: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** The exposition for a scrape with this Accept header: renders the latest readings, never collects. */
  metrics(accept: string | undefined): MetricsAnswer | Promise<MetricsAnswer>;
  /** TLS, when the web config has a tls_server_config (files already read and checked). */
  tls?: TlsMaterial & { clientAuth: string; clientAllowedSans?: string[] };
  /** Checks an Authorization header from a client (its address); absent: no basic auth. */
  auth?: (header: string | undefined, client: string) => Promise<AuthAnswer>;
  /** Extra response headers from the web config. */
  headers?: Record<string, string>;
  rateLimit?: { intervalMs: number; burst: number };
  /** Tests lower the connection cap to reach it cheaply. */
  maxConnections?: number;
}

export interface RunningServer {
  /** The address bound (an IP), its family, the port (the real one when 0 was asked for). */
  address: string;
  family: string;
  port: number;
  /** http(s)://ADDRESS:PORT/metrics */
  url: string;
  close(): Promise<void>;
}

const LANDING_PAGE =
  '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>shoji exporter</title></head>\n' +
  '<body><h1>shoji exporter</h1><p><a href="metrics">Metrics</a></p></body></html>\n';

/** Start listening; resolves once bound, rejects with the reason it could not bind. */
export function startServer(o: ServerOptions): Promise<RunningServer> {
  const complain = throttledLog(o.env);
  const serverOptions = {
    maxHeaderSize: LIMITS.MAX_HEADER_BYTES,
    headersTimeout: LIMITS.HEADERS_TIMEOUT_MS,
    requestTimeout: LIMITS.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: LIMITS.KEEP_ALIVE_MS,
    // How often Node looks for requests past headersTimeout/requestTimeout (default 30 s). Each
    // look wakes the process, scraped or not (half a millisecond of CPU on an idle one), so not
    // every few seconds: a client that never finishes its headers holds one of the
    // MAX_CONNECTIONS slots for at most HEADERS_TIMEOUT_MS + CONNECTIONS_CHECK_MS, unless a
    // newcomer needs its slot first (Connections closes the oldest such one).
    connectionsCheckingInterval: LIMITS.CONNECTIONS_CHECK_MS,
  };
  const server: Server = o.tls
    ? createHttpsServer({ ...serverOptions, ...tlsServerOptions(o.tls), handshakeTimeout: LIMITS.HANDSHAKE_TIMEOUT_MS })
    : createHttpServer(serverOptions);
  server.maxRequestsPerSocket = LIMITS.MAX_REQUESTS_PER_SOCKET;
  server.maxHeadersCount = 100;
  server.setTimeout(LIMITS.IDLE_TIMEOUT_MS); // no 'timeout' listener: Node destroys the socket

  const connections = new Connections(o.maxConnections ?? LIMITS.MAX_CONNECTIONS);
  server.on('connection', (socket: Socket) => connections.add(socket));
  if (o.tls) {
    const tls = o.tls;
    server.on('secureConnection', (socket: TLSSocket) => {
      const why = clientCertProblem(socket, tls);
      if (why) {
        complain('client certificate', `refused a TLS client from ${socket.remoteAddress}: ${why}`);
        socket.destroy();
      }
    });
    server.on('tlsClientError', (err: Error) => complain('tls', `TLS handshake failed: ${err.message}`));
  }

  const bucket = o.rateLimit ? new TokenBucket(o.rateLimit.intervalMs, o.rateLimit.burst) : undefined;
  // Connections told `Connection: close` after a refusal: a request pipelined behind it is dropped unanswered.
  const closing = new WeakSet<Socket>();
  // Set once bound: whether the Host header must name loopback.
  let loopbackOnly = false;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // Node parses every request a client pipelines and would answer them all in turn, each
    // answer held in memory until the client reads: one at a time, or the connection goes.
    if (closing.has(req.socket) || !connections.answering(req.socket, res)) {
      req.socket.destroy();
      return;
    }
    for (const [name, value] of Object.entries(o.headers ?? {})) res.setHeader(name, value);
    if (loopbackOnly && !isLoopbackHost(req.headers.host)) {
      return reply(res, 421, 'This exporter answers only requests for localhost, 127.0.0.1 or [::1].\n');
    }
    handle(req, res, o, bucket, () => closing.add(req.socket)).catch((err: unknown) => {
      complain('scrape', `answering ${req.method} ${req.url?.slice(0, 100)} failed: ${(err as Error)?.stack ?? err}`);
      if (!res.headersSent) reply(res, 500, 'Internal Server Error\n');
      else res.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(bindMessage(err, o.host, o.port))));
    server.listen({ host: o.host === '' ? undefined : o.host, port: o.port }, () => {
      server.on('error', (err) => complain('server', `server error: ${err.message}`));
      const bound = server.address() as { address: string; family: string; port: number };
      loopbackOnly = isLoopback(bound.address);
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      resolve({
        address: bound.address,
        family: bound.family,
        port: bound.port,
        url: `${o.tls ? 'https' : 'http'}://${host}:${bound.port}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, o: ServerOptions, bucket: TokenBucket | undefined, closeAfter: () => void): Promise<void> {
  if (bucket && !bucket.take()) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(bucket.intervalMs / 1000))));
    return reply(res, 429, 'Too Many Requests\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // The body is never read: the connection closes after this answer.
    res.setHeader('Allow', 'GET, HEAD');
    res.setHeader('Connection', 'close');
    closeAfter();
    return reply(res, 405, 'Method Not Allowed\n');
  }
  if (o.auth) {
    const answer = await o.auth(req.headers.authorization, req.socket.remoteAddress ?? '');
    if (answer === 'busy') {
      res.setHeader('Retry-After', '1');
      return reply(res, 429, 'Too Many Requests\n');
    }
    if (answer !== 'ok') {
      res.setHeader('WWW-Authenticate', 'Basic realm="shoji exporter", charset="UTF-8"');
      return reply(res, 401, 'Unauthorized\n');
    }
  }
  const path = (req.url ?? '').split('?')[0];
  if (req.socket.destroyed) return; // cut meanwhile (it pipelined, or made room): nobody to answer
  if (path === '/metrics') {
    const answer = await o.metrics(req.headers.accept);
    return reply(res, 200, answer.body, answer.contentType);
  }
  if (path === '/') return reply(res, 200, LANDING_PAGE, 'text/html; charset=utf-8');
  return reply(res, 404, 'Not Found\n');
}

function reply(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(body); // Node sends no body for HEAD
}

function tlsServerOptions(tls: TlsMaterial) {
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    honorCipherOrder: tls.honorCipherOrder,
    requestCert: tls.requestCert,
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/**
 * What the client-certificate policy says about a finished handshake, for the policies Node's
 * own options cannot express (RequireAnyClientCert, VerifyClientCertIfGiven, allowed SANs).
 */
export function clientCertProblem(socket: TLSSocket, tls: { clientAuth: string; clientAllowedSans?: string[] }): string | null {
  const cert = socket.getPeerCertificate();
  const given = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
  if (tls.clientAuth === 'RequireAnyClientCert' && !given) return 'no client certificate';
  if (tls.clientAuth === 'VerifyClientCertIfGiven' && given && !socket.authorized) return `certificate not trusted (${socket.authorizationError})`;
  if (tls.clientAllowedSans) {
    if (!given) return 'no client certificate';
    // web-config.ts allows names only with a verifying policy; never trust the names of an unverified one.
    if (!socket.authorized) return `certificate not trusted (${socket.authorizationError})`;
    const sans = sanValues(cert.subjectaltname);
    if (!sans.some((s) => tls.clientAllowedSans!.includes(s))) return 'no allowed subject alternative name in its certificate';
  }
  return null;
}

/** Node's "DNS:a, IP Address:1.2.3.4, email:x@y, URI:spiffe://..." as the bare values Go compares. */
function sanValues(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(', ').map((entry) => entry.slice(entry.indexOf(':') + 1).replace(/^"|"$/g, ''));
}

function bindMessage(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (err.code === 'EADDRINUSE') return `cannot listen on ${where}: something else is listening there (--listen HOST:PORT picks another)`;
  if (err.code === 'EACCES') return `cannot listen on ${where}: not allowed (ports below 1024 need privileges)`;
  if (err.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no interface of this host has that address`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `cannot listen on ${where}: the host name does not resolve`;
  return `cannot listen on ${where}: ${err.message}`;
}

interface Connection {
  socket: Socket;
  /** The answer being made or sent on it, until all of it has been handed to the system. */
  answer?: ServerResponse;
}

/**
 * The open connections, oldest first (a Map keeps insertion order), keyed by the peer's address
 * and port: the same for a TLS socket and the TCP socket under it.
 */
class Connections {
  private open = new Map<string, Connection>();

  constructor(private readonly max: number) {}

  add(socket: Socket): void {
    const key = keyOf(socket);
    const entry: Connection = { socket };
    this.open.set(key, entry);
    socket.once('close', () => {
      if (this.open.get(key) === entry) this.open.delete(key);
    });
    if (this.open.size <= this.max) return;
    // Idle first; then one whose answer is all written and only waits for its client to read.
    const idle = (c: Connection) => c.answer === undefined;
    const unread = (c: Connection) => c.answer?.writableEnded === true;
    for (const evictable of [idle, unread]) {
      for (const [k, c] of this.open) {
        if (c !== entry && evictable(c)) {
          this.open.delete(k);
          c.socket.destroy();
          return;
        }
      }
    }
    this.open.delete(key);
    socket.destroy(); // every other one is being answered: this one waits its turn elsewhere
  }

  /**
   * Note a request's answer on its connection; false when one is still under way there (a
   * pipelined request), which the caller refuses by closing the connection.
   */
  answering(socket: Socket, res: ServerResponse): boolean {
    const entry = this.open.get(keyOf(socket));
    if (!entry) return true; // already cut to make room: Node closes it
    if (entry.answer) return false;
    entry.answer = res;
    // 'finish': the last byte is with the system; 'close': the connection went first.
    const done = () => {
      if (entry.answer === res) entry.answer = undefined;
    };
    res.once('finish', done);
    res.once('close', done);
    return true;
  }
}

function keyOf(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}

/** rate_limit's token bucket: `burst` requests at once, then one per intervalMs. */
class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    readonly intervalMs: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.intervalMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** log() at most once per LOG_EVERY_MS per kind, saying how many were left out meanwhile. */
function throttledLog(env: NodeJS.ProcessEnv): (kind: string, message: string) => void {
  const last = new Map<string, { at: number; skipped: number }>();
  return (kind, message) => {
    const now = performance.now();
    const seen = last.get(kind);
    if (seen && now - seen.at < LOG_EVERY_MS) {
      seen.skipped++;
      return;
    }
    const more = seen?.skipped ? ` (and ${seen.skipped} more ${kind} failure${seen.skipped === 1 ? '' : 's'} in the last minute)` : '';
    last.set(kind, { at: now, skipped: 0 });
    log(env, `exporter: ${message}${more}`);
  };
}
