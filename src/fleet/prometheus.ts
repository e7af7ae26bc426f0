/**
 * A small client for Prometheus's HTTP API (/api/v1/query and /api/v1/query_range), on
 * node:http and node:https: they load in a few milliseconds where fetch pulls in undici, and
 * they let a request be cut off byte-exactly at the size cap.
 *
 * Every request has a timeout and honours the caller's AbortSignal; its answer is read up to
 * MAX_RESPONSE_BYTES and no further; the JSON is checked before anything trusts it. Whatever goes
 * wrong (refused, timed out, a redirect, an HTML page, a 500 with Prometheus's error JSON,
 * garbage) ends as one PrometheusError whose message is one line naming the URL, with text from
 * the server escaped (src/render/sanitize.ts) so it cannot drive the terminal.
 *
 * Credentials never come from argv: a bearer token from a file or SHOJI_PROMETHEUS_TOKEN, or a
 * basic-auth user with a password from a file or SHOJI_PROMETHEUS_PASSWORD.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { escapeControl } from '../render/sanitize.js';
import type { PrometheusTarget } from './model.js';

/** Past this an answer is refused: 1,000 hosts' rows take well under 1 MiB. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest piece of a server's own text (an error message, a body) quoted in a message. */
const QUOTED_CHARS = 200;

/** Why a request to Prometheus failed: one line, naming the URL, safe to print. */
export class PrometheusError extends Error {
  override name = 'PrometheusError';
  constructor(
    /** The base URL, credentials left out. */
    readonly url: string,
    /** What happened, already escaped. */
    readonly reason: string,
  ) {
    super(`Prometheus ${url}: ${reason}`);
  }
}

/** By name, not instanceof: a lazily loaded bundle may carry its own copy of the class. */
export function isPrometheusError(err: unknown): err is PrometheusError {
  return err instanceof Error && err.name === 'PrometheusError';
}

/** One sample of an instant vector. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range query. */
export interface MatrixSeries {
  metric: Record<string, string>;
  /** [Unix seconds, value] pairs, oldest first. */
  values: [number, number][];
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A server's text as a message may quote it: control characters escaped, cut short. */
export function quoted(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return escapeControl(one.length > QUOTED_CHARS ? `${one.slice(0, QUOTED_CHARS)}...` : one);
}

/** The base URL, checked: http or https, no credentials in it, no query; a trailing / dropped. */
export function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PrometheusError(quoted(text), 'not a URL (expected http://host:9090 or https://...)');
  }
  const shown = shownUrl(url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PrometheusError(shown, `unsupported scheme ${quoted(url.protocol)} (http or https)`);
  if (url.username || url.password) {
    throw new PrometheusError(
      shown,
      'credentials in the URL: use bearer_token_file, or username and password_file (or SHOJI_PROMETHEUS_TOKEN / SHOJI_PROMETHEUS_PASSWORD)',
    );
  }
  if (url.search || url.hash) throw new PrometheusError(shown, 'the URL must not carry a query or fragment');
  return url;
}

/** The base URL's path without its trailing slashes: "" or "/prometheus". */
function basePath(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}

/** The base URL as messages and JSON show it. */
export function shownUrl(url: URL): string {
  return quoted(`${url.protocol}//${url.host}${basePath(url)}`);
}

function readSecret(file: string, what: string, url: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new PrometheusError(url, `cannot read the ${what} file ${quoted(file)} (${quoted(String(code))})`);
  }
  const secret = text.trim();
  if (secret === '') throw new PrometheusError(url, `the ${what} file ${quoted(file)} is empty`);
  if (/[\r\n]/.test(secret)) throw new PrometheusError(url, `the ${what} file ${quoted(file)} holds more than one line`);
  return secret;
}

/**
 * The Authorization header for the target: a bearer token (its file, else SHOJI_PROMETHEUS_TOKEN),
 * or basic auth when a username is set (the password from its file, else
 * SHOJI_PROMETHEUS_PASSWORD); none when nothing is set.
 */
export function authorization(target: PrometheusTarget, env: NodeJS.ProcessEnv, url: string): string | undefined {
  if (target.bearerTokenFile && target.username) {
    throw new PrometheusError(url, 'both bearer_token_file and username are set: use one way to sign in');
  }
  if (target.bearerTokenFile) return `Bearer ${readSecret(target.bearerTokenFile, 'bearer token', url)}`;
  if (target.username) {
    if (target.username.includes(':')) throw new PrometheusError(url, 'the username must not contain ":"');
    const password = target.passwordFile ? readSecret(target.passwordFile, 'password', url) : env.SHOJI_PROMETHEUS_PASSWORD;
    if (!password) throw new PrometheusError(url, `username ${quoted(target.username)} is set but no password: set password_file or SHOJI_PROMETHEUS_PASSWORD`);
    return `Basic ${Buffer.from(`${target.username}:${password}`).toString('base64')}`;
  }
  const token = env.SHOJI_PROMETHEUS_TOKEN?.trim();
  return token ? `Bearer ${token}` : undefined;
}

/** What a socket error says, in words. */
function networkReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is Prometheus running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${err.code})`;
    case 'ECONNRESET':
      return 'connection reset before an answer';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `unreachable (${err.code})`;
    default:
      return quoted(err.code ? `${err.code}: ${err.message}` : err.message);
  }
}

interface RawAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** POST a form to base+path; the answer's status, headers and body (at most MAX_RESPONSE_BYTES). */
async function post(base: URL, path: string, form: URLSearchParams, auth: string | undefined, o: RequestOptions): Promise<RawAnswer> {
  const shown = shownUrl(base);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { request } = base.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const body = form.toString();
  return new Promise<RawAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      reject(new PrometheusError(shown, reason));
    };
    const onAbort = () => fail('cancelled');
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    };
    const req = request(
      new URL(`${basePath(base)}${path}`, base),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
          'user-agent': 'shoji-fleet',
          ...(auth ? { authorization: auth } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) return fail(`answer larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB: refused (narrow the fleet with --match)`);
          chunks.push(chunk);
        });
        res.on('error', (err) => fail(networkReason(err)));
        res.on('close', () => {
          if (!res.complete) fail('connection closed in the middle of the answer');
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => fail(networkReason(err)));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Prometheus's envelope, checked: the `data` of a success, else the reason it failed. */
function unwrap(answer: RawAnswer, shown: string): unknown {
  const { status, headers, body } = answer;
  if (status >= 300 && status < 400) {
    const to = headers.location ? ` to ${quoted(String(headers.location))}` : '';
    throw new PrometheusError(shown, `HTTP ${status}: redirects${to} (give the URL Prometheus answers on)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const type = headers['content-type'] ? `${quoted(String(headers['content-type']).split(';')[0])}` : 'no content type';
    const what = /^\s*</.test(body) ? 'an HTML page' : body.trim() === '' ? 'an empty answer' : `${type}: "${quoted(body)}"`;
    const hint = status === 401 || status === 403 ? ' (check the credentials)' : status === 404 ? ' (is this the Prometheus URL?)' : '';
    throw new PrometheusError(shown, `HTTP ${status}: not Prometheus's JSON but ${what}${hint}`);
  }
  if (!isObject(parsed) || (parsed.status !== 'success' && parsed.status !== 'error')) {
    throw new PrometheusError(shown, `HTTP ${status}: JSON that is not a Prometheus API answer: "${quoted(body)}"`);
  }
  if (parsed.status === 'error') {
    const type = typeof parsed.errorType === 'string' ? `${quoted(parsed.errorType)}: ` : '';
    const error = typeof parsed.error === 'string' ? quoted(parsed.error) : 'no reason given';
    throw new PrometheusError(shown, `HTTP ${status}: ${type}${error}`);
  }
  if (status < 200 || status >= 300) throw new PrometheusError(shown, `HTTP ${status} with a success answer`);
  return parsed.data;
}

/** A sample value as Prometheus writes it ("1.5", "NaN", "+Inf"): a number, or null when not a number. */
function sampleValue(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const n = v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
  return Number.isNaN(n) && v !== 'NaN' ? null : n;
}

function labels(v: unknown): Record<string, string> | null {
  if (!isObject(v)) return null;
  for (const value of Object.values(v)) if (typeof value !== 'string') return null;
  return v as Record<string, string>;
}

function pair(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') return null;
  const value = sampleValue(v[1]);
  return value === null ? null : [v[0], value];
}

function badShape(shown: string, what: string): PrometheusError {
  return new PrometheusError(shown, `an answer of the wrong shape: ${what}`);
}

/** A checked client for one Prometheus. */
export interface PrometheusClient {
  /** The base URL as messages show it. */
  readonly url: string;
  /** An instant query; `time` in Unix seconds (default: the server's now). */
  query(promql: string, time?: number): Promise<VectorSample[]>;
  queryRange(promql: string, start: number, end: number, stepSeconds: number): Promise<MatrixSeries[]>;
  /** How many requests it has made. */
  readonly requests: number;
}

/** A client for the target; throws PrometheusError for a bad URL or unreadable credentials. */
export function prometheusClient(target: PrometheusTarget, o: RequestOptions & { env?: NodeJS.ProcessEnv } = {}): PrometheusClient {
  const base = parseBaseUrl(target.url);
  const shown = shownUrl(base);
  const auth = authorization(target, o.env ?? process.env, shown);
  let requests = 0;
  const ask = async (path: string, form: URLSearchParams) => {
    requests++;
    return unwrap(await post(base, path, form, auth, o), shown);
  };
  return {
    url: shown,
    get requests() {
      return requests;
    },
    async query(promql, time) {
      const form = new URLSearchParams({ query: promql });
      if (time !== undefined) form.set('time', String(time));
      const data = await ask('/api/v1/query', form);
      if (!isObject(data) || !Array.isArray(data.result)) throw badShape(shown, 'no data.result list');
      if (data.resultType !== 'vector') throw badShape(shown, `resultType ${quoted(String(data.resultType))}, expected vector`);
      return data.result.map((s: unknown) => {
        const metric = isObject(s) ? labels(s.metric) : null;
        const value = isObject(s) ? pair(s.value) : null;
        if (!metric || !value) throw badShape(shown, `a sample "${quoted(JSON.stringify(s))}"`);
        return { metric, value: value[1] };
      });
    },
    async queryRange(promql, start, end, stepSeconds) {
      const form = new URLSearchParams({ query: promql, start: String(start), end: String(end), step: String(stepSeconds) });
      const data = await ask('/api/v1/query_range', form);
      if (!isObject(data) || !Array.isArray(data.result)) throw badShape(shown, 'no data.result list');
      if (data.resultType !== 'matrix') throw badShape(shown, `resultType ${quoted(String(data.resultType))}, expected matrix`);
      return data.result.map((s: unknown) => {
        const metric = isObject(s) ? labels(s.metric) : null;
        const values = isObject(s) && Array.isArray(s.values) ? s.values.map(pair) : null;
        if (!metric || !values || values.some((v) => v === null)) throw badShape(shown, `a series "${quoted(JSON.stringify(s))}"`);
        return { metric, values: values as [number, number][] };
      });
    },
  };
}
