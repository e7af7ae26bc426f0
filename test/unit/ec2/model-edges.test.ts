/**
 * The cost model at its edges (src/ec2/model.ts): the 60-second minimum, the tier lines and
 * where each band starts, the free allowance larger than the volume, a projection from zero
 * uptime, and what accrues by the hour.
 */
import { describe, expect, it } from 'vitest';
import {
  billedSeconds,
  BYTES_PER_GB,
  computeCost,
  egressCost,
  hourlyTotal,
  MINIMUM_BILLED_SECONDS,
  projectThirtyDays,
  SECONDS_PER_30_DAYS,
  type CostInput,
} from '../../../src/ec2/model.js';
import { dec, int, toPlain, ZERO } from '../../../src/ec2/money.js';
import { transferRates } from '../../../src/ec2/rates.js';

function input(over: Partial<CostInput>): CostInput {
  return {
    usdPerHour: dec('0.1008'),
    uptimeSeconds: ZERO,
    txBytes: ZERO,
    rxBytes: ZERO,
    transfer: transferRates('us-east-1'),
    freeTier: false,
    publicIpv4: false,
    ebs: null,
    ...over,
  };
}

describe('the cost model at its edges', () => {
  it('bills at least 60 s, and every started second above', () => {
    expect(MINIMUM_BILLED_SECONDS).toBe(60n);
    expect(billedSeconds(ZERO)).toBe(60n);
    expect(billedSeconds(dec('59.5'))).toBe(60n);
    expect(billedSeconds(int(60))).toBe(60n);
    expect(billedSeconds(dec('60.001'))).toBe(61n);
    expect(billedSeconds(int(61))).toBe(61n);
    expect(SECONDS_PER_30_DAYS).toBe(2_592_000);
    expect(BYTES_PER_GB).toEqual(int(1_073_741_824));
  });

  it('gives each band its start, end, volume and rate', () => {
    const e = egressCost(int(60_000), transferRates('us-east-1'), false);
    expect(e.tiers.map((t) => [t.fromGb, t.toGb, toPlain(t.gb), toPlain(t.usdPerGb), toPlain(t.usd)])).toEqual([
      [0, 10_240, '10240', '0.09', '921.6'],
      [10_240, 51_200, '40960', '0.085', '3481.6'],
      [51_200, 153_600, '8800', '0.07', '616'],
    ]);
    expect(toPlain(e.usd)).toBe('5019.2');
    expect(toPlain(e.freeGb)).toBe('0');
    expect(toPlain(e.outGb)).toBe('60000');
  });

  it('ends the bands exactly at a boundary, and has none for no traffic', () => {
    expect(egressCost(int(10_240), transferRates('us-east-1'), false).tiers).toHaveLength(1);
    expect(egressCost(ZERO, transferRates('us-east-1'), false)).toEqual({ outGb: ZERO, freeGb: ZERO, tiers: [], usd: ZERO });
    const open = egressCost(int(200_000), transferRates('us-east-1'), false).tiers;
    expect(open.at(-1)).toMatchObject({ fromGb: 153_600, toGb: null });
    expect(toPlain(open.at(-1)!.gb)).toBe('46400');
  });

  it('covers a volume under the allowance entirely, and charges nothing', () => {
    const e = egressCost(int(40), transferRates('us-east-1'), true);
    expect(toPlain(e.freeGb)).toBe('40');
    expect(e.tiers).toEqual([]);
    expect(toPlain(e.usd)).toBe('0');
    const over = egressCost(int(101), transferRates('us-east-1'), true);
    expect(toPlain(over.freeGb)).toBe('100');
    expect(toPlain(over.usd)).toBe('0.09');
  });

  it('counts inbound traffic in GB and charges nothing for it', () => {
    const c = computeCost(input({ uptimeSeconds: int(3600), rxBytes: int(2 * 1_073_741_824) }));
    expect(toPlain(c.inGb)).toBe('2');
    expect(toPlain(c.networkInUsd)).toBe('0');
    expect(toPlain(c.totalUsd)).toBe('0.1008');
    expect(c.ebsUsdPerGbMonth).toBeNull();
    expect(toPlain(c.ebsGbMonths)).toBe('0');
    expect(toPlain(c.ipv4Hours)).toBe('0');
  });

  it('adds everything into the total', () => {
    const c = computeCost(input({ uptimeSeconds: int(730 * 3600), txBytes: int(1_073_741_824), publicIpv4: true, ebs: { gb: int(10), type: 'gp3' } }));
    // 730 h x 0.1008 + 1 GB x 0.09 + 730 h x 0.005 + 10 GB-months x 0.08
    expect(toPlain(c.totalUsd)).toBe('78.124');
    expect(toPlain(c.ebsUsdPerGbMonth!)).toBe('0.08');
    expect(toPlain(c.ipv4Hours)).toBe('730');
  });

  it('projects 30 days from zero uptime without dividing by it', () => {
    expect(toPlain(projectThirtyDays(input({ uptimeSeconds: ZERO, txBytes: int(1_073_741_824) })))).toBe('72.576');
    const all = projectThirtyDays(input({ uptimeSeconds: int(3600), publicIpv4: true, ebs: { gb: int(73), type: 'gp2' } }));
    // 720 h x 0.1008 + 720 h x 0.005 + 73 GB x 0.10 x 720 / 730
    expect(toPlain(all)).toBe('83.376');
  });

  it('adds up what accrues by the hour', () => {
    expect(toPlain(hourlyTotal(input({})))).toBe('0.1008');
    expect(toPlain(hourlyTotal(input({ publicIpv4: true })))).toBe('0.1058');
    expect(toPlain(hourlyTotal(input({ ebs: { gb: int(730), type: 'gp3' } })))).toBe('0.1808');
  });
});
