/**
 * The live scheduler (src/core/scheduler.ts) step by step under fake timers: when each module
 * runs next, the back-off after failures, single flight past a hang, refresh and stop, and
 * which settled collects are announced. Nothing here waits in real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Collected, ShojiModule } from '../../src/core/contract.js';
import type { Registry } from '../../src/core/registry.js';
import { backoffMs, MAX_BACKOFF_MS } from '../../src/core/due.js';
import { newStatus, recordOutcome, Scheduler, type ModuleStatus } from '../../src/core/scheduler.js';
import { resolvedIds } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: true }, defaults: {} };
const START = new Date('2026-11-30T10:00:00.000Z').getTime();

function registryOf(...mods: ShojiModule<any, any, any>[]): Registry {
  return { modules: new Map(mods.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}

/** A module whose collect answers what `next` returns, counting its calls. */
function scripted(id: string, interval: number | string, next: (n: number) => Collected | Promise<Collected>, extra: Partial<ShojiModule> = {}) {
  const mod: ShojiModule & { calls: number } = {
    id,
    description: id,
    options: schema,
    interval,
    calls: 0,
    collect: () => next(++mod.calls),
    ...extra,
  };
  return mod;
}
const reading = (text: string): Collected => ({ reading: { text, state: 'idle' } });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'hrtime', 'performance'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

async function started(mods: ShojiModule<any, any, any>[], ids = mods.map((m) => m.id), previous?: Map<string, ModuleStatus>) {
  const s = new Scheduler(resolvedIds(ids, registryOf(...mods)), {}, previous);
  const changes: (string | null)[] = [];
  s.on('change', (id) => changes.push(id));
  await s.start();
  await vi.advanceTimersByTimeAsync(0);
  return { s, changes };
}

describe('backoffMs and recordOutcome', () => {
  it('back-off: the interval (at least 1 s) doubled per failure after the first, at most 5 minutes', () => {
    expect(backoffMs(2000, 0)).toBe(2000);
    expect(backoffMs(2000, 1)).toBe(2000);
    expect(backoffMs(2000, 3)).toBe(8000);
    expect(backoffMs(500, 1)).toBe(1000);
    expect(backoffMs(500, 2)).toBe(2000);
    expect(backoffMs(150_000, 2)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(200_000, 2)).toBe(300_000);
  });

  it('a success replaces reading and memo (a missing memo keeps the old one) and clears the failure', () => {
    const st = newStatus('m');
    expect(st).toEqual({ id: 'm', reading: null, hasValue: false, failures: 0, running: false });
    recordOutcome(st, { ok: false, error: 'boom', durationMs: 1 });
    recordOutcome(st, { ok: false, error: 'boom again', durationMs: 1 });
    expect(st).toMatchObject({ error: 'boom again', failures: 2, hasValue: false });
    recordOutcome(st, { ok: true, collected: { reading: { text: 'a', state: 'good' }, memo: { n: 1 } }, durationMs: 1 });
    expect(st).toMatchObject({ reading: { text: 'a', state: 'good' }, memo: { n: 1 }, hasValue: true, error: undefined, failures: 0, lastOkWall: START });
    recordOutcome(st, { ok: true, collected: { reading: null }, durationMs: 1 });
    expect(st.reading).toBeNull();
    expect(st.memo).toEqual({ n: 1 });
    recordOutcome(st, { ok: false, error: 'x', durationMs: 1 });
    expect(st).toMatchObject({ reading: null, memo: { n: 1 }, hasValue: true, failures: 1 });
    // Every failure since the start, through the success between: the exporter's error counter.
    expect(st.collectErrors).toBe(3);
  });
});

describe('Scheduler', () => {
  it('runs each module at start and then every interval; announces start and each changed reading', async () => {
    const mod = scripted('m', 2, (n) => reading(n < 3 ? `v${n}` : 'same'));
    const { s, changes } = await started([mod]);
    expect(mod.calls).toBe(1);
    expect(s.statuses().get('m')).toMatchObject({ available: true, reading: { text: 'v1' }, running: false, lastRunWall: START, nextRunWall: START + 2000 });
    // The start is announced once the availability checks are done; the first reading after.
    expect(changes).toEqual([null, 'm']);
    await vi.advanceTimersByTimeAsync(1999);
    expect(mod.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(mod.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(mod.calls).toBe(4);
    // v2, then "same" twice: the second "same" changed nothing and is not announced.
    expect(changes).toEqual([null, 'm', 'm', 'm']);
    s.stop();
  });

  it('a module that is not available is never run; a failing check says why, and so does a module that gives its reason', async () => {
    const no = scripted('no', 1, () => reading('x'), { available: () => false });
    const broken = scripted('broken', 1, () => reading('x'), {
      available: () => {
        throw new Error('no sysfs');
      },
    });
    const kept = scripted('kept', 1, () => reading('x'), { available: () => ({ available: false as const, why: 'root only' }) });
    const { s } = await started([no, broken, kept]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(no.calls + broken.calls + kept.calls).toBe(0);
    expect(s.statuses().get('no')!.available).toBe(false);
    expect(s.statuses().get('no')!.error).toBeUndefined();
    expect(s.statuses().get('no')!.unavailableWhy).toBeUndefined();
    expect(s.statuses().get('kept')).toMatchObject({ available: false, unavailableWhy: 'root only' });
    expect(s.statuses().get('broken')).toMatchObject({ available: false, error: 'availability check failed: no sysfs' });
    await s.refresh('no');
    expect(no.calls).toBe(0);
    s.stop();
  });

  it('ids that are not registered are left out', async () => {
    const mod = scripted('m', 1, () => reading('x'));
    const { s } = await started([mod], ['m', 'ghost']);
    expect([...s.statuses().keys()]).toEqual(['m']);
    await s.refresh('ghost');
    s.stop();
  });

  it('a failure is retried with back-off from the interval, and announced each time', async () => {
    const mod = scripted('m', 2, (n) => (n < 4 ? Promise.reject(new Error(`bad ${n}`)) : reading('ok')));
    const { s, changes } = await started([mod]);
    expect(s.statuses().get('m')).toMatchObject({ error: 'bad 1', failures: 1, nextRunWall: START + 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.statuses().get('m')).toMatchObject({ error: 'bad 2', failures: 2, nextRunWall: START + 2000 + 4000 });
    await vi.advanceTimersByTimeAsync(3999);
    expect(mod.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.statuses().get('m')).toMatchObject({ error: 'bad 3', failures: 3 });
    await vi.advanceTimersByTimeAsync(8000);
    expect(s.statuses().get('m')).toMatchObject({ reading: { text: 'ok' }, failures: 0, error: undefined });
    expect(changes.filter((c) => c === 'm')).toHaveLength(4);
    s.stop();
  });

  it('single flight: while a hung collect is pending, runs count as failures and start nothing', async () => {
    let release!: () => void;
    const mod = scripted('m', 1, (n) => (n === 1 ? new Promise<Collected>((r) => (release = () => r(reading('late')))) : reading(`v${n}`)), { timeoutMs: 100 });
    const { s, changes } = await started([mod]);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.statuses().get('m')).toMatchObject({ error: 'no answer within 100 ms', failures: 1, running: false });
    await vi.advanceTimersByTimeAsync(1000);
    expect(mod.calls).toBe(1);
    expect(s.statuses().get('m')).toMatchObject({ error: 'no answer within 100 ms (still running)', failures: 2, nextRunWall: Date.now() + 2000 });
    expect(changes.filter((c) => c === 'm')).toHaveLength(2);
    release();
    await vi.advanceTimersByTimeAsync(2000);
    expect(mod.calls).toBe(2);
    expect(s.statuses().get('m')).toMatchObject({ reading: { text: 'v2' }, failures: 0 });
    // The timeout and the run refused while it was still pending both count as collect errors.
    expect(s.statuses().get('m')!.collectErrors).toBe(2);
    s.stop();
  });

  it('a hang with no error text yet still reads as hung', async () => {
    // The pending mark is set from a timed-out outcome, which always has an error; this checks the
    // wording when a status carried over from before has none.
    let release!: () => void;
    const mod = scripted('m', 1, (n) => (n === 1 ? new Promise<Collected>((r) => (release = () => r(reading('late')))) : reading('v')), { timeoutMs: 50 });
    const { s } = await started([mod]);
    await vi.advanceTimersByTimeAsync(50);
    s.statuses().get('m')!.error = undefined;
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.statuses().get('m')!.error).toBe('hung (still running)');
    release();
    s.stop();
  });

  it('refresh runs a module at once and resolves when it has settled; never two at once', async () => {
    let release: (() => void) | undefined;
    const mod = scripted('m', 60, (n) => (n === 2 ? new Promise<Collected>((r) => (release = () => r(reading('two')))) : reading(`v${n}`)));
    const { s } = await started([mod]);
    const refreshing = s.refresh('m');
    await vi.advanceTimersByTimeAsync(0);
    expect(s.statuses().get('m')!.running).toBe(true);
    await s.refresh('m'); // already running: returns at once, starts nothing
    expect(mod.calls).toBe(2);
    release!();
    await refreshing;
    expect(s.statuses().get('m')).toMatchObject({ reading: { text: 'two' }, running: false, nextRunWall: Date.now() + 60_000 });
    s.stop();
  });

  it('stop: no more runs, and a collect that settles afterwards is not recorded', async () => {
    let release!: () => void;
    const mod = scripted('m', 1, (n) => (n === 2 ? new Promise<Collected>((r) => (release = () => r(reading('after stop')))) : reading('v1')));
    const { s } = await started([mod]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(mod.calls).toBe(2);
    s.stop();
    release();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(mod.calls).toBe(2);
    expect(s.statuses().get('m')!.reading?.text).toBe('v1');
    await s.refresh('m');
    expect(mod.calls).toBe(2);
  });

  it('stop before the availability checks end: nothing runs', async () => {
    let answer!: (v: boolean) => void;
    const mod = scripted('m', 1, () => reading('x'), { available: () => new Promise<boolean>((r) => (answer = r)) });
    const s = new Scheduler(resolvedIds(['m'], registryOf(mod)), {});
    const starting = s.start();
    await vi.advanceTimersByTimeAsync(0);
    s.stop();
    answer(true);
    await starting;
    await vi.advanceTimersByTimeAsync(5000);
    expect(mod.calls).toBe(0);
  });

  it('"once" runs at start only', async () => {
    const mod = scripted('m', 'once', () => reading('x'));
    const { s } = await started([mod]);
    expect(s.statuses().get('m')!.nextRunWall).toBeUndefined();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(mod.calls).toBe(1);
    s.stop();
  });

  it('an aligned module runs just after each wall-clock multiple of its interval', async () => {
    vi.setSystemTime(START + 12_345);
    const mod = scripted('m', 60, () => reading('x'), { align: true });
    const { s } = await started([mod]);
    expect(s.statuses().get('m')!.nextRunWall).toBe(START + 60_000 + 20);
    s.stop();
  });

  it('deferBackgroundMs: a background module first runs that long after start, the others at once', async () => {
    const slow = scripted('slow', 300, () => reading('apt'), { background: true });
    const fast = scripted('fast', 300, () => reading('cpu'));
    const s = new Scheduler(resolvedIds(['slow', 'fast'], registryOf(slow, fast)), {}, undefined, undefined, { deferBackgroundMs: 1500 });
    await s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect([slow.calls, fast.calls]).toEqual([0, 1]);
    expect(s.statuses().get('slow')!.nextRunWall).toBe(START + 1500);
    await vi.advanceTimersByTimeAsync(1499);
    expect(slow.calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect([slow.calls, fast.calls]).toEqual([1, 1]);
    s.stop();
  });

  it('alignIntervals: modules that share an interval run together on its wall-clock multiples (the exporter wakes once for all)', async () => {
    await import('cron'); // loaded once for real, so that the scheduler's import is not a wait on the disk
    vi.setSystemTime(START + 3_210);
    const a = scripted('a', 10, () => reading('a'));
    const b = scripted('b', 10, () => reading('b'));
    const cron = scripted('c', '*/5 * * * *', () => reading('c'));
    const s = new Scheduler(resolvedIds(['a', 'b', 'c'], registryOf(a, b, cron)), {}, undefined, undefined, { alignIntervals: true });
    await s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.statuses().get('a')!.nextRunWall).toBe(START + 10_000 + 20);
    expect(s.statuses().get('b')!.nextRunWall).toBe(START + 10_000 + 20);
    // A cron expression keeps its own times.
    expect(s.statuses().get('c')!.nextRunWall).toBe(START + 300_000);
    // The second start lands on the same boundary whatever the delay before it.
    await vi.advanceTimersByTimeAsync(7_777 - 3_210);
    await s.refresh('b');
    expect(s.statuses().get('b')!.nextRunWall).toBe(START + 10_000 + 20);
    await vi.advanceTimersByTimeAsync(10_000 + 20 - 7_777);
    expect([a.calls, b.calls]).toEqual([2, 3]);
    expect(s.statuses().get('a')!.nextRunWall).toBe(START + 20_000 + 20);
    s.stop();
    // Without the option a module waits its interval from its own collect.
    vi.setSystemTime(START + 3_210);
    const plain = new Scheduler(resolvedIds(['a'], registryOf(a)), {});
    await plain.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(plain.statuses().get('a')!.nextRunWall).toBe(START + 3_210 + 10_000);
    plain.stop();
  });

  it('a cron expression that cannot be computed is reported and retried in a minute', async () => {
    await import('cron'); // loaded once for real, so that the scheduler's import is not a wait on the disk
    const mod = scripted('m', 'not a cron at all', () => reading('x'));
    const { s } = await started([mod]);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.statuses().get('m')).toMatchObject({ reading: { text: 'x' }, nextRunWall: START + 60_000 });
    expect(s.statuses().get('m')!.error).toMatch(/^bad interval: /);
    s.stop();
  });

  it('statuses carried over from a previous scheduler keep their readings, never "running"', async () => {
    const old = newStatus('m');
    Object.assign(old, { reading: { text: 'old', state: 'idle' }, hasValue: true, running: true });
    let release!: () => void;
    const mod = scripted('m', 1, () => new Promise<Collected>((r) => (release = () => r(reading('new')))));
    const s = new Scheduler(resolvedIds(['m'], registryOf(mod)), {}, new Map([['m', old]]));
    expect(s.statuses().get('m')).toBe(old);
    expect(old.running).toBe(false);
    await s.start();
    expect(old.reading?.text).toBe('old');
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(old.reading?.text).toBe('new');
    expect(typeof old.lastDurationMs).toBe('number');
    s.stop();
  });
});
