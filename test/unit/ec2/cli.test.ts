/**
 * The ec2-cost command run in-process against fixture hosts: the one-line, --detail and --json
 * renderings of docs/ec2-cost.md's worked example, case A (golden), the what-if options, and bad input.
 * The fixture hosts are QEMU guests or Nitro instances; nothing depends on this machine.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { nitro, proc, qemu } from './hosts.js';
import { EXAMPLE_A, run } from './run.js';

const GOLDEN = join(__dirname, '../../fixtures/ec2/detail-example-a.txt');

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
});
afterEach(() => tree.cleanup());

describe('example A (docs/ec2-cost.md, worked example)', () => {
  it('one line: ~$31.26', async () => {
    const r = await run(tree, EXAMPLE_A);
    expect(r).toEqual({ code: 0, out: '~$31.26 since boot as m7i.large us-east-1 (not EC2) · 303.0 h\n', err: '' });
  });

  it('--detail: every line quantity @ rate = cost, the price source and date, the assumptions (golden)', async () => {
    const r = await run(tree, [...EXAMPLE_A, '--detail']);
    expect(r.code).toBe(0);
    if (process.env.SHOJI_UPDATE_GOLDEN) writeFileSync(GOLDEN, r.out);
    expect(r.out).toBe(readFileSync(GOLDEN, 'utf8'));
    // Never byobu's swapped labels or charged inbound traffic.
    expect(r.out).toMatch(/^Network out +7\.918646 GB @ \$0\.09\/GB = \$0\.712678$/m);
    expect(r.out).toMatch(/^Network in +68\.170000 GB @ \$0\/GB = \$0\.000000/m);
    const items = r.out.slice(0, r.out.indexOf('Assumptions'));
    expect(items).not.toMatch(/\$32\.17|\$0\.12\/GB|\$0\.01\/GB|304(\.0)? h/);
  });

  it('--json carries the exact figures and their provenance', async () => {
    const r = await run(tree, [...EXAMPLE_A, '--json']);
    const j = JSON.parse(r.out);
    for (const key of [
      'instanceType',
      'region',
      'uptimeSeconds',
      'billedSeconds',
      'hourlyRateUsd',
      'computeUsd',
      'networkOutUsd',
      'networkInUsd',
      'publicIpv4Usd',
      'ebsUsd',
      'totalUsd',
      'priceSource',
      'pricesAsOf',
      'assumptions',
    ]) {
      expect(j).toHaveProperty(key);
    }
    expect(j).toMatchObject({
      instanceType: 'm7i.large',
      region: 'us-east-1',
      uptimeSeconds: 1090800,
      billedSeconds: 1090800,
      hourlyRateUsd: 0.1008,
      computeUsd: 30.5424,
      networkOutUsd: 0.71267814,
      networkInUsd: 0,
      publicIpv4Usd: 0,
      ebsUsd: 0,
      totalUsd: 31.25507814,
      priceSource: 'shoji catalogue',
      pricesAsOf: '2026-07-20',
      mode: 'what-if',
      onEc2: false,
      gbBytes: 1073741824,
    });
    expect(j.assumptions.join(' ')).toMatch(/2\^30 bytes/);
    // Case J (inter-AZ, inter-region) is not modelled, and the report says so.
    expect(j.assumptions.join(' ')).toMatch(/inter-AZ at \$0\.01\/GB each way and inter-region transfer are not modelled separately/);
  });

  it('with the free allowance and a public IPv4 address: ~$32.06', async () => {
    const r = await run(tree, [...EXAMPLE_A, '--free-tier', '--public-ipv4']);
    expect(r.out).toMatch(/^~\$32\.06 since boot/);
    const strict = await run(tree, [...EXAMPLE_A, '--no-free-tier', '--public-ipv4']);
    expect(strict.out).toMatch(/^~\$32\.77 since boot/);
  });
});

describe('what-if options', () => {
  it('case B and C through the command: 45 s bills 60 s, 3,601 s bills 3,601 s', async () => {
    const b = JSON.parse((await run(tree, ['--instance-type', 'm7i.large', '--uptime', '45', '--tx-bytes', '0', '--rx-bytes', '0', '--json'])).out);
    expect(b).toMatchObject({ billedSeconds: 60, computeUsd: 0.00168, totalUsd: 0.00168 });
    const c = JSON.parse((await run(tree, ['--instance-type', 'm7i.large', '--uptime', '3601', '--tx-bytes', '0', '--rx-bytes', '0', '--json'])).out);
    expect(c).toMatchObject({ billedSeconds: 3601, computeUsd: 0.100828 });
  });

  it('case E: 500 GB in, nothing out: network $0.00', async () => {
    const e = JSON.parse((await run(tree, ['--instance-type', 'm7i.large', '--uptime', '60', '--tx-bytes', '0', '--rx-bytes', '500GiB', '--json'])).out);
    expect(e).toMatchObject({ networkOutUsd: 0, networkInUsd: 0, networkInGb: 500 });
  });

  it('case F: the tiers in --detail', async () => {
    const r = await run(tree, ['--instance-type', 'm7i.large', '--uptime', '60', '--tx-bytes', '12000GiB', '--rx-bytes', '0', '--detail']);
    expect(r.out).toMatch(/^Network out +12,000\.000000 GB = \$1,071\.200000$/m);
    // Each band's label ends with a colon and stands apart from its quantity (never
    // "first 10,240 GB 10,240.000000 GB").
    expect(r.out).toMatch(/^ {2}first 10,240 GB: {2,}10,240\.000000 GB @ \$0\.09\/GB = \$921\.600000$/m);
    expect(r.out).toMatch(/^ {2}next 40,960 GB: {2,}1,760\.000000 GB @ \$0\.085\/GB = \$149\.600000$/m);
    const free = JSON.parse(
      (await run(tree, ['--instance-type', 'm7i.large', '--uptime', '60', '--tx-bytes', '12000GiB', '--rx-bytes', '0', '--free-tier', '--json'])).out,
    );
    expect(free.networkOutUsd).toBe(1062.7);
  });

  it('EBS volumes, prorated: 100 GB gp3 for 303 h', async () => {
    const j = JSON.parse((await run(tree, [...EXAMPLE_A, '--ebs-gb', '100', '--ebs-type', 'gp3', '--json'])).out);
    expect(j.ebs).toMatchObject({ gb: 100, type: 'gp3', usdPerGbMonth: 0.08 });
    expect(j.ebsUsd).toBeCloseTo((100 * 303 * 0.08) / 730, 9);
  });

  it('a spot price replaces the on-demand rate and is labelled', async () => {
    const j = JSON.parse((await run(tree, [...EXAMPLE_A, '--spot-price', '0.0312', '--json'])).out);
    expect(j).toMatchObject({ spot: true, hourlyRateUsd: 0.0312, priceSource: 'spot price given with --spot-price', pricesAsOf: null });
  });

  it('bytes from the default-route interface, or the interfaces named', async () => {
    const def = JSON.parse((await run(tree, ['--instance-type', 'm7i.large', '--json'])).out);
    expect(def).toMatchObject({ interfaces: ['eth0'], txBytes: 8502581400, uptimeSeconds: 1090800 });
    const named = JSON.parse((await run(tree, ['--instance-type', 'm7i.large', '--interfaces', 'eth0,eth1', '--json'])).out);
    expect(named).toMatchObject({ interfaces: ['eth0', 'eth1'], txBytes: 8502583400 });
  });

  it('another region: its data-transfer rate, the us-east-1 instance price labelled as such', async () => {
    const r = await run(tree, [...EXAMPLE_A.slice(0, 2), '--region', 'ap-northeast-1', ...EXAMPLE_A.slice(4), '--detail']);
    expect(r.out).toMatch(/^Network out +7\.918646 GB @ \$0\.114\/GB/m);
    expect(r.out).toMatch(/no ap-northeast-1 prices have been refreshed: the us-east-1 price is used/);
  });
});

describe('on EC2 (Nitro fixture, metadata service disabled)', () => {
  it('takes the type from DMI, says the region is assumed, and never shows a blank', async () => {
    const t = fixtureTree();
    nitro(t, 'c7g.large');
    proc(t);
    try {
      const r = await run(t, ['--detail'], { AWS_EC2_METADATA_DISABLED: 'true' });
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^This host +EC2 \(Nitro\), i-0123456789abcdef0, from dmi$/m);
      expect(r.out).toMatch(/^Instance +c7g\.large us-east-1 on-demand, Linux$/m);
      expect(r.out).toMatch(/the region is unknown .*us-east-1 assumed/);
      const line = await run(t, [], { AWS_EC2_METADATA_DISABLED: 'true' });
      expect(line.out).toMatch(/^~\$\d+\.\d\d since boot · c7g\.large us-east-1 · 303\.0 h\n$/);
    } finally {
      t.cleanup();
    }
  });

  it('a type missing from the catalogue is priced as the nearest known type, labelled', async () => {
    const t = fixtureTree();
    nitro(t, 'm9z.large');
    proc(t);
    try {
      const j = JSON.parse((await run(t, ['--json'], { AWS_EC2_METADATA_DISABLED: 'true' })).out);
      expect(j.instanceType).toBe('m9z.large');
      expect(j.pricedType).not.toBe('m9z.large');
      expect(j.pricedType).toMatch(/\.large$/);
      expect(j.notes.join(' ')).toMatch(/no price is known for m9z\.large: priced as /);
    } finally {
      t.cleanup();
    }
  });
});

describe('bad input: one line, non-zero exit', () => {
  it('an unknown instance type suggests close names (exit 2)', async () => {
    const r = await run(tree, ['--instance-type', 'm7i.lage']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^ec2-cost: unknown instance type "m7i\.lage" \(did you mean m7i\.large[,)]/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('a bad region (exit 2)', async () => {
    const r = await run(tree, ['--region', 'us-east1']);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^ec2-cost: unknown region "us-east1" \(did you mean us-east-1/);
  });

  it.each([
    [['--uptime=-5'], /--uptime must be zero or more/],
    [['--uptime', '-5'], /--uptime must be zero or more \(got "-5"\)/],
    [['--ebs-gb', '-0.5'], /--ebs-gb must be zero or more/],
    [['--uptime', 'abc'], /--uptime must be a number \(got "abc"\)/],
    [['--tx-bytes', '7GB'], /--tx-bytes must be a byte count with KiB/],
    [['--rx-bytes=-1'], /--rx-bytes must be zero or more/],
    [['--ebs-gb=-10'], /--ebs-gb must be zero or more/],
    [['--spot-price', '0.03'], /--spot-price needs --instance-type off EC2/],
    [['--json', '--detail'], /cannot be combined/],
  ])('%j (exit 2)', async (argv, message) => {
    const r = await run(tree, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  // A missing file stands for an unreadable one: these tests may run as root, who reads anything.
  it('an unreadable /proc/net/dev (exit 1), unless both byte counts are given', async () => {
    rmSync(join(tree.procRoot, 'net/dev'));
    const r = await run(tree, ['--instance-type', 'm7i.large']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ec2-cost: cannot read network counters from .*net\/dev\n$/);
    expect((await run(tree, ['--instance-type', 'm7i.large', '--tx-bytes', '0', '--rx-bytes', '0'])).code).toBe(0);
  });

  it('a missing /proc/uptime (exit 1)', async () => {
    rmSync(join(tree.procRoot, 'uptime'));
    const r = await run(tree, ['--instance-type', 'm7i.large']);
    expect(r).toMatchObject({ code: 1 });
    expect(r.err).toMatch(/^ec2-cost: cannot read the uptime from /);
  });
});

describe('a region outside what shoji models says so on the one-line report', () => {
  const IN = (region: string) => [...EXAMPLE_A.slice(0, 2), '--region', region, ...EXAMPLE_A.slice(4)];

  it('China: the figure is at us-east-1 rates, and the line says why', async () => {
    const r = await run(tree, IN('cn-north-1'));
    expect(r).toEqual({
      code: 0,
      err: '',
      out: '~$31.26 at us-east-1 rates since boot as m7i.large cn-north-1 (not EC2) · 303.0 h · cn-north-1 not modelled: China regions are priced in CNY\n',
    });
    const detail = (await run(tree, [...IN('cn-north-1'), '--detail'])).out;
    expect(detail).toMatch(/^Region +cn-north-1 is not modelled \(China regions are priced in CNY\): the figures are at us-east-1 rates$/m);
    const j = JSON.parse((await run(tree, [...IN('cn-northwest-1'), '--json'])).out);
    expect(j).toMatchObject({ regionModelled: false, notModelled: { basis: 'us-east-1 rates', why: 'China regions are priced in CNY' } });
  });

  it('GovCloud: at us-east-1 instance prices until its prices are refreshed', async () => {
    const r = await run(tree, IN('us-gov-west-1'));
    expect(r.out).toMatch(
      /^~\$\d+\.\d\d at us-east-1 instance prices since boot as m7i\.large us-gov-west-1 \(not EC2\) · 303\.0 h · us-gov-west-1 not modelled: GovCloud prices are not in the catalogue \(see ec2-cost --refresh-prices\)\n$/,
    );
    const cache = join(tree.dir, 'cache', 'ec2');
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      join(cache, 'prices-us-gov-west-1.json'),
      JSON.stringify({
        format: 1,
        region: 'us-gov-west-1',
        pricesAsOf: '2026-08-01T00:00:00.000Z',
        source: 'AWS Price List Query API',
        refreshedAt: '2026-08-02T00:00:00.000Z',
        prices: { 'm7i.large': '0.127' },
      }),
    );
    const refreshed = await run(tree, IN('us-gov-west-1'));
    expect(refreshed.out).toMatch(/^~\$\d+\.\d\d since boot as m7i\.large us-gov-west-1 \(not EC2\) · 303\.0 h\n$/);
  });

  it('a commercial region stays a plain line (its us-east-1 price fallback is noted in --detail)', async () => {
    expect((await run(tree, IN('eu-west-1'))).out).toBe('~$31.26 since boot as m7i.large eu-west-1 (not EC2) · 303.0 h\n');
    expect(JSON.parse((await run(tree, [...IN('eu-west-1'), '--json'])).out)).toMatchObject({ regionModelled: true, notModelled: null });
  });
});
