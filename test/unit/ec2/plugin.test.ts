/** The ec2-cost status module: hidden off EC2 unless asked, and no network I/O per collect. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ec2Cost from '../../../plugins/ec2-cost/index.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';
import { nitro, proc, qemu, xen } from './hosts.js';

let server: Server;
let endpoint: string;
let requests = 0;
/** While set, the metadata service answers the instance type with an HTTP 500. */
let failing = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.method === 'PUT') return void res.end('token');
    if (failing && req.url === '/latest/meta-data/instance-type') return void res.writeHead(500).end();
    const answers: Record<string, string> = {
      '/latest/meta-data/instance-type': 'm7i.large',
      '/latest/meta-data/placement/region': 'us-east-1',
      '/latest/meta-data/instance-life-cycle': 'on-demand',
    };
    const body = req.headers['x-aws-ec2-metadata-token'] === 'token' ? answers[req.url!] : undefined;
    if (body === undefined) return void res.writeHead(req.headers['x-aws-ec2-metadata-token'] ? 404 : 401).end();
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  requests = 0;
  failing = false;
});
afterEach(() => tree.cleanup());

const env = (extra: NodeJS.ProcessEnv = {}) => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint, SHOJI_CACHE_DIR: `${tree.dir}/cache`, ...extra });

describe('ec2-cost module', () => {
  it('off EC2: not available, and no reading even when collected', async () => {
    qemu(tree);
    proc(tree);
    const ctx = moduleContext(ec2Cost, tree, {}, env());
    expect(await ec2Cost.available!(ctx)).toBe(false);
    const r = await ec2Cost.collect(ctx, undefined);
    expect(r.reading).toBeNull();
    expect(requests).toBe(0);
  });

  it('off EC2 with estimate_off_ec2: the cheapest fit’s running total', async () => {
    qemu(tree);
    proc(tree);
    const ctx = moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, env());
    expect(await ec2Cost.available!(ctx)).toBe(true);
    const r = await ec2Cost.collect(ctx, undefined);
    expect(r.reading).toMatchObject({ text: expect.stringMatching(/^~\$\d+\.\d\d$/), state: 'info', icon: 'ec2-cost' });
    expect(r.data).toMatchObject({
      onEc2: false,
      mode: 'off-ec2',
      region: 'us-east-1',
      priceSource: 'shoji catalogue',
      pricesAsOf: '2026-07-20',
      estimate: true,
    });
    expect(requests).toBe(0);
  });

  it('on EC2 (Nitro): the running total, rate, 30-day projection, source and date; IMDS once, never per collect', async () => {
    nitro(tree);
    proc(tree, { bootId: null }); // no boot id: nothing cached on disk, the memo must do
    const ctx = moduleContext(ec2Cost, tree, {}, env());
    expect(await ec2Cost.available!(ctx)).toBe(true);
    const first = await ec2Cost.collect(ctx, undefined);
    expect(first.reading!.text).toBe('~$31.26'); // example A: the fixture host sent 7.918646 GiB in 303 h
    const data = first.data!;
    expect(data).toMatchObject({
      instanceType: 'm7i.large',
      region: 'us-east-1',
      onEc2: true,
      mode: 'ec2',
      hourlyRateUsd: 0.1008,
      priceSource: 'shoji catalogue',
      pricesAsOf: '2026-07-20',
    });
    expect(data.totalUsd).toBeCloseTo(30.5424 + 0.71267814, 6);
    expect(data.per30DaysUsd).toBeGreaterThan(72.576);
    const asked = requests;
    expect(asked).toBeGreaterThan(0);
    let memo = first.memo;
    for (let i = 0; i < 3; i++) memo = (await ec2Cost.collect(ctx, memo)).memo;
    expect(requests).toBe(asked);
    expect(first.reading!.detail!.map((d) => d.label)).toEqual(expect.arrayContaining(['Since boot', 'Instance', 'Rate', 'Prices']));
  });

  it('on EC2 with a boot id: a fresh process (no memo) uses the per-boot cache, not the network', async () => {
    nitro(tree);
    proc(tree);
    const ctx = moduleContext(ec2Cost, tree, {}, env());
    await ec2Cost.collect(ctx, undefined);
    const asked = requests;
    await ec2Cost.collect(ctx, undefined);
    expect(requests).toBe(asked);
  });
});

describe('ec2-cost module: values from outside', () => {
  it('a region shoji does not model: the text says what the figure is at, and data and detail why', async () => {
    qemu(tree);
    proc(tree);
    const ctx = moduleContext(ec2Cost, tree, { instance_type: 'M7I.LARGE', region: 'CN-NORTH-1' }, env());
    const r = await ec2Cost.collect(ctx, undefined);
    expect(r.reading!.text).toMatch(/^~\$\d+\.\d\d \(us-east-1 rates\)$/);
    expect(r.data).toMatchObject({ instanceType: 'm7i.large', region: 'cn-north-1', regionModelled: false });
    expect(r.reading!.detail![0]).toEqual({
      label: 'Region',
      value: 'cn-north-1 is not modelled (China regions are priced in CNY): the figures are at us-east-1 rates',
    });
    const modelled = await ec2Cost.collect(moduleContext(ec2Cost, tree, { instance_type: 'm7i.large', region: 'eu-west-1' }, env()), undefined);
    expect(modelled.reading!.text).toMatch(/^~\$\d+\.\d\d$/);
    expect(modelled.data).toMatchObject({ regionModelled: true });
  });

  it('a metadata failure that may pass (HTTP 500) is not remembered: the next collect asks again', async () => {
    xen(tree);
    proc(tree, { bootId: null });
    const ctx = moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, env());
    failing = true;
    const first = await ec2Cost.collect(ctx, undefined);
    expect(first.memo).toBeUndefined();
    failing = false;
    const asked = requests;
    const second = await ec2Cost.collect(ctx, first.memo);
    expect(requests).toBeGreaterThan(asked);
    expect(second.data).toMatchObject({ instanceType: 'm7i.large', mode: 'ec2' });
    expect(second.memo).toBeDefined();
  });

  it('a remembered identity (the one-shot keeps it in a file) that a fresh lookup could not give is not trusted', async () => {
    nitro(tree);
    proc(tree, { bootId: null });
    const ctx = moduleContext(ec2Cost, tree, {}, env());
    const good = await ec2Cost.collect(ctx, undefined);
    for (const bad of [
      { instanceType: 'constructor' },
      { region: '../../../x/ESCAPED' },
      { region: '__proto__' },
      { instanceType: 'm7i.large\u001b[2J' },
      { detection: null },
    ]) {
      requests = 0;
      const memo = { identity: { ...good.memo!.identity, ...bad } } as typeof good.memo;
      const r = await ec2Cost.collect(ctx, memo);
      expect(requests).toBeGreaterThan(0);
      expect(r.data).toMatchObject({ instanceType: 'm7i.large', region: 'us-east-1' });
    }
  });
});
