/**
 * Prices from the AWS Price List Query API (GetProducts), when the user has credentials
 * allowing pricing:GetProducts. The SDK is loaded only here, never on the estimate path.
 * The API is served from us-east-1 (also eu-central-1 and ap-south-1); any region's prices
 * can be asked for from there. AWS_ENDPOINT_URL_PRICING overrides the endpoint, as in every
 * AWS SDK.
 */
import type { RefreshedPrices } from '../price-cache.js';
import { hourlyUsd, linuxInstanceType, PriceCollector, PriceFileError, type ProductAttributes } from './select.js';

interface PriceListItem {
  product?: { productFamily?: string; attributes?: ProductAttributes };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }> };
  publicationDate?: string;
}

const filters = (region: string) =>
  Object.entries({
    regionCode: region,
    operatingSystem: 'Linux',
    tenancy: 'Shared',
    preInstalledSw: 'NA',
    capacitystatus: 'Used',
    licenseModel: 'No License required',
  }).map(([Field, Value]) => ({ Type: 'TERM_MATCH' as const, Field, Value }));

export async function fetchApiPrices(region: string, now: Date): Promise<RefreshedPrices> {
  // The SDK warns on stderr that its future releases will need Node 22; shoji supports Node 20,
  // and the warning would break the one-line error contract. The user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { PricingClient, paginateGetProducts } = await import('@aws-sdk/client-pricing');
  const client = new PricingClient({ region: 'us-east-1', maxAttempts: 2 });
  const prices = new PriceCollector();
  let published: string | null = null;
  try {
    const pages = paginateGetProducts({ client, pageSize: 100 }, { ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', Filters: filters(region) });
    for await (const page of pages) {
      for (const raw of page.PriceList ?? []) {
        const item = JSON.parse(typeof raw === 'string' ? raw : String(raw)) as PriceListItem;
        if (item.publicationDate && (!published || item.publicationDate > published)) published = item.publicationDate;
        const type = item.product?.attributes ? linuxInstanceType({ productFamily: item.product.productFamily, ...item.product.attributes }) : null;
        if (!type) continue;
        for (const term of Object.values(item.terms?.OnDemand ?? {})) {
          for (const dim of Object.values(term.priceDimensions ?? {})) {
            prices.add(region, type, hourlyUsd(dim?.unit, dim?.pricePerUnit?.USD));
          }
        }
      }
    }
  } catch (err) {
    const e = err as Error;
    if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message)) {
      throw new PriceFileError('no AWS credentials found: the Price List Query API needs credentials allowing pricing:GetProducts');
    }
    throw new PriceFileError(`the Price List Query API failed: ${e.name}: ${e.message.split('\n')[0]}`);
  } finally {
    client.destroy();
  }
  const found = prices.byRegion.get(region);
  if (!found || found.size === 0) {
    const refused = prices.refused > 0 ? ` (${prices.refused} refused as unusable, e.g. ${prices.firstRefused})` : '';
    throw new PriceFileError(`the Price List Query API returned no usable Linux on-demand prices for ${region}${refused}`);
  }
  return {
    format: 1,
    region,
    pricesAsOf: published && !Number.isNaN(Date.parse(published)) ? new Date(published).toISOString() : now.toISOString(),
    source: 'AWS Price List Query API',
    refreshedAt: now.toISOString(),
    prices: found,
  };
}
