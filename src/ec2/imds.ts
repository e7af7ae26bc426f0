/**
 * A minimal client for the EC2 instance metadata service (IMDS).
 *
 * - IMDSv2: PUT /latest/api/token, then every GET carries the token.
 * - One attempt, short timeouts: a token PUT that never answers (a container one hop too far
 *   with the default hop limit of 1) costs at most `timeoutMs`, and the answer is "unknown".
 * - IMDSv1 only when the token PUT is answered 403, 404 or 405 (as the AWS SDKs do), and never
 *   when AWS_EC2_METADATA_V1_DISABLED is set.
 * - AWS_EC2_METADATA_DISABLED: no network I/O at all. AWS_EC2_METADATA_SERVICE_ENDPOINT and
 *   AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 choose the endpoint.
 * - node:http directly, never a proxy: http_proxy must not see (or break) these requests.
 *   All requests share one keep-alive connection, since IMDS limits connections per instance.
 */
import { Agent, request } from 'node:http';
import { checkMetadata, type InstanceMetadata } from './imds-check.js';
import { imdsDisabled, imdsEndpoint, isTrue } from './imds-env.js';

export type { InstanceMetadata };

export type ImdsResult =
  | { ok: true; metadata: InstanceMetadata }
  /**
   * `disabled`: turned off by the environment (nothing was sent, nothing to cache).
   * `transient`: the service answered, but not usefully this time (an HTTP error, a refused
   * token, an answer that is not a valid type or region): worth asking again, never kept.
   */
  | { ok: false; reason: string; disabled?: boolean; transient?: boolean };

export interface ImdsOptions {
  env: NodeJS.ProcessEnv;
  /** Per request, connect included. */
  timeoutMs?: number;
  /** For the whole lookup. */
  budgetMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 300;
export const DEFAULT_BUDGET_MS = 1500;
const TOKEN_TTL_SECONDS = '21600';
const MAX_BODY = 64 * 1024;

interface Response {
  status: number;
  body: string;
}

class Failure extends Error {
  constructor(
    message: string,
    /** Whether asking again later may well succeed (see ImdsResult). */
    readonly transient = true,
  ) {
    super(message);
  }
}

export async function queryImds(opts: ImdsOptions): Promise<ImdsResult> {
  if (imdsDisabled(opts.env)) return { ok: false, reason: 'AWS_EC2_METADATA_DISABLED is set', disabled: true };
  let base: URL;
  try {
    base = imdsEndpoint(opts.env);
  } catch {
    return { ok: false, reason: `AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL: ${opts.env.AWS_EC2_METADATA_SERVICE_ENDPOINT}`, disabled: true };
  }
  if (base.protocol !== 'http:') return { ok: false, reason: `unsupported metadata endpoint ${base.href} (http only)`, disabled: true };

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + (opts.budgetMs ?? DEFAULT_BUDGET_MS);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: 'PUT' | 'GET', path: string, headers: Record<string, string>): Promise<Response> =>
    send1(base, agent, method, path, headers, Math.min(timeoutMs, deadline - Date.now()), opts.signal);

  try {
    let token: string | null = null;
    let version: 'v2' | 'v1' = 'v2';
    // No answer at all to the first request means no metadata service here (or one out of
    // reach, as from a container behind a hop limit of 1): that holds for the boot.
    // A lookup cut short by its caller (the status module's timeout) is no such answer.
    const put = await send('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS }).catch((err: Error) => {
      throw new Failure(err.message, opts.signal?.aborted === true);
    });
    if (put.status === 200 && put.body.trim() !== '') token = put.body.trim();
    else if ([403, 404, 405].includes(put.status)) {
      if (isTrue(opts.env.AWS_EC2_METADATA_V1_DISABLED)) {
        return { ok: false, reason: `the IMDSv2 token request was refused (HTTP ${put.status}) and IMDSv1 is disabled` };
      }
      version = 'v1';
    } else return { ok: false, reason: `the IMDSv2 token request failed (HTTP ${put.status})`, transient: true };

    const headers: Record<string, string> = token ? { 'x-aws-ec2-metadata-token': token } : {};
    const get = async (path: string, required = false): Promise<string | null> => {
      const r = await send('GET', `/latest/${path}`, headers);
      if (r.status === 200 && r.body.trim() !== '') return r.body.trim();
      if (r.status === 401) throw new Failure(`the metadata service rejected the ${token ? 'token' : 'IMDSv1 request'} (HTTP 401)`);
      if (required) throw new Failure(`${path}: HTTP ${r.status}`);
      return null;
    };

    const instanceType = (await get('meta-data/instance-type', true))!;
    let region = await get('meta-data/placement/region');
    const availabilityZone = await get('meta-data/placement/availability-zone');
    if (!region) region = regionFromIdentity(await get('dynamic/instance-identity/document'));
    const lifecycle = await get('meta-data/instance-life-cycle');
    const publicIpv4 = await get('meta-data/public-ipv4');
    const instanceId = await get('meta-data/instance-id');
    const metadata = checkMetadata({ instanceType, region, availabilityZone, lifecycle, publicIpv4, instanceId, imdsVersion: version });
    if (typeof metadata === 'string') return { ok: false, reason: `the metadata service's answer was refused: ${metadata}`, transient: true };
    return { ok: true, metadata };
  } catch (err) {
    return err instanceof Failure && !err.transient ? { ok: false, reason: err.message } : { ok: false, reason: (err as Error).message, transient: true };
  } finally {
    agent.destroy();
  }
}

function regionFromIdentity(doc: string | null): string | null {
  if (!doc) return null;
  try {
    const region = (JSON.parse(doc) as { region?: unknown }).region;
    return typeof region === 'string' && region !== '' ? region : null;
  } catch {
    return null;
  }
}

function send1(
  base: URL,
  agent: Agent,
  method: 'PUT' | 'GET',
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (timeoutMs <= 0) {
      reject(new Failure('no answer from the metadata service in time'));
      return;
    }
    const prefix = base.pathname.replace(/\/+$/, '');
    const req = request({
      host: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || 80,
      path: prefix + path,
      method,
      headers,
      agent,
      signal,
    });
    const timer = setTimeout(() => req.destroy(new Failure(`no answer from the metadata service within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy(new Failure('the metadata service sent an oversized answer'));
        else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err instanceof Failure ? err : new Failure(`metadata service unreachable (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    });
    req.end();
  });
}
