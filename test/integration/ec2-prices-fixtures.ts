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

/**
 * Write the region's offer file to `file`: `types` instance types in every variant (108 products
 * each, about 2 KB of products and terms per product). Returns the file's size in bytes.
 * `productRegion` writes another region's code into the products (a wrong file at the right URL).
 */
export function writeOfferFile(file: string, region: string, types: number, productRegion = region): number {
  const fd = openSync(file, 'w');
  let size = 0;
  const out = (s: string) => {
    size += writeSync(fd, s);
  };
  const names = typeNames(types);
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
