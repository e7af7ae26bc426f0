/**
 * external-ip — this host's public address, as a server on the internet sees it. Off until
 * `lookup: true` is set: it is a network call, and it tells that server you are here.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "203.0.113.7". The address comes from `url` (by default Amazon's
 * https://checkip.amazonaws.com, which answers with the bare address), or on EC2 from the
 * instance metadata service's public-ipv4 (free, and never leaves the instance), falling back to
 * `url` when the instance has no public address of its own (behind a NAT gateway).
 * The answer must be one IPv4 or IPv6 address and nothing else: a page, a message or anything
 * with control characters is refused, and the module shows as failed with what came back
 * (escaped), never the text itself.
 *
 * The address is kept in shoji's state folder (external-ip.json) with the time it was found, and
 * used by every shoji process until it is `max_age` old (an hour by default); the module's
 * interval (5 minutes) only decides how soon an old one is noticed. Asking is never on the
 * status line's clock: a one-shot `shoji status` hands the module to a background
 * `shoji collect` and shows its last reading, and the long-lived processes ask on its own
 * timer. A server that has not answered within `request_timeout` is given up on; the last
 * address found is then still shown, with the failure in the detail, until a later try succeeds.
 */
import { join } from 'node:path';
import * as T from 'typebox';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { defineModule, type DetailLine, type ModuleContext, type Reading } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { readStateFile } from '../../src/core/state-read.js';
import { strftime } from '../../src/core/strftime.js';

export const DEFAULT_URL = 'https://checkip.amazonaws.com';
/** The address last found, shared by every shoji process of this user (in ctx.stateDir). */
export const SAVED_ANSWER = 'external-ip.json';
/** An address is a few dozen bytes; a bigger answer is not one. */
const MAX_ANSWER_BYTES = 1024;
const MAX_REQUEST_TIMEOUT_S = 20;

const options = declareOptions({
  lookup: T.Boolean({ default: false, description: 'true to look the address up: a request to `url` (or, on EC2, the metadata service); off by default' }),
  url: T.String({
    default: DEFAULT_URL,
    pattern: '^https?://[^\\s]+$',
    description: 'an http(s) address whose answer is the bare public address (as checkip.amazonaws.com, icanhazip.com, api.ipify.org give it)',
  }),
  imds: T.Boolean({ default: true, description: "on EC2, take the instance metadata service's public-ipv4 first (free, never leaves the instance)" }),
  max_age: T.Number({ default: 3600, minimum: 60, maximum: 7 * 24 * 3600, description: 'seconds a found address is used before it is asked for again' }),
  request_timeout: T.Number({ default: 5, minimum: 0.5, maximum: MAX_REQUEST_TIMEOUT_S, description: 'seconds to wait for the answer before giving up' }),
});
export type ExternalIpOptions = OptionsOf<typeof options>;

const data = declareData(
  () => ({
    address: T.String({ description: 'The public address (checked to be an IPv4 or IPv6 address)' }),
    family: T.Union([T.Literal(4), T.Literal(6)], { description: 'Its IP version' }),
    source: T.String({ description: '`imds` (the EC2 metadata service), or the URL that answered' }),
    checkedAt: T.Number({ unit: 'ms since the Unix epoch', description: 'When it was found: older than now while the saved address is used' }),
    lastError: T.Optional(T.String({ description: 'Why the latest try to ask again failed, while the saved address is still shown' })),
  }),
  { description: 'Published whenever an address is known (found now or saved earlier); nothing while lookup is off.' },
);
export type ExternalIpData = DataOf<typeof data>;
type Saved = Omit<ExternalIpData, 'lastError'>;

/** Text from the network as it may appear in a message: printable ASCII, the rest as \xNN or \u{N}. */
function visible(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return cut.replace(/[^\x20-\x7e]/g, (c) => {
    const n = c.codePointAt(0) ?? 0;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

/** The answer as an address, or why it is not one. A trailing newline is how these servers end it. */
export async function checkAddress(answer: string): Promise<{ address: string; family: 4 | 6 } | { problem: string }> {
  const { isIP } = await import('node:net');
  const address = answer.replace(/\r?\n$/, '').trim();
  const family = /^[0-9a-fA-F.:]+$/.test(address) ? isIP(address) : 0;
  if (family === 4 || family === 6) return { address: address.toLowerCase(), family };
  return { problem: `the answer is not an IP address: "${visible(answer)}"` };
}

/** The address saved by this or another shoji process, or null when none or it is damaged. */
async function savedAnswer(ctx: ModuleContext<ExternalIpOptions>): Promise<Saved | null> {
  const read = readStateFile(join(ctx.stateDir, SAVED_ANSWER), MAX_ANSWER_BYTES * 4, 'an address file holds');
  if (read === null || 'problem' in read) return null;
  try {
    const s = JSON.parse(read.text) as Partial<Saved>;
    if (typeof s.address !== 'string' || typeof s.source !== 'string' || typeof s.checkedAt !== 'number' || !Number.isFinite(s.checkedAt)) return null;
    const checked = await checkAddress(s.address);
    if ('problem' in checked || (s.source !== 'imds' && !/^https?:\/\/\S+$/.test(s.source))) return null;
    return { ...checked, source: s.source, checkedAt: s.checkedAt };
  } catch {
    return null; // damaged: asked again, and written afresh
  }
}

function save(ctx: ModuleContext<ExternalIpOptions>, saved: Saved): void {
  try {
    writeFileAtomic(join(ctx.stateDir, SAVED_ANSWER), JSON.stringify(saved));
  } catch {
    // An unwritable state folder only means the next process asks again.
  }
}

/** GET `url`, at most MAX_ANSWER_BYTES of its answer, within the timeout. */
async function ask(url: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), headers: { accept: 'text/plain' } });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') throw new Error(`${url} gave no answer within ${timeoutMs / 1000} s`);
    if (signal.aborted) throw err;
    throw new Error(`${url} could not be reached (${e.cause?.code ?? e.cause?.message ?? e.message})`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${url} answered HTTP ${res.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) throw new Error(`${url} sent more than ${MAX_ANSWER_BYTES} bytes: not an address`);
      chunks.push(chunk);
    }
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new Error(`${url} gave no answer within ${timeoutMs / 1000} s`);
    throw err;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** On EC2: the metadata service's public IPv4 (already checked by its client); null when none or not EC2. */
async function fromImds(ctx: ModuleContext<ExternalIpOptions>): Promise<string | null> {
  const { detect } = await import('../../src/ec2/detect.js');
  if (detect(ctx.sysRoot).verdict === 'no') return null;
  const { queryImds } = await import('../../src/ec2/imds.js');
  const result = await queryImds({ env: ctx.env, signal: ctx.signal });
  return result.ok ? result.metadata.publicIpv4 : null;
}

async function lookUp(ctx: ModuleContext<ExternalIpOptions>): Promise<Saved> {
  const o = ctx.options;
  const checkedAt = ctx.wallNow();
  const imds = o.imds ? await fromImds(ctx) : null;
  if (imds !== null) return { address: imds, family: 4, source: 'imds', checkedAt };
  const checked = await checkAddress(await ask(o.url, o.request_timeout * 1000, ctx.signal));
  if ('problem' in checked) throw new Error(`${o.url}: ${checked.problem}`);
  return { ...checked, source: o.url, checkedAt };
}

function shown(found: ExternalIpData): Reading<ExternalIpData> {
  const detail: DetailLine[] = [
    { label: 'Address', value: found.address },
    { label: 'From', value: found.source === 'imds' ? 'the EC2 instance metadata service' : found.source },
    { label: 'Found', value: strftime('%Y-%m-%d %H:%M', new Date(found.checkedAt)) },
  ];
  if (found.lastError) detail.push({ label: 'Asking again failed', value: found.lastError });
  return { text: found.address, state: 'info', icon: 'external-ip', detail };
}

export default defineModule<ExternalIpOptions, ExternalIpData>({
  id: 'external-ip',
  description: 'the public address, from a URL or the EC2 metadata service (off until lookup: true)',
  options,
  data,
  // An address is not a number to graph.
  metrics: NO_METRICS,
  interval: 300,
  priority: 20,
  timeoutMs: (MAX_REQUEST_TIMEOUT_S + 5) * 1000,
  // A network call: never on the status line's clock.
  background: true,
  icons: { 'external-ip': 'ext ' },
  available: (ctx) =>
    ctx.options.lookup ? true : { available: false, why: 'off until modules.external-ip.lookup is true (it asks a server on the internet)' },
  async collect(ctx) {
    if (!ctx.options.lookup) return { reading: null };
    const saved = await savedAnswer(ctx);
    const now = ctx.wallNow();
    if (saved && saved.checkedAt <= now && now - saved.checkedAt < ctx.options.max_age * 1000) return { reading: shown(saved), data: saved };
    let found: Saved;
    try {
      found = await lookUp(ctx);
    } catch (err) {
      if (ctx.signal.aborted || !saved) throw err;
      // The last address found stays on the line, the failure in the detail.
      const published: ExternalIpData = { ...saved, lastError: (err as Error).message };
      return { reading: shown(published), data: published };
    }
    save(ctx, found);
    return { reading: shown(found), data: found };
  },
});
