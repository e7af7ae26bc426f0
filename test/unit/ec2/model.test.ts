/**
 * The estimator's worked examples, cases A to L, as golden tests (case A is the worked example
 * in docs/ec2-cost.md). Conventions: m7i.large us-east-1 Linux on-demand = $0.1008/h, us-east-1 tiers,
 * inbound free, exact arithmetic, "GB" = 2^30 bytes.
 */
import { describe, expect, it } from 'vitest';
import { BYTES_PER_GB, computeCost, egressCost, projectThirtyDays, type CostInput } from '../../../src/ec2/model.js';
import { dec, int, mul, toFixed, toPlain, ZERO, type Q } from '../../../src/ec2/money.js';
import { PUBLIC_IPV4_USD_PER_HOUR, transferRates } from '../../../src/ec2/rates.js';

const M7I_LARGE = dec('0.1008');
const gib = (n: string): Q => mul(dec(n), BYTES_PER_GB);

function input(over: Partial<CostInput>): CostInput {
  return {
    usdPerHour: M7I_LARGE,
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

describe('case A: the 2009 blog example, repriced', () => {
  const a = input({ uptimeSeconds: int(1_090_800), txBytes: gib('7.918646'), rxBytes: gib('68.17') });

  it('costs exactly $31.25507814 (~$31.26) without the free allowance', () => {
    const c = computeCost(a);
    expect(c.billedSeconds).toBe(1_090_800n);
    expect(toPlain(c.computeUsd)).toBe('30.5424');
    expect(toPlain(c.egress.usd)).toBe('0.71267814');
    expect(toPlain(c.networkInUsd)).toBe('0');
    expect(toPlain(c.totalUsd)).toBe('31.25507814');
    expect(toFixed(c.totalUsd, 2)).toBe('31.26');
  });

  it('costs $30.5424 (~$30.54) with the 100 GB allowance', () => {
    const c = computeCost({ ...a, freeTier: true });
    expect(toPlain(c.egress.freeGb)).toBe('7.918646');
    expect(toPlain(c.totalUsd)).toBe('30.5424');
  });

  it('adds $1.515 for a public IPv4 address: $32.77 / $32.06', () => {
    const c = computeCost({ ...a, publicIpv4: true });
    expect(toPlain(c.publicIpv4Usd)).toBe('1.515');
    expect(toFixed(c.totalUsd, 2)).toBe('32.77');
    expect(toFixed(computeCost({ ...a, publicIpv4: true, freeTier: true }).totalUsd, 2)).toBe('32.06');
  });

  it('must not match byobu’s old answer (~$32.17, or 304 h at $30.6432)', () => {
    const c = computeCost(a);
    // byobu: 7.918646 GB x $0.12 + 68.17 GB x $0.01 (inbound charged), whole hours rounded up.
    const byobuNetwork = dec('1.631938');
    expect(toPlain(c.egress.usd)).not.toBe(toPlain(byobuNetwork));
    expect(toFixed(c.totalUsd, 2)).not.toBe('32.17');
    expect(toPlain(c.computeUsd)).not.toBe('30.6432');
  });

  it('would be $31.31 if "GB" were 10^9 bytes: the unit matters, and shoji uses 2^30', () => {
    // 7.918646 GiB is 8.5026 decimal GB; priced per decimal GB, egress would be $0.7652.
    const perDecimalGb = computeCost({ ...a, txBytes: mul(dec('8.5026'), BYTES_PER_GB) });
    expect(toFixed(perDecimalGb.totalUsd, 2)).toBe('31.31');
    expect(toFixed(computeCost(a).totalUsd, 2)).toBe('31.26');
  });
});

describe('case B: the 60-second minimum', () => {
  it('bills 45 s as 60 s: $0.00168', () => {
    const c = computeCost(input({ uptimeSeconds: int(45) }));
    expect(c.billedSeconds).toBe(60n);
    expect(toPlain(c.computeUsd)).toBe('0.00168');
  });
});

describe('case C: per second, not per hour', () => {
  it('bills 3,601 s as $0.100828, not 2 h ($0.2016)', () => {
    const c = computeCost(input({ uptimeSeconds: int(3601) }));
    expect(toPlain(c.computeUsd)).toBe('0.100828');
  });

  it('counts a started second as a whole one', () => {
    expect(computeCost(input({ uptimeSeconds: dec('3600.2') })).billedSeconds).toBe(3601n);
  });
});

describe('case D: reboot', () => {
  it('prices what /proc/uptime says: 2 h since the reboot is $0.2016 (AWS bills the 10 h since start)', () => {
    expect(toPlain(computeCost(input({ uptimeSeconds: int(7200) })).computeUsd)).toBe('0.2016');
  });
});

describe('case E: inbound is always free', () => {
  it('costs $0.00 for 0 GB out and 500 GB in (byobu said $5.00)', () => {
    const c = computeCost(input({ uptimeSeconds: int(60), rxBytes: gib('500') }));
    expect(toPlain(c.egress.usd)).toBe('0');
    expect(toPlain(c.networkInUsd)).toBe('0');
    expect(toPlain(c.inGb)).toBe('500');
  });
});

describe('case F: crossing a tier in us-east-1 (12,000 GB out)', () => {
  const rates = transferRates('us-east-1');

  it('costs $1,071.20 without the allowance: 10,240 x 0.09 + 1,760 x 0.085', () => {
    const e = egressCost(int(12_000), rates, false);
    expect(toPlain(e.usd)).toBe('1071.2');
    expect(e.tiers.map((t) => [toPlain(t.gb), toPlain(t.usdPerGb), toPlain(t.usd)])).toEqual([
      ['10240', '0.09', '921.6'],
      ['1760', '0.085', '149.6'],
    ]);
  });

  it('costs $1,062.70 with the allowance, tiers counted after the free 100 GB (shoji’s reading)', () => {
    const e = egressCost(int(12_000), rates, true);
    expect(toPlain(e.freeGb)).toBe('100');
    expect(toPlain(e.usd)).toBe('1062.7');
    expect(toPlain(e.usd)).not.toBe('1062.2'); // the other reading: free GB taken from tier 1
  });

  it('uses all four us-east-1 tiers', () => {
    expect(toPlain(egressCost(int(10_240), rates, false).usd)).toBe('921.6');
    expect(toPlain(egressCost(int(51_200), rates, false).usd)).toBe('4403.2'); // 921.60 + 3,481.60
    expect(toPlain(egressCost(int(153_600 + 3_400), rates, false).usd)).toBe('11741.2'); // + 7,168 + 170
  });
});

describe('case L: public IPv4 for a month', () => {
  it('is 730 h x $0.005 = $3.65', () => {
    const c = computeCost(input({ usdPerHour: ZERO, uptimeSeconds: int(730 * 3600), publicIpv4: true }));
    expect(toPlain(c.publicIpv4Usd)).toBe('3.65');
    expect(toPlain(PUBLIC_IPV4_USD_PER_HOUR)).toBe('0.005');
  });
});

describe('EBS', () => {
  it('prorates GB-months by hours over a 730-hour month', () => {
    const c = computeCost(input({ uptimeSeconds: int(730 * 3600), ebs: { gb: int(40), type: 'gp3' } }));
    expect(toPlain(c.ebsGbMonths)).toBe('40');
    expect(toPlain(c.ebsUsd)).toBe('3.2'); // 40 GB gp3 for a month
    const half = computeCost(input({ uptimeSeconds: int(365 * 3600), ebs: { gb: int(10), type: 'gp2' } }));
    expect(toPlain(half.ebsUsd)).toBe('0.5');
  });
});

describe('other regions', () => {
  it('applies the region’s first-tier rate to all volume and says so', () => {
    const r = transferRates('sa-east-1');
    expect(toPlain(egressCost(int(20_000), r, false).usd)).toBe('3000');
    expect(r.note).toMatch(/first-tier rate is applied to all volume/);
  });

  it('falls back to us-east-1 rates, labelled, where none are known', () => {
    const r = transferRates('eu-central-2');
    expect(r.region).toBe('us-east-1');
    expect(r.note).toMatch(/no data-transfer rate is known for eu-central-2/);
  });
});

describe('30-day projection', () => {
  it('is 720 h of the instance plus egress at the since-boot traffic rate', () => {
    // 10 GiB out in 10 days -> 30 GiB in 30 days at $0.09.
    const p = projectThirtyDays(input({ uptimeSeconds: int(10 * 86400), txBytes: gib('10') }));
    expect(toPlain(p)).toBe(toPlain(dec('75.276'))); // 72.576 + 2.70
  });
});
