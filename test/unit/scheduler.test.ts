import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ShojiModule } from '../../src/core/contract.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import type { Registry } from '../../src/core/registry.js';
import { MAX_INTERVAL_S, MAX_TIMER_MS } from '../../src/core/interval.js';
import { backoffMs, MAX_BACKOFF_MS } from '../../src/core/due.js';
import { Scheduler } from '../../src/core/scheduler.js';
import { toSegments } from '../../src/core/view.js';
import { resolved, resolvedIds } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} };

function registryOf(...mods: ShojiModule<any, any, any>[]): Registry {
  return { modules: new Map(mods.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', () => {
  it('keeps good modules going while one throws and one hangs', async () => {
    let counter = 0;
    let hangStarts = 0;
    const good: ShojiModule = {
      id: 'good',
      description: 'counts',
      options: schema,
      interval: 0.25,
      collect: () => ({ reading: { text: `n${++counter}`, state: 'good' } }),
    };
    const thrower: ShojiModule = {
      id: 'thrower',
      description: 'always throws',
      options: schema,
      interval: 0.25,
      collect: () => {
        throw new Error('sensor on fire');
      },
    };
    const hanger: ShojiModule = {
      id: 'hanger',
      description: 'never answers',
      options: schema,
      interval: 0.25,
      timeoutMs: 100,
      collect: () => {
        hangStarts++;
        return new Promise(() => {});
      },
    };
    const reg = registryOf(good, thrower, hanger);
    const s = new Scheduler(resolvedIds(['good', 'thrower', 'hanger'], reg), {});
    await s.start();
    await wait(1300);
    s.stop();
    const st = s.statuses();
    expect(counter).toBeGreaterThanOrEqual(4);
    expect(st.get('good')!.error).toBeUndefined();
    expect(st.get('thrower')!.error).toBe('sensor on fire');
    expect(st.get('thrower')!.failures).toBeGreaterThanOrEqual(1);
    expect(st.get('hanger')!.error).toMatch(/no answer within 100 ms/);
    // Single flight: the hung collect is never started a second time while it is pending.
    expect(hangStarts).toBe(1);
    const segs = toSegments(resolvedIds(['good', 'thrower', 'hanger'], reg), st);
    expect(segs.map((x) => [x.id, x.state])).toEqual([
      ['good', 'good'],
      ['thrower', 'failed'],
      ['hanger', 'failed'],
    ]);
  });

  it('backs off exponentially up to five minutes', () => {
    expect(backoffMs(2000, 1)).toBe(2000);
    expect(backoffMs(2000, 2)).toBe(4000);
    expect(backoffMs(2000, 4)).toBe(16000);
    expect(backoffMs(2000, 30)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(250, 1)).toBe(1000);
  });

  it('recovers: a module that fails once shows its value again after the retry', async () => {
    let calls = 0;
    const flaky: ShojiModule = {
      id: 'flaky',
      description: 'fails the first time',
      options: schema,
      interval: 0.25,
      collect: () => {
        if (++calls === 1) throw new Error('first call fails');
        return { reading: { text: 'fine', state: 'good' } };
      },
    };
    const s = new Scheduler(resolvedIds(['flaky'], registryOf(flaky)), {});
    await s.start();
    await wait(1300); // back-off after one failure is 1 s
    s.stop();
    const st = s.statuses().get('flaky')!;
    expect(st.error).toBeUndefined();
    expect(st.reading?.text).toBe('fine');
  });

  it('threads the memo from one collect to the next', async () => {
    const seen: unknown[] = [];
    const memo: ShojiModule<Record<string, never>, unknown, { n: number }> = {
      id: 'memo',
      description: 'remembers',
      options: schema,
      interval: 0.25,
      collect: (_ctx, prev) => {
        seen.push(prev);
        return { reading: { text: 'x', state: 'idle' }, memo: { n: (prev?.n ?? 0) + 1 } };
      },
    };
    const s = new Scheduler(resolvedIds(['memo'], registryOf(memo)), {});
    await s.start();
    await wait(700);
    s.stop();
    expect(seen.slice(0, 3)).toEqual([undefined, { n: 1 }, { n: 2 }]);
  });

  it('hides unavailable modules and modules with nothing to say', async () => {
    const absent: ShojiModule = {
      id: 'absent',
      description: 'no hardware',
      options: schema,
      interval: 1,
      available: () => false,
      collect: () => ({ reading: { text: 'never', state: 'good' } }),
    };
    const quiet: ShojiModule = { id: 'quiet', description: 'quiet', options: schema, interval: 1, collect: () => ({ reading: null }) };
    const reg = registryOf(absent, quiet);
    const s = new Scheduler(resolvedIds(['absent', 'quiet'], reg), {});
    await s.start();
    await wait(100);
    s.stop();
    expect(s.statuses().get('absent')!.available).toBe(false);
    expect(toSegments(resolvedIds(['absent', 'quiet'], reg), s.statuses())).toEqual([]);
  });
});

describe('scheduler: waits longer than setTimeout can take', () => {
  const DAY = 24 * 3600_000;
  const counting = (interval: number | string) => {
    const mod: ShojiModule & { runs: number } = {
      id: 'slow',
      description: 'counts its runs',
      options: schema,
      interval,
      runs: 0,
      collect: () => ({ reading: { text: `run ${++mod.runs}`, state: 'idle' } }),
    };
    return mod;
  };
  const configWith = (interval: number | string) => ({ ...DEFAULT_CONFIG, modules: { slow: { interval } } });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('waits out 3000000 s (34.7 days) in steps, never with a delay setTimeout would turn into 1 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'hrtime', 'performance'] });
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout);
    const mod = counting(1);
    const s = new Scheduler(resolvedIds(['slow'], registryOf(mod), configWith(3_000_000)), {});
    await s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(mod.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(34 * DAY);
    expect(mod.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000_000_000 - 34 * DAY + 1000);
    expect(mod.runs).toBe(2);
    s.stop();
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  }, 10_000); // a 1 ms busy loop under fake timers would run until the test's timeout

  it('waits out a yearly cron the same way', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'hrtime', 'performance'] });
    vi.setSystemTime(new Date('2027-01-02T12:00:00'));
    await import('cron'); // loaded once for real, so that the scheduler's import is not a wait on the disk
    const mod = counting(1);
    const s = new Scheduler(resolvedIds(['slow'], registryOf(mod), configWith('0 0 1 1 *')), {});
    await s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(mod.runs).toBe(1);
    expect(s.statuses().get('slow')!.nextRunWall).toBe(new Date('2028-01-01T00:00:00').getTime());
    await vi.advanceTimersByTimeAsync(300 * DAY);
    expect(mod.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(65 * DAY);
    expect(mod.runs).toBe(2);
    s.stop();
  }, 10_000);

  it('does not run a module with interval 3000000 again within a second of real time', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const mod = counting(1);
    const s = new Scheduler(resolvedIds(['slow'], registryOf(mod), configWith(3_000_000)), {});
    try {
      await s.start();
      await wait(1000);
    } finally {
      s.stop();
      process.off('warning', onWarning);
    }
    expect(mod.runs).toBe(1);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});

describe("a module's own interval", () => {
  const mod = (interval: unknown): ShojiModule => ({
    id: 'm',
    description: 'm',
    options: schema,
    interval: interval as number,
    collect: () => ({ reading: null }),
  });

  it.each([
    [0.1, { kind: 'every', ms: 250 }],
    [1e11, { kind: 'every', ms: MAX_INTERVAL_S * 1000 }],
    [5, { kind: 'every', ms: 5000 }],
    ['0 0 1 1 *', { kind: 'cron', expr: '0 0 1 1 *' }],
    [0, { kind: 'every', ms: 60_000 }],
    [Infinity, { kind: 'every', ms: 60_000 }],
    [NaN, { kind: 'every', ms: 60_000 }],
    [{}, { kind: 'every', ms: 60_000 }],
  ])('%s is used within bounds, never thrown at the scheduler', (own, expected) => {
    expect(resolved(mod(own)).interval).toEqual(expected);
    expect(() => new Scheduler(resolvedIds(['m'], registryOf(mod(own))), {})).not.toThrow();
  });

  it("gives way to the user's interval, and is used when the user's is unusable", () => {
    expect(resolved(mod(5), { ...DEFAULT_CONFIG, modules: { m: { interval: 'once' } } }).interval).toEqual({ kind: 'once' });
    expect(resolved(mod(5), { ...DEFAULT_CONFIG, modules: { m: { interval: 0 } } }).interval).toEqual({ kind: 'every', ms: 5000 });
  });
});
