/**
 * The spot price of a spot instance, end to end: the built `ec2-cost` (bin/ec2-cost, dist/) run
 * as a process on a Nitro fixture host, a stand-in metadata service saying "spot", and a real
 * HTTP server on loopback speaking EC2's Query API (a form POST, Action=DescribeSpotPriceHistory,
 * answered in EC2's XML), which AWS_ENDPOINT_URL_EC2 points the SDK at. Every request the EC2
 * stand-in gets is counted: a cached price, a failure and a run without credentials are told
 * apart by what was asked, not by timing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ec2CostModule from '../../plugins/ec2-cost/index.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../helpers/context.js';
import { requireBuild, ROOT, runShoji } from '../helpers/cli.js';
import { nitro, proc } from '../unit/ec2/hosts.js';

const EC2_COST = join(ROOT, 'bin', 'ec2-cost');
const KEY_ID = 'AKIDSHOJITESTEXAMPLE';
const ROLE_KEY_ID = 'ASIASHOJIROLEEXAMPLE';

type Ec2Mode = 'ok' | 'forbidden' | 'error500' | 'garbage' | 'stall' | 'empty';

interface Ec2Request {
  form: URLSearchParams;
  authorization: string;
}

const ec2 = { mode: 'ok' as Ec2Mode, price: '0.031200', requests: [] as Ec2Request[] };
const imds = { role: false, requests: [] as string[] };
const held: ServerResponse[] = [];
const sockets = new Set<Socket>();
let ec2Server: Server;
let imdsServer: Server;
let ec2Endpoint: string;
let imdsEndpoint: string;

/** EC2's answer to DescribeSpotPriceHistory, as the Query API gives it (EC2 API version 2016-11-15). */
function historyXml(entries: { type: string; az: string; price: string; at: string }[]): string {
  const items = entries
    .map(
      (e) =>
        `    <item>\n      <instanceType>${e.type}</instanceType>\n      <productDescription>Linux/UNIX</productDescription>\n` +
        `      <spotPrice>${e.price}</spotPrice>\n      <timestamp>${e.at}</timestamp>\n      <availabilityZone>${e.az}</availabilityZone>\n    </item>\n`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">\n' +
    '    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>\n' +
    `    <spotPriceHistorySet>\n${items}    </spotPriceHistorySet>\n    <nextToken/>\n</DescribeSpotPriceHistoryResponse>\n`
  );
}

/** EC2's error document. */
function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-cb5432daacc0</RequestID></Response>\n`;
}

function answerEc2(req: IncomingMessage, res: ServerResponse, body: string): void {
  const form = new URLSearchParams(body);
  ec2.requests.push({ form, authorization: String(req.headers.authorization ?? '') });
  const xml = { 'content-type': 'text/xml;charset=UTF-8' };
  if (req.method !== 'POST' || form.get('Action') !== 'DescribeSpotPriceHistory') return void res.writeHead(400, xml).end(errorXml('InvalidAction', 'no'));
  switch (ec2.mode) {
    case 'forbidden':
      return void res.writeHead(403, xml).end(errorXml('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    case 'error500':
      return void res.writeHead(500, xml).end(errorXml('InternalError', 'An internal error has occurred.'));
    case 'garbage':
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>\u001b]0;pwned\u0007 captive portal</body>');
    case 'stall':
      return void held.push(res);
    case 'empty':
      return void res.writeHead(200, xml).end(historyXml([]));
  }
  const now = Date.now();
  res.writeHead(200, xml).end(
    historyXml([
      // Another zone's newer price, and this zone's older one: the newest for this zone wins.
      { type: 'm7i.large', az: 'us-east-1b', price: '0.999000', at: new Date(now - 60_000).toISOString() },
      { type: 'm7i.large', az: 'us-east-1a', price: '0.045000', at: new Date(now - 7_200_000).toISOString() },
      { type: 'm7i.large', az: 'us-east-1a', price: ec2.price, at: new Date(now - 3_600_000).toISOString() },
    ]),
  );
}

const META: Record<string, string> = {
  'instance-type': 'm7i.large',
  'placement/region': 'us-east-1',
  'placement/availability-zone': 'us-east-1a',
  'instance-life-cycle': 'spot',
  'instance-id': 'i-0123456789abcdef0',
};

/** IMDSv2, with an instance role's credentials when `imds.role` is set. */
function answerImds(req: IncomingMessage, res: ServerResponse): void {
  imds.requests.push(`${req.method} ${req.url}`);
  if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.writeHead(200).end('tkn');
  if (req.headers['x-aws-ec2-metadata-token'] !== 'tkn') return void res.writeHead(401).end();
  const path = req.url!.replace('/latest/meta-data/', '');
  if (path === 'iam/security-credentials/' && imds.role) return void res.end('shoji-role');
  if (path === 'iam/security-credentials/shoji-role' && imds.role) {
    const expires = new Date(Date.now() + 6 * 3_600_000).toISOString();
    return void res.end(
      JSON.stringify({
        Code: 'Success',
        LastUpdated: new Date().toISOString(),
        Type: 'AWS-HMAC',
        AccessKeyId: ROLE_KEY_ID,
        SecretAccessKey: 'roleSecretExample',
        Token: 'roleSessionTokenExample',
        Expiration: expires,
      }),
    );
  }
  const v = META[path];
  if (v) res.end(v);
  else res.writeHead(404).end();
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<[Server, string]> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  requireBuild();
  [ec2Server, ec2Endpoint] = await listen(answerEc2);
  [imdsServer, imdsEndpoint] = await listen(answerImds);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([ec2Server, imdsServer].map((s) => new Promise((r) => s.close(r))));
});

let tree: FixtureTree;
beforeEach(() => {
  Object.assign(ec2, { mode: 'ok', price: '0.031200', requests: [] });
  Object.assign(imds, { role: false, requests: [] });
  tree = fixtureTree();
  proc(tree);
  nitro(tree, 'm7i.large');
  mkdirSync(join(tree.dir, 'home'), { recursive: true });
});
afterEach(() => {
  for (const r of held.splice(0)) r.destroy();
  tree.cleanup();
});

const cacheFile = () => join(tree.dir, 'cache', 'ec2', 'spot-us-east-1_us-east-1a_m7i.large.json');

/** An environment of the test's own making (nothing of the runner's). */
function envFor(o: { keys?: boolean; extra?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: join(tree.dir, 'home'),
    // No shared AWS files: a run without keys in its environment has no credentials but a role's.
    AWS_CONFIG_FILE: join(tree.dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tree.dir, 'no-aws-credentials'),
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsEndpoint,
    AWS_ENDPOINT_URL_EC2: ec2Endpoint,
    ...(o.keys === false ? {} : { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: 'secretExample' }),
    ...o.extra,
  };
}

/** ec2-cost as a process. */
function ec2Cost(args: string[], o: { keys?: boolean; extra?: NodeJS.ProcessEnv } = {}) {
  return runShoji(args, envFor(o), EC2_COST);
}

async function json(args: string[] = [], o: Parameters<typeof ec2Cost>[1] = {}) {
  const r = await ec2Cost(['--json', ...args], o);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** A cache entry as shoji writes it, `ageMs` old. */
function writeCache(price: string, ageMs: number): void {
  mkdirSync(join(tree.dir, 'cache', 'ec2'), { recursive: true, mode: 0o700 });
  const checkedAt = new Date(Date.now() - ageMs).toISOString();
  writeFileSync(
    cacheFile(),
    JSON.stringify({
      format: 1,
      region: 'us-east-1',
      availabilityZone: 'us-east-1a',
      instanceType: 'm7i.large',
      checkedAt,
      price: { usdPerHour: price, setAt: checkedAt },
      problem: null,
    }),
  );
}

// 303 h since boot (the fixture's /proc/uptime): 1,090,800 s x $0.0312/h.
const SPOT_COMPUTE = 9.4536;
const ON_DEMAND = 0.1008;

describe('a spot instance with credentials', () => {
  it('asks EC2 once for its type, zone and Linux/UNIX from now, and prices at the newest price for its zone, labelled', async () => {
    const before = Date.now();
    const j = await json();
    expect(ec2.requests).toHaveLength(1);
    const form = ec2.requests[0].form;
    expect(form.get('InstanceType.1')).toBe('m7i.large');
    expect(form.get('ProductDescription.1')).toBe('Linux/UNIX');
    expect(form.get('AvailabilityZone')).toBe('us-east-1a');
    expect(Date.parse(form.get('StartTime')!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(ec2.requests[0].authorization).toContain(`Credential=${KEY_ID}/`);
    expect(ec2.requests[0].authorization).toContain('/us-east-1/ec2/aws4_request');
    expect(j).toMatchObject({
      mode: 'ec2',
      spot: true,
      lifecycle: 'spot',
      hourlyRateUsd: 0.0312,
      computeUsd: SPOT_COMPUTE,
      onDemandRateUsd: ON_DEMAND,
      priceSource: 'EC2 DescribeSpotPriceHistory',
      spotPriceSource: 'DescribeSpotPriceHistory',
      spotPriceProblem: null,
      spotPrice: {
        usdPerHour: 0.0312,
        region: 'us-east-1',
        availabilityZone: 'us-east-1a',
        instanceType: 'm7i.large',
        productDescription: 'Linux/UNIX',
        cached: false,
      },
    });
    expect(j.pricesAsOf).toBe(j.spotPrice.checkedAt.slice(0, 10));
    expect(j.notes.join('\n')).not.toMatch(/upper bound/);
    // The keys every run has are still there.
    for (const k of ['totalUsd', 'networkOutUsd', 'publicIpv4Usd', 'ebsUsd', 'pricedType', 'pricedRegion']) expect(j).toHaveProperty(k);
  });

  it('--detail labels the rate with the zone and the time it was asked; a second run is served from the cache, without a request', async () => {
    const first = await ec2Cost(['--detail']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^Prices {7}spot price \$0\.0312\/h in us-east-1a, as of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/m);
    expect(first.stdout).toMatch(/^Compute {6}303\.000000 h @ \$0\.0312\/h = \$9\.453600$/m);
    expect(first.stdout).toMatch(/EC2 DescribeSpotPriceHistory, Linux\/UNIX; AWS set it at .*; on-demand \$0\.1008\/h/);
    expect(ec2.requests).toHaveLength(1);

    const again = await json();
    expect(ec2.requests).toHaveLength(1);
    expect(again).toMatchObject({ hourlyRateUsd: 0.0312, spotPriceSource: 'DescribeSpotPriceHistory', spotPrice: { cached: true } });
    const second = await ec2Cost(['--detail']);
    expect(second.stdout).toMatch(/cached for an hour/);
    expect(ec2.requests).toHaveLength(1);
  });

  it('a cached price within the hour is used as it is; one over an hour old is asked for again and replaced', async () => {
    writeCache('0.05', 50 * 60_000);
    expect(await json()).toMatchObject({ hourlyRateUsd: 0.05, spotPrice: { cached: true } });
    expect(ec2.requests).toHaveLength(0);

    writeCache('0.05', 61 * 60_000);
    expect(await json()).toMatchObject({ hourlyRateUsd: 0.0312, spotPrice: { cached: false } });
    expect(ec2.requests).toHaveLength(1);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8'))).toMatchObject({ price: { usdPerHour: '0.0312' }, problem: null });
  });

  it('a corrupt or foreign cache file is ignored, the price asked for, and the file rewritten', async () => {
    for (const bad of ['{"format":1,"region":"us-east-1"', '{"format":1,"region":"us-east-1","availabilityZone":"us-east-1b","instanceType":"m7i.large"}']) {
      ec2.requests = [];
      mkdirSync(join(tree.dir, 'cache', 'ec2'), { recursive: true, mode: 0o700 });
      writeFileSync(cacheFile(), bad);
      expect(await json()).toMatchObject({ hourlyRateUsd: 0.0312, spotPrice: { cached: false } });
      expect(ec2.requests).toHaveLength(1);
      expect(JSON.parse(readFileSync(cacheFile(), 'utf8'))).toMatchObject({ availabilityZone: 'us-east-1a', price: { usdPerHour: '0.0312' } });
    }
  });

  it('a price written "in the future" (a clock set back) is not trusted', async () => {
    writeCache('0.05', -3 * 3_600_000);
    expect(await json()).toMatchObject({ hourlyRateUsd: 0.0312 });
    expect(ec2.requests).toHaveLength(1);
  });

  it('credentials from the instance role (the metadata service) are used when the environment has none', async () => {
    imds.role = true;
    const j = await json([], { keys: false });
    expect(j).toMatchObject({ hourlyRateUsd: 0.0312, spotPriceSource: 'DescribeSpotPriceHistory' });
    expect(ec2.requests).toHaveLength(1);
    expect(ec2.requests[0].authorization).toContain(`Credential=${ROLE_KEY_ID}/`);
  });

  it('--spot-price wins over everything: no request, the given price', async () => {
    writeCache('0.05', 60_000);
    const j = await json(['--spot-price', '0.02']);
    expect(j).toMatchObject({ hourlyRateUsd: 0.02, priceSource: 'spot price given with --spot-price', spotPriceSource: 'given', spotPrice: null });
    expect(ec2.requests).toHaveLength(0);
  });
});

describe('no spot price: the on-demand upper bound stays, with the reason', () => {
  const cases: [Ec2Mode, RegExp][] = [
    ['forbidden', /^not allowed \(UnauthorizedOperation, HTTP 403\): the credentials need ec2:DescribeSpotPriceHistory$/],
    ['error500', /^EC2 answered with an error: .*HTTP 500/],
    ['garbage', /^EC2 answered with an error: .*HTTP 200.*XML/],
    ['empty', /^EC2 gave no Linux\/UNIX spot price for m7i\.large in us-east-1a$/],
    ['stall', /^no answer from EC2 within 3 s$/],
  ];
  it.each(cases)('EC2 %s', async (mode, reason) => {
    ec2.mode = mode;
    const j = await json();
    expect(ec2.requests.length).toBeGreaterThanOrEqual(1);
    expect(ec2.requests.length).toBeLessThanOrEqual(2); // the SDK's retries are bounded
    expect(j).toMatchObject({
      spot: true,
      hourlyRateUsd: ON_DEMAND,
      spotPriceSource: 'on-demand upper bound',
      spotPrice: null,
      priceSource: 'shoji catalogue',
    });
    expect(j.spotPriceProblem).toMatch(reason);
    expect(j.spotPriceProblem).not.toMatch(/[\u0000-\u001f]/);
    expect(j.notes).toContain(`no spot price: ${j.spotPriceProblem}`);
    expect(j.notes.join('\n')).toMatch(/on-demand price is shown as an upper bound/);
  });

  it('--detail says why in one short note, and keeps the on-demand label', async () => {
    ec2.mode = 'forbidden';
    const r = await ec2Cost(['--detail']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Prices {7}shoji catalogue, us-east-1, as of /m);
    expect(r.stdout).toMatch(/^ {2}- no spot price: not allowed \(UnauthorizedOperation, HTTP 403\): the credentials need ec2:DescribeSpotPriceHistory$/m);
  });

  it('no credentials anywhere: no request to EC2 at all', async () => {
    const j = await json([], { keys: false });
    expect(ec2.requests).toHaveLength(0);
    expect(j).toMatchObject({ hourlyRateUsd: ON_DEMAND, spotPriceSource: 'on-demand upper bound', spotPriceProblem: 'no AWS credentials found' });
    // The role was looked for where the SDK looks: the metadata service.
    expect(imds.requests).toContain('GET /latest/meta-data/iam/security-credentials/');
  });

  it('a failure is kept with its reason: the next runs within 10 minutes do not ask again, a later one does', async () => {
    ec2.mode = 'error500';
    const first = await json();
    const n = ec2.requests.length;
    const kept = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    expect(kept).toMatchObject({ price: null, problem: first.spotPriceProblem });
    expect(kept.problem).toMatch(/HTTP 500/);
    ec2.mode = 'ok';
    expect(await json()).toMatchObject({ hourlyRateUsd: ON_DEMAND, spotPriceProblem: kept.problem });
    expect(ec2.requests).toHaveLength(n);

    writeFileSync(cacheFile(), JSON.stringify({ ...kept, checkedAt: new Date(Date.now() - 10 * 60_000).toISOString() }));
    expect(await json()).toMatchObject({ hourlyRateUsd: 0.0312, spotPrice: { cached: false } });
    expect(ec2.requests).toHaveLength(n + 1);
  });

  it('no credentials is a failure like any other: kept, not looked for again at once', async () => {
    await json([], { keys: false });
    const looked = imds.requests.length;
    expect(await json([], { keys: false })).toMatchObject({ spotPriceProblem: 'no AWS credentials found' });
    expect(imds.requests.filter((r) => r.includes('iam/'))).toHaveLength(imds.requests.slice(0, looked).filter((r) => r.includes('iam/')).length);
    expect(ec2.requests).toHaveLength(0);
  });

  it('an on-demand instance never asks', async () => {
    META['instance-life-cycle'] = 'on-demand';
    try {
      const j = await json();
      expect(j).toMatchObject({ spot: false, hourlyRateUsd: ON_DEMAND, spotPriceSource: null, spotPrice: null, spotPriceProblem: null });
      expect(ec2.requests).toHaveLength(0);
    } finally {
      META['instance-life-cycle'] = 'spot';
    }
  });
});

describe('the status module: the cached price only, refreshed by a detached ec2-cost', () => {
  const collect = async () => {
    const ctx = moduleContext(ec2CostModule, tree, {}, envFor());
    const r = await ec2CostModule.collect(ctx, undefined);
    return { data: r.data!, detail: r.reading!.detail! };
  };
  const saved = () => JSON.parse(readFileSync(cacheFile(), 'utf8'));
  /** What the detached ec2-cost leaves, waited for (a condition, not a time: the limit only stops a hung test). */
  async function settled(): Promise<{ price: unknown; problem: unknown; checkedAt: string }> {
    for (let i = 0; i < 400; i++) {
      try {
        const entry = saved();
        if (entry.price !== null || entry.problem !== null) return entry;
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the background lookup left no answer in the cache');
  }

  it('a fresh cached price is used and labelled, without a request', async () => {
    writeCache('0.05', 10 * 60_000);
    const before = readFileSync(cacheFile(), 'utf8');
    const { data, detail } = await collect();
    expect(data).toMatchObject({ spot: true, hourlyRateUsd: 0.05, priceSource: 'EC2 DescribeSpotPriceHistory' });
    expect(detail).toContainEqual({
      label: 'Prices',
      value: expect.stringMatching(/^spot price \$0\.05\/h in us-east-1a, as of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
    });
    expect(readFileSync(cacheFile(), 'utf8')).toBe(before);
    expect(ec2.requests).toHaveLength(0);
  });

  it('no price yet: the on-demand bound at once, the price asked for in the background, used by the next collect', async () => {
    const first = await collect();
    expect(first.data).toMatchObject({ hourlyRateUsd: ON_DEMAND, priceSource: 'shoji catalogue' });
    expect(first.detail).toContainEqual({ label: 'Note', value: 'no spot price: not looked up yet' });
    expect(await settled()).toMatchObject({ price: { usdPerHour: '0.0312' }, problem: null });
    expect(ec2.requests).toHaveLength(1);

    const next = await collect();
    expect(next.data).toMatchObject({ hourlyRateUsd: 0.0312, priceSource: 'EC2 DescribeSpotPriceHistory' });
    const checked = saved().checkedAt;
    await collect();
    expect(saved().checkedAt).toBe(checked); // nothing started again
    expect(ec2.requests).toHaveLength(1);
  });

  it('a failed lookup is shown as the reason and not started again at every collect', async () => {
    ec2.mode = 'forbidden';
    await collect();
    const failed = await settled();
    expect(failed.problem).toMatch(/^not allowed/);
    const asked = ec2.requests.length;
    const again = await collect();
    expect(again.data).toMatchObject({ hourlyRateUsd: ON_DEMAND });
    expect(again.detail).toContainEqual({ label: 'Note', value: `no spot price: ${failed.problem}` });
    expect(saved().checkedAt).toBe(failed.checkedAt);
    expect(ec2.requests).toHaveLength(asked);
  });

  it('an old failure is tried again', async () => {
    ec2.mode = 'forbidden';
    await collect();
    const failed = await settled();
    writeFileSync(cacheFile(), JSON.stringify({ ...failed, checkedAt: new Date(Date.now() - 11 * 60_000).toISOString() }));
    ec2.mode = 'ok';
    await collect();
    expect(await settled()).toMatchObject({ price: { usdPerHour: '0.0312' } });
  });
});
