/**
 * entropy on fixture trees: /proc/sys/kernel/random/entropy_avail and poolsize hold one decimal
 * number and a newline. This test machine (Linux 6.18) reads 256 and 256, as every kernel
 * since 5.18 does once seeded; a 5.15 kernel's pool is 4096 bits and its estimate moved (3,500
 * on a busy desktop, under 200 on an idle VM without virtio-rng).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import entropy from '../../../plugins/entropy/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('entropy', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const kernel = (avail: number | string, poolsize?: number) => {
    tree.write('proc/sys/kernel/random/entropy_avail', `${avail}\n`);
    if (poolsize !== undefined) tree.write('proc/sys/kernel/random/poolsize', `${poolsize}\n`);
  };
  const run = async (options = {}) => entropy.collect(moduleContext(entropy, tree, options), undefined);

  it('is unavailable without entropy_avail', async () => {
    const ctx = moduleContext(entropy, tree);
    expect(await entropy.available!(ctx)).toBe(false);
    kernel(256, 256);
    expect(await entropy.available!(ctx)).toBe(true);
  });

  it('is hidden on a current kernel (256 of 256), but publishes the figures', async () => {
    kernel(256, 256);
    const r = await run();
    expect(r.reading).toBeNull();
    expectDataAsDeclared(entropy, r.data);
    expect(r.data).toEqual({ bits: 256, poolBits: 256 });
  });

  it('shows itself when low: a warning at 128 bits and below, critical at 64 and below', async () => {
    kernel(3512, 4096);
    expect((await run()).reading).toBeNull();
    kernel(129);
    expect((await run()).reading).toBeNull();
    kernel(128);
    const low = (await run()).reading!;
    expect(low).toMatchObject({ text: 'entropy 128', short: 'e128', state: 'warning' });
    expect(low.detail).toEqual([{ label: 'Entropy', value: '128 of 4096 bits' }]);
    kernel(64);
    expect((await run()).reading).toMatchObject({ text: 'entropy 64', state: 'critical' });
    expect((await run({ warning: 50, critical: 10 })).reading).toBeNull();
  });

  it('always: true shows it whatever it is (state idle when not low); without poolsize the detail says bits only', async () => {
    kernel(256);
    const { reading, data } = await run({ always: true });
    expect(data).toEqual({ bits: 256 });
    expect(reading).toMatchObject({ text: 'entropy 256', state: 'idle' });
    expect(reading!.detail).toEqual([{ label: 'Entropy', value: '256 bits' }]);
  });

  it('fails, naming the file, when entropy_avail cannot be read as a number', async () => {
    kernel('');
    await expect(run()).rejects.toThrow(/cannot read .*proc\/sys\/kernel\/random\/entropy_avail/);
  });
});
