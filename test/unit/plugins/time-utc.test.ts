import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import datetime from '../../../plugins/datetime/index.js';
import timeUtc from '../../../plugins/time-utc/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('time-utc', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  // The context's wall clock: 2026-11-23 12:00:00 UTC, plus its monotonic start (1,000 s).
  const run = async (options = {}, env: NodeJS.ProcessEnv = {}) => timeUtc.collect(moduleContext(timeUtc, tree, options, env), undefined);

  it('shows the time in UTC whatever the zone the process runs in', async () => {
    const before = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      const { reading, data } = await run();
      expect(reading).toMatchObject({ text: '12:16 UTC', state: 'idle' });
      expect(reading?.detail).toEqual([{ label: 'UTC', value: '2026-11-23 12:16:40' }]);
      expectDataAsDeclared(timeUtc, data);
      expect(data).toEqual({ format: '%H:%M UTC', epochMs: Date.UTC(2026, 10, 23, 12, 16, 40) });
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it("takes a strftime format, as datetime's", async () => {
    expect((await run({ format: '%a %d %b %T' })).reading?.text).toBe('Mon 23 Nov 12:16:40');
  });

  it('runs on the minute, or every second when the format shows seconds, as datetime does', () => {
    const interval = timeUtc.interval as (o: { format: string }) => number;
    const datetimeInterval = datetime.interval as (o: { format: string; utc: boolean }) => number;
    for (const [format, seconds] of [
      ['%H:%M UTC', 60],
      ['%H:%M:%S', 1],
      ['%T', 1],
      ['%s', 1],
      ['%H:%M %%S', 60],
    ] as const) {
      expect(interval({ format }), format).toBe(seconds);
      expect(datetimeInterval({ format, utc: true }), format).toBe(seconds);
    }
  });
});
