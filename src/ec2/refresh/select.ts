/**
 * Which price-list entries are "the" Linux on-demand price of an instance type: the six
 * attributes that pin one price down (type, region, Linux, shared tenancy, no pre-installed
 * software, capacity "Used"), plus licence model and operation where the list carries them.
 * Shared by the offer-file readers (JSON and CSV) and the Query API reader.
 */
import { isTypeName, usablePrice } from '../names.js';

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
