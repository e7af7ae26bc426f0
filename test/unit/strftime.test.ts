import { isMainThread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strftime } from '../../src/core/strftime.js';

// Tuesday 2026-03-03 07:05:09.250 UTC; day 62 of the year.
const MORNING = new Date(Date.UTC(2026, 2, 3, 7, 5, 9, 250));
// Sunday 2024-12-29 23:59:59 UTC; leap year, day 364.
const LATE = new Date(Date.UTC(2024, 11, 29, 23, 59, 59));

describe('strftime in UTC', () => {
  const f = (format: string, d = MORNING) => strftime(format, d, { utc: true });

  it('formats the default datetime format', () => {
    expect(f('%Y-%m-%d %H:%M')).toBe('2026-03-03 07:05');
  });

  it('pads numbers as glibc does', () => {
    expect(f('%y|%m|%d|%e|%j|%H|%k|%I|%l|%M|%S')).toBe('26|03|03| 3|062|07| 7|07| 7|05|09');
    expect(f('%j %e %I %p %P', LATE)).toBe('364 29 11 PM pm');
  });

  it('names days and months in the C locale', () => {
    expect(f('%a %A %b %h %B')).toBe('Tue Tuesday Mar Mar March');
    expect(f('%a %A %b %B %u %w', LATE)).toBe('Sun Sunday Dec December 7 0');
  });

  it('uses 12 for noon and midnight on the 12-hour clock', () => {
    expect(f('%I %p', new Date(Date.UTC(2026, 0, 1, 0, 30)))).toBe('12 AM');
    expect(f('%I %p', new Date(Date.UTC(2026, 0, 1, 12, 30)))).toBe('12 PM');
  });

  it('prints the zone, composites, epoch seconds and a literal percent', () => {
    expect(f('%Z %z')).toBe('UTC +0000');
    expect(f('%F %T|%R|%D')).toBe('2026-03-03 07:05:09|07:05|03/03/26');
    expect(f('%s')).toBe('1772521509');
    expect(f('100%% %n%t')).toBe('100% \n\t');
  });

  it('leaves unknown directives and a trailing % as written', () => {
    expect(f('%Q %H%')).toBe('%Q 07%');
  });
});

// Node applies a change of process.env.TZ on a process's main thread only: in a worker thread
// (StrykerJS's vitest runner runs the tests in one) the zone stays the process's, so these
// cannot set up their zone there. `npm test` runs them in forked processes.
describe.skipIf(!isMainThread)('strftime in local time (needs the main thread to change TZ)', () => {
  let savedTz: string | undefined;
  beforeAll(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'America/New_York';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('follows TZ, including its offset and abbreviation', () => {
    expect(strftime('%Y-%m-%d %H:%M %Z %z', MORNING)).toBe('2026-03-03 02:05 EST -0500');
    // Summer time.
    expect(strftime('%H:%M %Z %z', new Date(Date.UTC(2026, 6, 1, 12, 0)))).toBe('08:00 EDT -0400');
  });

  it('counts the day of the year on the local calendar', () => {
    // 2025-01-01 03:00 UTC is still New Year's Eve in New York.
    expect(strftime('%j %a %d', new Date(Date.UTC(2025, 0, 1, 3, 0)))).toBe('366 Tue 31');
  });
});
