import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import network, { type NetworkMemo } from '../../../plugins/network/index.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';

const MiB = 1024 ** 2;

/** [rx bytes, tx bytes] per interface, laid out as /proc/net/dev lays them out. */
function netDev(ifaces: Record<string, [number, number]>): string {
  const head =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  return (
    head +
    Object.entries(ifaces)
      .map(([n, [rx, tx]]) => `${n.padStart(6)}: ${rx} 5910 0 0 0 0 0 0 ${tx} 3227 0 0 0 0 0 0`)
      .join('\n') +
    '\n'
  );
}

const ROUTE_HEAD = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';
const route = (iface: string) =>
  `${ROUTE_HEAD}${iface}\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n${iface}\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n`;

// This machine's counters.
const BASE: Record<string, [number, number]> = { lo: [3193, 3193], ifb0: [0, 0], ifb1: [0, 0], eth0: [175232517, 396897] };

describe('network', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/net/dev', netDev(BASE));
    tree.write('proc/net/route', route('eth0'));
  });
  afterEach(() => tree.cleanup());

  async function twoSamples(next: Record<string, [number, number]>, ms: number, options = {}) {
    const ctx = moduleContext(network, tree, options);
    const first = await network.collect(ctx, undefined);
    tree.write('proc/net/dev', netDev(next));
    ctx.clock.advance(ms);
    return { first, second: await network.collect(ctx, first.memo) };
  }

  const plus = (d: Record<string, [number, number]>) =>
    Object.fromEntries(Object.entries(BASE).map(([n, [rx, tx]]) => [n, [rx + (d[n]?.[0] ?? 0), tx + (d[n]?.[1] ?? 0)]])) as Record<string, [number, number]>;

  it('is pending on the first reading', async () => {
    const { reading, memo } = await network.collect(moduleContext(network, tree), undefined);
    expect(reading).toMatchObject({ text: 'rx -- tx --', pending: true, state: 'idle', icon: 'network' });
    expect(memo!.bytes).toEqual({ eth0: [175232517, 396897] });
  });

  it('publishes nothing until there is a previous sample', async () => {
    expect((await network.collect(moduleContext(network, tree), undefined)).data).toBeUndefined();
  });

  it("divides the default-route interface's bytes by the measured time", async () => {
    // 2.5 MiB in and 250 KiB out over 2.5 s; loopback traffic does not count.
    const { second } = await twoSamples(plus({ eth0: [2.5 * MiB, 256000], lo: [50 * MiB, 50 * MiB] }), 2500);
    expect(second.data).toMatchObject({ rx: MiB, tx: 102400, interfaces: ['eth0'] });
    expect(second.reading!.text).toBe('rx 1M/s tx 100K/s');
    expect(second.reading!.state).toBe('info');
    expect(second.reading!.detail).toContainEqual({ label: 'Sampled over', value: '2.5 s' });
  });

  it('publishes per-interface rates and byte totals, and the sample length', async () => {
    const { second } = await twoSamples(plus({ eth0: [2 * MiB, 2048], lo: [4096, 0] }), 2000, { interfaces: ['eth0', 'lo'] });
    const eth0 = { name: 'eth0', rx: MiB, tx: 1024, rxTotalBytes: 175232517 + 2 * MiB, txTotalBytes: 396897 + 2048 };
    const lo = { name: 'lo', rx: 2048, tx: 0, rxTotalBytes: 3193 + 4096, txTotalBytes: 3193 };
    expect(second.data).toEqual({
      rx: MiB + 2048,
      tx: 1024,
      interfaces: ['eth0', 'lo'],
      rxTotalBytes: eth0.rxTotalBytes + lo.rxTotalBytes,
      txTotalBytes: eth0.txTotalBytes + lo.txTotalBytes,
      perInterface: [eth0, lo],
      sampleSeconds: 2,
    });
  });

  it('uses the elapsed time, not the nominal interval', async () => {
    const { second } = await twoSamples(plus({ eth0: [10 * MiB, 0] }), 10_000);
    expect(second.data!.rx).toBe(MiB);
  });

  it('shows bits in SI units on request', async () => {
    const { second } = await twoSamples(plus({ eth0: [MiB, 102400] }), 1000, { units: 'bits' });
    expect(second.reading!.text).toBe('rx 8.4Mb/s tx 819kb/s');
    expect(second.data!.rx).toBe(MiB);
  });

  it('is hidden under the threshold, but keeps counting and publishing', async () => {
    const { second } = await twoSamples(plus({ eth0: [1023, 1023] }), 1000);
    expect(second.reading).toBeNull();
    expect(second.memo!.bytes.eth0).toEqual([175232517 + 1023, 396897 + 1023]);
    expect(second.data).toMatchObject({ rx: 1023, tx: 1023, interfaces: ['eth0'], perInterface: [{ name: 'eth0', rx: 1023, tx: 1023 }] });
    tree.write('proc/net/dev', netDev(BASE));
    const tx = await twoSamples(plus({ eth0: [0, 4096] }), 1000);
    expect(tx.second.reading!.text).toBe('tx 4K/s');
  });

  it('sums the named interfaces instead of the default route', async () => {
    const { second } = await twoSamples(plus({ lo: [2048, 0], ifb0: [2048, 0], eth0: [MiB, 0] }), 1000, { interfaces: ['lo', 'ifb0'] });
    expect(second.data).toMatchObject({ rx: 4096, tx: 0, interfaces: ['lo', 'ifb0'] });
  });

  it('follows an IPv6-only default route', async () => {
    rmSync(join(tree.procRoot, 'net/route'));
    tree.write(
      'proc/net/ipv6_route',
      '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003 ifb1\n' +
        '00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n',
    );
    const { memo } = await network.collect(moduleContext(network, tree), undefined);
    expect(Object.keys(memo!.bytes)).toEqual(['ifb1']);
  });

  it('is hidden without a default route', async () => {
    tree.write('proc/net/route', ROUTE_HEAD);
    const { second } = await twoSamples(plus({ eth0: [MiB, MiB] }), 1000);
    expect(second.reading).toBeNull();
    expect(second.data).toBeUndefined(); // no interface: nothing measured
  });

  it('goes back to pending on a counter reset, never negative', async () => {
    const { second } = await twoSamples({ ...BASE, eth0: [1000, 1000] }, 3000);
    expect(second.reading).toMatchObject({ text: 'rx -- tx --', pending: true });
    expect(second.data).toBeUndefined();
  });

  it('goes back to pending when the default route moves to another interface', async () => {
    const ctx = moduleContext(network, tree);
    const first = await network.collect(ctx, undefined);
    tree.write('proc/net/dev', netDev({ ...BASE, wlan0: [500, 500] }));
    tree.write('proc/net/route', route('wlan0'));
    ctx.clock.advance(3000);
    const second = await network.collect(ctx, first.memo);
    expect(second.reading!.pending).toBe(true);
    expect(second.memo!.bytes).toEqual({ wlan0: [500, 500] });
  });

  it('goes back to pending when a named interface is gone, and says which', async () => {
    const gone = { ...BASE } as Record<string, [number, number]>;
    delete gone.eth0;
    const { second } = await twoSamples(gone, 3000, { interfaces: ['eth0'] });
    expect(second.reading).toMatchObject({ pending: true, detail: [{ label: 'Missing', value: 'eth0' }] });
  });

  it('treats a memo from a later clock as no memo', async () => {
    const ctx = moduleContext(network, tree);
    const later: NetworkMemo = { at: ctx.clock.ms + 1, bytes: { eth0: [0, 0] } };
    expect((await network.collect(ctx, later)).reading!.pending).toBe(true);
  });

  it('fails with a clear message when /proc/net/dev cannot be read', () => {
    rmSync(join(tree.procRoot, 'net/dev'));
    mkdirSync(join(tree.procRoot, 'net/dev')); // EISDIR stands in for a sandbox's EACCES
    expect(() => network.collect(moduleContext(network, tree), undefined)).toThrow(/cannot read .*net\/dev/);
  });
});
