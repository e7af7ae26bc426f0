/**
 * The ec2-cost module's metrics on a Nitro EC2 host (fixture DMI and /proc) with a loopback
 * IMDSv2 server: OpenCost's node_total_hourly_cost with the instance's provider id, the hourly
 * rates and the cost since boot by component (public IPv4 and EBS counted), what was priced; and
 * a metadata answer with hostile text in it, which never reaches a label.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ec2Cost from '../../../plugins/ec2-cost/index.js';
import { checkAvailable, collectModule } from '../../../src/core/collect.js';
import { DEFAULT_CONFIG } from '../../../src/core/config.js';
import type { AnyModule } from '../../../src/core/contract.js';
import { resolveModule } from '../../../src/core/resolve.js';
import { type ModuleStatus, newStatus, recordOutcome } from '../../../src/core/scheduler.js';
import type { Ec2CostData } from '../../../src/ec2/data.js';
import { exposition } from '../../../src/exporter/exposition.js';
import { type FixtureTree, fixtureTree } from '../../helpers/context.js';
import { promtoolSays } from '../../helpers/exported.js';
import { nitro, proc, qemu } from '../ec2/hosts.js';

let server: Server;
let endpoint: string;
/** What the metadata service answers, by path under /latest/. */
let answers: Record<string, string>;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'PUT') return void res.end('token');
    const body = req.headers['x-aws-ec2-metadata-token'] === 'token' ? answers[req.url!.replace('/latest/', '')] : undefined;
    if (body === undefined) return void res.writeHead(404).end();
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  nitro(tree, 'm7i.large');
  proc(tree);
  answers = {
    'meta-data/instance-type': 'm7i.large',
    'meta-data/placement/region': 'us-east-1',
    'meta-data/placement/availability-zone': 'us-east-1a',
    'meta-data/instance-life-cycle': 'on-demand',
    'meta-data/public-ipv4': '203.0.113.7',
    'meta-data/instance-id': 'i-0123456789abcdef0',
  };
});
afterEach(() => tree.cleanup());

/** The module collected once as the exporter runs it (100 GB of gp3 counted, and `options`), and the exposition of it. */
async function exported(options: Record<string, unknown> = {}): Promise<{ data: Ec2CostData; body: string }> {
  const env = {
    PATH: process.env.PATH,
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    SHOJI_ROOT: tree.root,
    SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
    SHOJI_STATE_DIR: join(tree.dir, 'state'),
    AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
  };
  const mod = resolveModule(
    { def: ec2Cost as AnyModule, source: 'builtin' },
    { ...DEFAULT_CONFIG, modules: { 'ec2-cost': { ebs_gb: 100, ebs_type: 'gp3', ...options } } },
  );
  const status: ModuleStatus = newStatus(mod.id);
  status.available = (await checkAvailable(mod, env, mod.timeoutMs)).available;
  recordOutcome(status, await collectModule(mod, env, undefined, mod.timeoutMs));
  expect(status.error).toBeUndefined();
  const { body } = await exposition({ modules: [mod], statuses: new Map([[mod.id, status]]) }, 'prometheus');
  return { data: status.data as Ec2CostData, body };
}

const linesOf = (body: string, name: string) => body.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('ec2-cost on EC2', () => {
  it('publishes where the instance is and what each component costs', async () => {
    const { data } = await exported();
    expect(data).toMatchObject({
      mode: 'ec2',
      onEc2: true,
      instanceType: 'm7i.large',
      arch: 'x86_64',
      availabilityZone: 'us-east-1a',
      instanceId: 'i-0123456789abcdef0',
      providerId: 'aws:///us-east-1a/i-0123456789abcdef0',
      hourlyPublicIpv4Usd: 0.005,
    });
    // gp3 at $0.08 per GB-month of 730 hours.
    expect(data.hourlyEbsUsd).toBeCloseTo((100 * 0.08) / 730, 10);
    expect(data.hourlyRateUsd + data.hourlyPublicIpv4Usd + data.hourlyEbsUsd).toBeCloseTo(data.hourlyTotalUsd, 9);
    expect(data.computeUsd + data.egressUsd + data.publicIpv4Usd + data.ebsUsd).toBeCloseTo(data.totalUsd, 8);
    expect(data.publicIpv4Usd).toBeCloseTo((1_090_800 / 3600) * 0.005, 8);
    expect(data.egressUsd).toBeGreaterThan(0);
  });

  it("exports OpenCost's hourly cost with the provider id, and shoji's series by component", async () => {
    const { data, body } = await exported();
    expect(linesOf(body, 'node_total_hourly_cost')).toEqual([
      `node_total_hourly_cost{instance_type="m7i.large",region="us-east-1",arch="amd64",provider_id="aws:///us-east-1a/i-0123456789abcdef0"} ${data.hourlyRateUsd}`,
    ]);
    expect(linesOf(body, 'shoji_ec2_hourly_cost_usd')).toEqual([
      `shoji_ec2_hourly_cost_usd{component="compute"} ${data.hourlyRateUsd}`,
      'shoji_ec2_hourly_cost_usd{component="public_ipv4"} 0.005',
      `shoji_ec2_hourly_cost_usd{component="ebs"} ${data.hourlyEbsUsd}`,
    ]);
    expect(linesOf(body, 'shoji_ec2_cost_since_boot_usd').map((l) => l.split(' ')[0])).toEqual(
      ['compute', 'egress', 'public_ipv4', 'ebs'].map((c) => `shoji_ec2_cost_since_boot_usd{component="${c}"}`),
    );
    expect(linesOf(body, 'shoji_ec2_cost_info')).toEqual([
      'shoji_ec2_cost_info{instance_type="m7i.large",region="us-east-1",mode="ec2",spot="false",price_source="shoji catalogue"} 1',
    ]);
    expect(promtoolSays(body)).toBe('');
  });

  it('a metadata answer with a quote and a newline in the zone is refused whole: no provider id, nothing of it in a label', async () => {
    answers['meta-data/placement/availability-zone'] = 'us-east-1a"} 1\nnode_total_hourly_cost 999';
    const { data, body } = await exported();
    // Still EC2 and still the type, from DMI (board asset tag and product name).
    expect(data).toMatchObject({ mode: 'ec2', instanceType: 'm7i.large', instanceId: 'i-0123456789abcdef0', availabilityZone: null, providerId: '' });
    expect(linesOf(body, 'node_total_hourly_cost')).toEqual([
      `node_total_hourly_cost{instance_type="m7i.large",region="us-east-1",arch="amd64",provider_id=""} ${data.hourlyRateUsd}`,
    ]);
    expect(body).not.toMatch(/us-east-1a\\?"|hourly_cost 999/);
  });
});

describe('ec2-cost off EC2', () => {
  it("a what-if (instance_type) or the cheapest fit: shoji's series with the mode, nothing under OpenCost's name", async () => {
    tree.cleanup();
    tree = fixtureTree();
    qemu(tree);
    proc(tree);
    for (const [options, mode] of [
      [{ instance_type: 'm7i.large' }, 'what-if'],
      [{ estimate_off_ec2: true }, 'off-ec2'],
    ] as const) {
      const { data, body } = await exported(options);
      expect(data.mode).toBe(mode);
      // OpenCost's dashboards would add it to the fleet's bill as an instance that runs.
      expect(body).not.toContain('node_total_hourly_cost');
      expect(linesOf(body, 'shoji_ec2_cost_info')).toEqual([expect.stringContaining(`,mode="${mode}",`)]);
      expect(linesOf(body, 'shoji_ec2_hourly_cost_usd')[0]).toBe(`shoji_ec2_hourly_cost_usd{component="compute"} ${data.hourlyRateUsd}`);
      expect(promtoolSays(body)).toBe('');
    }
  });
});
