/**
 * `ec2-cost --refresh-prices [FILE|api|download] [--region R]`: read a price list, keep the
 * region's Linux on-demand prices with their publication date in
 * cacheDir()/ec2/prices-<region>.json. With no value (or "download"), the region's offer file
 * is downloaded from the public AWS Price List (fetch-region.ts); the region is --region, else
 * this instance's. Nothing is cached unless the whole list was read and held at least one price.
 * An offer file's internet egress tiers are kept with the prices when they validate; the summary
 * line says whether they were, or that the shipped tiers stay in use.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { escapeControl } from '../../render/sanitize.js';
import { EstimateError } from '../errors.js';
import { groupThousands } from '../money.js';
import { MAX_USD_PER_HOUR } from '../names.js';
import { hostRoots } from '../../core/paths.js';
import { readRefreshedPrices, writeRefreshedPrices, type RefreshedPrices } from '../price-cache.js';
import { isKnownRegion, unknownRegionMessage } from '../regions.js';
import { isRegionCode } from '../names.js';
import type { Io } from '../io.js';
import type { OfferRead } from './offer-json.js';
import { progressFor } from './progress.js';
import { isPriceFileError, PriceFileError } from './select.js';

/** The values of --refresh-prices that download (yargs gives '' for the option without a value). */
const DOWNLOAD = new Set(['', 'download']);

export async function refreshPrices(source: string, region: string | undefined, io: Io): Promise<number> {
  if (region !== undefined && !isKnownRegion(region)) throw new EstimateError(unknownRegionMessage(region), 'usage');
  if (DOWNLOAD.has(source)) return download(region ?? (await hostRegion(io.env)), io);
  let prices: RefreshedPrices;
  // What became of the file's data-transfer rates (the Query API path asks for none).
  let egress = '';
  try {
    if (source === 'api') {
      if (!region) throw new EstimateError('--refresh-prices api needs --region', 'usage');
      const { fetchApiPrices } = await import('./api.js');
      prices = await fetchApiPrices(region, new Date());
    } else {
      const read = await fromOfferFile(source, region, io);
      prices = read.prices;
      egress = `; ${read.egress}`;
    }
  } catch (err) {
    if (isPriceFileError(err)) throw new EstimateError(err.message, 'runtime');
    throw err;
  }
  const file = writeRefreshedPrices(io.env, prices);
  io.out(
    `Refreshed ${prices.prices.size} Linux on-demand prices for ${prices.region} (published ${prices.pricesAsOf.slice(0, 10)}) from ${prices.source}${egress}; cached in ${file}\n`,
  );
  return 0;
}

function looksLikeJson(file: string): boolean {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return true;
  if (ext === '.csv') return false;
  const buf = Buffer.alloc(64);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{');
  } finally {
    closeSync(fd);
  }
}

/** This instance's region, for a download without --region; a usage error when there is none. */
async function hostRegion(env: NodeJS.ProcessEnv): Promise<string> {
  const { identify } = await import('../identify.js');
  const id = await identify({ ...hostRoots(env), env });
  if (id.region && isKnownRegion(id.region)) return id.region;
  const why = !id.onEc2
    ? 'this host is not an EC2 instance'
    : id.region
      ? `this instance's region ${id.region} is not one shoji knows`
      : `this instance's region is unknown (metadata service: ${id.imdsNote ?? 'not asked'})`;
  throw new EstimateError(`--refresh-prices: ${why}: give the region to download with --region`, 'usage');
}

async function download(region: string, io: Io): Promise<number> {
  const { fetchRegionPrices } = await import('./fetch-region.js');
  let got: Awaited<ReturnType<typeof fetchRegionPrices>>;
  try {
    got = await fetchRegionPrices(region, { env: io.env, terminal: io.stderrIsTTY });
  } catch (err) {
    if (!isPriceFileError(err)) throw err;
    throw new EstimateError(`could not refresh ${region} prices: ${err.message}; ${keptMessage(io.env, region)}`, 'runtime');
  }
  if (!got.ok) {
    const { busyMessage } = await import('./lock.js');
    throw new EstimateError(busyMessage(region, got.busy), 'runtime');
  }
  const p = got.prices;
  io.out(
    `Refreshed ${p.prices.size} Linux on-demand prices for ${region} (published ${p.pricesAsOf.slice(0, 10)}) from the AWS Price List; ${got.egress}; cached in ${got.file}\n`,
  );
  return 0;
}

/** What a failed refresh left in place: the prices cached before, or none. */
export function keptMessage(env: NodeJS.ProcessEnv, region: string): string {
  const before = readRefreshedPrices(env, region).prices;
  return before
    ? `the prices cached before (published ${before.pricesAsOf.slice(0, 10)}, refreshed ${before.refreshedAt.slice(0, 10)}) are kept`
    : 'nothing was cached';
}

async function fromOfferFile(file: string, region: string | undefined, io: Io): Promise<{ prices: RefreshedPrices; egress: string }> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // "--refresh-prices eu-west-1" meant a region, not a file of that name.
    const hint = code === 'ENOENT' && isRegionCode(file) ? `: to download a region's prices, give --refresh-prices --region ${file}` : '';
    throw new PriceFileError(`cannot read ${file} (${code ?? (err as Error).message})${hint}`);
  }
  const json = looksLikeJson(file);
  const progress = await progressFor(`ec2-cost: reading ${escapeControl(basename(file))}`, size, io.stderrIsTTY, io.env);
  let read: OfferRead;
  try {
    read = json
      ? await (await import('./offer-json.js')).readOfferJson(createReadStream(file), file, progress.stream)
      : await (await import('./offer-csv.js')).readOfferCsv(file, progress.stream);
  } finally {
    progress.stop();
  }
  if (!read.publicationDate || Number.isNaN(Date.parse(read.publicationDate))) {
    throw new PriceFileError(`${file} has no publication date: not an AWS price list offer file`);
  }
  if (read.prices.byRegion.size === 0) {
    const refused =
      read.prices.refused > 0
        ? `: ${read.prices.refused} refused as unusable (an odd type name, or not a plain USD amount of at most $${groupThousands(String(MAX_USD_PER_HOUR))}/h), e.g. ${quoted(read.prices.firstRefused ?? '')}`
        : '';
    throw new PriceFileError(`${file} has no usable Linux on-demand hourly price${refused}`);
  }
  const chosen = chooseRegion(read, region, file);
  const found = new Map([...(read.prices.byRegion.get('') ?? []), ...(read.prices.byRegion.get(chosen) ?? [])]);
  if (found.size === 0) throw new PriceFileError(`${file} has no Linux on-demand instance prices for ${chosen}`);
  const egress = read.egress.outcome(chosen);
  const prices: RefreshedPrices = {
    format: 1,
    region: chosen,
    pricesAsOf: new Date(read.publicationDate).toISOString(),
    // The file's name is shown in every report priced from it: never its control characters.
    source: `AWS Price List offer file ${escapeControl(basename(file))}`,
    refreshedAt: new Date().toISOString(),
    prices: found,
  };
  if (egress.tiers) prices.egressTiers = egress.tiers;
  return { prices, egress: escapeControl(egress.said) };
}

const quoted = (s: string) => `"${escapeControl(s.slice(0, 40))}"`;

/**
 * The region asked for, or the file's only region. A region code from the file becomes part
 * of the cache file's name, so only the codes shoji knows are taken ("../../x", "__proto__"
 * and the like are not regions).
 */
function chooseRegion(read: OfferRead, region: string | undefined, file: string): string {
  if (region) return region;
  const codes = [...read.prices.byRegion.keys()].filter((r) => r !== '');
  const regions = codes.filter(isKnownRegion);
  if (regions.length === 1) return regions[0];
  if (regions.length === 0 && codes.length > 0) {
    throw new PriceFileError(
      `${file} has prices only for region codes shoji does not know (${codes.slice(0, 3).map(quoted).join(', ')}): not an AWS price list for a region`,
    );
  }
  if (regions.length === 0) throw new PriceFileError(`${file} does not say which region its prices are for: give --region`);
  const shown = regions.sort().slice(0, 5).join(', ');
  throw new PriceFileError(`${file} has prices for ${regions.length} regions (${shown}${regions.length > 5 ? ', …' : ''}): choose one with --region`);
}
