import { mkdirSync, statfsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import disk from '../../../plugins/disk/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

describe('disk', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    mkdirSync(join(tree.root, 'home'));
  });
  afterEach(() => tree.cleanup());

  it('reports the filesystem holding the path, as df does', async () => {
    const reading = readingWithData(await disk.collect(moduleContext(disk, tree), undefined));
    const s = statfsSync(tree.root);
    const used = (s.blocks - s.bfree) * s.bsize;
    const available = s.bavail * s.bsize;
    const [u] = reading!.data!.mounts;
    expect(u).toMatchObject({ mount: '/', total: s.blocks * s.bsize, used: expect.any(Number), available: expect.any(Number) });
    // The temp filesystem is live: allow for other writers between the two statfs calls.
    expect(Math.abs(u.used - used)).toBeLessThan(64 * 1024 * 1024);
    expect(Math.abs(u.available - available)).toBeLessThan(64 * 1024 * 1024);
    expect(u.ratio).toBeCloseTo(u.used / (u.used + u.available), 10);
    expect(reading!.text).toMatch(/^[\d.]+[BKMGTP]\/[\d.]+[BKMGTP] \d+%$/);
    expect(reading!.icon).toBe('disk');
    expect(reading!.detail![0].label).toBe('/');
  });

  it('lists several mounts by name', async () => {
    const reading = readingWithData(await disk.collect(moduleContext(disk, tree, { mounts: ['/', '/home'] }), undefined));
    expect(reading!.text).toMatch(/^\/ \d+% \/home \d+%$/);
    expect(reading!.short).toMatch(/^\d+% \d+%$/);
    expect(reading!.data!.mounts.map((m) => m.mount)).toEqual(['/', '/home']);
  });

  it('skips a mount that does not exist and says so in the detail', async () => {
    const reading = readingWithData(await disk.collect(moduleContext(disk, tree, { mounts: ['/srv/data', '/'] }), undefined));
    expect(reading!.data!.mounts.map((m) => m.mount)).toEqual(['/']);
    expect(reading!.text).not.toContain('/srv/data');
    expect(reading!.detail).toContainEqual({ label: '/srv/data', value: 'not found' });
  });

  it('fails with the names when no mount can be read', async () => {
    await expect(disk.collect(moduleContext(disk, tree, { mounts: ['/srv/data', '/mnt/usb'] }), undefined)).rejects.toThrow('cannot read /srv/data, /mnt/usb');
  });

  it('takes the worst state over the mounts', async () => {
    // /proc has no blocks, so it is always 0 % used; the temp filesystem holds at least this tree.
    symlinkSync('/proc', join(tree.root, 'pseudo'));
    const reading = readingWithData(await disk.collect(moduleContext(disk, tree), undefined));
    const percent = reading!.data!.mounts[0].ratio * 100;
    expect(percent).toBeGreaterThan(0);
    const at = (o: { warning?: number; critical?: number }) => disk.collect(moduleContext(disk, tree, { mounts: ['/pseudo', '/'], ...o }), undefined);
    expect((await at({ warning: percent * 2 + 1, critical: 101 })).reading!.state).toBe('good');
    const mixed = await at({ warning: percent / 2, critical: 101 });
    expect(mixed.data!.mounts[0].ratio).toBe(0);
    expect(mixed.reading!.state).toBe('warning');
    expect((await at({ critical: percent / 2 })).reading!.state).toBe('critical');
  });
});
