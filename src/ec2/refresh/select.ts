/**
 * Which price-list entries are "the" Linux on-demand price of an instance type: the six
 * attributes that pin one price down (type, region, Linux, shared tenancy, no pre-installed
 * software, capacity "Used"), plus licence model and operation where the list carries them.
 * Shared by the offer-file readers (JSON and CSV) and the Query API reader. Also which products
 * are the region's internet egress, and their per-GB bands (EgressCollector; rates.ts checks them).
 */
import { isTypeName, usablePrice } from '../names.js';
import { egressTiers, type EgressBand, type StoredTier } from '../rates.js';

export interface ProductAttributes {
  productFamily?: string;
  instanceType?: string;
  regionCode?: string;
  operatingSystem?: string;
  tenancy?: string;
  preInstalledSw?: string;
  capacitystatus?: string;
  licenseModel?: string;
  operation?: string;
  /** Data-transfer products: "AWS Outbound", "External", the source region's code. */
  transferType?: string;
  toLocation?: string;
  fromRegionCode?: string;
  usagetype?: string;
}

const FAMILIES = new Set(['Compute Instance', 'Compute Instance (bare metal)']);

/** The instance type this product prices, or null when it is not a Linux on-demand compute product. */
export function linuxInstanceType(a: ProductAttributes): string | null {
  if (a.productFamily !== undefined && !FAMILIES.has(a.productFamily)) return null;
  if (typeof a.instanceType !== 'string' || !a.instanceType || a.operatingSystem !== 'Linux' || a.tenancy !== 'Shared') return null;
  if ((a.preInstalledSw ?? 'NA') !== 'NA') return null;
  if ((a.capacitystatus ?? 'Used') !== 'Used') return null;
  if (a.licenseModel !== undefined && a.licenseModel !== 'No License required') return null;
  if (a.operation !== undefined && a.operation !== 'RunInstances') return null;
  return a.instanceType;
}

/**
 * The source region of a product that is internet egress (data transfer out to the internet),
 * or null. In AWS's files: productFamily "Data Transfer", transferType "AWS Outbound",
 * toLocation "External", fromRegionCode the region, usagetype "<PREFIX>-DataTransfer-Out-Bytes"
 * (no prefix in us-east-1). Products from other regions' files, to other regions or to
 * CloudFront are not it.
 */
export function egressRegion(a: ProductAttributes): string | null {
  if (a.productFamily !== 'Data Transfer' || a.transferType !== 'AWS Outbound' || a.toLocation !== 'External') return null;
  if (a.usagetype !== undefined && !/^(?:[A-Z0-9]{2,6}-)?DataTransfer-Out-Bytes$/.test(a.usagetype)) return null;
  return typeof a.fromRegionCode === 'string' && a.fromRegionCode ? a.fromRegionCode : null;
}

/** A GB price dimension's range and USD amount; undefined when not priced per GB. */
export function gbBand(unit: unknown, begin: unknown, end: unknown, usd: unknown): EgressBand | undefined {
  return unit === 'GB' ? { beginGb: String(begin), endGb: String(end), usdPerGb: String(usd) } : undefined;
}

/** The egress bands found per source region (a Map: the codes are the file's). */
export class EgressCollector {
  readonly byRegion = new Map<string, EgressBand[]>();
  /** Bands kept at most per region: a real set has four; past this the set is refused anyway. */
  static readonly MAX = 64;

  add(region: string, band: EgressBand | undefined): void {
    if (!band) return;
    let bands = this.byRegion.get(region);
    if (!bands) {
      if (this.byRegion.size >= EgressCollector.MAX) return;
      bands = [];
      this.byRegion.set(region, bands);
    }
    if (bands.length <= EgressCollector.MAX) bands.push(band);
  }

  /**
   * The region's tiers to cache (none when absent or unusable) and what the refresh's one-line
   * summary says of them.
   */
  outcome(region: string): { tiers?: StoredTier[]; said: string } {
    const bands = this.byRegion.get(region);
    if (!bands) return { said: 'no data-transfer rates in the file: shipped tiers used' };
    const got = egressTiers(bands);
    if ('problem' in got) return { said: `the file's data-transfer rates are not usable (${got.problem}): shipped tiers used` };
    return { tiers: got.tiers, said: `${got.tiers.length} internet egress tiers kept` };
  }
}

/** An hourly price dimension's USD amount as text (usable or not, see PriceCollector.add); undefined when not hourly. */
export function hourlyUsd(unit: unknown, usd: unknown): string | undefined {
  return unit === 'Hrs' ? String(usd) : undefined;
}

/**
 * Prices found per region, as the readers collect them. Only a type name of the usual shape
 * and a plain positive price of at most $10,000/h are kept (names.ts); the rest are counted,
 * so that a file with no usable price can say exactly that. Maps throughout: region codes and
 * type names are the file's.
 */
export class PriceCollector {
  readonly byRegion = new Map<string, Map<string, string>>();
  conflicts = 0;
  /** Linux on-demand hourly entries refused: an odd type name, or not a usable price. */
  refused = 0;
  /** The first refused entry, for the message. */
  firstRefused: string | null = null;

  add(region: string, type: string, usdText: string | undefined): void {
    if (usdText === undefined) return;
    const usd = usablePrice(usdText);
    if (usd === null || !isTypeName(type)) {
      this.refused++;
      this.firstRefused ??= `${type.slice(0, 40)} at ${usdText.slice(0, 40)}`;
      return;
    }
    let prices = this.byRegion.get(region);
    if (!prices) {
      prices = new Map();
      this.byRegion.set(region, prices);
    }
    const had = prices.get(type);
    if (had !== undefined && had !== usd) this.conflicts++;
    // The first price seen is kept: the filters above leave one per type in real lists.
    if (had === undefined) prices.set(type, usd);
  }
}

export class PriceFileError extends Error {
  override name = 'PriceFileError';
}

/**
 * By name, not instanceof: the readers, the download and the command are lazy bundles of their
 * own (scripts/build.mjs), each with its own copy of the class.
 */
export function isPriceFileError(err: unknown): err is PriceFileError {
  return err instanceof Error && err.name === 'PriceFileError';
}
