/**
 * Fetching a region's EC2 offer file from the public AWS Price List bulk API, the way AWS's
 * own index files say, without credentials:
 *
 *   <endpoint>/offers/v1.0/aws/AmazonEC2/current/region_index.json
 *     -> regions[<region>].currentVersionUrl ("/offers/v1.0/aws/AmazonEC2/<version>/<region>/index.json")
 *     -> that file, streamed through the offer-file reader (offer-json.ts), never held whole.
 *
 * The endpoint is https://pricing.us-east-1.amazonaws.com, or SHOJI_PRICING_ENDPOINT (a mirror,
 * a test server): a base URL, http or https, no credentials, query or fragment. What the index
 * says is outside input: a URL in it, and every redirect, is resolved against the endpoint and
 * refused when it leaves the endpoint's origin or path. Every request has a connect timeout and
 * an idle timeout (a server that stops sending mid-body fails within IDLE_MS), and a body has a
 * size cap, generous beside the real files (us-east-1's is several hundred MB).
 */
import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { EstimateError } from '../errors.js';
import { PriceFileError } from './select.js';

export const DEFAULT_PRICING_ENDPOINT = 'https://pricing.us-east-1.amazonaws.com/';
export const REGION_INDEX_PATH = 'offers/v1.0/aws/AmazonEC2/current/region_index.json';

export interface Limits {
  /** From the request to the answer's headers. */
  connectMs: number;
  /** The longest silence in the middle of a body. */
  idleMs: number;
  /** The most bytes a body may have (after decompression). */
  maxBytes: number;
  maxRedirects: number;
}

export const LIMITS: Limits = { connectMs: 30_000, idleMs: 60_000, maxBytes: 4 * 1024 ** 3, maxRedirects: 3 };
/** region_index.json is about 30 KB. */
const MAX_INDEX_BYTES = 4 * 1024 ** 2;

/** The endpoint shoji fetches from: SHOJI_PRICING_ENDPOINT checked, or AWS's own. */
export function pricingEndpoint(env: NodeJS.ProcessEnv): URL {
  const given = env.SHOJI_PRICING_ENDPOINT;
  if (given === undefined || given === '') return new URL(DEFAULT_PRICING_ENDPOINT);
  const bad = (why: string): never => {
    throw new EstimateError(`SHOJI_PRICING_ENDPOINT ${why}`, 'usage');
  };
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return bad(`is not a URL: "${given.slice(0, 80)}" (give a base URL such as ${DEFAULT_PRICING_ENDPOINT})`);
  }
  // Never echoed: it may hold a password.
  if (url.username || url.password) return bad('must not hold credentials (user:password@)');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad(`must be an http:// or https:// URL, not ${url.protocol}//`);
  if (url.search || url.hash || given.includes('?') || given.includes('#')) return bad('must be a base URL, without a query or fragment');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * `ref` as a URL under `base`. In an index file, a path starting with "/" is taken under the
 * endpoint's own path (a mirror at https://host/aws/ serves /offers/... as
 * https://host/aws/offers/...); a Location header (`redirect`) is resolved as HTTP says, against
 * the URL that answered; anything else is resolved against `from`.
 */
export function resolveWithin(base: URL, ref: string, from: URL, redirect = false): URL {
  let url: URL;
  try {
    url = !redirect && ref.startsWith('/') && !ref.startsWith('//') ? new URL(ref.slice(1), base) : new URL(ref, from);
  } catch {
    throw new PriceFileError(`refused the price list's URL "${ref.slice(0, 120)}": not a URL`);
  }
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname) || url.username || url.password) {
    throw new PriceFileError(`refused the price list's URL "${ref.slice(0, 120)}": it leaves ${base.origin}${base.pathname}`);
  }
  url.hash = '';
  return url;
}

export interface Body {
  url: URL;
  stream: Readable;
  /** The length on the wire when the server said it (compressed bytes when compressed). */
  size: number | null;
  /** Counts the bytes on the wire as they come (for the progress bar). */
  onBytes(listener: (n: number) => void): void;
}

/**
 * GET `url` (under `base`) and hand back its body as a stream, after following at most
 * maxRedirects redirects under the same rules. The stream fails, with a message saying so,
 * on silence longer than idleMs, on more than maxBytes, and when it ends short of its length.
 */
export async function fetchBody(base: URL, url: URL, limits: Limits = LIMITS, background = false): Promise<Body> {
  for (let hops = 0; ; hops++) {
    const res = await request(url, limits, background);
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new PriceFileError(`${url.href} answered HTTP ${status} without a Location`);
      if (hops >= limits.maxRedirects) throw new PriceFileError(`${url.href}: more than ${limits.maxRedirects} redirects`);
      url = resolveWithin(base, location, url, true);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new PriceFileError(`${url.href} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`);
    }
    return body(url, res, limits);
  }
}

function request(url: URL, limits: Limits, background: boolean): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req: ClientRequest = send(url, { headers: { 'accept-encoding': 'gzip', 'user-agent': 'shoji-ec2-cost' }, agent: false }, (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    const timer = setTimeout(() => {
      req.destroy(new PriceFileError(`${url.href}: no answer within ${limits.connectMs / 1000} s`));
    }, limits.connectMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof PriceFileError ? err : new PriceFileError(`${url.href}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
    // A refresh in a long-lived process never keeps it from exiting.
    if (background) {
      timer.unref();
      req.on('socket', (s) => s.unref());
    }
    req.end();
  });
}

function body(url: URL, res: IncomingMessage, limits: Limits): Body {
  const length = Number(res.headers['content-length']);
  const size = Number.isSafeInteger(length) && length >= 0 ? length : null;
  const gzip = /^\s*(x-)?gzip\s*$/i.test(String(res.headers['content-encoding'] ?? ''));
  if (size !== null && !gzip && size > limits.maxBytes) {
    res.destroy();
    throw new PriceFileError(`${url.href} is ${size} bytes, more than the ${limits.maxBytes} a price list may have`);
  }
  const listeners: ((n: number) => void)[] = [];
  let onWire = 0;
  const out = new PassThrough();
  let failed = false;
  // The first reason is the news: destroying the response makes it report "aborted" too.
  const fail = (why: string) => {
    if (failed) return;
    failed = true;
    out.destroy(new PriceFileError(`${url.href}: ${why}`));
    res.destroy();
  };
  res.setTimeout(limits.idleMs, () => fail(`no data for ${limits.idleMs / 1000} s after ${onWire} bytes: the download stalled`));
  res.on('data', (chunk: Buffer) => {
    onWire += chunk.length;
    for (const l of listeners) l(chunk.length);
  });
  res.on('aborted', () => fail(`the connection closed after ${onWire}${size !== null ? ` of ${size}` : ''} bytes: the download was cut short`));
  res.on('error', (err) => fail(`${(err as NodeJS.ErrnoException).code ?? err.message} after ${onWire} bytes`));
  res.on('end', () => {
    if (size !== null && onWire < size) fail(`the download ended after ${onWire} of ${size} bytes`);
  });
  let decoded = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _enc, done) {
      decoded += chunk.length;
      if (decoded > limits.maxBytes) return done(new PriceFileError(`${url.href} is more than the ${limits.maxBytes} bytes a price list may have`));
      done(null, chunk);
    },
  });
  let source: Readable = res;
  if (gzip) {
    const gunzip = createGunzip();
    gunzip.on('error', (err) => fail(`not a complete gzip stream (${err.message})`));
    source = res.pipe(gunzip);
  }
  source.pipe(capped).pipe(out);
  capped.on('error', (err) => {
    failed = true;
    out.destroy(err);
    res.destroy();
  });
  return { url, stream: out, size, onBytes: (l) => listeners.push(l) };
}

/** A small JSON document (an index file), read whole. */
export async function fetchJson(base: URL, url: URL, limits: Limits = LIMITS, background = false): Promise<unknown> {
  const got = await fetchBody(base, url, { ...limits, maxBytes: Math.min(limits.maxBytes, MAX_INDEX_BYTES) }, background);
  const chunks: Buffer[] = [];
  for await (const chunk of got.stream) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new PriceFileError(`${got.url.href} is not JSON (${(err as Error).message})`);
  }
}

/**
 * Where the region's current offer file is, from AWS's region index: its URL (under the
 * endpoint) and the index's own publication date.
 */
export async function regionOfferUrl(base: URL, region: string, limits: Limits = LIMITS, background = false): Promise<URL> {
  const indexUrl = new URL(REGION_INDEX_PATH, base);
  const index = (await fetchJson(base, indexUrl, limits, background)) as { regions?: Record<string, { currentVersionUrl?: unknown }> } | null;
  if (!index || typeof index !== 'object' || !index.regions || typeof index.regions !== 'object') {
    throw new PriceFileError(`${indexUrl.href} is not an AWS price list region index (no "regions")`);
  }
  const entry = Object.hasOwn(index.regions, region) ? index.regions[region] : undefined;
  if (!entry) throw new PriceFileError(`${indexUrl.href} lists no EC2 offer file for ${region}`);
  if (typeof entry.currentVersionUrl !== 'string' || entry.currentVersionUrl === '') {
    throw new PriceFileError(`${indexUrl.href}: ${region} has no currentVersionUrl`);
  }
  return resolveWithin(base, entry.currentVersionUrl, indexUrl);
}
