/**
 * ec2-cost's numeric options read directly (src/ec2/inputs.ts), one step either side of each
 * limit: the ceilings, the exponent bound, the text length, zero and the minus sign, and the
 * byte units. Every refusal is a usage error that names the option and quotes the value.
 */
import { describe, expect, it } from 'vitest';
import { EstimateError } from '../../../src/ec2/errors.js';
import { bytes, LIMITS, quantity } from '../../../src/ec2/inputs.js';
import { dec, int, mul, toPlain } from '../../../src/ec2/money.js';

/** The message of the usage error `f` throws. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(EstimateError);
    expect((err as EstimateError).kind).toBe('usage');
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('numeric options at their limits', () => {
  it('has the ceilings the help text gives', () => {
    expect(LIMITS).toEqual({
      uptime: { max: 3_153_600_000, unit: 's (100 years)' },
      'tx-bytes': { max: 2 ** 60, unit: 'bytes (1 EiB)' },
      'rx-bytes': { max: 2 ** 60, unit: 'bytes (1 EiB)' },
      'ebs-gb': { max: 1_000_000, unit: 'GB' },
      'spot-price': { max: 10_000, unit: 'USD per hour' },
      vcpus: { max: 100_000, unit: 'vCPUs' },
      'memory-gib': { max: 1_000_000, unit: 'GiB' },
      'here-watts': { max: 100_000, unit: 'W' },
      'kwh-price': { max: 10, unit: 'USD per kWh' },
      'hardware-usd': { max: 10_000_000, unit: 'USD' },
      'hardware-months': { max: 1200, unit: 'months' },
      'bandwidth-usd-month': { max: 10_000_000, unit: 'USD a month' },
      headroom: { max: 300, unit: 'percent' },
    });
  });

  it('takes exactly the ceiling and refuses one more, naming the ceiling', () => {
    expect(quantity('uptime', '3153600000')).toEqual(int(3_153_600_000));
    expect(refusal(() => quantity('uptime', '3153600001'))).toBe('--uptime must be at most 3,153,600,000 s (100 years) (got "3153600001")');
    expect(quantity('spot-price', '10000')).toEqual(int(10_000));
    expect(refusal(() => quantity('spot-price', '10000.0001'))).toBe('--spot-price must be at most 10,000 USD per hour (got "10000.0001")');
    expect(quantity('kwh-price', '10')).toEqual(int(10));
    expect(refusal(() => quantity('kwh-price', '10.01'))).toBe('--kwh-price must be at most 10 USD per kWh (got "10.01")');
  });

  it('bounds the exponent at 99 either way before computing anything', () => {
    expect(refusal(() => quantity('vcpus', '1e99'))).toBe('--vcpus must be at most 100,000 vCPUs (got "1e99")');
    expect(refusal(() => quantity('vcpus', '1e100'))).toBe('--vcpus must be at most 100,000 vCPUs (got "1e100")');
    expect(quantity('vcpus', '1e-99')).toEqual(dec('1e-99'));
    expect(refusal(() => quantity('vcpus', '1e-100'))).toBe('--vcpus must be a number with an exponent of at least -99 (got "1e-100")');
    // Refused before 10^2000000000 is built (it would be past what a BigInt can hold).
    expect(refusal(() => quantity('uptime', '1e2000000000'))).toBe('--uptime must be at most 3,153,600,000 s (100 years) (got "1e2000000000")');
    expect(quantity('vcpus', '1E+2')).toEqual(int(100));
    expect(quantity('vcpus', '12.5e-1')).toEqual(dec('1.25'));
  });

  it('a zero with any exponent is zero', () => {
    expect(quantity('uptime', '0e500')).toEqual(int(0));
    expect(quantity('uptime', '0.000e-500')).toEqual(int(0));
    expect(quantity('uptime', '-0')).toEqual(int(0));
    expect(quantity('uptime', '-0.0e9')).toEqual(int(0));
  });

  it('refuses a minus sign on anything but zero', () => {
    expect(refusal(() => quantity('ebs-gb', '-1'))).toBe('--ebs-gb must be zero or more (got "-1")');
    expect(refusal(() => quantity('ebs-gb', '-1e-99'))).toBe('--ebs-gb must be zero or more (got "-1e-99")');
  });

  it('reads up to 64 characters, trimmed', () => {
    const long = `${'0'.repeat(63)}5`;
    expect(quantity('uptime', long)).toEqual(int(5));
    expect(quantity('uptime', `  ${long}  `)).toEqual(int(5));
    expect(refusal(() => quantity('uptime', `0${long}`))).toBe(`--uptime must be a number (got "0${long}")`);
  });

  it('refuses what is not a plain number', () => {
    for (const bad of ['', '.', '1.2.3', '0x10', '1_000', 'Infinity', 'NaN', '5 s', '+', 'e5', '1e', '--1']) {
      expect(
        refusal(() => quantity('uptime', bad)),
        bad,
      ).toBe(`--uptime must be a number (got "${bad}")`);
    }
    expect(quantity('uptime', '+5')).toEqual(int(5));
    expect(quantity('uptime', '.5')).toEqual(dec('0.5'));
    expect(quantity('uptime', '5.')).toEqual(int(5));
  });
});

describe('byte counts', () => {
  it('takes IEC units, in any case, with or without a space', () => {
    expect(bytes('tx-bytes', '1 KiB')).toEqual(int(1024));
    expect(bytes('tx-bytes', '1kib')).toEqual(int(1024));
    expect(bytes('tx-bytes', '2MiB')).toEqual(int(2 * 1024 ** 2));
    expect(bytes('tx-bytes', '1.5 TiB')).toEqual(mul(dec('1.5'), int(1024 ** 4)));
    expect(toPlain(bytes('rx-bytes', '7.918646GiB'))).toBe(toPlain(mul(dec('7.918646'), int(2 ** 30))));
    expect(bytes('tx-bytes', '5e9')).toEqual(int(5e9));
    expect(bytes('tx-bytes', '5e+9')).toEqual(int(5e9));
    expect(bytes('tx-bytes', '5E-1 KiB')).toEqual(int(512));
    expect(bytes('tx-bytes', '  5e9 B  ')).toEqual(int(5e9));
  });

  it('refuses decimal units and names that are no unit', () => {
    const decimal = "a byte count with KiB, MiB, GiB or TiB (decimal KB/MB/GB are ambiguous; shoji's GB is 2^30 bytes)";
    expect(refusal(() => bytes('tx-bytes', '7GB'))).toBe(`--tx-bytes must be ${decimal} (got "7GB")`);
    expect(refusal(() => bytes('rx-bytes', '1 constructor'))).toBe(`--rx-bytes must be ${decimal} (got "1 constructor")`);
    expect(refusal(() => bytes('tx-bytes', '5 GiB x'))).toBe('--tx-bytes must be a byte count, optionally with KiB, MiB, GiB or TiB (got "5 GiB x")');
    expect(refusal(() => bytes('tx-bytes', '1.2.3'))).toBe('--tx-bytes must be a byte count, optionally with KiB, MiB, GiB or TiB (got "1.2.3")');
  });

  it('is bounded at 1 EiB, and reads at most 128 characters', () => {
    expect(bytes('tx-bytes', '1048576 TiB')).toEqual(int(2n ** 60n));
    expect(refusal(() => bytes('tx-bytes', '1048577 TiB'))).toBe('--tx-bytes must be at most 1,152,921,504,606,846,976 bytes (1 EiB) (got "1048577")');
    const padded = `${' '.repeat(124)}5KiB`;
    expect(bytes('tx-bytes', padded)).toEqual(int(5 * 1024));
    expect(refusal(() => bytes('tx-bytes', ` ${padded}`))).toMatch(/^--tx-bytes must be a byte count, optionally with KiB/);
  });
});
