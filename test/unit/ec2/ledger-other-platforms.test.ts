/**
 * ec2-cost's ledger and metadata cache where there is no /proc (macOS, the BSDs): the platform
 * forced, a fixture /proc without boot_id. The boot is named by its start from Node's uptime,
 * stable to within a second or two and matched as one boot; the byte counters come from the host
 * reader (here the direct reader on the fixture's net/dev, the same interface systeminformation
 * answers elsewhere), read before the sample; the report says where the uptime came from.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootSecond, sameBoot } from '../../../src/core/boot-id.js';
import { forgetChecks } from '../../../src/core/trust.js';
import { trafficOffLinux } from '../../../src/ec2/estimate.js';
import { readUptimeFrom } from '../../../src/ec2/host.js';
import { bootIdOf, readImdsCache, writeImdsCache } from '../../../src/ec2/imds-cache.js';
import { foldIntoLedger } from '../../../src/ec2/ledger/fold.js';
import { readHereOffLinux, takeSample } from '../../../src/ec2/ledger/record.js';
import { recordUsageSample } from '../../../src/ec2/usage/record.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc } from './hosts.js';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  proc(tree, { uptime: '7200.00', tx: 5000, rx: 7000, bootId: null });
  forgetChecks();
});
afterEach(() => tree.cleanup());

describe('the boot without boot_id', () => {
  it("is the clock's second less Node's whole-second uptime (kern.boottime on macOS), read again when the second turns", () => {
    // macOS: uptime = time(NULL) - boottime, both whole seconds.
    const boot = 1_790_000_000;
    let clock = (boot + 5000) * 1000 + 999;
    const reads: number[] = [];
    const now = () => {
      reads.push(clock);
      const t = clock;
      clock += 1; // the second turns between the first read and the second
      return t;
    };
    expect(bootSecond(now, () => Math.floor(clock / 1000) - boot)).toBe(boot);
    expect(reads.length).toBe(4); // the first pair straddled a second: read again
  });

  it('names one boot across reads a second apart, and not two boots minutes apart', () => {
    expect(sameBoot('boottime-1790000000', 'boottime-1790000001')).toBe(true);
    expect(sameBoot('boottime-1790000000', 'boottime-1790000120')).toBe(false);
    expect(sameBoot('boottime-1790000000', '8a3c1f0e-1111-2222-3333-444455556666')).toBe(false);
    expect(sameBoot('abc', 'abc')).toBe(true);
  });
});

describe("the ledger's sample off Linux", () => {
  it('on Linux a missing boot_id is still an error naming the file', () => {
    expect(() => takeSample(tree.procRoot, tree.sysRoot, [], Date.now() / 1000, 'linux')).toThrow(/cannot read the boot id from .*boot_id/);
  });

  it('counts what the host reader counts, taken at the moment it was read, under a boot named by its start', async () => {
    expect(() => takeSample(tree.procRoot, tree.sysRoot, ['eth1'], Date.now() / 1000, 'darwin')).toThrow(/not read yet/);
    await readHereOffLinux({}, tree.procRoot, tree.sysRoot, [], () => 1_800_000_000, 'darwin');
    const { sample } = takeSample(tree.procRoot, tree.sysRoot, [], Date.now() / 1000, 'darwin');
    expect(sample.bootId).toMatch(/^boottime-\d+$/);
    expect(sameBoot(sample.bootId, `boottime-${bootSecond()}`)).toBe(true);
    expect(sample.at).toBe(1_800_000_000);
    expect([...sample.counters]).toEqual([['eth0', { rx: 7000n, tx: 5000n }]]); // the default route's interface
    // Named interfaces are read anew: the counters read for others do not stand in.
    expect(() => takeSample(tree.procRoot, tree.sysRoot, ['eth1'], Date.now() / 1000, 'darwin')).toThrow(/not read yet/);
    await readHereOffLinux({}, tree.procRoot, tree.sysRoot, ['eth1', 'nope'], () => 1_800_000_060, 'darwin');
    expect([...takeSample(tree.procRoot, tree.sysRoot, ['eth1', 'nope'], 0, 'darwin').sample.counters.keys()]).toEqual(['eth1']);
  });

  it('folds two samples whose boot ids differ by a second into one boot', () => {
    const at = 1_800_000_000;
    const counters = new Map([['en0', { rx: 10n, tx: 20n }]]);
    const first = foldIntoLedger([], { bootId: 'boottime-1799990000', bootTime: 1_799_990_000, at, counters });
    const second = foldIntoLedger(first.boots, {
      bootId: 'boottime-1799990001',
      bootTime: 1_799_990_001,
      at: at + 60,
      counters: new Map([['en0', { rx: 30n, tx: 50n }]]),
    });
    expect(second.boots.map((b) => [b.bootId, b.samples])).toEqual([['boottime-1799990000', 2]]);
  });

  it('keeps one boot when the clock is stepped (the id moves with it), and starts another at a real reboot', () => {
    const at = 1_800_000_000;
    const first = foldIntoLedger([], { bootId: 'boottime-1799990000', bootTime: 1_799_990_000, at, counters: new Map([['en0', { rx: 10n, tx: 20n }]]) });
    // ntpd steps the clock 30 s forward: the same boot now reads as having started 30 s later.
    const stepped = foldIntoLedger(first.boots, {
      bootId: 'boottime-1799990030',
      bootTime: 1_799_990_030,
      at: at + 90,
      counters: new Map([['en0', { rx: 30n, tx: 50n }]]),
    });
    expect(stepped.boots.map((b) => [b.bootId, b.samples])).toEqual([['boottime-1799990030', 2]]);
    // Set back 5 minutes: the boot's times are re-expressed in the new clock, still one boot.
    const back = foldIntoLedger(stepped.boots, {
      bootId: 'boottime-1799989730',
      bootTime: 1_799_989_730,
      at: at + 150 - 300,
      counters: new Map([['en0', { rx: 40n, tx: 60n }]]),
    });
    expect(back.boots.map((b) => [b.bootId, b.samples])).toEqual([['boottime-1799989730', 3]]);
    // A reboot: begins after the boot was last seen, counters from zero.
    const rebooted = foldIntoLedger(back.boots, {
      bootId: 'boottime-1800000500',
      bootTime: 1_800_000_500,
      at: 1_800_000_600,
      counters: new Map([['en0', { rx: 1n, tx: 2n }]]),
    });
    expect(rebooted.boots.map((b) => [b.bootId, b.samples])).toEqual([
      ['boottime-1799989730', 3],
      ['boottime-1800000500', 1],
    ]);
    // Counters that went backwards are a reboot too, even with a start that reads earlier.
    const reset = foldIntoLedger(rebooted.boots, {
      bootId: 'boottime-1800000400',
      bootTime: 1_800_000_400,
      at: 1_800_000_700,
      counters: new Map([['en0', { rx: 0n, tx: 0n }]]),
    });
    expect(reset.boots).toHaveLength(3);
  });

  it("gives the since-boot estimate the same counters: the default route's, those named, or a note when there are none", async () => {
    const t = await trafficOffLinux({ env: {}, ...tree }, [], 'darwin');
    expect([t.interfaces, String(t.txBytes.n), String(t.rxBytes.n), t.unavailable]).toEqual([['eth0'], '5000', '7000', undefined]);
    const named = await trafficOffLinux({ env: {}, ...tree }, ['eth1', 'en9'], 'darwin');
    expect([named.interfaces, String(named.txBytes.n), named.missing]).toEqual([['eth1'], '2000', ['en9']]);
    tree.write('proc/net/dev', 'Inter-| x\n face | y\n');
    await new Promise((r) => setTimeout(r, 1100)); // read again: a second after the last
    const none = await trafficOffLinux({ env: {}, ...tree }, [], 'darwin');
    expect([none.interfaces, String(none.txBytes.n), none.unavailable]).toEqual([
      [],
      '0',
      expect.stringMatching(/^no network counters to read on darwin .*: no traffic counted/),
    ]);
  });

  it("a long-lived process's hourly usage record takes the host reader's CPU time and memory there", async () => {
    tree.write('proc/stat', 'cpu  300 0 100 600 0 0 0 0\ncpu0 150 0 50 300\ncpu1 150 0 50 300\n');
    const env = { SHOJI_STATE_DIR: join(tree.dir, 'state') };
    // Without it (the one-shot path reads none): the record says what it could not read.
    await readHereOffLinux({}, tree.procRoot, tree.sysRoot, [], () => 1_800_000_240, 'darwin');
    const plain = takeSample(tree.procRoot, tree.sysRoot, [], 0, 'darwin');
    expect(plain.usage).toBeNull();
    expect(recordUsageSample(env, tree.procRoot, tree.sysRoot, plain.sample, plain.statText, plain.usage)).toMatchObject({ status: 'failed' });
    await readHereOffLinux({}, tree.procRoot, tree.sysRoot, [], () => 1_800_000_300, 'darwin', true);
    const taken = takeSample(tree.procRoot, tree.sysRoot, [], 0, 'darwin');
    expect(taken.usage).toEqual({ busyTicks: 400, totalTicks: 1000, vcpus: 2, memUsedBytes: expect.any(Number), memTotalBytes: 7_989_212 * 1024 });
    expect(recordUsageSample(env, tree.procRoot, tree.sysRoot, taken.sample, taken.statText, taken.usage).status).toMatch(/^(counted|counters)$/);
  });

  it('does nothing on Linux, and on a host with boot_id, whatever the platform says', async () => {
    await readHereOffLinux({}, tree.procRoot, tree.sysRoot, ['lo'], () => 1, 'linux');
    expect(() => takeSample(tree.procRoot, tree.sysRoot, ['lo'], 0, 'darwin')).toThrow(/not read yet/);
  });
});

describe('the metadata cache and the uptime off Linux', () => {
  it('keys the cache by the boot start, and a read a second later finds it', () => {
    const env = { SHOJI_CACHE_DIR: join(tree.dir, 'cache') };
    mkdirSync(join(tree.dir, 'cache'), { recursive: true, mode: 0o700 });
    expect(bootIdOf(tree.procRoot, 'linux')).toBeNull();
    const id = bootIdOf(tree.procRoot, 'darwin')!;
    expect(id).toMatch(/^boottime-\d+$/);
    const result = { ok: false as const, disabled: false, reason: 'no metadata service' };
    writeImdsCache(env, id, 'default', result, new Date());
    const later = `boottime-${Number(id.slice(9)) + 1}`;
    expect(readImdsCache(env, later, 'default')).toMatchObject({ ok: false, reason: 'no metadata service' });
    expect(readImdsCache(env, `boottime-${Number(id.slice(9)) + 600}`, 'default')).toBeNull();
  });

  it('says the uptime came from the system where there is no /proc/uptime', () => {
    const none = join(tree.dir, 'empty');
    mkdirSync(none);
    expect(readUptimeFrom(none, { platform: 'darwin', uptime: () => 4321.5 })).toMatchObject({ from: 'system' });
    expect(readUptimeFrom(tree.procRoot, { platform: 'darwin', uptime: () => 1 })).toMatchObject({ from: 'proc' });
  });
});
