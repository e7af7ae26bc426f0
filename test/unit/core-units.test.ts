/**
 * The dashboard's quantity formats (src/core/units.ts), at each boundary: where a unit steps
 * up, where a decimal is dropped, where a duration gains its second part.
 */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatRate } from '../../src/core/units.js';

describe('formatBytes', () => {
  it('shows whole bytes below 1000, and never a negative size', () => {
    expect(formatBytes(0)).toBe('0B');
    expect(formatBytes(999)).toBe('999B');
    expect(formatBytes(-5)).toBe('0B');
    // A rate can be a fraction of a byte a second: bytes are whole.
    expect(formatBytes(1.5)).toBe('2B');
    expect(formatBytes(0.25)).toBe('0B');
  });

  it('steps up a unit at 1000 (so a value never takes four digits)', () => {
    expect(formatBytes(1000)).toBe('1K'); // 0.98 KiB, one decimal, rounded
    expect(formatBytes(1023)).toBe('1K');
    expect(formatBytes(1536)).toBe('1.5K');
    expect(formatBytes(999 * 1024)).toBe('999K');
    expect(formatBytes(1000 * 1024)).toBe('1M');
  });

  it('keeps one decimal below 100 of a unit and none from 100 up; drops a trailing .0', () => {
    expect(formatBytes(99.5 * 1024)).toBe('99.5K');
    expect(formatBytes(2 * 1024)).toBe('2K');
    expect(formatBytes(100.5 * 1024)).toBe('101K');
    expect(formatBytes(23.5 * 1024 ** 3)).toBe('23.5G');
    expect(formatBytes(1.25 * 1024 ** 4)).toBe('1.3T');
  });

  it('stops at P: larger sizes are counted in P', () => {
    expect(formatBytes(1024 ** 5)).toBe('1P');
    expect(formatBytes(1024 ** 6)).toBe('1024P');
  });

  it('a rate is a size per second', () => {
    expect(formatRate(1536)).toBe('1.5K/s');
    expect(formatRate(0)).toBe('0B/s');
  });
});

describe('formatPercent', () => {
  it('takes a ratio; whole percent unless digits are asked for', () => {
    expect(formatPercent(0.1234)).toBe('12%');
    expect(formatPercent(0.1234, 1)).toBe('12.3%');
    expect(formatPercent(1)).toBe('100%');
  });
});

describe('formatDuration', () => {
  it('seconds under a minute, and never negative', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59.9)).toBe('59s');
    expect(formatDuration(-10)).toBe('0s');
  });

  it('minutes, then hours and minutes, then days and hours', () => {
    expect(formatDuration(60)).toBe('1m');
    expect(formatDuration(3599)).toBe('59m');
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(3660)).toBe('1h 1m');
    expect(formatDuration(86399)).toBe('23h 59m');
    expect(formatDuration(86400)).toBe('1d');
    expect(formatDuration(86400 + 3600)).toBe('1d 1h');
    expect(formatDuration(3 * 86400 + 4 * 3600 + 59 * 60)).toBe('3d 4h');
  });
});
