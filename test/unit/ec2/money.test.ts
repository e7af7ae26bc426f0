import { describe, expect, it } from 'vitest';
import { add, ceil, cmp, dec, div, int, mul, toFixed, toPlain, usd } from '../../../src/ec2/money.js';

describe('exact money', () => {
  it('reads decimals exactly, not as binary doubles', () => {
    expect(dec('0.1008')).toEqual({ n: 63n, d: 625n });
    expect(dec(0.1008)).toEqual(dec('0.1008'));
    expect(dec('1e-3')).toEqual({ n: 1n, d: 1000n });
    expect(toPlain(add(dec('0.1'), dec('0.2')))).toBe('0.3'); // 0.30000000000000004 in floats
  });

  it('refuses what is not a number', () => {
    expect(() => dec('12abc')).toThrow(/not a decimal/);
    expect(() => dec('')).toThrow();
  });

  it('rounds half away from zero, only when asked', () => {
    expect(toFixed(dec('31.25507814'), 2)).toBe('31.26');
    expect(toFixed(dec('0.005'), 2)).toBe('0.01');
    expect(toFixed(dec('-0.005'), 2)).toBe('-0.01');
    expect(toFixed(div(int(1), int(3)), 4)).toBe('0.3333');
    expect(usd(dec('1071.2'), 2)).toBe('$1,071.20');
  });

  it('divides by 3600 and 2^30 without losing anything', () => {
    const perSecond = div(dec('0.1008'), int(3600));
    expect(mul(perSecond, int(3600))).toEqual(dec('0.1008'));
    expect(cmp(div(int(2 ** 30), int(2 ** 30)), int(1))).toBe(0);
  });

  it('rounds seconds up', () => {
    expect(ceil(dec('45'))).toBe(45n);
    expect(ceil(dec('45.01'))).toBe(46n);
  });
});
