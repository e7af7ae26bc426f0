/**
 * The metadata client against a real HTTP server on loopback speaking IMDSv2: token PUT, GETs
 * with the token, 401 for a bad token, a token PUT that never answers (a container behind a hop
 * limit of 1), 403/404/405 -> IMDSv1, AWS_EC2_METADATA_DISABLED, and a dead http_proxy.
 * AWS_EC2_METADATA_SERVICE_ENDPOINT points the client at the server, as the AWS SDKs allow.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identify } from '../../src/ec2/identify.js';
import { queryImds } from '../../src/ec2/imds.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { BOOT_ID, nitro, plainXen, proc, qemu, xen } from '../unit/ec2/hosts.js';
import { run } from '../unit/ec2/run.js';

type Mode = 'v2' | 'hang' | 'put403' | 'put404' | 'put405' | 'put400' | 'wrong-token';

interface Imds {
  mode: Mode;
  spot: boolean;
  publicIp: boolean;
  /** Answers that replace the usual ones, by path under meta-data/: text, or an HTTP status. */
  answers: Record<string, string | number>;
  /** An HTTP status for the token PUT instead of a token. */
  putStatus: number | null;
  connections: number;
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
}

const state: Imds = { mode: 'v2', spot: false, publicIp: true, answers: {}, putStatus: null, connections: 0, requests: [] };
const TOKEN = 'AQAEAFakeTokenForShojiTests==';
const held: ServerResponse[] = [];
const sockets = new Set<Socket>();
let server: Server;
let endpoint: string;

const META: Record<string, () => string | null> = {
  'instance-type': () => 'm7i.large',
  'placement/region': () => 'us-east-1',
  'placement/availability-zone': () => 'us-east-1a',
  'instance-life-cycle': () => (state.spot ? 'spot' : 'on-demand'),
  'public-ipv4': () => (state.publicIp ? '203.0.113.10' : null),
  'instance-id': () => 'i-0123456789abcdef0',
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  state.requests.push({ method: req.method!, url: req.url!, headers: req.headers });
  if (req.method === 'PUT' && req.url === '/latest/api/token') {
    if (req.headers['x-forwarded-for']) return void res.writeHead(403).end();
    if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return void res.writeHead(400).end();
    if (state.mode === 'hang') return void held.push(res); // never answered
    if (state.putStatus !== null) return void res.writeHead(state.putStatus).end();
    if (state.mode.startsWith('put')) return void res.writeHead(Number(state.mode.slice(3))).end();
    return void res.writeHead(200, { 'content-type': 'text/plain' }).end(state.mode === 'wrong-token' ? 'not-the-token' : TOKEN);
  }
  if (req.method !== 'GET') return void res.writeHead(405).end();
  const v2 = state.mode === 'v2' || state.mode === 'wrong-token';
  if (v2 && req.headers['x-aws-ec2-metadata-token'] !== TOKEN) return void res.writeHead(401).end();
  const path = req.url!.replace('/latest/meta-data/', '');
  const given = state.answers[path];
  if (typeof given === 'number') return void res.writeHead(given).end();
  const value = given ?? META[path]?.() ?? null;
  if (value === null) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/plain' }).end(value);
}

beforeAll(async () => {
  server = createServer(handle);
  server.on('connection', (s) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

let tree: FixtureTree;
beforeEach(() => {
  Object.assign(state, { mode: 'v2', spot: false, publicIp: true, answers: {}, putStatus: null, connections: 0, requests: [] });
  tree = fixtureTree();
  proc(tree);
});
afterEach(() => {
  for (const r of held.splice(0)) r.destroy();
  tree.cleanup();
});

const envFor = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
  SHOJI_CACHE_DIR: `${tree.dir}/cache`,
  ...extra,
});

describe('IMDSv2 client', () => {
  it('gets a token with a TTL, then sends it on every GET', async () => {
    const r = await queryImds({ env: envFor() });
    expect(r).toEqual({
      ok: true,
      metadata: {
        instanceType: 'm7i.large',
        region: 'us-east-1',
        availabilityZone: 'us-east-1a',
        lifecycle: 'on-demand',
        publicIpv4: '203.0.113.10',
        instanceId: 'i-0123456789abcdef0',
        imdsVersion: 'v2',
      },
    });
    const [put, ...gets] = state.requests;
    expect(put).toMatchObject({ method: 'PUT', url: '/latest/api/token' });
    expect(put.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    expect(put.headers['x-forwarded-for']).toBeUndefined();
    expect(gets.length).toBeGreaterThan(0);
    for (const g of gets) expect(g.headers['x-aws-ec2-metadata-token']).toBe(TOKEN);
    expect(state.connections).toBe(1); // one keep-alive connection for the whole lookup
  });

  it('reports spot and the absence of a public IPv4 address', async () => {
    Object.assign(state, { spot: true, publicIp: false });
    const r = await queryImds({ env: envFor() });
    expect(r.ok && r.metadata).toMatchObject({ lifecycle: 'spot', publicIpv4: null });
  });

  it('fails on a 401 (a token the service does not accept), without retrying forever', async () => {
    state.mode = 'wrong-token';
    const r = await queryImds({ env: envFor() });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/401/) });
    expect(state.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
  });

  it('a token PUT that never answers: one attempt, "unknown" within the timeout', async () => {
    state.mode = 'hang';
    const started = Date.now();
    const r = await queryImds({ env: envFor() });
    const took = Date.now() - started;
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/no answer/) });
    expect(took).toBeLessThan(1000);
    expect(state.requests).toHaveLength(1);
    expect(state.requests[0].method).toBe('PUT');
  });

  for (const status of [403, 404, 405] as const) {
    it(`a token PUT answered ${status}: IMDSv1 GETs, without a token`, async () => {
      state.mode = `put${status}`;
      const r = await queryImds({ env: envFor() });
      expect(r.ok && r.metadata).toMatchObject({ instanceType: 'm7i.large', imdsVersion: 'v1' });
      for (const g of state.requests.slice(1)) expect(g.headers['x-aws-ec2-metadata-token']).toBeUndefined();
    });
  }

  it('no IMDSv1 fallback when AWS_EC2_METADATA_V1_DISABLED is set', async () => {
    state.mode = 'put403';
    const r = await queryImds({ env: envFor({ AWS_EC2_METADATA_V1_DISABLED: 'true' }) });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/IMDSv1 is disabled/) });
    expect(state.requests).toHaveLength(1);
  });

  it('no IMDSv1 fallback on a 400 (an invalid PUT)', async () => {
    state.mode = 'put400';
    expect(await queryImds({ env: envFor() })).toMatchObject({ ok: false });
    expect(state.requests).toHaveLength(1);
  });

  it('AWS_EC2_METADATA_DISABLED: no connection at all', async () => {
    const r = await queryImds({ env: envFor({ AWS_EC2_METADATA_DISABLED: 'true' }) });
    expect(r).toMatchObject({ ok: false, disabled: true });
    await new Promise((res) => setTimeout(res, 50));
    expect(state.connections).toBe(0);
  });

  it('goes direct even with http_proxy set to a dead proxy', async () => {
    const saved = { http_proxy: process.env.http_proxy, HTTP_PROXY: process.env.HTTP_PROXY };
    process.env.http_proxy = process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    try {
      const r = await queryImds({ env: envFor({ http_proxy: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' }) });
      expect(r.ok).toBe(true);
      // A proxied request would carry an absolute URL in its request line.
      for (const q of state.requests) expect(q.url.startsWith('/')).toBe(true);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('an endpoint nobody listens on: "unknown", quickly', async () => {
    const r = await queryImds({ env: envFor({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' }) });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/unreachable|no answer/) });
  });
});

describe('identify: files first, then IMDS once per boot', () => {
  it('QEMU: not EC2, and the metadata service is never contacted', async () => {
    qemu(tree);
    const id = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(id.onEc2).toBe(false);
    expect(state.connections).toBe(0);
  });

  it('Nitro: EC2 from DMI, region and the rest from IMDS, then from the cache', async () => {
    nitro(tree);
    const first = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(first).toMatchObject({ onEc2: true, instanceType: 'm7i.large', region: 'us-east-1', publicIpv4: true, source: 'imds' });
    const connections = state.connections;
    const again = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(again).toMatchObject({ onEc2: true, region: 'us-east-1', source: 'imds (cached for this boot)' });
    expect(state.connections).toBe(connections);
  });

  it('a new boot id asks again', async () => {
    xen(tree);
    await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    const before = state.requests.length;
    tree.write('proc/sys/kernel/random/boot_id', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee\n');
    const id = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(id.instanceType).toBe('m7i.large');
    expect(state.requests.length).toBeGreaterThan(before);
  });

  it('cannot tell (plain Xen) and the PUT hangs: one try, not EC2, the negative cached for the boot', async () => {
    plainXen(tree);
    state.mode = 'hang';
    const started = Date.now();
    const id = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(id.onEc2).toBe(false);
    expect(id.imdsNote).toMatch(/no answer/);
    const requests = state.requests.length;
    const again = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(again.onEc2).toBe(false);
    expect(again.imdsNote).toMatch(/cached for this boot/);
    expect(state.requests.length).toBe(requests);
  });

  it('files say EC2 (Nitro) and the PUT hangs once: EC2 from DMI now, and the service asked again next time', async () => {
    nitro(tree);
    state.mode = 'hang';
    const id = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(id).toMatchObject({ onEc2: true, instanceType: 'm7i.large', region: null });
    expect(id.imdsNote).toMatch(/no answer/);
    state.mode = 'v2';
    const again = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
    expect(again).toMatchObject({ onEc2: true, region: 'us-east-1', source: 'imds' });
  });

  it('Nitro with AWS_EC2_METADATA_DISABLED: EC2 with the DMI type, no connection, region unknown', async () => {
    nitro(tree);
    const id = await identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor({ AWS_EC2_METADATA_DISABLED: 'TRUE' }) });
    expect(id).toMatchObject({ onEc2: true, instanceType: 'm7i.large', region: null, source: 'dmi' });
    expect(state.connections).toBe(0);
  });
});

/**
 * What the metadata service says is used, printed and kept for the boot only once it has the
 * shape AWS gives it; failures that may pass (an HTTP error, a refused token, a junk answer) are
 * asked again rather than remembered; and the cache file is read back as strictly as an answer.
 */
describe('IMDS answers are checked before they are used or kept', () => {
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
  const cacheFile = () => join(tree.dir, 'cache', 'ec2', 'imds.json');
  const ask = () => identify({ sysRoot: tree.sysRoot, procRoot: tree.procRoot, env: envFor() });
  const everything = () => readdirSync(tree.dir, { recursive: true }).map(String).sort();

  it('a multi-line instance type with a terminal title in it is refused as invalid, escaped', async () => {
    state.answers['instance-type'] = 'm7i.large\n\u001b]0;pwned\u0007';
    const r = await queryImds({ env: envFor() });
    expect(r).toEqual({
      ok: false,
      transient: true,
      reason: 'the metadata service\'s answer was refused: instanceType is not valid: "m7i.large\\n\\x1b]0;pwned\\x07"',
    });
  });

  it('through ec2-cost on a Xen instance: reported as invalid (not "no price is known for m7i.large"), nothing raw', async () => {
    xen(tree);
    state.answers['instance-type'] = 'm7i.large\n\u001b]0;pwned\u0007\u001b[2J';
    const env = { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint };
    const detail = await run(tree, ['--detail', '--arch', 'x86_64'], env);
    expect(detail.err).toBe('');
    expect(detail.code).toBe(0);
    expect(detail.out).toMatch(
      /this is EC2 but its instance type is unknown \(metadata service: no answer: the metadata service's answer was refused: instanceType is not valid: "m7i\.large\\n\\x1b\]0;pwned\\x07\\x1b\[2J"\)/,
    );
    expect(detail.out).not.toMatch(CONTROL);
    expect(detail.out).not.toMatch(/no price is known/);
    const line = await run(tree, ['--arch', 'x86_64'], env);
    expect(line.out).toMatch(/ since boot as \S+ us-east-1 \(cheapest fit; the instance type is unknown\) · 303\.0 h\n$/);
  });

  it.each([
    ['instance-type', 'constructor'],
    ['instance-type', '__proto__'],
    ['instance-type', '../../x.large'],
    ['placement/region', '__proto__'],
    ['placement/region', 'constructor'],
    ['placement/region', '../../../x/ESCAPED'],
    ['placement/region', 'us-east-1\nx'],
    ['placement/availability-zone', 'us-east-1a\u001b[2J'],
    ['instance-life-cycle', 'spot\u0007'],
    ['instance-id', 'i-0123 ; rm -rf'],
    ['public-ipv4', '203.0.113.300'],
  ])('%s %j: refused, not cached, no file written, asked again next time', async (path, answer) => {
    xen(tree);
    state.answers[path] = answer;
    const before = everything();
    const first = await ask();
    expect(first.imdsNote).toMatch(/answer was refused: \w+ is not valid/);
    expect(first.instanceType).toBeNull();
    expect(first.region).toBeNull();
    expect(everything()).toEqual(before);
    const requests = state.requests.length;
    await ask();
    expect(state.requests.length).toBeGreaterThan(requests);
  });

  it.each([
    [
      'an HTTP 500 for the instance type',
      () => {
        state.answers['instance-type'] = 500;
      },
    ],
    [
      'a 503 for the token',
      () => {
        state.putStatus = 503;
      },
    ],
    [
      'a token the service then rejects (401)',
      () => {
        state.mode = 'wrong-token';
      },
    ],
  ])('a transient failure (%s) is not kept for the boot: the next call asks again and gets the answer', async (_what, fail) => {
    xen(tree);
    fail();
    const first = await ask();
    expect(first.instanceType).toBeNull();
    expect(existsSync(cacheFile())).toBe(false);
    Object.assign(state, { mode: 'v2', answers: {}, putStatus: null });
    const second = await ask();
    expect(second).toMatchObject({ instanceType: 'm7i.large', region: 'us-east-1', source: 'imds' });
    expect((await ask()).source).toBe('imds (cached for this boot)');
  });

  it.each([
    [
      'a junk type',
      {
        ok: true,
        metadata: {
          instanceType: 'constructor',
          region: 'us-east-1',
          availabilityZone: null,
          lifecycle: null,
          publicIpv4: null,
          instanceId: null,
          imdsVersion: 'v2',
        },
      },
    ],
    [
      'a region that is a path',
      {
        ok: true,
        metadata: {
          instanceType: 'm7i.large',
          region: '../../../x/ESCAPED',
          availabilityZone: null,
          lifecycle: null,
          publicIpv4: null,
          instanceId: null,
          imdsVersion: 'v2',
        },
      },
    ],
    [
      'a type with escapes',
      {
        ok: true,
        metadata: {
          instanceType: 'm7i.large\u001b[2J',
          region: 'us-east-1',
          availabilityZone: null,
          lifecycle: null,
          publicIpv4: null,
          instanceId: null,
          imdsVersion: 'v2',
        },
      },
    ],
    ['no metadata at all', { ok: true }],
    ['a failure marked transient', { ok: false, reason: 'HTTP 500', transient: true }],
    ['a reason that is not text', { ok: false, reason: { toString: 1 } }],
  ])('a cached answer with %s is not used: the service is asked and the cache rewritten', async (_what, result) => {
    xen(tree);
    mkdirSync(join(tree.dir, 'cache', 'ec2'), { recursive: true });
    writeFileSync(cacheFile(), JSON.stringify({ format: 1, bootId: BOOT_ID, endpoint: new URL(endpoint).href, savedAt: '2026-11-30T00:00:00.000Z', result }));
    const id = await ask();
    expect(id).toMatchObject({ instanceType: 'm7i.large', region: 'us-east-1', source: 'imds' });
    expect(state.requests.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).result.metadata.instanceType).toBe('m7i.large');
  });

  it('a cache file that is not JSON is rebuilt from a fresh answer', async () => {
    xen(tree);
    mkdirSync(join(tree.dir, 'cache', 'ec2'), { recursive: true });
    writeFileSync(cacheFile(), '{"format":1,"bootId":');
    expect(await ask()).toMatchObject({ instanceType: 'm7i.large', source: 'imds' });
    expect((await ask()).source).toBe('imds (cached for this boot)');
  });

  it('a well-formed region shoji has never heard of (a new one) is used, and the one-line says it is not modelled', async () => {
    nitro(tree);
    state.answers['placement/region'] = 'xx-new-1';
    state.answers['placement/availability-zone'] = 'xx-new-1a';
    const r = await run(tree, [], { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(
      /^~\$\d+\.\d\d at us-east-1 rates since boot · m7i\.large xx-new-1 · 303\.0 h · xx-new-1 not modelled: a region shoji has no data for\n$/,
    );
    expect((await ask()).source).toBe('imds (cached for this boot)');
  });
});
