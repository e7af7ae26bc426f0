/**
 * Module intervals (src/core/interval.ts) at their bounds and with the exact wording a user
 * reads from `shoji config check`, plus the arithmetic the scheduler waits by.
 */
import { describe, expect, it } from 'vitest';
import type { ShojiModule } from '../../src/core/contract.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { cronProblem, intervalProblem, MAX_INTERVAL_S, msUntilNext, parseInterval } from '../../src/core/interval.js';
import { resolved } from '../helpers/resolved.js';

describe('parseInterval', () => {
  it('seconds as a number or a decimal string, rounded to whole ms', () => {
    expect(parseInterval(2)).toEqual({ kind: 'every', ms: 2000 });
    expect(parseInterval(0.25)).toEqual({ kind: 'every', ms: 250 });
    expect(parseInterval(1.0004)).toEqual({ kind: 'every', ms: 1000 });
    expect(parseInterval(MAX_INTERVAL_S)).toEqual({ kind: 'every', ms: MAX_INTERVAL_S * 1000 });
    for (const [text, ms] of [
      ['30', 30_000],
      [' 30 ', 30_000],
      ['+3', 3000],
      ['.5', 500],
      ['1.', 1000],
      ['1e1', 10_000],
      ['2.5E0', 2500],
      ['1e+1', 10_000],
      ['25e-2', 250],
    ] as const) {
      expect(parseInterval(text)).toEqual({ kind: 'every', ms });
    }
  });

  it("'once', trimmed; anything else that is not a decimal is taken for a cron expression, trimmed", () => {
    expect(parseInterval(' once ')).toEqual({ kind: 'once' });
    expect(parseInterval(' */5 * * * * ')).toEqual({ kind: 'cron', expr: '*/5 * * * *' });
    // Not decimals: no hex, no words, no blank inside, no bare exponent.
    for (const text of ['0x10', 'Infinity', '1 0', '1e', 'e1', '.', '1.2.3', '--1']) expect(parseInterval(text)).toEqual({ kind: 'cron', expr: text });
  });

  it('refuses with the reason, the value written as in YAML', () => {
    expect(() => parseInterval(0)).toThrow('interval must be more than 0 seconds (got 0); "once" runs a module only at start');
    expect(() => parseInterval(-1)).toThrow('interval must be more than 0 seconds (got -1)');
    expect(() => parseInterval(0.2499)).toThrow('interval must be at least 0.25 seconds (got 0.2499)');
    expect(() => parseInterval(MAX_INTERVAL_S + 1)).toThrow(
      'interval must be at most a year (31536000 seconds; got 31536001): for rare work use a cron expression',
    );
    expect(() => parseInterval(Infinity)).toThrow('interval must be a finite number of seconds (got .inf)');
    expect(() => parseInterval(-Infinity)).toThrow('interval must be a finite number of seconds (got -.inf)');
    expect(() => parseInterval(NaN)).toThrow('interval must be a number of seconds, "once" or a cron expression (got .nan)');
    expect(() => parseInterval('0.1')).toThrow('interval must be at least 0.25 seconds (got "0.1")');
    expect(() => parseInterval('1e400')).toThrow('interval must be a finite number of seconds (got "1e400")');
    expect(() => parseInterval('   ')).toThrow(/^interval must not be empty$/);
  });

  it('says what a value of the wrong type was', () => {
    const why = (got: string) => `interval must be seconds, "once" or a cron expression (got ${got})`;
    expect(() => parseInterval(null as never)).toThrow(why('nothing'));
    expect(() => parseInterval([] as never)).toThrow(why('a list'));
    expect(() => parseInterval({} as never)).toThrow(why('a mapping'));
    expect(() => parseInterval(true as never)).toThrow(why('true'));
    expect(() => parseInterval(undefined as never)).toThrow(why('undefined'));
  });
});

describe('intervalProblem', () => {
  const now = Date.UTC(2026, 10, 30, 12, 0, 0);

  it('null for usable values, the reason without "interval " otherwise', async () => {
    expect(await intervalProblem(5, now)).toBeNull();
    expect(await intervalProblem('once', now)).toBeNull();
    expect(await intervalProblem('@hourly', now)).toBeNull();
    expect(await intervalProblem('*/10 * * * * *', now)).toBeNull();
    expect(await intervalProblem(0.1, now)).toBe('must be at least 0.25 seconds (got 0.1)');
  });

  it('a cron expression needs 5 or 6 fields unless it is an @ name; long values are cut in the message', async () => {
    expect(await intervalProblem('* * * *', now)).toBe('must be seconds, "once" or a cron expression of 5 or 6 fields (got "* * * *")');
    const long = 'x'.repeat(70);
    expect(await intervalProblem(long, now)).toBe(`must be seconds, "once" or a cron expression of 5 or 6 fields (got "${'x'.repeat(60)}...")`);
    expect(await intervalProblem('x'.repeat(60), now)).toBe(`must be seconds, "once" or a cron expression of 5 or 6 fields (got "${'x'.repeat(60)}")`);
    expect(await intervalProblem('@nonsense', now)).toMatch(/^not a usable cron expression \("@nonsense"\): /);
  });

  it('an impossible cron expression never fires', async () => {
    expect(await intervalProblem('0 0 30 2 *', now)).toBe('not a usable cron expression ("0 0 30 2 *"): it never fires (no such date)');
    expect(await cronProblem('0 0 30 2 *', now)).toBe('it never fires (no such date)');
    expect(await cronProblem('0 0 29 2 *', now)).toBeNull();
  });

  it('fields are counted across runs of blanks', async () => {
    expect(await intervalProblem('*  *  *  *', now)).toBe('must be seconds, "once" or a cron expression of 5 or 6 fields (got "*  *  *  *")');
  });

  it("the cron package's own complaint is kept to its first line", async () => {
    const why = await cronProblem('61 * * * *', now);
    expect(why).not.toBeNull();
    expect(why).not.toContain('\n');
    expect(why).not.toBe('it never fires (no such date)');
  });
});

describe('waiting', () => {
  it('every: the interval; once: never; cron: until its next time, at least a second', async () => {
    expect(await msUntilNext({ kind: 'every', ms: 1234 }, 0)).toBe(1234);
    expect(await msUntilNext({ kind: 'once' }, 0)).toBe(Infinity);
    const minute = 60_000 * 29_000_000; // a whole minute in every time zone
    expect(await msUntilNext({ kind: 'cron', expr: '* * * * *' }, minute + 30_000)).toBe(30_000);
    expect(await msUntilNext({ kind: 'cron', expr: '* * * * *' }, minute + 59_500)).toBe(1000);
  });
});

describe('intervalOf', () => {
  const schema = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: { fast: false } };
  const mod = (interval: unknown): ShojiModule<any, any, any> => ({
    id: 'm',
    description: 'm',
    options: schema,
    interval: interval as number,
    collect: () => ({ reading: null }),
  });

  it("a module's interval function gets its options, the user's over the defaults", () => {
    const fn = (o: { fast: boolean }) => (o.fast ? 1 : 10);
    expect(resolved(mod(fn)).interval).toEqual({ kind: 'every', ms: 10_000 });
    expect(resolved(mod(fn), { ...DEFAULT_CONFIG, modules: { m: { fast: true } } }).interval).toEqual({ kind: 'every', ms: 1000 });
  });

  it('an own interval that throws, or is text that is not usable, is once a minute', () => {
    expect(
      resolved(
        mod(() => {
          throw new Error('x');
        }),
      ).interval,
    ).toEqual({ kind: 'every', ms: 60_000 });
    expect(resolved(mod('0.1')).interval).toEqual({ kind: 'every', ms: 60_000 });
    expect(resolved(mod(-3)).interval).toEqual({ kind: 'every', ms: 60_000 });
    expect(resolved(mod(-Infinity)).interval).toEqual({ kind: 'every', ms: 60_000 });
  });

  it("the user's usable interval wins over the module's, even a text one", () => {
    expect(resolved(mod(5), { ...DEFAULT_CONFIG, modules: { m: { interval: '2' } } }).interval).toEqual({ kind: 'every', ms: 2000 });
  });
});
