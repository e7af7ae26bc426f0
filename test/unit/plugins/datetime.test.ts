import { isMainThread } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import datetime from '../../../plugins/datetime/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

// moduleContext's wall clock: 2026-11-23 12:00:00 UTC plus 1000 s, a Monday.
const EPOCH_MS = Date.UTC(2026, 10, 23, 12, 16, 40);

// The local-time tests need their zone: Node applies a change of process.env.TZ on a process's
// main thread only, so in a worker thread (StrykerJS's vitest runner runs the tests in one) they
// skip. `npm test` runs them in forked processes.
describe('datetime', () => {
  let tree: FixtureTree;
  let savedTz: string | undefined;
  beforeAll(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata'; // +05:30, no summer time
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  it.skipIf(!isMainThread)('formats local time with the default format and exports the format for tmux', async () => {
    const reading = readingWithData(await datetime.collect(moduleContext(datetime, tree), undefined));
    expect(reading).toEqual({
      text: '2026-11-23 17:46',
      state: 'idle',
      icon: 'datetime',
      data: { format: '%Y-%m-%d %H:%M', utc: false, epochMs: EPOCH_MS },
      detail: [
        { label: 'Local', value: '2026-11-23 17:46:40 +0530' },
        { label: 'UTC', value: '2026-11-23 12:16:40' },
      ],
    });
  });

  it('follows the format and utc options', async () => {
    const ctx = moduleContext(datetime, tree, { format: '%a %e %b %I:%M %p %Z', utc: true });
    const reading = readingWithData(await datetime.collect(ctx, undefined));
    expect(reading?.text).toBe('Mon 23 Nov 12:16 PM UTC');
    expect(reading?.data).toEqual({ format: '%a %e %b %I:%M %p %Z', utc: true, epochMs: EPOCH_MS });
  });

  it.skipIf(!isMainThread)('moves with the wall clock', async () => {
    const ctx = moduleContext(datetime, tree, { format: '%H:%M:%S' });
    ctx.clock.advance(61_000);
    expect((await datetime.collect(ctx, undefined)).reading?.text).toBe('17:47:41');
  });
});

describe('datetime interval', () => {
  it('runs on the minute unless the format shows seconds', async () => {
    const { default: mod } = await import('../../../plugins/datetime/index.js');
    const interval = mod.interval as (o: { format: string; utc: boolean }) => number;
    expect(mod.align).toBe(true);
    expect(interval({ format: '%Y-%m-%d %H:%M', utc: false })).toBe(60);
    expect(interval({ format: '%H:%M:%S', utc: false })).toBe(1);
    expect(interval({ format: '%T', utc: false })).toBe(1);
    expect(interval({ format: '100%% %H:%M', utc: false })).toBe(60);
  });
});
