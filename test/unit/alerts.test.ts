/**
 * The alert episode logic (src/core/alerts.ts): readings in at given times, alerts out, the time
 * passed in (no timers). Each case drives it as src/host/alerts-watch.ts does: every reading is
 * observed and asked about, and between readings it is asked again only at the times nextDue
 * names, so a case also fails when nextDue forgets a time something falls due.
 */
import { describe, expect, it } from 'vitest';
import { type AlertInput, type AlertRule, alertMessage, alertRule, due, MIN_CLEAR_MS, newTrack, nextDue, observe } from '../../src/core/alerts.js';
import type { State } from '../../src/core/contract.js';
import { inputOf } from '../../src/host/alerts-watch.js';

type Step = [atS: number, input: State | 'failed' | 'pending'];

/** Readings every `everyS` seconds from `fromS` up to (not including) `toS`, all the same. */
function hold(input: Step[1], fromS: number, toS: number, everyS = 2): Step[] {
  const out: Step[] = [];
  for (let t = fromS; t < toS; t += everyS) out.push([t, input]);
  return out;
}

const inputFor = (i: Step[1]): AlertInput => (i === 'failed' || i === 'pending' ? { known: false } : { known: true, state: i, text: `${i} text` });

/** What is said, as [seconds, state, for seconds], given readings (in time order) up to `endS`. */
function run(rule: AlertRule, steps: Step[], endS: number): [number, string, number][] {
  const track = newTrack();
  const said: [number, string, number][] = [];
  const ask = (ms: number) => {
    const say = due('cpu', track, rule, ms);
    if (say) said.push([ms / 1000, say.state, say.forMs / 1000]);
  };
  /** The timer's wake-ups before `untilMs`, as the watch arms them. */
  const wakeUntil = (untilMs: number) => {
    for (let n = 0; n < 100; n++) {
      const at = nextDue(track, rule);
      if (at === undefined || at >= untilMs) return;
      ask(at);
    }
    throw new Error('nextDue keeps naming a time that does nothing');
  };
  for (const [atS, input] of steps) {
    wakeUntil(atS * 1000);
    observe(track, inputFor(input), rule, atS * 1000);
    ask(atS * 1000);
  }
  wakeUntil(endS * 1000);
  return said;
}

const rule = (setting: unknown) => alertRule(setting)!;
const DEFAULT = rule(true); // warning, after 60 s

describe('alert episodes', () => {
  it.each<[string, AlertRule, Step[], number, [number, string, number][]]>([
    ['critical from the start: told once, at 60 s, not again while it stays', DEFAULT, hold('critical', 0, 600), 600, [[60, 'critical', 60]]],
    ['a state that does not change has no readings in between: the timer tells it', DEFAULT, [[0, 'critical']], 600, [[60, 'critical', 60]]],
    [
      'below the level just before `after`: the time counts again',
      DEFAULT,
      [...hold('critical', 0, 58), [58, 'good'], ...hold('critical', 60, 200)],
      200,
      [[120, 'critical', 60]],
    ],
    ['good or info never alerts', DEFAULT, [...hold('good', 0, 100), ...hold('info', 100, 300)], 300, []],
    [
      'cleared for `after`, then back: a second episode',
      DEFAULT,
      [...hold('critical', 0, 100), ...hold('idle', 100, 200), ...hold('critical', 200, 300)],
      300,
      [
        [60, 'critical', 60],
        [260, 'critical', 60],
      ],
    ],
    [
      'flapping around the threshold: one episode, one alert',
      DEFAULT,
      [...hold('critical', 0, 70), ...Array.from({ length: 60 }, (_, i): Step => [70 + i * 10, i % 2 ? 'critical' : 'good'])],
      700,
      [[60, 'critical', 60]],
    ],
    [
      'warning, then critical for `after`: told again as an escalation, once',
      DEFAULT,
      [...hold('warning', 0, 100), ...hold('critical', 100, 200), ...hold('warning', 200, 250), ...hold('critical', 250, 400)],
      400,
      [
        [60, 'warning', 60],
        [160, 'critical', 60],
      ],
    ],
    [
      'an escalation with no reading in between: the timer tells it',
      DEFAULT,
      [
        [0, 'warning'],
        [100, 'critical'],
      ],
      400,
      [
        [60, 'warning', 60],
        [160, 'critical', 60],
      ],
    ],
    [
      'critical reached shortly before `after`: told as warning, then critical once it has lasted',
      DEFAULT,
      [...hold('warning', 0, 50), ...hold('critical', 50, 200)],
      200,
      [
        [60, 'warning', 60],
        [110, 'critical', 60],
      ],
    ],
    ['level critical: warning never alerts', rule({ level: 'critical', after: 10 }), hold('warning', 0, 300), 300, []],
    [
      'level critical: critical after a long warning is told after `after` of critical',
      rule({ level: 'critical', after: 10 }),
      [...hold('warning', 0, 100), ...hold('critical', 100, 150)],
      150,
      [[110, 'critical', 10]],
    ],
    [
      'a failure does not start an episode, and the time at the level counts again after it',
      DEFAULT,
      [...hold('critical', 0, 30), ...hold('failed', 30, 40), ...hold('critical', 40, 200)],
      200,
      [[100, 'critical', 60]],
    ],
    ['a module that only fails never alerts', DEFAULT, hold('failed', 0, 600), 600, []],
    [
      'a failure does not end an episode: back at critical after it, nothing is said',
      DEFAULT,
      [...hold('critical', 0, 70), ...hold('failed', 70, 1000), ...hold('critical', 1000, 1200)],
      1200,
      [[60, 'critical', 60]],
    ],
    [
      'a failure while clearing: the time below counts again after it',
      DEFAULT,
      // Below from 100; had the failure not broken it, the episode would end at 160 and 200 would alert at 260.
      [...hold('critical', 0, 100), ...hold('good', 100, 150), ...hold('failed', 150, 170), ...hold('good', 170, 200), ...hold('critical', 200, 300)],
      300,
      [[60, 'critical', 60]],
    ],
    [
      'pending readings do not count',
      DEFAULT,
      [...hold('pending', 0, 100), ...hold('critical', 100, 130), [130, 'pending'], ...hold('critical', 132, 250)],
      250,
      [[192, 'critical', 60]],
    ],
    [
      '`after: 0` tells at once, and still needs a few seconds below before it can tell again',
      rule({ after: 0 }),
      [
        [0, 'critical'],
        [2, 'good'],
        [4, 'critical'],
        [6, 'good'],
        [20, 'critical'],
      ],
      30,
      [
        [0, 'critical', 0],
        [20, 'critical', 0],
      ],
    ],
  ])('%s', (_name, r, steps, endS, expected) => {
    expect(run(r, steps, endS)).toEqual(expected);
  });

  it('asking again at the same time says nothing more', () => {
    const track = newTrack();
    observe(track, { known: true, state: 'critical', text: '97%' }, DEFAULT, 0);
    expect(due('cpu', track, DEFAULT, 60_000)).toEqual({ id: 'cpu', state: 'critical', forMs: 60_000, text: '97%' });
    expect(due('cpu', track, DEFAULT, 60_000)).toBeUndefined();
    expect(due('cpu', track, DEFAULT, 3_600_000)).toBeUndefined();
  });

  it('says the latest known text', () => {
    const track = newTrack();
    observe(track, { known: true, state: 'critical', text: '91%' }, DEFAULT, 0);
    observe(track, { known: true, state: 'critical', text: '97%' }, DEFAULT, 30_000);
    observe(track, { known: false }, DEFAULT, 31_000);
    observe(track, { known: true, state: 'critical', text: '99%' }, DEFAULT, 32_000);
    expect(due('cpu', track, DEFAULT, 92_000)?.text).toBe('99%');
  });
});

describe('the alert key', () => {
  it('true takes the defaults; a mapping fills in what it leaves out', () => {
    expect(alertRule(true)).toEqual({ level: 'warning', afterMs: 60_000, clearMs: 60_000, via: 'auto' });
    expect(alertRule({})).toEqual(alertRule(true));
    expect(alertRule({ level: 'critical', after: 5, via: 'tmux' })).toEqual({ level: 'critical', afterMs: 5000, clearMs: MIN_CLEAR_MS, via: 'tmux' });
    expect(alertRule({ after: 120, via: 'desktop' })).toEqual({ level: 'warning', afterMs: 120_000, clearMs: 120_000, via: 'desktop' });
  });

  it('false or absent: no alert', () => {
    expect(alertRule(false)).toBeUndefined();
    expect(alertRule(undefined)).toBeUndefined();
  });
});

describe('the message', () => {
  const utf8 = { LANG: 'C.UTF-8' };
  it('names the module, the state, how long and the reading', () => {
    expect(alertMessage({ id: 'cpu', state: 'critical', forMs: 120_000, text: '97%' }, utf8)).toBe('shoji: cpu critical for 2m: 97%');
    expect(alertMessage({ id: 'disk', state: 'warning', forMs: 45_500, text: '' }, utf8)).toBe('shoji: disk warning for 45s');
  });

  it('strips control characters from outside text, and is ASCII under a locale that is not UTF-8', () => {
    const say = { id: 'custom:x', state: 'critical' as const, forMs: 60_000, text: 'eth0\u001b]0;title\u0007 \u001b[31m40\u00b0C\n' };
    expect(alertMessage(say, utf8)).toBe('shoji: custom:x critical for 1m: eth0]0;title [31m40\u00b0C');
    expect(alertMessage(say, { LANG: 'C' })).toMatch(/^[\u0020-\u007e]*$/);
  });
});

describe('a status as the episode logic takes it', () => {
  const base = { id: 'cpu', hasValue: true, failures: 0, running: false, available: true };
  it('a reading is known; nothing to show is known and fine', () => {
    expect(inputOf({ ...base, reading: { text: '97%', state: 'critical' } })).toEqual({ known: true, state: 'critical', text: '97%' });
    expect(inputOf({ ...base, reading: null })).toEqual({ known: true, state: 'idle', text: '' });
  });

  it('failed, pending, never collected or unavailable is not known', () => {
    const critical = { text: '97%', state: 'critical' as const };
    expect(inputOf({ ...base, reading: critical, error: 'timed out', failures: 1 })).toEqual({ known: false });
    expect(inputOf({ ...base, reading: { ...critical, pending: true } })).toEqual({ known: false });
    expect(inputOf({ ...base, hasValue: false, reading: null })).toEqual({ known: false });
    expect(inputOf({ ...base, available: false, reading: null })).toEqual({ known: false });
    expect(inputOf(undefined)).toEqual({ known: false });
  });
});
