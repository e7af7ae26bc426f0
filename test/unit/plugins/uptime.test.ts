import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import uptime from '../../../plugins/uptime/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

describe('uptime', () => {
  let tree: FixtureTree;
  let savedTz: string | undefined;
  beforeAll(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  it('shows the first number of /proc/uptime as a duration', async () => {
    tree.write('proc/uptime', '277230.57 1094203.12\n');
    const ctx = moduleContext(uptime, tree);
    expect(await uptime.available!(ctx)).toBe(true);
    const reading = readingWithData(await uptime.collect(ctx, undefined));
    expect(reading).toEqual({
      text: '3d 5h',
      state: 'idle',
      icon: 'uptime',
      data: { seconds: 277230.57 },
      detail: [
        { label: 'Up', value: '3d 5h (277230 s)' },
        // wallNow is 2026-11-23 12:00 UTC plus the test clock's 1000 s.
        { label: 'Booted', value: '2026-11-20 07:16' },
      ],
    });
  });

  it('shows seconds just after boot', async () => {
    tree.write('proc/uptime', '42.00 80.00\n');
    const reading = readingWithData(await uptime.collect(moduleContext(uptime, tree), undefined));
    expect(reading?.text).toBe('42s');
  });

  it('is unavailable without /proc/uptime and fails on garbage', async () => {
    const ctx = moduleContext(uptime, tree);
    expect(await uptime.available!(ctx)).toBe(false);
    tree.write('proc/uptime', 'nonsense\n');
    expect(() => uptime.collect(ctx, undefined)).toThrow(/cannot read/);
  });
});
