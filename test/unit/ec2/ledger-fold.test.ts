/**
 * How a sample of the host is counted into its boot's record (src/ec2/ledger/fold.ts): from zero
 * at boot, counter resets and wraps never negative nor twice, renamed interfaces once, traffic
 * between samples split by time across UTC month boundaries, gaps kept, late samples ignored,
 * a new boot id a new record, old boots dropped after 14 months.
 */
import { describe, expect, it } from 'vitest';
import {
  foldIntoLedger,
  foldSample,
  GAP_THRESHOLD_S,
  KEEP_S,
  type LedgerBoot,
  MAX_GAPS,
  monthOf,
  pruneBoots,
  splitByMonth,
} from '../../../src/ec2/ledger/fold.js';
import type { HostSample } from '../../../src/ec2/ledger/types.js';

const t = (iso: string) => Date.parse(iso) / 1000;
const NOV_1 = t('2026-11-01T00:00:00Z');
const BOOT = 'b-1';

type Counter = { rx: number | bigint; tx: number | bigint; ifindex?: number };
function sample(at: number, counters: Record<string, Counter>, o: { bootId?: string; bootTime?: number } = {}): HostSample {
  const map: HostSample['counters'] = new Map();
  for (const [name, c] of Object.entries(counters)) {
    map.set(name, { rx: BigInt(c.rx), tx: BigInt(c.tx), ...(c.ifindex === undefined ? {} : { ifindex: c.ifindex }) });
  }
  return { bootId: o.bootId ?? BOOT, bootTime: o.bootTime ?? NOV_1 + 3600, at, counters: map };
}

/** Fold samples in order into one boot; returns the record. */
function foldAll(...samples: HostSample[]): LedgerBoot {
  let boot: LedgerBoot | undefined;
  for (const s of samples) boot = foldSample(boot, s).boot;
  return boot!;
}

const total = (b: LedgerBoot) => Object.values(b.months).reduce((sum, m) => ({ tx: sum.tx + m.txBytes, rx: sum.rx + m.rxBytes }), { tx: 0n, rx: 0n });

describe('the first sample of a boot', () => {
  it('counts everything its counters say, from bootTime, in the month(s) since the boot', () => {
    const b = foldAll(sample(NOV_1 + 7200, { eth0: { rx: 500, tx: 1000 } }));
    expect(b).toMatchObject({ bootId: BOOT, bootTime: NOV_1 + 3600, firstSeen: NOV_1 + 7200, lastSeen: NOV_1 + 7200, samples: 1, counterResets: 0 });
    expect(b.interfaces).toEqual(['eth0']);
    expect(b.months).toEqual({ '2026-11': { txBytes: 1000n, rxBytes: 500n } });
  });

  it('a boot from Oct 31 23:00 first sampled Nov 1 01:00 puts half its traffic in each month', () => {
    const b = foldAll(sample(NOV_1 + 3600, { eth0: { rx: 0, tx: 7200 } }, { bootTime: NOV_1 - 3600 }));
    expect(b.months).toEqual({ '2026-10': { txBytes: 3600n, rxBytes: 0n }, '2026-11': { txBytes: 3600n, rxBytes: 0n } });
    // shoji was not watching from boot to the first sample: that stretch is a gap.
    expect(b.gaps).toEqual([{ from: NOV_1 - 3600, to: NOV_1 + 3600 }]);
  });
});

describe('later samples add what each counter moved', () => {
  const s0 = sample(NOV_1 + 4000, { eth0: { rx: 100, tx: 1000 } });

  it('adds the difference per interface and direction', () => {
    const b = foldAll(s0, sample(NOV_1 + 4060, { eth0: { rx: 150, tx: 1600 } }));
    expect(total(b)).toEqual({ tx: 1600n, rx: 150n });
    expect(b).toMatchObject({ samples: 2, lastSeen: NOV_1 + 4060, firstSeen: NOV_1 + 4000, counterResets: 0 });
  });

  it('a counter that went backwards (reset) counts its current value as new traffic, never negative', () => {
    const b = foldAll(s0, sample(NOV_1 + 4060, { eth0: { rx: 120, tx: 300 } }));
    // tx: 1000 before the reset, then 300 since it; rx moved on normally.
    expect(total(b)).toEqual({ tx: 1300n, rx: 120n });
    expect(b.counterResets).toBe(1);
  });

  it('a 32-bit counter that wrapped counts what it holds since the wrap, and the next sample carries on from there', () => {
    const near = 2 ** 32 - 100;
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: near } }),
      sample(NOV_1 + 4060, { eth0: { rx: 0, tx: 50 } }),
      sample(NOV_1 + 4120, { eth0: { rx: 0, tx: 80 } }),
    );
    expect(total(b).tx).toBe(BigInt(near) + 50n + 30n);
    expect(b.counterResets).toBe(1);
  });

  it('64-bit counters beyond 2^53 stay exact', () => {
    const big = 2n ** 62n;
    const b = foldAll(sample(NOV_1 + 4000, { eth0: { rx: big, tx: big } }), sample(NOV_1 + 4060, { eth0: { rx: big + 7n, tx: big + 3n } }));
    expect(total(b)).toEqual({ tx: big + 3n, rx: big + 7n });
  });

  it('sums several interfaces, each on its own counters', () => {
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 10, tx: 100 }, eth1: { rx: 1, tx: 5 } }),
      sample(NOV_1 + 4060, { eth0: { rx: 20, tx: 150 }, eth1: { rx: 0, tx: 2 } }),
    );
    // eth0 +50 tx +10 rx; eth1 reset: +2 tx, +0 rx.
    expect(total(b)).toEqual({ tx: 105n + 50n + 2n, rx: 11n + 10n });
    expect(b.counterResets).toBe(1);
  });
});

describe('interfaces that come, go and change names within a boot', () => {
  it('a rename (same ifindex) carries on from the old name: counted once', () => {
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 1000, ifindex: 2 } }),
      sample(NOV_1 + 4060, { ens5: { rx: 0, tx: 1500, ifindex: 2 } }),
      sample(NOV_1 + 4120, { ens5: { rx: 0, tx: 1700, ifindex: 2 } }),
    );
    expect(total(b).tx).toBe(1700n);
    expect(b.interfaces).toEqual(['eth0', 'ens5']);
    expect(Object.keys(b.last)).toEqual(['ens5']);
    expect(b.counterResets).toBe(0);
  });

  it('two interfaces swapping names are each followed by their ifindex', () => {
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 1000, ifindex: 2 }, eth1: { rx: 0, tx: 50, ifindex: 3 } }),
      sample(NOV_1 + 4060, { eth0: { rx: 0, tx: 70, ifindex: 3 }, eth1: { rx: 0, tx: 1100, ifindex: 2 } }),
    );
    expect(total(b).tx).toBe(1100n + 70n);
    expect(b.counterResets).toBe(0);
  });

  it('without an ifindex, a name first seen after the first sample counts from its value then (a rename is not counted twice)', () => {
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 1000 } }),
      sample(NOV_1 + 4060, { ens5: { rx: 0, tx: 1500 } }),
      sample(NOV_1 + 4120, { ens5: { rx: 0, tx: 1800 } }),
    );
    // 1000 from eth0; ens5 counted from 1500 on: +300. Never 1000 + 1800.
    expect(total(b).tx).toBe(1300n);
  });

  it('the same name with another ifindex is a new interface: its counters started at zero', () => {
    const b = foldAll(sample(NOV_1 + 4000, { tun0: { rx: 0, tx: 1000, ifindex: 7 } }), sample(NOV_1 + 4060, { tun0: { rx: 0, tx: 4000, ifindex: 9 } }));
    expect(total(b).tx).toBe(5000n);
    expect(b.counterResets).toBe(1);
  });

  it('an interface not read for a while is picked up where it was left when it is read again', () => {
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 100 }, eth1: { rx: 0, tx: 10 } }),
      sample(NOV_1 + 4060, { eth0: { rx: 0, tx: 200 } }),
      sample(NOV_1 + 4120, { eth0: { rx: 0, tx: 300 }, eth1: { rx: 0, tx: 40 } }),
    );
    expect(total(b).tx).toBe(300n + 40n);
  });
});

describe('month boundaries', () => {
  it('traffic between two samples either side of midnight UTC on the last day is split by time', () => {
    const b = foldAll(
      sample(NOV_1 - 30 * 60, { eth0: { rx: 0, tx: 0 } }, { bootTime: NOV_1 - 3600 }),
      sample(NOV_1 + 90 * 60, { eth0: { rx: 1200, tx: 12000 } }, { bootTime: NOV_1 - 3600 }),
    );
    // 30 minutes in October, 90 in November.
    expect(b.months).toEqual({ '2026-10': { txBytes: 3000n, rxBytes: 300n }, '2026-11': { txBytes: 9000n, rxBytes: 900n } });
  });

  it('a stretch over three months (a long gap) gives each its share; the parts add up exactly', () => {
    const from = t('2026-09-30T12:00:00Z');
    const to = t('2026-12-01T12:00:00Z');
    const parts = splitByMonth(from, to, 1_000_000_007n);
    expect(parts.map(([m]) => m)).toEqual(['2026-09', '2026-10', '2026-11', '2026-12']);
    expect(parts.reduce((s, [, n]) => s + n, 0n)).toBe(1_000_000_007n);
    const [sep, oct, nov, dec] = parts.map(([, n]) => Number(n));
    expect(oct / sep).toBeCloseTo(31 * 2, 3);
    expect(nov / dec).toBeCloseTo(30 * 2, 3);
  });

  it('months are UTC: 23:30 on Oct 31 in New York is already November', () => {
    expect(monthOf(t('2026-10-31T23:30:00-04:00'))).toBe('2026-11');
    expect(monthOf(t('2026-10-31T23:59:59Z'))).toBe('2026-10');
  });

  it('nothing to split is nothing; an empty stretch puts it all in its month', () => {
    expect(splitByMonth(NOV_1 - 10, NOV_1 + 10, 0n)).toEqual([]);
    expect(splitByMonth(NOV_1, NOV_1, 5n)).toEqual([['2026-11', 5n]]);
  });
});

describe('gaps', () => {
  it(`a stretch longer than ${GAP_THRESHOLD_S / 60} minutes without a sample is kept; a shorter one is not`, () => {
    const b = foldAll(
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 0 } }),
      sample(NOV_1 + 4000 + GAP_THRESHOLD_S, { eth0: { rx: 0, tx: 1 } }),
      sample(NOV_1 + 4000 + GAP_THRESHOLD_S + 3600, { eth0: { rx: 0, tx: 2 } }),
    );
    expect(b.gaps).toEqual([{ from: NOV_1 + 4000 + GAP_THRESHOLD_S, to: NOV_1 + 4000 + GAP_THRESHOLD_S + 3600 }]);
  });

  it(`keeps the ${MAX_GAPS} most recent`, () => {
    const samples = Array.from({ length: MAX_GAPS + 10 }, (_, i) => sample(NOV_1 + 4000 + i * 3600, { eth0: { rx: 0, tx: i } }));
    const b = foldAll(...samples);
    expect(b.gaps).toHaveLength(MAX_GAPS);
    expect(b.gaps.at(-1)).toEqual({ from: NOV_1 + 4000 + (MAX_GAPS + 8) * 3600, to: NOV_1 + 4000 + (MAX_GAPS + 9) * 3600 });
  });
});

describe('samples out of order', () => {
  it('a sample older than the last one (a replay, a slower writer) changes nothing', () => {
    const b = foldAll(sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 100 } }), sample(NOV_1 + 4060, { eth0: { rx: 0, tx: 200 } }));
    const late = foldSample(b, sample(NOV_1 + 4030, { eth0: { rx: 0, tx: 150 } }));
    expect(late.kind).toBe('older');
    expect(late.boot).toBe(b);
    expect(foldSample(b, sample(NOV_1 + 4060, { eth0: { rx: 0, tx: 999 } })).kind).toBe('older');
  });

  it('a clock set back (btime moved back with it) is followed: the next sample counts, placed by the new clock', () => {
    // The clock ran a day ahead (Dec 1) and is set right (Nov 30): btime and the sample times move back a day.
    const DAY = 86_400;
    const ahead = { bootTime: t('2026-12-01T00:00:00Z') };
    const b = foldAll(sample(ahead.bootTime + 600, { eth0: { rx: 0, tx: 100 } }, ahead), sample(ahead.bootTime + 1200, { eth0: { rx: 0, tx: 200 } }, ahead));
    expect(Object.keys(b.months)).toEqual(['2026-12']);
    const right = { bootTime: ahead.bootTime - DAY };
    const next = foldSample(b, sample(right.bootTime + 1800, { eth0: { rx: 0, tx: 260 } }, right));
    expect(next.kind).toBe('folded');
    // What was placed stays placed; the 60 bytes since go to November, by the clock as it now reads.
    expect(next.boot.months['2026-12'].txBytes).toBe(200n);
    expect(next.boot.months['2026-11'].txBytes).toBe(60n);
    expect([next.boot.bootTime, next.boot.firstSeen, next.boot.lastSeen]).toEqual([right.bootTime, right.bootTime + 600, right.bootTime + 1800]);
    // A sampler that read before the step and writes after: older than the record, nothing changes.
    const stale = foldSample(next.boot, sample(ahead.bootTime + 1500, { eth0: { rx: 0, tx: 230 } }, ahead));
    expect(stale.kind).toBe('older');
    expect(stale.boot).toBe(next.boot);
  });

  it('btime moving by under a minute (NTP slewing, whole seconds) is no step: an older sample stays older', () => {
    const b = foldAll(sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 100 } }), sample(NOV_1 + 4060, { eth0: { rx: 0, tx: 200 } }));
    const late = foldSample(b, sample(NOV_1 + 4030 - 59, { eth0: { rx: 0, tx: 150 } }, { bootTime: NOV_1 + 3600 - 59 }));
    expect(late.kind).toBe('older');
  });
});

describe('several boots', () => {
  it('a new boot id starts a new record; each keeps its own counters (from zero again)', () => {
    let boots: LedgerBoot[] = [];
    const add = (s: HostSample) => {
      const r = foldIntoLedger(boots, s);
      boots = r.boots;
      return r.result;
    };
    expect(add(sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 100 } }, { bootId: 'b-1', bootTime: NOV_1 + 3600 }))).toMatchObject({ newBoot: true });
    expect(add(sample(NOV_1 + 5000, { eth0: { rx: 0, tx: 400 } }, { bootId: 'b-1', bootTime: NOV_1 + 3600 }))).toMatchObject({ newBoot: false });
    expect(add(sample(NOV_1 + 9000, { eth0: { rx: 0, tx: 50 } }, { bootId: 'b-2', bootTime: NOV_1 + 8000 }))).toMatchObject({ newBoot: true });
    expect(add(sample(NOV_1 + 9060, { eth0: { rx: 0, tx: 70 } }, { bootId: 'b-2', bootTime: NOV_1 + 8000 }))).toMatchObject({ newBoot: false });
    expect(add(sample(NOV_1 + 20000, { eth0: { rx: 0, tx: 5 } }, { bootId: 'b-3', bootTime: NOV_1 + 19000 }))).toMatchObject({ newBoot: true });
    expect(boots.map((b) => [b.bootId, total(b).tx, b.samples])).toEqual([
      ['b-1', 400n, 2],
      ['b-2', 70n, 2],
      ['b-3', 5n, 1],
    ]);
  });

  it('a late sample of an earlier boot still folds into that boot; the ledger stays sorted by boot time', () => {
    let boots: LedgerBoot[] = [];
    for (const s of [
      sample(NOV_1 + 9000, { eth0: { rx: 0, tx: 50 } }, { bootId: 'b-2', bootTime: NOV_1 + 8000 }),
      sample(NOV_1 + 4000, { eth0: { rx: 0, tx: 100 } }, { bootId: 'b-1', bootTime: NOV_1 + 3600 }),
    ])
      boots = foldIntoLedger(boots, s).boots;
    expect(boots.map((b) => b.bootId)).toEqual(['b-1', 'b-2']);
  });

  it(`drops boots last seen more than ${KEEP_S / 86400} days before the newest sample, keeps 13 months`, () => {
    const now = t('2026-11-15T00:00:00Z');
    const old = foldAll(sample(now - KEEP_S - 60, { eth0: { rx: 0, tx: 1 } }, { bootId: 'old', bootTime: now - KEEP_S - 120 }));
    const year = foldAll(sample(t('2025-10-01T00:00:00Z'), { eth0: { rx: 0, tx: 1 } }, { bootId: 'year', bootTime: t('2025-09-30T00:00:00Z') }));
    expect(pruneBoots([old, year], now).map((b) => b.bootId)).toEqual(['year']);
  });
});
