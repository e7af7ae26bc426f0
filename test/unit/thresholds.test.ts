/**
 * stateFor at and around each threshold: a threshold is reached at the value itself, in both
 * directions (higher is worse for CPU and memory, lower for battery and free space).
 */
import { describe, expect, it } from 'vitest';
import { stateFor } from '../../src/core/thresholds.js';

describe('thresholds', () => {
  const t = { info: 50, warning: 80, critical: 90 };

  it('higher is worse: each state from its threshold up, inclusive', () => {
    expect(stateFor(49.99, t)).toBe('good');
    expect(stateFor(50, t)).toBe('info');
    expect(stateFor(79.99, t)).toBe('info');
    expect(stateFor(80, t)).toBe('warning');
    expect(stateFor(89.99, t)).toBe('warning');
    expect(stateFor(90, t)).toBe('critical');
    expect(stateFor(1000, t)).toBe('critical');
  });

  it('lower is worse (invert): each state from its threshold down, inclusive', () => {
    const low = { info: 50, warning: 20, critical: 10 };
    expect(stateFor(50.01, low, 'good', true)).toBe('good');
    expect(stateFor(50, low, 'good', true)).toBe('info');
    expect(stateFor(20.01, low, 'good', true)).toBe('info');
    expect(stateFor(20, low, 'good', true)).toBe('warning');
    expect(stateFor(10.01, low, 'good', true)).toBe('warning');
    expect(stateFor(10, low, 'good', true)).toBe('critical');
    expect(stateFor(-1, low, 'good', true)).toBe('critical');
  });

  it("an unset threshold is never reached, and the calm state is the caller's", () => {
    expect(stateFor(100, {})).toBe('good');
    expect(stateFor(0, {}, 'idle', true)).toBe('idle');
    expect(stateFor(95, { critical: 90 }, 'idle')).toBe('critical');
    expect(stateFor(85, { critical: 90 }, 'idle')).toBe('idle');
    // A threshold of 0 is a threshold.
    expect(stateFor(0, { warning: 0 }, 'good', true)).toBe('warning');
    expect(stateFor(0, { warning: 0 })).toBe('warning');
  });
});
