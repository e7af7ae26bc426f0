/**
 * here.ts: what keeping the host here costs a month, and where it crosses EC2: by the hours of
 * use (electricity scales with them, hardware and bandwidth do not) and by the traffic (EC2's
 * egress tiers inverted). Exact arithmetic: at a break-even the two sides are equal (well within
 * a cent), and a cent's worth of use either side orders them as the break-even says.
 */
import { describe, expect, it } from 'vitest';
import { at, breakEvenHours, breakEvenTraffic, chooseWatts, egressUsd, egressVolumeFor, hereCost, type HereGiven, type Linear } from '../../../src/ec2/here.js';
import { measuredWatts } from '../../../src/ec2/here-inputs.js';
import { add, cmp, dec, int, sub, toPlain, ZERO, type Q } from '../../../src/ec2/money.js';
import { HOURS_PER_MONTH, transferRates } from '../../../src/ec2/rates.js';
import type { HourUsage } from '../../../src/ec2/usage/types.js';

const NONE: HereGiven = { watts: null, kwhPriceUsd: null, hardwareUsd: null, hardwareMonths: null, bandwidthUsdMonth: null };
const CENT = dec('0.01');
const MONTH = int(HOURS_PER_MONTH);
const US_EAST_1 = transferRates('us-east-1');

const abs = (q: Q) => (cmp(q, ZERO) < 0 ? sub(ZERO, q) : q);

describe('hereCost', () => {
  it('the 2009 netbook: 30 W at $0.16/kWh for 730 h, $230 over 36 months', () => {
    const h = hereCost({ ...NONE, watts: { value: int(30), from: 'flag' }, kwhPriceUsd: dec('0.16'), hardwareUsd: int(230), hardwareMonths: int(36) }, null);
    expect(toPlain(h.electricityUsd!)).toBe('3.504'); // 21.9 kWh x $0.16
    expect(toPlain(h.hardwareUsd!, 6)).toBe('6.388889');
    expect(toPlain(h.totalUsd, 6)).toBe('9.892889');
    expect(h.electricityMissing).toEqual([]);
  });

  it('never makes up watts: with none measured or given, electricity is left out and the total says so', () => {
    const h = hereCost({ ...NONE, kwhPriceUsd: dec('0.16'), bandwidthUsdMonth: int(5) }, null);
    expect(h.electricityUsd).toBeNull();
    expect(h.electricityMissing).toEqual(['watts']);
    expect(toPlain(h.totalUsd)).toBe('5');
  });

  it('a hardware price without months (or the reverse) is not counted, and says what is missing', () => {
    expect(hereCost({ ...NONE, hardwareUsd: int(230) }, null).hardwareMissing).toBe('hardware-months');
    expect(hereCost({ ...NONE, hardwareMonths: int(36) }, null).hardwareMissing).toBe('hardware-usd');
  });

  it('configured watts that a measurement replaced are kept aside, with the total they would give', () => {
    const given = { ...NONE, watts: { value: int(30), from: 'config' as const }, kwhPriceUsd: dec('0.16'), bandwidthUsdMonth: int(1) };
    const h = hereCost(given, { watts: 10, source: 'rapl', hours: 2 });
    expect(h.watts?.from).toBe('rapl');
    expect(toPlain(h.configWattsUnused!.value)).toBe('30');
    expect(toPlain(h.configWattsUnused!.totalUsd!)).toBe('4.504');
    // Used (nothing measured), or overridden by the what-if flag: nothing is kept aside.
    expect(hereCost(given, null).configWattsUnused).toBeNull();
    expect(hereCost({ ...given, watts: { value: int(30), from: 'flag' } }, { watts: 10, source: 'rapl', hours: 2 }).configWattsUnused).toBeNull();
  });

  it('watts: the flag (a what-if) over what was measured, what was measured over the config', () => {
    const measured = { watts: 12.5, source: 'rapl' as const, hours: 48 };
    expect(chooseWatts({ value: int(30), from: 'flag' }, measured)).toEqual({ value: int(30), from: 'flag' });
    expect(chooseWatts({ value: int(30), from: 'config' }, measured)).toEqual({ value: dec('12.5'), from: 'rapl', hours: 48 });
    expect(chooseWatts({ value: int(30), from: 'config' }, null)).toEqual({ value: int(30), from: 'config' });
    expect(chooseWatts(null, null)).toBeNull();
  });
});

describe('measuredWatts: the mean of the hourly rows that have a figure', () => {
  const row = (hour: number, watts?: number, wattsSource?: 'rapl' | 'battery'): HourUsage => ({
    hour: hour * 3600,
    samples: 60,
    vcpus: 2,
    cpuMean: 0.1,
    cpuP95: 0.2,
    cpuMax: 0.3,
    memPeakBytes: 1,
    memTotalBytes: 2,
    txBytes: 0,
    watts,
    wattsSource,
  });
  it('averages over the rows with watts, counting their hours', () => {
    expect(measuredWatts([row(0, 10, 'rapl'), row(1), row(2, 20, 'rapl')])).toEqual({ watts: 15, source: 'rapl', hours: 2 });
  });
  it('weighs each hour by its minute samples: an hour seen for a minute counts a sixtieth of a whole one', () => {
    const part = (hour: number, watts: number, samples: number) => ({ ...row(hour, watts, 'rapl'), samples });
    // (10 W x 60 + 100 W x 1) / 61 minutes = 11.475... W, not (10 + 100) / 2 = 55 W.
    expect(measuredWatts([part(0, 10, 60), part(1, 100, 1)])).toEqual({ watts: 700 / 61, source: 'rapl', hours: 2 });
    // A row of no samples weighs nothing (and is not counted as an hour).
    expect(measuredWatts([part(0, 10, 60), part(1, 100, 0)])).toEqual({ watts: 10, source: 'rapl', hours: 1 });
    // The source with more minutes wins, not the one with more rows.
    const battery = [part(0, 8, 5), part(1, 8, 5)].map((r) => ({ ...r, wattsSource: 'battery' as const }));
    expect(measuredWatts([...battery, part(2, 30, 60)])).toEqual({ watts: 30, source: 'rapl', hours: 1 });
  });
  it('none without a figure; the more frequent source alone when both appear', () => {
    expect(measuredWatts([row(0), row(1)])).toBeNull();
    expect(measuredWatts([row(0, 8, 'battery'), row(1, 30, 'rapl'), row(2, 10, 'battery')])).toEqual({ watts: 9, source: 'battery', hours: 2 });
  });
});

describe('breakEvenHours', () => {
  // EC2: $0.0416/h (t3.medium), nothing fixed; here: 60 W at $0.16/kWh = $0.0096/h, plus $20 a month.
  const ec2: Linear = { perHour: dec('0.0416'), fixed: ZERO };
  const here: Linear = { perHour: dec('0.0096'), fixed: int(20) };

  it('EC2 is cheaper below h* = 20 / (0.0416 - 0.0096) = 625 h, here above', () => {
    const x = breakEvenHours(ec2, here);
    expect(x).toEqual({ kind: 'at', hours: int(625), cheaperBelow: 'ec2' });
  });

  it('"never" when one side is cheaper at every hour of a month', () => {
    expect(breakEvenHours({ perHour: dec('0.01'), fixed: ZERO }, here)).toEqual({ kind: 'never', cheaper: 'ec2' });
    expect(breakEvenHours({ perHour: int(1), fixed: ZERO }, { perHour: ZERO, fixed: int(1) })).toEqual({ kind: 'at', hours: int(1), cheaperBelow: 'ec2' });
    expect(breakEvenHours({ perHour: int(1), fixed: int(5) }, { perHour: ZERO, fixed: int(1) })).toEqual({ kind: 'never', cheaper: 'here' });
    expect(breakEvenHours(here, here)).toEqual({ kind: 'never', cheaper: 'equal' });
  });

  it('property: equal at the break-even within a cent, ordered a cent of use either side (500 seeded cases)', () => {
    let seed = 16;
    const rand = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31) * max;
    };
    let crossings = 0;
    for (let i = 0; i < 500; i++) {
      const e: Linear = { perHour: dec(rand(0.5).toFixed(4)), fixed: dec(rand(40).toFixed(2)) };
      const h: Linear = { perHour: dec(rand(0.05).toFixed(4)), fixed: dec(rand(40).toFixed(2)) };
      const x = breakEvenHours(e, h);
      const diff = (hours: Q) => cmp(at(e, hours), at(h, hours));
      if (x.kind === 'never') {
        // No crossing within the month: the same side is cheaper (or they are equal) at both ends.
        const want = x.cheaper === 'ec2' ? -1 : x.cheaper === 'here' ? 1 : 0;
        expect([diff(ZERO) === want || diff(ZERO) === 0, diff(MONTH) === want || diff(MONTH) === 0]).toEqual([true, true]);
        continue;
      }
      crossings++;
      expect(cmp(abs(sub(at(e, x.hours), at(h, x.hours))), CENT)).toBeLessThan(0);
      const step = dec('0.01');
      const below = diff(sub(x.hours, step));
      const above = diff(add(x.hours, step));
      expect(below).toBe(x.cheaperBelow === 'ec2' ? -1 : 1);
      expect(above).toBe(-below);
    }
    expect(crossings).toBeGreaterThan(50);
  });
});

describe('breakEvenTraffic: the egress tiers inverted', () => {
  it('inverts the us-east-1 tiers exactly, across a band edge', () => {
    // 10,240 GB at $0.09 = $921.60; then $0.085/GB.
    expect(toPlain(egressVolumeFor(dec('921.6'), US_EAST_1, false)!)).toBe('10240');
    expect(toPlain(egressVolumeFor(dec('1006.6'), US_EAST_1, false)!)).toBe('11240');
    // After the free 100 GB.
    expect(toPlain(egressVolumeFor(dec('9'), US_EAST_1, true)!)).toBe('200');
  });

  it('EC2 compute $6.862 against here $9.892889: 33.7 GB at $0.09', () => {
    const x = breakEvenTraffic(dec('6.862'), dec('9.892889'), US_EAST_1, false);
    expect(x.kind).toBe('at');
    if (x.kind === 'at') expect(toPlain(x.gb, 4)).toBe('33.6765');
  });

  it('"never" when EC2 compute alone costs as much as here, or egress is free past some volume', () => {
    expect(breakEvenTraffic(int(10), int(9), US_EAST_1, false)).toEqual({ kind: 'never', cheaper: 'here' });
    const freeAbove = {
      ...US_EAST_1,
      tiers: [
        { upToGb: 10, usdPerGb: dec('0.09') },
        { upToGb: null, usdPerGb: ZERO },
      ],
    };
    expect(breakEvenTraffic(int(0), int(5), freeAbove, false)).toEqual({ kind: 'never', cheaper: 'ec2' });
  });

  it('property: EC2 equals here at GB*, is cheaper a cent of traffic below, dearer above (400 seeded cases)', () => {
    let seed = 2009;
    const rand = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31) * max;
    };
    for (let i = 0; i < 400; i++) {
      const compute = dec(rand(100).toFixed(3));
      const here = add(compute, dec(rand(i % 4 === 0 ? 20_000 : 200).toFixed(2)), CENT);
      const free = i % 2 === 0;
      const x = breakEvenTraffic(compute, here, US_EAST_1, free);
      expect(x.kind).toBe('at');
      if (x.kind !== 'at') continue;
      const ec2 = (gb: Q) => add(compute, egressUsd(gb, US_EAST_1, free));
      expect(cmp(abs(sub(ec2(x.gb), here)), CENT)).toBeLessThan(0);
      expect(cmp(ec2(sub(x.gb, CENT)), here)).toBe(-1);
      expect(cmp(ec2(add(x.gb, CENT)), here)).toBe(1);
    }
  });
});
