/**
 * The public AWS Price List as a test server on loopback serves it: region_index.json and a
 * region's offer file in the real layout (the attribute names, the SKU-keyed products and the
 * OnDemand and Reserved terms of AWS's files), generated at test time into a temporary folder.
 * Each instance type comes in the variants a real file has (Windows, RHEL, SUSE; dedicated and
 * host tenancy; SQL pre-installed; capacity reservations), so that only one product in
 * dozens is the Linux on-demand price shoji keeps, and a large file is mostly what it skips.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const PUBLISHED = '2026-11-01T00:00:00Z';
export const VERSION = '20261101000000';
export const offerPath = (region: string) => `/offers/v1.0/aws/AmazonEC2/${VERSION}/${region}/index.json`;
export const REGION_INDEX = '/offers/v1.0/aws/AmazonEC2/current/region_index.json';

const LOCATIONS: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'eu-west-1': 'EU (Ireland)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
};

/** The region index as AWS writes it: every region's current offer file, by path. */
export function regionIndex(regions: string[], url: (region: string) => string = offerPath): string {
  const entries = Object.fromEntries(regions.map((r) => [r, { regionCode: r, currentVersionUrl: url(r) }]));
  return JSON.stringify(
    { formatVersion: 'v1.0', disclaimer: 'This pricing list is for informational purposes only.', publicationDate: PUBLISHED, regions: entries },
    null,
    2,
  );
}

/** Instance type names in AWS's shape, `count` of them. */
export function typeNames(count: number): string[] {
  const names: string[] = [];
  const sizes = ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', 'metal'];
  for (const family of ['m', 'c', 'r', 'x', 'i', 'z', 'd', 'h']) {
    for (const gen of [5, 6, 7, 8]) {
      for (const suffix of ['', 'a', 'g', 'i', 'd', 'n', 'gd', 'in']) {
        for (const size of sizes) {
          if (names.length === count) return names;
          names.push(`${family}${gen}${suffix}.${size}`);
        }
      }
    }
  }
  return names;
}

/** The Linux on-demand price the file gives the i-th type: what the cache must hold. */
export const linuxPrice = (i: number) => (0.0104 * (i + 1)).toFixed(4);

const VARIANTS: { os: string; tenancy: string; sw: string; capacity: string }[] = [];
for (const os of ['Linux', 'Windows', 'RHEL', 'SUSE'])
  for (const tenancy of ['Shared', 'Dedicated', 'Host'])
    for (const sw of ['NA', 'SQL Std', 'SQL Web'])
      for (const capacity of ['Used', 'UnusedCapacityReservation', 'AllocatedCapacityReservation']) VARIANTS.push({ os, tenancy, sw, capacity });

const sku = (t: number, v: number) => `SKU${String(t).padStart(5, '0')}V${String(v).padStart(3, '0')}X`;

/** One price dimension of a data-transfer product: its range in GB ("Inf" = open) and USD per GB. */
export interface Band {
  begin: string;
  end: string;
  usd: string;
}

/**
 * Internet egress ("AWS Outbound" to "External") per source region as AWS's lists give it,
 * after the free allowance: us-east-1's and eu-west-1's four tiers, and ap-southeast-2's, whose
 * first tier ($0.114) differs from us-east-1's.
 */
export const EGRESS_BANDS: Record<string, Band[]> = {
  'us-east-1': tiers('0.09', '0.085', '0.07', '0.05'),
  'eu-west-1': tiers('0.09', '0.085', '0.07', '0.05'),
  'ap-southeast-2': tiers('0.114', '0.098', '0.094', '0.092'),
};

function tiers(...usd: string[]): Band[] {
  const bounds = ['0', '10240', '51200', '153600', 'Inf'];
  return usd.map((u, i) => ({ begin: bounds[i], end: bounds[i + 1], usd: u }));
}

/** The regions' codes in usage types, as in AWS's lists (us-east-1's own usage types have no prefix). */
const USAGE_CODE: Record<string, string> = { 'us-east-1': 'USE1', 'eu-west-1': 'EU', 'ap-southeast-2': 'APS2' };

/**
 * The data-transfer products of a region's file: its internet egress (the one shoji keeps, with
 * `bands` as its price dimensions, none when null), and beside it what it must not take: transfer
 * to another region, transfer in from the internet, and another region's transfer into this one.
 */
function dataTransfer(region: string, bands: Band[] | null): { products: Record<string, unknown>; terms: Record<string, unknown> } {
  const here = LOCATIONS[region] ?? region;
  const code = USAGE_CODE[region] ?? 'XX';
  const prefix = region === 'us-east-1' ? '' : `${code}-`;
  const product = (id: string, a: Record<string, string>) => ({
    sku: id,
    productFamily: 'Data Transfer',
    attributes: { ...a, operation: '', servicecode: 'AWSDataTransfer', servicename: 'AWS Data Transfer' },
  });
  const products: Record<string, unknown> = {};
  const dims: Record<string, Band[]> = {};
  const add = (id: string, a: Record<string, string>, b: Band[]) => {
    products[id] = product(id, a);
    dims[id] = b;
  };
  if (bands) {
    add(
      'DTOUT00000INTERNET',
      {
        transferType: 'AWS Outbound',
        fromLocation: here,
        fromLocationType: 'AWS Region',
        toLocation: 'External',
        toLocationType: 'Other',
        usagetype: `${prefix}DataTransfer-Out-Bytes`,
        fromRegionCode: region,
      },
      bands,
    );
  }
  add(
    'DTOUT00000INTERREG',
    {
      transferType: 'InterRegion Outbound',
      fromLocation: here,
      fromLocationType: 'AWS Region',
      toLocation: 'US West (Oregon)',
      toLocationType: 'AWS Region',
      usagetype: `${prefix}USW2-AWS-Out-Bytes`,
      fromRegionCode: region,
      toRegionCode: 'us-west-2',
    },
    [{ begin: '0', end: 'Inf', usd: '0.02' }],
  );
  add(
    'DTIN000000INTERNET',
    {
      transferType: 'AWS Inbound',
      fromLocation: 'External',
      fromLocationType: 'Other',
      toLocation: here,
      toLocationType: 'AWS Region',
      usagetype: `${prefix}DataTransfer-In-Bytes`,
      toRegionCode: region,
    },
    [{ begin: '0', end: 'Inf', usd: '0.00' }],
  );
  add(
    'DTIN000000INTERREG',
    {
      transferType: 'InterRegion Inbound',
      fromLocation: 'US West (Oregon)',
      fromLocationType: 'AWS Region',
      toLocation: here,
      toLocationType: 'AWS Region',
      usagetype: `USW2-${code}-AWS-In-Bytes`,
      fromRegionCode: 'us-west-2',
      toRegionCode: region,
    },
    [{ begin: '0', end: 'Inf', usd: '0.00' }],
  );
  const terms: Record<string, unknown> = {};
  for (const [id, b] of Object.entries(dims)) {
    terms[id] = {
      [`${id}.JRTCKXETXF`]: {
        offerTermCode: 'JRTCKXETXF',
        sku: id,
        effectiveDate: '2026-10-01T00:00:00Z',
        priceDimensions: Object.fromEntries(
          b.map((band, i) => [
            `${id}.JRTCKXETXF.${String(i).padStart(10, '0')}`,
            {
              rateCode: `${id}.JRTCKXETXF.${String(i).padStart(10, '0')}`,
              description: `$${band.usd} per GB - data transfer from ${band.begin} GB`,
              beginRange: band.begin,
              endRange: band.end,
              unit: 'GB',
              // Prices as AWS writes them, to ten decimals (a test's malformed price as given).
              pricePerUnit: { USD: /^\d+\.\d+$/.test(band.usd) ? band.usd.padEnd(12, '0') : band.usd },
              appliesTo: [],
            },
          ]),
        ),
        termAttributes: {},
      },
    };
  }
  return { products, terms };
}

/**
 * Write the region's offer file to `file`: `types` instance types in every variant (108 products
 * each, about 2 KB of products and terms per product). Returns the file's size in bytes.
 * `productRegion` writes another region's code into the products (a wrong file at the right URL).
 * `egress`: the price dimensions of the region's internet egress product (null: the file has none).
 */
export function writeOfferFile(
  file: string,
  region: string,
  types: number,
  productRegion = region,
  egress: Band[] | null = EGRESS_BANDS[productRegion] ?? null,
): number {
  const fd = openSync(file, 'w');
  let size = 0;
  const out = (s: string) => {
    size += writeSync(fd, s);
  };
  const names = typeNames(types);
  const transfer = dataTransfer(productRegion, egress);
  try {
    out(
      `{\n  "formatVersion" : "v1.0",\n  "disclaimer" : "This pricing list is for informational purposes only.",\n  "offerCode" : "AmazonEC2",\n  "version" : "${VERSION}",\n  "publicationDate" : "${PUBLISHED}",\n  "products" : {\n`,
    );
    let first = true;
    names.forEach((type, t) => {
      let chunk = '';
      VARIANTS.forEach((v, i) => {
        const attributes = {
          servicecode: 'AmazonEC2',
          location: LOCATIONS[productRegion] ?? productRegion,
          locationType: 'AWS Region',
          instanceType: type,
          currentGeneration: 'Yes',
          instanceFamily: 'General purpose',
          vcpu: '2',
          physicalProcessor: 'Intel Xeon Scalable (Sapphire Rapids)',
          clockSpeed: '3.2 GHz',
          memory: '8 GiB',
          storage: 'EBS only',
          networkPerformance: 'Up to 12500 Megabit',
          processorArchitecture: '64-bit',
          tenancy: v.tenancy,
          operatingSystem: v.os,
          licenseModel: 'No License required',
          usagetype: `EU-BoxUsage:${type}`,
          operation: v.os === 'Linux' ? 'RunInstances' : `RunInstances:000${i % 10}`,
          capacitystatus: v.capacity,
          preInstalledSw: v.sw,
          regionCode: productRegion,
          servicename: 'Amazon Elastic Compute Cloud',
          marketoption: 'OnDemand',
        };
        const product = { sku: sku(t, i), productFamily: 'Compute Instance', attributes };
        chunk += `${first ? '' : ',\n'}    "${sku(t, i)}" : ${JSON.stringify(product, null, 2).replace(/\n/g, '\n    ')}`;
        first = false;
      });
      out(chunk);
    });
    for (const [id, product] of Object.entries(transfer.products)) out(`,\n    "${id}" : ${JSON.stringify(product, null, 2).replace(/\n/g, '\n    ')}`);
    out('\n  },\n  "terms" : {\n    "OnDemand" : {\n');
    first = true;
    names.forEach((type, t) => {
      let chunk = '';
      VARIANTS.forEach((v, i) => {
        const id = sku(t, i);
        const linuxOnDemand = i === 0; // Linux, Shared, NA, Used
        const usd = linuxOnDemand ? linuxPrice(t) : (0.0104 * (t + 1) * (1 + (i % 7) / 10) + 0.05).toFixed(4);
        const term = {
          [`${id}.JRTCKXETXF`]: {
            offerTermCode: 'JRTCKXETXF',
            sku: id,
            effectiveDate: '2026-10-01T00:00:00Z',
            priceDimensions: {
              [`${id}.JRTCKXETXF.6YS6EN2CT7`]: {
                rateCode: `${id}.JRTCKXETXF.6YS6EN2CT7`,
                description: `$${usd} per On Demand ${v.os} ${type} Instance Hour`,
                beginRange: '0',
                endRange: 'Inf',
                unit: 'Hrs',
                pricePerUnit: { USD: `${usd}000000` },
                appliesTo: [],
              },
            },
            termAttributes: {},
          },
        };
        chunk += `${first ? '' : ',\n'}      "${id}" : ${JSON.stringify(term, null, 2).replace(/\n/g, '\n      ')}`;
        first = false;
      });
      out(chunk);
    });
    for (const [id, term] of Object.entries(transfer.terms)) out(`,\n      "${id}" : ${JSON.stringify(term, null, 2).replace(/\n/g, '\n      ')}`);
    out('\n    },\n    "Reserved" : {\n');
    // One reserved term per type: a price shoji must not take for the on-demand one.
    out(
      names
        .map((_, t) => {
          const id = sku(t, 0);
          const term = {
            [`${id}.4NA7Y494T4`]: {
              offerTermCode: '4NA7Y494T4',
              sku: id,
              priceDimensions: { [`${id}.4NA7Y494T4.6YS6EN2CT7`]: { unit: 'Hrs', pricePerUnit: { USD: '0.0010000000' } } },
              termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' },
            },
          };
          return `      "${id}" : ${JSON.stringify(term)}`;
        })
        .join(',\n'),
    );
    out('\n    }\n  }\n}\n');
  } finally {
    closeSync(fd);
  }
  return size;
}

/** How one path is answered. */
export type Answer =
  | { kind: 'file'; file: string; gzip?: boolean }
  | { kind: 'text'; body: string; status?: number }
  | { kind: 'redirect'; location: string }
  /** The first `bytes` of the file, then silence with the connection held open. */
  | { kind: 'stall'; file: string; bytes: number }
  /** The first `bytes` of the file with the whole file's Content-Length, then the connection closed. */
  | { kind: 'truncate'; file: string; bytes: number }
  /** The whole file, once `release()` is called (a refresh kept in flight). */
  | { kind: 'held'; file: string };

export interface PriceServer {
  url: string;
  answers: Map<string, Answer>;
  /** Paths asked for, in order. */
  requests: string[];
  /** Lets the held answers go. */
  release(): void;
  close(): Promise<void>;
}

export async function priceServer(): Promise<PriceServer> {
  const { createReadStream, statSync } = await import('node:fs');
  const { createGzip } = await import('node:zlib');
  const answers = new Map<string, Answer>();
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const heldResponses: (() => void)[] = [];
  let released = false;
  const sendFile = (res: ServerResponse, file: string, gzip = false) => {
    if (gzip) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      createReadStream(file).pipe(createGzip()).pipe(res);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    }
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const a = answers.get(path);
    if (!a) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    switch (a.kind) {
      case 'file':
        return sendFile(res, a.file, a.gzip && /gzip/.test(String(req.headers['accept-encoding'])));
      case 'text':
        return void res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(a.body);
      case 'redirect':
        return void res.writeHead(302, { location: a.location }).end();
      case 'held':
        if (released) return sendFile(res, a.file);
        heldResponses.push(() => sendFile(res, a.file));
        return;
      case 'stall':
      case 'truncate': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': statSync(a.file).size });
        const s = createReadStream(a.file, { start: 0, end: a.bytes - 1 });
        s.pipe(res, { end: false });
        // Stalled: nothing more, the connection left open. Truncated: the connection closed.
        if (a.kind === 'truncate') s.on('end', () => res.socket?.end());
        return;
      }
    }
  };
  const server: Server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    requests,
    release() {
      released = true;
      for (const send of heldResponses.splice(0)) send();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
