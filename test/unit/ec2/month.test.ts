/**
 * month.ts: the UTC month to date from the ledger's boot records. Conventions as the estimator's
 * worked examples: m7i.large us-east-1 on-demand $0.1008/h, us-east-1 tiers, "GB" = 2^30 bytes,
 * exact arithmetic. The two-boot month is docs/ec2-cost.md's "This month" example.
 */
import { describe, expect, it } from 'vitest';
import { parseMonth, parseNow } from '../../../src/ec2/month-args.js';
import { monthBill, monthBounds, type MonthPricing } from '../../../src/ec2/month.js';
import { computeCost } from '../../../src/ec2/model.js';
import { dec, int, toPlain } from '../../../src/ec2/money.js';
import { transferRates } from '../../../src/ec2/rates.js';
import { at, boot, DOC_BOOTS, DOC_MONTH, DOC_NOW, GIB } from './month-examples.js';

const PRICING: MonthPricing = { usdPerHour: dec('0.1008'), transfer: transferRates('us-east-1'), freeTier: false, publicIpv4: false, ebs: null };
const hoursOf = (seconds: { n: bigint; d: bigint }) => toPlain({ n: seconds.n, d: seconds.d * 3600n });

describe('the doc example: two boots in November, a 48-hour gap between them', () => {
  const bill = monthBill(DOC_BOOTS, DOC_MONTH, at(DOC_NOW), PRICING);

  it('counts each boot’s time within the month, up to now: 216 h + 204 h', () => {
    expect(bill.when).toBe('current');
    expect(bill.boots.map((b) => hoursOf(b.seconds))).toEqual(['216', '204']);
    expect(bill.boots[0].beganBefore).toBe(true);
    expect(hoursOf(bill.lower.seconds)).toBe('420');
  });

  it('sums the month’s traffic over both boots, not October’s: 130 GiB out, 25 in', () => {
    expect(bill.txBytes).toBe(130n * GIB);
    expect(bill.rxBytes).toBe(25n * GIB);
  });

  it('without the free allowance: 420 h x $0.1008 + 130 GB x $0.09 = $54.036', () => {
    expect(toPlain(bill.lower.cost.computeUsd)).toBe('42.336');
    expect(toPlain(bill.lower.cost.egress.usd)).toBe('11.7');
    expect(toPlain(bill.lower.cost.totalUsd)).toBe('54.036');
  });

  it('the upper bound bills the 48 h between the boots: 468 h, $58.8744', () => {
    expect(bill.boundsDiffer).toBe(true);
    expect(hoursOf(bill.upper.seconds)).toBe('468');
    expect(toPlain(bill.upper.cost.computeUsd)).toBe('47.1744');
    expect(toPlain(bill.upper.cost.totalUsd)).toBe('58.8744');
    expect(bill.unseen).toEqual([{ from: at('2026-11-10T00:00:00Z'), to: at('2026-11-12T00:00:00Z'), kind: 'between-boots' }]);
    expect(bill.trafficLowerBound).toBe(true);
  });

  it('applies the free 100 GB once to the month across both boots: 30 GB charged, $45.036', () => {
    const free = monthBill(DOC_BOOTS, DOC_MONTH, at(DOC_NOW), { ...PRICING, freeTier: true });
    expect(toPlain(free.lower.cost.egress.freeGb)).toBe('100');
    expect(free.lower.cost.egress.tiers.map((t) => toPlain(t.gb))).toEqual(['30']);
    expect(toPlain(free.lower.cost.egress.usd)).toBe('2.7');
    expect(toPlain(free.lower.cost.totalUsd)).toBe('45.036');
    expect(toPlain(free.upper.cost.totalUsd)).toBe('49.8744');
    // Each boot alone is under 100 GB: priced per boot, the allowance would wrongly cover all of it.
    for (const b of free.boots) expect(b.txBytes < 100n * GIB).toBe(true);
  });

  it('is priced by the since-boot estimate’s own function, given the month’s seconds and bytes', () => {
    const same = computeCost({ ...PRICING, uptimeSeconds: int(420 * 3600), txBytes: int(130n * GIB), rxBytes: int(25n * GIB) });
    expect(bill.lower.cost).toEqual(same);
  });

  it('splits a boot that spans the month boundary: October gets its 96 h, November the rest, none twice', () => {
    const october = monthBill(DOC_BOOTS, '2026-10', at(DOC_NOW), PRICING);
    expect(october.when).toBe('past');
    expect(october.boots.map((b) => b.bootId)).toEqual([DOC_BOOTS[0].bootId]);
    expect(hoursOf(october.lower.seconds)).toBe('96');
    expect(october.txBytes).toBe(20n * GIB);
    // Boot 1 ran 13 days in all: 96 h in October + 216 h in November.
    expect(96 + 216).toBe((DOC_BOOTS[0].lastSeen - DOC_BOOTS[0].bootTime) / 3600);
    expect(october.boundsDiffer).toBe(false);
    // Before the ledger's first boot, October was not seen.
    expect(october.unseen).toEqual([{ from: at('2026-10-01T00:00:00Z'), to: at('2026-10-28T00:00:00Z'), kind: 'unrecorded' }]);
  });
});

describe('three boots', () => {
  // A reboot (a minute between samples), then a two-day stop.
  const boots = [
    boot('a', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', { '2026-11': [1, 0] }),
    boot('b', '2026-11-02T00:01:00Z', '2026-11-03T00:00:00Z', { '2026-11': [2, 0] }),
    boot('c', '2026-11-05T00:00:00Z', '2026-11-06T00:00:00Z', { '2026-11': [3, 0] }),
  ];
  const bill = monthBill(boots, '2026-11', at('2026-11-06T00:00:00Z'), PRICING);

  it('counts three days seen, and bills the minute and the two days between them only in the upper bound', () => {
    expect(bill.boots).toHaveLength(3);
    expect(toPlain(bill.lower.seconds)).toBe(String(24 * 3600 + (24 * 3600 - 60) + 24 * 3600));
    expect(toPlain(bill.upper.seconds)).toBe(String(5 * 24 * 3600));
    expect(bill.unseen.map((u) => [u.to - u.from, u.kind])).toEqual([
      [60, 'between-boots'],
      [48 * 3600, 'between-boots'],
    ]);
    expect(bill.txBytes).toBe(6n * GIB);
  });
});

describe('edges', () => {
  it('a month in the future: nothing counted, not even the 60-second minimum', () => {
    const bill = monthBill(DOC_BOOTS, '2026-12', at(DOC_NOW), PRICING);
    expect(bill.when).toBe('future');
    expect(bill.boots).toEqual([]);
    expect(bill.unseen).toEqual([]);
    expect(bill.lower.cost.billedSeconds).toBe(0n);
    expect(toPlain(bill.lower.cost.totalUsd)).toBe('0');
    expect(bill.trafficLowerBound).toBe(false);
  });

  it('a past month with no boots: zero, and the whole month said unseen', () => {
    const bill = monthBill(DOC_BOOTS, '2026-06', at(DOC_NOW), PRICING);
    expect(bill.when).toBe('past');
    expect(bill.boots).toEqual([]);
    expect(toPlain(bill.lower.cost.totalUsd)).toBe('0');
    expect(bill.unseen).toEqual([{ from: at('2026-06-01T00:00:00Z'), to: at('2026-07-01T00:00:00Z'), kind: 'unrecorded' }]);
    expect(bill.trafficLowerBound).toBe(true);
  });

  it('an empty ledger: the month to date unseen', () => {
    const bill = monthBill([], '2026-11', at(DOC_NOW), PRICING);
    expect(bill.unseen).toEqual([{ from: at('2026-11-01T00:00:00Z'), to: at(DOC_NOW), kind: 'unrecorded' }]);
    expect(bill.lower.cost.billedSeconds).toBe(0n);
  });

  it('now inside the month clips the time to now, and says a boot was seen after it', () => {
    const bill = monthBill(DOC_BOOTS, DOC_MONTH, at('2026-11-15T00:00:00Z'), PRICING);
    expect(bill.until).toBe(at('2026-11-15T00:00:00Z'));
    expect(bill.boots.map((b) => hoursOf(b.seconds))).toEqual(['216', '72']);
    expect(bill.seenAfterNow).toBe(true);
  });

  it('bounds are equal when there is no time between boots in the month', () => {
    const one = [boot('a', '2026-10-20T00:00:00Z', DOC_NOW, { '2026-11': [5, 1] })];
    const bill = monthBill(one, DOC_MONTH, at(DOC_NOW), PRICING);
    expect(bill.boundsDiffer).toBe(false);
    expect(bill.upper).toBe(bill.lower);
    expect(bill.unseen).toEqual([]);
    expect(bill.trafficLowerBound).toBe(false);
    // 468 h x $0.1008 + 5 GB x $0.09
    expect(toPlain(bill.lower.cost.totalUsd)).toBe('47.6244');
  });

  it('time after the latest sample is unseen and in neither bound', () => {
    const one = [boot('a', '2026-11-01T00:00:00Z', '2026-11-18T12:00:00Z', { '2026-11': [5, 1] })];
    const bill = monthBill(one, DOC_MONTH, at(DOC_NOW), PRICING);
    expect(bill.unseen).toEqual([{ from: at('2026-11-18T12:00:00Z'), to: at(DOC_NOW), kind: 'unrecorded' }]);
    expect(bill.boundsDiffer).toBe(false);
    expect(hoursOf(bill.upper.seconds)).toBe(String(17 * 24 + 12));
  });

  it('a sample a second or two before now (btime is whole seconds) leaves nothing unseen after it; three seconds do', () => {
    const lastSeenAt = (secondsBeforeNow: number) => [
      boot('a', '2026-11-01T00:00:00Z', new Date((at(DOC_NOW) - secondsBeforeNow) * 1000).toISOString(), { '2026-11': [5, 1] }),
    ];
    for (const shortOf of [0, 1, 2]) {
      const bill = monthBill(lastSeenAt(shortOf), DOC_MONTH, at(DOC_NOW), PRICING);
      expect(bill.unseen, `${shortOf} s`).toEqual([]);
      expect(bill.trafficLowerBound).toBe(false);
    }
    const three = monthBill(lastSeenAt(3), DOC_MONTH, at(DOC_NOW), PRICING);
    expect(three.unseen).toEqual([{ from: at(DOC_NOW) - 3, to: at(DOC_NOW), kind: 'unrecorded' }]);
    expect(three.trafficLowerBound).toBe(true);
  });

  it('a boot last seen at the very start of the month is not one of its boots', () => {
    const boots = [boot('a', '2026-10-30T00:00:00Z', '2026-11-01T00:00:00Z', { '2026-10': [1, 0] })];
    const bill = monthBill(boots, DOC_MONTH, at(DOC_NOW), PRICING);
    expect(bill.boots).toEqual([]);
    expect(bill.unseen).toEqual([{ from: at('2026-11-01T00:00:00Z'), to: at(DOC_NOW), kind: 'unrecorded' }]);
  });

  it('boots that overlap (a clock step) never count a second twice', () => {
    const boots = [boot('a', '2026-11-01T00:00:00Z', '2026-11-03T00:00:00Z', {}), boot('b', '2026-11-02T00:00:00Z', '2026-11-04T00:00:00Z', {})];
    const bill = monthBill(boots, DOC_MONTH, at(DOC_NOW), PRICING);
    expect(hoursOf(bill.lower.seconds)).toBe('72');
  });

  it('a stretch without samples across the month’s start is said: its traffic was split by time', () => {
    const b = boot(
      'a',
      '2026-10-30T00:00:00Z',
      '2026-11-02T00:00:00Z',
      { '2026-10': [1, 0], '2026-11': [1, 0] },
      { gaps: [{ from: at('2026-10-31T00:00:00Z'), to: at('2026-11-01T12:00:00Z') }] },
    );
    const bill = monthBill([b], DOC_MONTH, at(DOC_NOW), PRICING);
    expect(bill.splitGaps).toEqual(b.gaps);
  });
});

describe('--month and --now values', () => {
  it('reads UTC months, and refuses what is not one', () => {
    expect(monthBounds('2026-11')).toEqual({ start: at('2026-11-01T00:00:00Z'), end: at('2026-12-01T00:00:00Z') });
    expect(monthBounds('2026-12')?.end).toBe(at('2027-01-01T00:00:00Z'));
    for (const bad of ['2026-13', '2026-00', '2026-1', '26-11', '2026/11', 'november', '1969-12']) expect(monthBounds(bad)).toBeNull();
    expect(parseMonth('', at(DOC_NOW))).toBe('2026-11');
    expect(parseMonth('2025-02', at(DOC_NOW))).toBe('2025-02');
    expect(() => parseMonth('2026-13', 0)).toThrow(/--month must be a UTC month as YYYY-MM.*got "2026-13"/);
  });

  it('reads ISO-8601 instants with their zone, and refuses the rest naming --now', () => {
    expect(parseNow('2026-11-20T12:00:00Z')).toBe(at('2026-11-20T12:00:00Z'));
    expect(parseNow('2026-11-20T13:30:00+01:30')).toBe(at('2026-11-20T12:00:00Z'));
    expect(parseNow('2026-11-20T07:00-0500')).toBe(at('2026-11-20T12:00:00Z'));
    expect(parseNow('2026-11-20')).toBe(at('2026-11-20T00:00:00Z'));
    expect(parseNow('2026-11-20T12:00:00.250Z')).toBe(at('2026-11-20T12:00:00Z') + 0.25);
    expect(() => parseNow('yesterday')).toThrow(/--now must be an ISO-8601 time .*got "yesterday"/);
    expect(() => parseNow('2026-11-20T12:00:00')).toThrow(/--now must be a time with its time zone/);
    expect(() => parseNow('2026-02-30T00:00:00Z')).toThrow(/--now must be .*real date/);
    expect(() => parseNow('2026-11-20T24:00:00Z')).toThrow(/--now must be .*real date/);
    expect(() => parseNow('2026-11-20T12:00:00+25:00')).toThrow(/--now must be .*offset/);
  });
});
