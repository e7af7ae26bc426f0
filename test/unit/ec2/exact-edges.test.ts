/**
 * ec2-cost's exact arithmetic, rates and name checks at their edges (from mutation testing):
 * signs and zero in money.ts, rounding at .5 and at zero, grouping; each region's first-tier
 * transfer rate and the other rates as cited in docs/ec2-cost.md; and the shapes of the names
 * taken from outside, one character either side of each limit.
 */
import { describe, expect, it } from 'vitest';
import { add, ceil, cmp, dec, div, groupThousands, int, isZero, max, min, mul, sub, toFixed, toNumber, toPlain, usd, ZERO } from '../../../src/ec2/money.js';
import { isInstanceId, isIpv4, isLifecycle, isRegionCode, isTypeName, isZoneName, MAX_USD_PER_HOUR, usablePrice } from '../../../src/ec2/names.js';
import { EBS_TYPES, EBS_USD_PER_GB_MONTH, FREE_EGRESS_GB_PER_MONTH, HOURS_PER_MONTH, PUBLIC_IPV4_USD_PER_HOUR, transferRates } from '../../../src/ec2/rates.js';
import { checkMetadata } from '../../../src/ec2/imds-check.js';

describe('exact money at the edges', () => {
  it('keeps the sign in the numerator and the fraction in lowest terms', () => {
    expect(dec('-1.5')).toEqual({ n: -3n, d: 2n });
    expect(div(int(1), int(-2))).toEqual({ n: -1n, d: 2n });
    expect(div(int(-6), int(-4))).toEqual({ n: 3n, d: 2n });
    expect(sub(dec('0.25'), dec('0.75'))).toEqual({ n: -1n, d: 2n });
    expect(mul(dec('-0.5'), dec('-0.5'))).toEqual({ n: 1n, d: 4n });
    expect(dec('0')).toEqual({ n: 0n, d: 1n });
    expect(div(dec('3'), dec('0.5'))).toEqual({ n: 6n, d: 1n });
    expect(div(dec('0.3'), dec('0.25'))).toEqual({ n: 6n, d: 5n });
    expect(() => div(int(1), ZERO)).toThrow('division by zero');
  });

  it('reads every decimal form, and refuses the forms that are not one', () => {
    expect(dec('.5')).toEqual({ n: 1n, d: 2n });
    expect(dec('5.')).toEqual({ n: 5n, d: 1n });
    expect(dec('+2')).toEqual({ n: 2n, d: 1n });
    expect(dec(' 2.50 ')).toEqual({ n: 5n, d: 2n });
    expect(dec('1.5E2')).toEqual({ n: 150n, d: 1n });
    expect(dec('15e-1')).toEqual({ n: 3n, d: 2n });
    expect(dec('1e+2')).toEqual({ n: 100n, d: 1n });
    expect(dec(1e21)).toEqual({ n: 10n ** 21n, d: 1n });
    expect(dec(-0.25)).toEqual({ n: -1n, d: 4n });
    for (const bad of ['.', '-', '+', 'e5', '.e5', '1e', '1.2.3', '0x10', 'abc', '1 000']) {
      expect(() => dec(bad), bad).toThrow(`not a decimal number: "${bad.trim()}"`);
    }
  });

  it('takes whole numbers as they are and other numbers by their decimal form', () => {
    expect(int(3)).toEqual({ n: 3n, d: 1n });
    expect(int(3n)).toEqual({ n: 3n, d: 1n });
    expect(int(1.5)).toEqual({ n: 3n, d: 2n });
  });

  it('adds and multiplies nothing to zero and one', () => {
    expect(add()).toEqual(ZERO);
    expect(mul()).toEqual({ n: 1n, d: 1n });
    expect(add(dec('0.5'), dec('0.25'), dec('0.125'))).toEqual({ n: 7n, d: 8n });
    expect(mul(dec('0.5'), int(3), dec('0.25'))).toEqual({ n: 3n, d: 8n });
  });

  it('compares, and takes the smaller and the larger', () => {
    expect(cmp(dec('0.1'), dec('0.2'))).toBe(-1);
    expect(cmp(dec('0.2'), dec('0.1'))).toBe(1);
    expect(cmp(dec('0.50'), div(int(1), int(2)))).toBe(0);
    expect(cmp(dec('-1'), ZERO)).toBe(-1);
    expect(min(dec('1'), dec('2'))).toEqual(dec('1'));
    expect(min(dec('2'), dec('1'))).toEqual(dec('1'));
    expect(max(dec('1'), dec('2'))).toEqual(dec('2'));
    expect(max(dec('2'), dec('1'))).toEqual(dec('2'));
    expect(isZero(ZERO)).toBe(true);
    expect(isZero(dec('0.0000001'))).toBe(false);
  });

  it('rounds half away from zero, never writes "-0.00", and has no point at zero digits', () => {
    expect(toFixed(dec('2.5'), 0)).toBe('3');
    expect(toFixed(dec('-2.5'), 0)).toBe('-3');
    expect(toFixed(dec('2.4999'), 0)).toBe('2');
    expect(toFixed(dec('-0.004'), 2)).toBe('0.00');
    expect(toFixed(dec('-0.005'), 2)).toBe('-0.01');
    expect(toFixed(dec('1.05'), 3)).toBe('1.050');
    expect(toFixed(dec('0.01'), 2)).toBe('0.01');
    expect(toFixed(dec('12345.678'), 2)).toBe('12345.68');
  });

  it('drops trailing zeros only after a point', () => {
    expect(toPlain(dec('0.1008'))).toBe('0.1008');
    expect(toPlain(int(3))).toBe('3');
    expect(toPlain(int(10), 0)).toBe('10');
    expect(toPlain(int(100))).toBe('100');
    expect(toPlain(dec('10.50'), 2)).toBe('10.5');
    expect(toPlain(div(int(1), int(3)))).toBe('0.3333333333');
    expect(toPlain(div(int(1), int(3)), 3)).toBe('0.333');
  });

  it('gives the nearest double to ten decimals, or as many as asked', () => {
    expect(toNumber(dec('0.1008'))).toBe(0.1008);
    expect(toNumber(div(int(1), int(3)))).toBe(0.3333333333);
    expect(toNumber(dec('31.25507814'), 2)).toBe(31.26);
  });

  it('rounds seconds up, also below zero and at whole numbers', () => {
    expect(ceil(dec('0.5'))).toBe(1n);
    expect(ceil(int(0))).toBe(0n);
    expect(ceil(int(7))).toBe(7n);
    expect(ceil(dec('-1.5'))).toBe(-1n);
    expect(ceil(int(-2))).toBe(-2n);
  });

  it('groups thousands in the whole part only, after a minus sign', () => {
    expect(groupThousands('1090800')).toBe('1,090,800');
    expect(groupThousands('1234567.891234')).toBe('1,234,567.891234');
    expect(groupThousands('-1234.5')).toBe('-1,234.5');
    expect(groupThousands('-123')).toBe('-123');
    expect(groupThousands('123')).toBe('123');
    expect(groupThousands('1000')).toBe('1,000');
    expect(groupThousands('12.')).toBe('12.');
    expect(usd(dec('0.09'))).toBe('$0.09');
    expect(usd(int(1090800))).toBe('$1,090,800');
    expect(usd(dec('1234.5'), 2)).toBe('$1,234.50');
  });
});

describe('rates', () => {
  it("uses us-east-1's four tiers there, with no note", () => {
    const r = transferRates('us-east-1');
    expect(r.region).toBe('us-east-1');
    expect(r.note).toBeUndefined();
    expect(r.tiers.map((t) => [t.upToGb, toPlain(t.usdPerGb)])).toEqual([
      [10_240, '0.09'],
      [51_200, '0.085'],
      [153_600, '0.07'],
      [null, '0.05'],
    ]);
  });

  it("applies each region's first-tier rate to all volume, as docs/ec2-cost.md cites them", () => {
    const FIRST_TIER: Record<string, string> = {
      'us-east-2': '0.09',
      'us-west-1': '0.09',
      'us-west-2': '0.09',
      'ca-central-1': '0.09',
      'ca-west-1': '0.09',
      'eu-central-1': '0.09',
      'eu-west-1': '0.09',
      'eu-west-2': '0.09',
      'eu-west-3': '0.09',
      'eu-north-1': '0.09',
      'eu-south-1': '0.09',
      'ap-southeast-5': '0.108',
      'ap-south-1': '0.1093',
      'ap-south-2': '0.1093',
      'il-central-1': '0.11',
      'ap-northeast-1': '0.114',
      'ap-northeast-3': '0.114',
      'ap-southeast-2': '0.114',
      'me-south-1': '0.117',
      'ap-southeast-1': '0.12',
      'ap-east-1': '0.12',
      'ap-northeast-2': '0.126',
      'sa-east-1': '0.15',
      'af-south-1': '0.154',
      'us-gov-east-1': '0.155',
      'us-gov-west-1': '0.155',
    };
    for (const [region, rate] of Object.entries(FIRST_TIER)) {
      const r = transferRates(region);
      expect(r.region, region).toBe(region);
      expect(
        r.tiers.map((t) => [t.upToGb, toPlain(t.usdPerGb)]),
        region,
      ).toEqual([[null, rate]]);
      expect(r.note, region).toBe(`${region}'s rates above the first 10 TB are not known to shoji: its first-tier rate is applied to all volume`);
    }
  });

  it('falls back to us-east-1 for a region with no rate, saying why', () => {
    expect(transferRates('cn-north-1')).toMatchObject({ region: 'us-east-1', note: 'China regions are priced in CNY: us-east-1 rates used instead' });
    expect(transferRates('mx-central-1')).toMatchObject({
      region: 'us-east-1',
      note: 'no data-transfer rate is known for mx-central-1: us-east-1 rates used instead',
    });
    expect(transferRates('constructor').note).toMatch(/^no data-transfer rate is known for constructor/);
    expect(transferRates('cn-north-1').tiers).toHaveLength(4);
  });

  it('has the IPv4, EBS and month figures cited', () => {
    expect(FREE_EGRESS_GB_PER_MONTH).toBe(100);
    expect(HOURS_PER_MONTH).toBe(730);
    expect(toPlain(PUBLIC_IPV4_USD_PER_HOUR)).toBe('0.005');
    expect(EBS_TYPES).toEqual(['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard']);
    expect(Object.fromEntries(EBS_TYPES.map((t) => [t, toPlain(EBS_USD_PER_GB_MONTH[t])]))).toEqual({
      gp3: '0.08',
      gp2: '0.1',
      io1: '0.125',
      io2: '0.125',
      st1: '0.045',
      sc1: '0.015',
      standard: '0.05',
    });
  });
});

describe('names from outside, one character either side of each limit', () => {
  it('instance types', () => {
    for (const yes of ['m7i.large', 'u-24tb1.metal', 'mac2-m2pro.metal', `a${'b'.repeat(31)}.x`, `a.${'x'.repeat(31)}`])
      expect(isTypeName(yes), yes).toBe(true);
    for (const no of [
      'M7i.large',
      '7m.large',
      'm7i',
      'm7i.',
      '.large',
      `a${'b'.repeat(32)}.x`,
      `a.${'x'.repeat(32)}`,
      'm7i.large\n',
      'm7i.la_rge',
      'm7i..large',
      ' m7i.large',
    ])
      expect(isTypeName(no), no).toBe(false);
  });

  it('regions', () => {
    for (const yes of ['us-east-1', 'us-gov-west-1', 'ap-southeast-7', 'us-east-12', `us-${'a'.repeat(16)}-1`, 'aa-b-c-d-1'])
      expect(isRegionCode(yes), yes).toBe(true);
    for (const no of [
      'us-east-123',
      'u-east-1',
      'use-east-1',
      'us-1',
      'us-east',
      'aa-b-c-d-e-1',
      `us-${'a'.repeat(17)}-1`,
      'US-EAST-1',
      'us-east-1\n',
      'us-ea5t-1',
      'us--east-1',
      '../us-east-1',
    ])
      expect(isRegionCode(no), no).toBe(false);
  });

  it('zones', () => {
    for (const yes of ['us-east-1a', 'us-west-2-lax-1a', 'us-east-1-wl1-bos-wlz-1', `us-${'a'.repeat(60)}`, 'us-a']) expect(isZoneName(yes), yes).toBe(true);
    for (const no of [`us-${'a'.repeat(61)}`, 'us-', 'u-east-1a', 'US-east-1a', 'us-east-1A', 'us_east-1a', 'us-east-1a\n', '1s-east-1a'])
      expect(isZoneName(no), no).toBe(false);
  });

  it('lifecycles', () => {
    for (const yes of ['on-demand', 'spot', 's', `s${'-'.repeat(31)}`]) expect(isLifecycle(yes), yes).toBe(true);
    for (const no of ['', '-spot', 'spot1', 'Spot', `s${'a'.repeat(32)}`, 'spot\n', 'on demand']) expect(isLifecycle(no), no).toBe(false);
  });

  it('instance ids', () => {
    for (const yes of ['i-0123abcd', `i-${'f'.repeat(17)}`, 'i-1234567890abcdef0']) expect(isInstanceId(yes), yes).toBe(true);
    for (const no of ['i-0123abc', `i-${'f'.repeat(18)}`, 'i-0123ABCD', 'i-0123abcg', 'x-0123abcd', 'i0123abcd', 'i-0123abcd\n'])
      expect(isInstanceId(no), no).toBe(false);
  });

  it('IPv4 addresses', () => {
    for (const yes of ['0.0.0.0', '255.255.255.255', '199.249.200.100', '10.0.0.1', '249.250.201.99', '1.22.133.244']) expect(isIpv4(yes), yes).toBe(true);
    for (const no of [
      '256.1.1.1',
      '1.1.1.256',
      '260.1.1.1',
      '300.1.1.1',
      '01.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.a',
      '1.2.3.4\n',
      ' 1.2.3.4',
      '1..2.3',
      '1000.1.1.1',
    ])
      expect(isIpv4(no), no).toBe(false);
  });

  it('hourly prices, normalised, and refused when not plain, positive and sane', () => {
    expect(MAX_USD_PER_HOUR).toBe(10_000);
    const cases: [string, string | null][] = [
      ['0.1008000000', '0.1008'],
      ['12', '12'],
      ['100', '100'],
      ['012.50', '12.5'],
      ['0012.5', '12.5'],
      ['000.25', '0.25'],
      ['0.0001', '0.0001'],
      [' 0.5 ', '0.5'],
      ['10000', '10000'],
      ['10000.0000', '10000'],
      ['10000.0001', null],
      ['10001', null],
      ['999999', null],
      ['1234567', null],
      [`1.${'1'.repeat(16)}`, `1.${'1'.repeat(16)}`],
      [`1.${'1'.repeat(17)}`, null],
      ['0', null],
      ['00', null],
      ['0.000', null],
      ['0.', null],
      ['.5', null],
      ['1e3', null],
      ['-1', null],
      ['0x10', null],
      ['NaN', null],
      ['', null],
    ];
    for (const [text, want] of cases) expect(usablePrice(text), text).toBe(want);
  });
});

describe('an answer of the metadata service', () => {
  const GOOD = {
    instanceType: 'm7i.large',
    region: 'us-east-1',
    availabilityZone: 'us-east-1a',
    lifecycle: 'on-demand',
    publicIpv4: '203.0.113.7',
    instanceId: 'i-0123456789abcdef0',
    imdsVersion: 'v2',
  };

  it('is used as it came when every field has its shape', () => {
    expect(checkMetadata(GOOD)).toEqual(GOOD);
    expect(checkMetadata({ ...GOOD, imdsVersion: 'v1' })).toEqual({ ...GOOD, imdsVersion: 'v1' });
  });

  it('may leave out everything but the type', () => {
    expect(checkMetadata({ instanceType: 'm7i.large', region: null, imdsVersion: 'v2' })).toEqual({
      instanceType: 'm7i.large',
      region: null,
      availabilityZone: null,
      lifecycle: null,
      publicIpv4: null,
      instanceId: null,
      imdsVersion: 'v2',
    });
  });

  it('is refused when it is not an object, has no type, or no known version', () => {
    expect(checkMetadata(null)).toBe('not an object');
    expect(checkMetadata('m7i.large')).toBe('not an object');
    expect(checkMetadata({ ...GOOD, instanceType: undefined })).toBe('no instanceType');
    expect(checkMetadata({ ...GOOD, imdsVersion: undefined })).toBe('imdsVersion is not valid');
    expect(checkMetadata({ ...GOOD, imdsVersion: 'v3' })).toBe('imdsVersion is not valid');
  });

  it('names the first field that is not valid, escaped and cut to 80 characters', () => {
    expect(checkMetadata({ ...GOOD, region: 'us-east-1\x1b[2J', lifecycle: 'SPOT' })).toBe('region is not valid: "us-east-1\\x1b[2J"');
    expect(checkMetadata({ ...GOOD, availabilityZone: 'x' })).toBe('availabilityZone is not valid: "x"');
    expect(checkMetadata({ ...GOOD, lifecycle: 'SPOT' })).toBe('lifecycle is not valid: "SPOT"');
    expect(checkMetadata({ ...GOOD, publicIpv4: '256.0.0.1' })).toBe('publicIpv4 is not valid: "256.0.0.1"');
    expect(checkMetadata({ ...GOOD, instanceId: 'i-x' })).toBe('instanceId is not valid: "i-x"');
    expect(checkMetadata({ ...GOOD, instanceType: 7 })).toBe('instanceType is not valid: "7"');
    // Not text, even when it reads as valid text.
    expect(checkMetadata({ ...GOOD, lifecycle: ['spot'] })).toBe('lifecycle is not valid: "spot"');
    expect(checkMetadata({ ...GOOD, instanceType: ['m7i.large'] })).toBe('instanceType is not valid: "m7i.large"');
    expect(checkMetadata({ ...GOOD, instanceType: 'x'.repeat(100) })).toBe(`instanceType is not valid: "${'x'.repeat(80)}"`);
  });
});
