/**
 * Which price-list entries are "the" Linux on-demand price of an instance type: the six
 * attributes that pin one price down (type, region, Linux, shared tenancy, no pre-installed
 * software, capacity "Used"), plus licence model and operation where the list carries them.
 * Shared by the offer-file readers (JSON and CSV) and the Query API reader.
 */

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
  if (!a.instanceType || a.operatingSystem !== 'Linux' || a.tenancy !== 'Shared') return null;
  if ((a.preInstalledSw ?? 'NA') !== 'NA') return null;
  if ((a.capacitystatus ?? 'Used') !== 'Used') return null;
  if (a.licenseModel !== undefined && a.licenseModel !== 'No License required') return null;
  if (a.operation !== undefined && a.operation !== 'RunInstances') return null;
  return a.instanceType;
}

/** An hourly USD price string, normalised ("0.1008000000" -> "0.1008"), or null when not usable. */
export function hourlyUsd(unit: string | undefined, usd: string | undefined): string | null {
  if (unit !== 'Hrs' || usd === undefined || !/^\d+(\.\d+)?$/.test(usd.trim())) return null;
  const s = usd.trim();
  const normal = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return /^0(\.0*)?$/.test(normal) ? null : normal;
}

/** Prices found per region, as the readers collect them. */
export class PriceCollector {
  readonly byRegion = new Map<string, Map<string, string>>();
  conflicts = 0;

  add(region: string, type: string, usd: string): void {
    let prices = this.byRegion.get(region);
    if (!prices) this.byRegion.set(region, (prices = new Map()));
    const had = prices.get(type);
    if (had !== undefined && had !== usd) this.conflicts++;
    // The first price seen is kept: the filters above leave one per type in real lists.
    if (had === undefined) prices.set(type, usd);
  }
}

export class PriceFileError extends Error {
  override name = 'PriceFileError';
}
