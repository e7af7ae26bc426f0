/**
 * A small client for Prometheus's HTTP API (/api/v1/query and /api/v1/query_range), on
 * node:http and node:https: they load in a few milliseconds where fetch pulls in undici, and
 * they let a request be cut off byte-exactly at the size cap.
 *
 * Every request has a timeout and honours the caller's AbortSignal; its answer is read up to
 * MAX_RESPONSE_BYTES and no further; the JSON is checked before anything trusts it. Whatever goes
 * wrong (refused, timed out, a redirect, an HTML page, a 500 with Prometheus's error JSON,
 * garbage, JSON nested too deep to walk) ends as one PrometheusError whose message is one line
 * naming the URL, with text from the server escaped (src/render/sanitize.ts) so it cannot drive
 * the terminal, and the credentials taken out of it: a proxy that echoes the Authorization header
 * back must not put the token into stderr, `shoji modules` or shoji.log.
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

/** What stands in for a credential taken out of a server's text. */
const REDACTED = '[redacted]';
/**
 * An Authorization value written out (RFC 6750's token characters, base64's), the scheme kept.
 * Eight characters or more, so "Basic auth" stays readable; our own secrets, of any length, are
 * taken out by their text.
 */
const AUTH_VALUE = /\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi;

/**
 * A server's text without the credentials sent to it: each secret (the token, the password, the
 * header's value) wherever it appears, and any `Bearer ...` or `Basic ...` value. Done before the
 * text is cut short, so no part of a secret survives at the cut.
 */
export function redacted(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: the header's value holds the token.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== '') out = out.split(secret).join(REDACTED);
  }
  return out.replace(AUTH_VALUE, `$1$2${REDACTED}`);
}

/** The base URL, checked: http or https, no credentials in it, no query; a trailing / dropped. */
export function parseBaseUrl(text: string): URL {
  // Without a scheme, `localhost:9090` would parse as the scheme "localhost:": say what is missing.
  const trimmed = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    // host, host:port or host/path: what a scheme in front would make a URL of.
    const hint = /^[^\s/:]+(:\d+)?(\/\S*)?$/.test(trimmed) ? ` (did you mean http://${quoted(trimmed)}?)` : '';
    throw new PrometheusError(quoted(text), `must start with http:// or https://${hint}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PrometheusError(quoted(text), 'not a URL (expected http://host:9090 or https://...)');
  }
  const shown = shownUrl(url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PrometheusError(shown, 'must start with http:// or https://');
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

/** How to sign in to the target: the Authorization header, and the secrets a server's text must never show. */
export interface Credentials {
  header: string | undefined;
  /** The token, the password and the header's value: taken out of anything the server says. */
  secrets: string[];
}

/**
 * The credentials for the target: a bearer token (its file, else SHOJI_PROMETHEUS_TOKEN), or
 * basic auth when a username is set (the password from its file, else
 * SHOJI_PROMETHEUS_PASSWORD); none when nothing is set.
 */
export function credentials(target: PrometheusTarget, env: NodeJS.ProcessEnv, url: string): Credentials {
  if (target.bearerTokenFile && target.username) {
    throw new PrometheusError(url, 'both bearer_token_file and username are set: use one way to sign in');
  }
  const bearer = (token: string): Credentials => ({ header: `Bearer ${token}`, secrets: [token, `Bearer ${token}`] });
  if (target.bearerTokenFile) return bearer(readSecret(target.bearerTokenFile, 'bearer token', url));
  if (target.username) {
    if (target.username.includes(':')) throw new PrometheusError(url, 'the username must not contain ":"');
    const password = target.passwordFile ? readSecret(target.passwordFile, 'password', url) : env.SHOJI_PROMETHEUS_PASSWORD;
    if (!password) throw new PrometheusError(url, `username ${quoted(target.username)} is set but no password: set password_file or SHOJI_PROMETHEUS_PASSWORD`);
    const encoded = Buffer.from(`${target.username}:${password}`).toString('base64');
    return { header: `Basic ${encoded}`, secrets: [password, encoded, `${target.username}:${password}`] };
  }
  const token = env.SHOJI_PROMETHEUS_TOKEN?.trim();
  return token ? bearer(token) : { header: undefined, secrets: [] };
}

/** The Authorization header for the target, or none (credentials() says how it is chosen). */
export function authorization(target: PrometheusTarget, env: NodeJS.ProcessEnv, url: string): string | undefined {
  return credentials(target, env, url).header;
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

/** Statuses that say the URL is some other server's: not found, or a method it does not take (an exporter's /metrics). */
const NOT_PROMETHEUS_STATUS = new Set([404, 405]);

/** Prometheus's envelope, checked: the `data` of a success, else the reason it failed. `say` quotes the server's text. */
function unwrap(answer: RawAnswer, shown: string, say: (text: string) => string): unknown {
  const { status, headers, body } = answer;
  if (status >= 300 && status < 400) {
    const to = headers.location ? ` to ${say(String(headers.location))}` : '';
    throw new PrometheusError(shown, `HTTP ${status}: redirects${to} (give the URL Prometheus answers on)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const type = headers['content-type'] ? `${say(String(headers['content-type']).split(';')[0])}` : 'no content type';
    const html = /^\s*</.test(body);
    const what = html ? 'an HTML page' : body.trim() === '' ? 'an empty answer' : `${type}: "${say(body)}"`;
    // node_exporter's page, an exporter's 405 to a POST, a 404: the URL of something else.
    const elsewhere = html || NOT_PROMETHEUS_STATUS.has(status);
    const hint = status === 401 || status === 403 ? ' (check the credentials)' : elsewhere ? ' (is this the Prometheus URL?)' : '';
    throw new PrometheusError(shown, `HTTP ${status}: not Prometheus's JSON but ${what}${hint}`);
  }
  if (!isObject(parsed) || (parsed.status !== 'success' && parsed.status !== 'error')) {
    throw new PrometheusError(shown, `HTTP ${status}: JSON that is not a Prometheus API answer: "${say(body)}"`);
  }
  if (parsed.status === 'error') {
    const type = typeof parsed.errorType === 'string' ? `${say(parsed.errorType)}: ` : '';
    const error = typeof parsed.error === 'string' ? say(parsed.error) : 'no reason given';
    throw new PrometheusError(shown, `HTTP ${status}: ${type}${error}`);
  }
  if (status < 200 || status >= 300) throw new PrometheusError(shown, `HTTP ${status} with a success answer`);
  return parsed.data;
}

/**
 * A sample value as Prometheus writes it (Go's shortest decimal form: "1.5", "1e-07", "NaN",
 * "+Inf", "-Inf"): a number, or null for anything else ("", "0x10", " 1", "1_000"), which
 * JavaScript's Number() would have read as 0, 16 or 1.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
export function sampleValue(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  if (v === 'NaN') return Number.NaN;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return DECIMAL.test(v) ? Number(v) : null;
}

/*
 * The checks below allocate nothing: they run once per sample (10,000 at 1,000 hosts), right after
 * JSON.parse has filled V8's young generation with the answer, and every allocation there brought
 * a scavenge that copied the whole live answer (checking 9,500 samples with Object.values took
 * 25 ms of CPU, with a for-in loop 2.5 ms, measured).
 */

function labels(v: unknown): Record<string, string> | null {
  if (!isObject(v)) return null;
  for (const name in v) if (typeof v[name] !== 'string') return null;
  return v as Record<string, string>;
}

/** The value of a [time, "number"] pair, or null when it is not one. */
function pairValue(v: unknown): number | null {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number') return null;
  return sampleValue(v[1]);
}

function pair(v: unknown): [number, number] | null {
  const value = pairValue(v);
  return value === null ? null : [(v as [number])[0], value];
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
  const { header, secrets } = credentials(target, o.env ?? process.env, shown);
  /** The server's text as a message quotes it: without our credentials, escaped, cut short. */
  const say = (text: string) => quoted(redacted(text, secrets));
  /**
   * The answer's text for a message about its shape: its start, not its parsed form, which a
   * value nested 200,000 arrays deep would take past the stack to write out.
   */
  const badShape = (what: string, body: string) => new PrometheusError(shown, `an answer of the wrong shape: ${what}; it begins "${say(body)}"`);
  let requests = 0;
  /** POST, check the envelope, and read the data with `read`; whatever fails is a PrometheusError. */
  const ask = async <T>(path: string, form: URLSearchParams, read: (data: unknown, body: string) => T): Promise<T> => {
    requests++;
    const answer = await post(base, path, form, header, o);
    try {
      return read(unwrap(answer, shown, say), answer.body);
    } catch (err) {
      if (isPrometheusError(err)) throw err;
      // Anything else reading it (a RangeError from an answer too deeply nested) is still about this URL.
      throw new PrometheusError(shown, `an answer shoji cannot read (${say((err as Error).message ?? String(err))})`);
    }
  };
  const resultOf = (data: unknown, body: string, type: 'vector' | 'matrix'): unknown[] => {
    if (!isObject(data) || !Array.isArray(data.result)) throw badShape('no data.result list', body);
    if (data.resultType !== type) throw badShape(`resultType ${say(String(data.resultType))}, expected ${type}`, body);
    return data.result;
  };
  return {
    url: shown,
    get requests() {
      return requests;
    },
    query(promql, time) {
      const form = new URLSearchParams({ query: promql });
      if (time !== undefined) form.set('time', String(time));
      return ask('/api/v1/query', form, (data, body) => {
        const result = resultOf(data, body, 'vector');
        const samples: VectorSample[] = new Array(result.length);
        for (let i = 0; i < result.length; i++) {
          const s = result[i];
          const metric = isObject(s) ? labels(s.metric) : null;
          const value = isObject(s) ? pairValue(s.value) : null;
          if (metric === null || value === null) throw badShape(`a sample, result[${i}], that is not {"metric": {labels}, "value": [time, "number"]}`, body);
          samples[i] = { metric, value };
        }
        return samples;
      });
    },
    queryRange(promql, start, end, stepSeconds) {
      const form = new URLSearchParams({ query: promql, start: String(start), end: String(end), step: String(stepSeconds) });
      return ask('/api/v1/query_range', form, (data, body) =>
        resultOf(data, body, 'matrix').map((s, i) => {
          const metric = isObject(s) ? labels(s.metric) : null;
          const values = isObject(s) && Array.isArray(s.values) ? s.values.map(pair) : null;
          if (!metric || !values || values.some((v) => v === null)) {
            throw badShape(`a series, result[${i}], that is not {"metric": {labels}, "values": [[time, "number"], ...]}`, body);
          }
          return { metric, values: values as [number, number][] };
        }),
      );
    },
  };
}
