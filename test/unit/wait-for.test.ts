/**
 * The integration tests' polling helper: "not yet" is retried, a wrong answer is not.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/cli.js';

describe('waitFor', () => {
  it('retries a falsy answer and an ordinary error until the probe is satisfied', async () => {
    let calls = 0;
    const got = await waitFor('the third call', () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
      return calls >= 3 && `call ${calls}`;
    });
    expect(got).toBe('call 3');
  });

  it('fails at once on an expect that fails inside the probe, even if a later call would pass', async () => {
    let calls = 0;
    const frames = ['good frame', 'bad frame', 'good frame', 'final frame'];
    const wait = waitFor('the final frame', () => {
      const frame = frames[Math.min(calls++, frames.length - 1)];
      expect(frame).not.toMatch(/bad/);
      return frame === 'final frame' && frame;
    });
    await expect(wait).rejects.toThrow(/expected 'bad frame' not to match/);
    expect(calls).toBe(2);
  });

  it('says what it waited for, and the last thing seen, when time runs out', async () => {
    await expect(waitFor('a value that never comes', () => false, 250)).rejects.toThrow(/timed out waiting for a value that never comes \(last: false\)/);
  });
});
