/**
 * A price list's internet egress bands as tiers (rates.ts egressTiers), and the estimate's
 * egress priced with refreshed tiers through the one tier computation (model.ts egressCost).
 */
import { describe, expect, it } from 'vitest';
import { egressCost } from '../../../src/ec2/model.js';
import { int, toPlain } from '../../../src/ec2/money.js';
import { egressTiers, transferRates } from '../../../src/ec2/rates.js';

const band = (beginGb: string, endGb: string, usdPerGb: string) => ({ beginGb, endGb, usdPerGb });

describe('egressTiers', () => {
  it('takes the bands in any order, as published, with prices written plainly; a free band is a price of 0', () => {
    expect(egressTiers([band('10240', 'Inf', '0.0850000000'), band('0', '10240', '0.0000000000')])).toEqual({
      tiers: [
        { upToGb: 10240, usdPerGb: '0' },
        { upToGb: null, usdPerGb: '0.085' },
      ],
    });
  });

  it('refuses no bands, too many, and bounds that are not numbers', () => {
    expect(egressTiers([])).toEqual({ problem: 'no bands' });
    const many = Array.from({ length: 13 }, (_, i) => band(String(i), i === 12 ? 'Inf' : String(i + 1), '0.09'));
    expect(egressTiers(many)).toEqual({ problem: '13 bands, more than 12' });
    expect(egressTiers([band('0', '1e4', '0.09'), band('1e4', 'Inf', '0.08')])).toMatchObject({ problem: expect.stringMatching(/ends at "1e4"/) });
    expect(egressTiers([band('-1', 'Inf', '0.09')])).toMatchObject({ problem: expect.stringMatching(/begins at "-1"/) });
  });
});

describe('transferRates with refreshed tiers', () => {
  it('replaces the shipped ones and their note, and egressCost bands them', () => {
    const r = transferRates('ap-southeast-2', {
      tiers: [
        { upToGb: 10240, usdPerGb: '0.114' },
        { upToGb: null, usdPerGb: '0.098' },
      ],
      source: 'AWS Price List offer file index.json',
      asOf: '2026-11-01',
    });
    expect(r.note).toBeUndefined();
    expect(r.from).toEqual({ kind: 'refreshed', source: 'AWS Price List offer file index.json', asOf: '2026-11-01' });
    // 10,240 GB at $0.114 + 9,760 GB at $0.098.
    expect(toPlain(egressCost(int(20_000), r, false).usd)).toBe('2123.84');
    expect(transferRates('ap-southeast-2').from.kind).toBe('shipped');
  });
});
