/**
 * Streams an AWS Price List offer file in JSON (…/AmazonEC2/current/<region>/index.json):
 *
 *   { formatVersion, publicationDate, products: { SKU: { sku, productFamily, attributes } },
 *     terms: { OnDemand: { SKU: { "SKU.term": { priceDimensions: { …: { unit, pricePerUnit: { USD } } } } } },
 *              Reserved: … } }
 *
 * Such files run to hundreds of MB, so only `publicationDate`, each product and each on-demand
 * term are assembled, one at a time; products come before terms in AWS's files, so a term's
 * SKU is already known when it arrives. A truncated or malformed file fails the parse.
 * Besides the instance prices, the region's internet egress bands are kept (select.ts).
 */
import { type Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  EgressCollector,
  egressRegion,
  gbBand,
  hourlyUsd,
  isPriceFileError,
  linuxInstanceType,
  PriceCollector,
  PriceFileError,
  type ProductAttributes,
} from './select.js';

interface Product {
  sku?: string;
  productFamily?: string;
  attributes?: ProductAttributes;
}

interface Term {
  sku?: string;
  priceDimensions?: Record<string, { unit?: string; beginRange?: string; endRange?: string; pricePerUnit?: { USD?: string } }>;
}

export interface OfferRead {
  publicationDate: string | null;
  prices: PriceCollector;
  /** Internet egress bands per source region (productFamily "Data Transfer"). */
  egress: EgressCollector;
  products: number;
  /** How many products name each region code (every product, not only the ones kept): which region the file is for. */
  productRegions: Map<string, number>;
}

/**
 * A copy of a string the parser made. Its strings are slices of the chunk of the file they came
 * from, and V8 keeps a whole chunk (64 KiB) alive for as long as any slice of it is: the few
 * strings kept (SKUs, type names, prices, region codes) are copied, or the memory a refresh
 * needs would grow with the number of prices kept (measured: 40 MB more for 640 types).
 */
const own = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/** Region codes counted at most: a region's file names one. */
const MAX_REGION_CODES = 64;

/** Read an offer file from `input` (a file or a download), `name` saying which in messages. */
export async function readOfferJson(input: Readable, name: string, progress: Transform): Promise<OfferRead> {
  const [{ parser }, { pick }, { streamValues }] = await Promise.all([
    import('stream-json'),
    import('stream-json/filters/pick.js'),
    import('stream-json/streamers/stream-values.js'),
  ]);
  let publicationDate: string | null = null;
  let products = 0;
  let terms = 0;
  const skus = new Map<string, { type: string; region: string }>();
  const egressSkus = new Map<string, string>();
  const prices = new PriceCollector();
  const egress = new EgressCollector();
  const productRegions = new Map<string, number>();

  const sink = new Writable({
    objectMode: true,
    write(item: { value: unknown }, _enc, done) {
      const v = item.value;
      if (typeof v === 'string') publicationDate = v;
      else if (v && typeof v === 'object' && 'attributes' in v) {
        products++;
        const p = v as Product;
        const code = p.attributes?.regionCode;
        if (typeof code === 'string' && (productRegions.has(code) || productRegions.size < MAX_REGION_CODES)) {
          productRegions.set(productRegions.has(code) ? code : own(code), (productRegions.get(code) ?? 0) + 1);
        }
        const type = p.sku && p.attributes ? linuxInstanceType({ productFamily: p.productFamily, ...p.attributes }) : null;
        if (type) skus.set(own(String(p.sku)), { type: own(type), region: own(String(p.attributes!.regionCode ?? '')) });
        const from = p.sku && p.attributes ? egressRegion({ productFamily: p.productFamily, ...p.attributes }) : null;
        if (from && egressSkus.size < EgressCollector.MAX) egressSkus.set(own(String(p.sku)), own(from));
      } else if (v && typeof v === 'object') {
        terms++;
        for (const term of Object.values(v as Record<string, Term | null>)) {
          const from = term && typeof term.sku === 'string' ? egressSkus.get(term.sku) : undefined;
          if (from) {
            for (const d of Object.values(term!.priceDimensions ?? {})) {
              const band = gbBand(d?.unit, d?.beginRange, d?.endRange, d?.pricePerUnit?.USD);
              egress.add(from, band && { beginGb: own(band.beginGb), endGb: own(band.endGb), usdPerGb: own(band.usdPerGb) });
            }
            continue;
          }
          const product = term && typeof term.sku === 'string' ? skus.get(term.sku) : undefined;
          if (!product) continue;
          for (const dim of Object.values(term!.priceDimensions ?? {})) {
            const usd = hourlyUsd(dim?.unit, dim?.pricePerUnit?.USD);
            prices.add(product.region, product.type, usd === undefined ? undefined : own(usd));
          }
        }
      }
      done();
    },
  });

  try {
    await pipeline(
      input,
      progress,
      // Whole values only, not also in pieces: nothing here reads a string before it ends, and
      // the parser then makes half the tokens (measured: a 122 MB file read in 40% of the time).
      parser.asStream({ streamValues: false }),
      pick.asStream({ filter: /^(?:publicationDate|products\.[^.]+|terms\.OnDemand\.[^.]+)$/ }),
      streamValues.asStream(),
      sink,
    );
  } catch (err) {
    // A download that failed says why itself (a stall, a cut): that is the news, not the parse.
    if (isPriceFileError(err)) throw err;
    throw new PriceFileError(`${name} is not a complete JSON price list (${(err as Error).message})`);
  }
  if (products === 0 || terms === 0) throw new PriceFileError(`${name} is not an AWS price list offer file (no products or no on-demand terms)`);
  return { publicationDate, prices, egress, products, productRegions };
}
