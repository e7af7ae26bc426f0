/**
 * The current spot price of one instance type in one availability zone, from EC2's
 * DescribeSpotPriceHistory (the permission ec2:DescribeSpotPriceHistory). The AWS SDK is loaded
 * here only, and this file only on a spot instance whose price is not cached (spot.ts).
 *
 * Bounded: the whole lookup (credentials, the request, the SDK's one retry) ends within
 * `timeoutMs`; anything that goes wrong becomes one short reason, never an exception.
 *
 * Credentials are the SDK's default chain (environment, shared files, SSO, the instance role
 * through the metadata service), which reads the process's own environment. An estimate asked
 * for with another environment (a caller's, a test's) uses only the static keys in it, so it can
 * never pick up credentials it was not given. AWS_ENDPOINT_URL_EC2 (or AWS_ENDPOINT_URL) points
 * the client elsewhere, as in every AWS SDK.
 */
import type { _InstanceType } from '@aws-sdk/client-ec2';
import { escapeControl } from '../render/sanitize.js';
import { usablePrice } from './names.js';
import { SPOT_PRODUCT, type SpotKey, type SpotPrice } from './spot-cache.js';

export type SpotAnswer = { price: SpotPrice; problem?: undefined } | { price?: undefined; problem: string };

export const SPOT_TIMEOUT_MS = 3000;

/** Static keys from `env`, for an environment that is not the process's own. */
function keysIn(env: NodeJS.ProcessEnv) {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return null;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** One line of an error from outside (the SDK, the server), safe to print and to keep. */
function short(text: string): string {
  const line = escapeControl(text.split('\n')[0].trim());
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Why the call failed, in a few words a user can act on. */
function reasonOf(err: unknown, timeoutMs: number, timedOut: boolean): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const message = e?.message ?? String(err);
  if (timedOut || name === 'AbortError' || name === 'TimeoutError') return `no answer from EC2 within ${timeoutMs / 1000} s`;
  if (name === 'CredentialsProviderError' || /could not load credentials|credential/i.test(message)) return 'no AWS credentials found';
  const status = e?.$metadata?.httpStatusCode;
  if (name === 'UnauthorizedOperation' || name === 'AuthFailure' || status === 401 || status === 403) {
    return `not allowed (${short(name)}, HTTP ${status ?? '?'}): the credentials need ec2:DescribeSpotPriceHistory`;
  }
  return `EC2 answered with an error: ${short(`${name}${status ? ` (HTTP ${status})` : ''}: ${message}`)}`;
}

export async function fetchSpotPrice(env: NodeJS.ProcessEnv, key: SpotKey, now: Date, timeoutMs = SPOT_TIMEOUT_MS): Promise<SpotAnswer> {
  const own = env === process.env;
  const keys = own ? null : keysIn(env);
  // Not the process's environment and no keys in it: nothing to ask with.
  if (!own && !keys) return { problem: 'no AWS credentials found' };

  // The SDK warns on stderr that its future releases will need Node 22; shoji supports Node 20,
  // and the warning would break the one-line error contract. The user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { EC2Client, DescribeSpotPriceHistoryCommand } = await import('@aws-sdk/client-ec2');
  const endpoint = env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined;
  const client = new EC2Client({
    region: key.region,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.min(1000, timeoutMs), requestTimeout: timeoutMs },
    ...(endpoint ? { endpoint } : {}),
    ...(keys ? { credentials: keys } : {}),
  });
  const abort = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
      reject(new Error('timed out'));
    }, timeoutMs);
  });
  try {
    const ask = async () => {
      // Credentials first: without any, no request is made, and the reason says so.
      try {
        await client.config.credentials();
      } catch (err) {
        if (timedOut) throw err;
        throw Object.assign(new Error((err as Error).message), { name: 'CredentialsProviderError' });
      }
      return client.send(
        new DescribeSpotPriceHistoryCommand({
          InstanceTypes: [key.instanceType as _InstanceType],
          ProductDescriptions: [SPOT_PRODUCT],
          AvailabilityZone: key.availabilityZone,
          // From now: AWS answers with the price in effect now (its last change before now).
          StartTime: now,
        }),
        { abortSignal: abort.signal },
      );
    };
    const out = await Promise.race([ask(), deadline]);
    return newest(out.SpotPriceHistory ?? [], key);
  } catch (err) {
    return { problem: reasonOf(err, timeoutMs, timedOut) };
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

interface HistoryItem {
  AvailabilityZone?: string;
  InstanceType?: string;
  ProductDescription?: string;
  SpotPrice?: string;
  Timestamp?: Date;
}

/** The newest entry for exactly this zone, type and product, checked like any price from outside. */
export function newest(items: readonly HistoryItem[], key: SpotKey): SpotAnswer {
  let best: HistoryItem | null = null;
  for (const it of items) {
    if (it.AvailabilityZone !== key.availabilityZone || it.InstanceType !== key.instanceType || it.ProductDescription !== SPOT_PRODUCT) continue;
    if (!(it.Timestamp instanceof Date) || Number.isNaN(it.Timestamp.getTime())) continue;
    if (!best || it.Timestamp > best.Timestamp!) best = it;
  }
  if (!best) return { problem: `EC2 gave no ${SPOT_PRODUCT} spot price for ${key.instanceType} in ${key.availabilityZone}` };
  const usd = typeof best.SpotPrice === 'string' ? usablePrice(best.SpotPrice) : null;
  if (usd === null) return { problem: `EC2 gave a spot price that is not a usable price: "${short(String(best.SpotPrice)).slice(0, 40)}"` };
  return { price: { usdPerHour: usd, setAt: best.Timestamp!.toISOString() } };
}
