/** Off EC2: the cheapest current types with at least this host's vCPUs and memory. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/ec2/catalog.js';
import { readHostSize } from '../../../src/ec2/host.js';
import { toPlain } from '../../../src/ec2/money.js';
import { cheapestFits } from '../../../src/ec2/offhost.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { run } from './run.js';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
});
afterEach(() => tree.cleanup());

describe('the host’s size', () => {
  it('counts processors in cpuinfo and reads MemTotal', () => {
    proc(tree, { cpus: 4, memKb: 16_303_428 });
    expect(readHostSize(tree.procRoot, 'arm64')).toEqual({ vcpus: 4, memoryMiB: 15_921, arch: 'arm64' });
    expect(readHostSize(tree.procRoot, 'x64').arch).toBe('x86_64');
  });
});

describe('cheapest fits', () => {
  const catalog = loadCatalog();

  it('2 vCPUs and 7.6 GiB on x86_64: three types, cheapest first, each with ≥ 2 vCPUs and ≥ 7.6 GiB', () => {
    const fits = cheapestFits(catalog, { vcpus: 2, memoryMiB: 7801, arch: 'x86_64' }, 'us-east-1', null);
    expect(fits).toHaveLength(3);
    const prices = fits.map((f) => Number(toPlain(f.quote.usdPerHour)));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    for (const f of fits) {
      expect(f.type.vcpu).toBeGreaterThanOrEqual(2);
      expect(f.type.memoryMiB).toBeGreaterThanOrEqual(7801);
      expect(f.type.arch).toBe('x86_64');
      expect(f.type.current).toBe(true);
    }
    // Nothing cheaper was skipped: the cheapest fit is no dearer than any other fitting type.
    const cheapest = prices[0];
    for (const name of catalog.names) {
      const t = catalog.get(name)!;
      if (!t.current || t.arch !== 'x86_64' || (t.gpus ?? 0) > 0 || t.usdPerHour === null) continue;
      if ((t.vcpu ?? 0) >= 2 && (t.memoryMiB ?? 0) >= 7801) expect(Number(t.usdPerHour)).toBeGreaterThanOrEqual(cheapest);
    }
  });

  it('same architecture by default; any architecture when asked', () => {
    const arm = cheapestFits(catalog, { vcpus: 2, memoryMiB: 4000, arch: 'arm64' }, 'us-east-1', null);
    expect(arm.every((f) => f.type.arch === 'arm64')).toBe(true);
    const any = cheapestFits(catalog, { vcpus: 2, memoryMiB: 4000, arch: null }, 'us-east-1', null);
    expect(Number(toPlain(any[0].quote.usdPerHour))).toBeLessThanOrEqual(Number(toPlain(arm[0].quote.usdPerHour)));
  });

  it('never suggests previous-generation or GPU types', () => {
    const fits = cheapestFits(catalog, { vcpus: 1, memoryMiB: 512, arch: null }, 'us-east-1', null, 50);
    for (const f of fits) {
      expect(f.type.type).not.toMatch(/^(t1|m1|m2|m3|c1|c3|a1)\./);
      expect(f.type.gpus ?? 0).toBe(0);
    }
  });
});

describe('ec2-cost off EC2', () => {
  it('shows the top three with cost since boot and per 30 days, from fixture cpuinfo and meminfo', async () => {
    proc(tree, { cpus: 4, memKb: 16_303_428 });
    const r = await run(tree, ['--detail', '--arch', 'x86_64']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^This host +not EC2 \(DMI vendor is QEMU\)$/m);
    expect(r.out).toMatch(/^Cheapest current types with at least 4 vCPUs and 15\.5 GiB \(x86_64\) in us-east-1:$/m);
    const rows = r.out.split('\n').filter((l) => /^ {2}\S+\.\S+ +\d+ vCPU/.test(l));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/~\$[\d,]+\.\d\d since boot, ~\$[\d,]+\.\d\d per 30 days$/);

    const j = JSON.parse((await run(tree, ['--json', '--arch', 'x86_64'])).out);
    expect(j).toMatchObject({ mode: 'off-ec2', onEc2: false, fit: { vcpus: 4, memoryMiB: 15921, arch: 'x86_64' } });
    expect(j.candidates).toHaveLength(3);
    expect(j.instanceType).toBe(j.candidates[0].instanceType);
    for (const c of j.candidates) {
      expect(c.vcpu).toBeGreaterThanOrEqual(4);
      expect(c.memoryMiB).toBeGreaterThanOrEqual(15921);
      expect(c.per30DaysUsd).toBeGreaterThan(c.hourlyRateUsd * 719);
    }
  });

  it('--vcpus and --memory-gib fit another size', async () => {
    proc(tree);
    const j = JSON.parse((await run(tree, ['--json', '--vcpus', '8', '--memory-gib', '64', '--arch', 'arm64'])).out);
    expect(j.fit).toEqual({ vcpus: 8, memoryMiB: 65536, arch: 'arm64' });
    expect(j.candidates[0].vcpu).toBeGreaterThanOrEqual(8);
  });

  it('says so when nothing fits', async () => {
    proc(tree);
    const r = await run(tree, ['--vcpus', '100000', '--memory-gib', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ec2-cost: no current instance type has 100000 vCPUs/);
  });
});
