/**
 * One collect of one module (src/core/collect.ts): the context a module gets, the timeout it
 * runs under, and the failure text a throw, a rejection or a hang turns into. No timing is
 * checked: a hang is a promise that never settles, cut by a short timeout.
 */
import { describe, expect, it } from 'vitest';
import type { ShojiModule } from '../../src/core/contract.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import {
  checkAvailable,
  collectModule,
  DEFAULT_TIMEOUT_MS,
  makeContext,
  MAX_TIMEOUT_MS,
  monotonicMs,
  runWithTimeout,
  timeoutFor,
} from '../../src/core/collect.js';
import { resolved } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: true }, defaults: { size: 1, name: 'x' } };
function mod(extra: Partial<ShojiModule<any, any, any>> = {}): ShojiModule<any, any, any> {
  return { id: 'm', description: 'm', options: schema, interval: 1, collect: () => ({ reading: null }), ...extra };
}
const config = (modules: Record<string, Record<string, unknown>>) => ({ ...DEFAULT_CONFIG, modules });

describe('makeContext', () => {
  it("options are the defaults with the user's own keys over them; roots and folders follow the env", () => {
    const env = { SHOJI_PROC_ROOT: '/p', SHOJI_SYS_ROOT: '/s', SHOJI_ROOT: '/r', SHOJI_STATE_DIR: '/st', SHOJI_CONFIG_DIR: '/cf' };
    const signal = new AbortController().signal;
    const ctx = makeContext(resolved(mod(), config({ m: { size: 5, interval: 3 } })), env, signal);
    expect(ctx.options).toEqual({ size: 5, name: 'x' });
    expect(ctx).toMatchObject({ procRoot: '/p', sysRoot: '/s', root: '/r', stateDir: '/st', configDir: '/cf', env, signal });
    expect(ctx.now).toBe(monotonicMs);
    expect(ctx.wallNow).toBe(Date.now);
  });

  it('monotonicMs counts milliseconds forward', () => {
    const a = monotonicMs();
    const b = monotonicMs();
    expect(b).toBeGreaterThanOrEqual(a);
    // CLOCK_MONOTONIC in ms, as the same value hrtime gives (not µs, not s).
    expect(Math.abs(a - Number(process.hrtime.bigint()) / 1e6)).toBeLessThan(60_000);
  });
});

describe('timeoutFor', () => {
  it("the user's seconds, else the module's ms, else 5 s; capped at an hour and by the caller", () => {
    expect(timeoutFor(resolved(mod()))).toBe(DEFAULT_TIMEOUT_MS);
    expect(timeoutFor(resolved(mod({ timeoutMs: 1234 })))).toBe(1234);
    expect(timeoutFor(resolved(mod({ timeoutMs: 1234 }), config({ m: { timeout: 2 } })))).toBe(2000);
    expect(timeoutFor(resolved(mod(), config({ m: { timeout: 0.5 } })))).toBe(500);
    expect(timeoutFor(resolved(mod({ timeoutMs: MAX_TIMEOUT_MS })))).toBe(3_600_000);
    expect(timeoutFor(resolved(mod({ timeoutMs: MAX_TIMEOUT_MS + 1 })))).toBe(3_600_000);
    expect(timeoutFor(resolved(mod({ timeoutMs: 1 })))).toBe(1);
    expect(timeoutFor(resolved(mod({ timeoutMs: 3000 })), 2500)).toBe(2500);
    expect(timeoutFor(resolved(mod({ timeoutMs: 2000 })), 2500)).toBe(2000);
    // A timeout that is not a number of seconds in the config is not the user's.
    expect(timeoutFor(resolved(mod({ timeoutMs: 1234 }), config({ m: { timeout: '2' } })))).toBe(1234);
    expect(timeoutFor(resolved(mod({ timeoutMs: -Infinity })))).toBe(DEFAULT_TIMEOUT_MS);
  });
});

describe('runWithTimeout', () => {
  it('a value is passed through', async () => {
    const r = await runWithTimeout(() => 42, 1000);
    expect(r).toMatchObject({ ok: true, value: 42 });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sets no timer for work that answers at once, one for work that answers later (a thenable too)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const now = runWithTimeout(() => 42, 60_000);
    // A cleared timer would still wake an idle process when due: none for an answer in hand.
    expect(timers()).toBe(before);
    expect(await now).toMatchObject({ ok: true, value: 42 });
    // A thenable that is no native Promise: what another realm's promise looks like.
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
    const thenable = { then: (resolve: (v: number) => void) => setImmediate(() => resolve(7)) };
    const later = runWithTimeout(() => thenable as unknown as Promise<number>, 60_000);
    expect(timers()).toBe(before + 1);
    expect(await later).toMatchObject({ ok: true, value: 7 });
    expect(timers()).toBe(before);
  });

  it('an error keeps its first line, at most 300 characters; an empty one reads "failed"', async () => {
    expect(
      await runWithTimeout(() => {
        throw new Error('first\nsecond');
      }, 1000),
    ).toMatchObject({ ok: false, error: 'first', timedOut: false });
    expect(await runWithTimeout(() => Promise.reject(new Error('y'.repeat(400))), 1000)).toMatchObject({ ok: false, error: 'y'.repeat(300), timedOut: false });
    expect(
      await runWithTimeout(() => {
        throw new Error('');
      }, 1000),
    ).toMatchObject({ ok: false, error: 'failed' });
    expect(await runWithTimeout(() => Promise.reject('plain text'), 1000)).toMatchObject({ ok: false, error: 'plain text' });
    expect(
      await runWithTimeout(() => {
        throw 7;
      }, 1000),
    ).toMatchObject({ ok: false, error: '7' });
  });

  it('a hang is cut at the timeout, the signal aborted, and the still-running work handed back', async () => {
    let seen: AbortSignal | undefined;
    let finish!: () => void;
    const r = await runWithTimeout((signal) => {
      seen = signal;
      return new Promise<void>((resolve) => (finish = resolve));
    }, 20.4);
    expect(r).toMatchObject({ ok: false, error: 'no answer within 20 ms', timedOut: true, durationMs: 20.4 });
    expect(seen!.aborted).toBe(true);
    expect((seen!.reason as Error).message).toBe('timed out');
    const pending = (r as { pending?: Promise<unknown> }).pending;
    expect(pending).toBeInstanceOf(Promise);
    finish();
    await expect(pending).resolves.toBeUndefined();
  });

  it('the handed-back work never rejects, even when the work later does', async () => {
    let fail!: (e: Error) => void;
    const r = await runWithTimeout(() => new Promise((_, reject) => (fail = reject)), 10);
    fail(new Error('late'));
    await expect((r as { pending?: Promise<unknown> }).pending).resolves.toBeUndefined();
  });

  it('the signal is not aborted when the work answers in time', async () => {
    let seen: AbortSignal | undefined;
    await runWithTimeout(async (signal) => {
      seen = signal;
      return 1;
    }, 1000);
    expect(seen!.aborted).toBe(false);
  });
});

describe('collectModule', () => {
  it('a good collect comes back with its reading and memo', async () => {
    const reading = { text: 'hi', state: 'good' as const };
    const out = await collectModule(resolved(mod({ collect: (_ctx, memo) => ({ reading, memo: { was: memo } }) })), {}, 3, 1000);
    expect(out).toMatchObject({ ok: true, collected: { reading, memo: { was: 3 } } });
    expect(out.error).toBeUndefined();
  });

  it('a reading that fails the check is a failure with the reason, not a collected value', async () => {
    const out = await collectModule(resolved(mod({ collect: () => ({ reading: { text: 'x', state: 'nope' } }) as never })), {}, undefined, 1000);
    expect(out.ok).toBe(false);
    expect(out.collected).toBeUndefined();
    expect(out.error).toMatch(/^state must be one of/);
    expect(typeof out.durationMs).toBe('number');
  });

  it("the collect gets the module's options from the config", async () => {
    let got: unknown;
    await collectModule(
      resolved(
        mod({
          collect: (ctx) => {
            got = ctx.options;
            return { reading: null };
          },
        }),
        config({ m: { name: 'y' } }),
      ),
      {},
      undefined,
      1000,
    );
    expect(got).toEqual({ size: 1, name: 'y' });
  });
});

describe('checkAvailable', () => {
  it('a module without a check is available', async () => {
    expect(await checkAvailable(resolved(mod()), {}, 1000)).toEqual({ available: true });
  });

  it("the check's answer, made a boolean", async () => {
    expect(await checkAvailable(resolved(mod({ available: () => 0 as never })), {}, 1000)).toEqual({ available: false });
    expect(await checkAvailable(resolved(mod({ available: async () => 'yes' as never })), {}, 1000)).toEqual({ available: true });
  });

  it('a no with a reason keeps its first line, trimmed; an object without available: false is a yes', async () => {
    const answer = (value: unknown) => checkAvailable(resolved(mod({ available: () => value as never })), {}, 1000);
    expect(await answer({ available: false, why: '  root only\nsecond line' })).toEqual({ available: false, why: 'root only' });
    expect(await answer({ available: false, why: 'x'.repeat(600) })).toEqual({ available: false, why: 'x'.repeat(500) });
    expect(await answer({ available: false, why: 3 })).toEqual({ available: false });
    expect(await answer({ available: false })).toEqual({ available: false });
    expect(await answer({ available: true, why: 'ignored' })).toEqual({ available: true });
    expect(await answer({})).toEqual({ available: true });
  });

  it('a check that throws or hangs makes the module unavailable, with the reason', async () => {
    expect(
      await checkAvailable(
        resolved(
          mod({
            available: () => {
              throw new Error('no sensor');
            },
          }),
        ),
        {},
        1000,
      ),
    ).toEqual({ available: false, error: 'no sensor' });
    expect(await checkAvailable(resolved(mod({ available: () => new Promise<boolean>(() => {}) })), {}, 10)).toEqual({
      available: false,
      error: 'no answer within 10 ms',
    });
  });

  it("the check gets the module's context", async () => {
    let root: string | undefined;
    await checkAvailable(
      resolved(
        mod({
          available: (ctx) => {
            root = ctx.procRoot;
            return true;
          },
        }),
      ),
      { SHOJI_PROC_ROOT: '/fake' },
      1000,
    );
    expect(root).toBe('/fake');
  });
});
