/**
 * Streams an AWS Price List offer file in CSV (…/index.csv): five metadata rows
 * ("FormatVersion", "Disclaimer", "Publication Date", "Version", "OfferCode"), then a header
 * row (SKU, OfferTermCode, RateCode, TermType, …, "Instance Type", "Operating System",
 * "Pre Installed S/W", "Region Code", …), then one row per price dimension.
 * Every data row must have as many fields as the header: a truncated last row fails the read.
 */
import { createReadStream } from 'node:fs';
import type { Transform } from 'node:stream';
import type { OfferRead } from './offer-json.js';
import { EgressCollector, egressRegion, gbBand, hourlyUsd, isPriceFileError, linuxInstanceType, PriceCollector, PriceFileError } from './select.js';

/** CSV header -> the JSON attribute name the selection uses. */
const COLUMNS = {
  productFamily: 'Product Family',
  instanceType: 'Instance Type',
  regionCode: 'Region Code',
  operatingSystem: 'Operating System',
  tenancy: 'Tenancy',
  preInstalledSw: 'Pre Installed S/W',
  capacitystatus: 'CapacityStatus',
  licenseModel: 'License Model',
  operation: 'operation',
  transferType: 'Transfer Type',
  toLocation: 'To Location',
  fromRegionCode: 'From Region Code',
  usagetype: 'usageType',
} as const;

export async function readOfferCsv(file: string, progress: Transform): Promise<OfferRead> {
  const { parse } = await import('csv-parse');
  const csv = parse({ relax_column_count: true, bom: true });
  const input = createReadStream(file);
  input.on('error', (err) => csv.destroy(err));
  input.pipe(progress).pipe(csv);

  const prices = new PriceCollector();
  const egress = new EgressCollector();
  const meta = new Map<string, string>();
  let header: string[] | null = null;
  let index = new Map<string, number>();
  let line = 0;
  let products = 0;
  try {
    for await (const record of csv as AsyncIterable<string[]>) {
      line++;
      if (!header) {
        if (record[0] === 'SKU') {
          header = record;
          index = new Map(header.map((h, i) => [h, i]));
          for (const need of ['TermType', 'Unit', 'PricePerUnit', 'Currency', COLUMNS.instanceType, COLUMNS.operatingSystem, COLUMNS.tenancy]) {
            if (!index.has(need)) throw new PriceFileError(`${file}: the header has no "${need}" column: not an EC2 price list`);
          }
        } else if (line > 5) throw new PriceFileError(`${file}: no header row (SKU, OfferTermCode, …) after the metadata rows: not an AWS price list`);
        else meta.set(record[0], record[1] ?? '');
        continue;
      }
      if (record.length !== header.length) {
        throw new PriceFileError(`${file}: row ${line} has ${record.length} fields, the header ${header.length}: the file is truncated or damaged`);
      }
      products++;
      const field = (name: string) => {
        const at = index.get(name);
        return at === undefined ? undefined : record[at];
      };
      if (field('TermType') !== 'OnDemand' || field('Currency') !== 'USD') continue;
      const type = linuxInstanceType({
        productFamily: field(COLUMNS.productFamily),
        instanceType: field(COLUMNS.instanceType),
        operatingSystem: field(COLUMNS.operatingSystem),
        tenancy: field(COLUMNS.tenancy),
        preInstalledSw: field(COLUMNS.preInstalledSw) || undefined,
        capacitystatus: field(COLUMNS.capacitystatus) || undefined,
        licenseModel: field(COLUMNS.licenseModel) || undefined,
        operation: field(COLUMNS.operation) || undefined,
      });
      if (type) prices.add(field(COLUMNS.regionCode) ?? '', type, hourlyUsd(field('Unit'), field('PricePerUnit')));
      const from = egressRegion({
        productFamily: field(COLUMNS.productFamily),
        transferType: field(COLUMNS.transferType),
        toLocation: field(COLUMNS.toLocation),
        fromRegionCode: field(COLUMNS.fromRegionCode),
        usagetype: field(COLUMNS.usagetype) || undefined,
      });
      if (from) egress.add(from, gbBand(field('Unit'), field('StartingRange'), field('EndingRange'), field('PricePerUnit')));
    }
  } catch (err) {
    if (isPriceFileError(err)) throw err;
    throw new PriceFileError(`${file} is not a complete CSV price list (${(err as Error).message})`);
  } finally {
    input.destroy();
  }
  if (!header) throw new PriceFileError(`${file} is not an AWS price list offer file (no header row)`);
  return { publicationDate: meta.get('Publication Date') ?? null, prices, egress, products, productRegions: new Map() };
}
