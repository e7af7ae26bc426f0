/**
 * The month examples of docs/ec2-cost.md ("This month"), as ledger records and as the fixture
 * host states that make real `ec2-cost` runs write those records. The unit tests (month.test.ts)
 * and the golden CLI tests (month-cli.test.ts) both start from here, so the doc's numbers and the
 * tests' come from the same inputs.
 */
import type { BootRecord } from '../../../src/ec2/ledger/types.js';

export const GIB = 2n ** 30n;

/** Unix seconds of an ISO-8601 time. */
export const at = (iso: string): number => Date.parse(iso) / 1000;

/** The doc's month and the clock its report is read at. */
export const DOC_MONTH = '2026-11';
export const DOC_NOW = '2026-11-20T12:00:00Z';

export const BOOT_1 = '1b0e7c1a-0000-4000-8000-000000000001';
export const BOOT_2 = '2b0e7c1a-0000-4000-8000-000000000002';

/**
 * One state of the fixture host, as one run of `ec2-cost` sees it: the boot, its start (btime),
 * the time of the run (btime + uptime) and eth0's counters since the boot.
 */
export interface HostState {
  bootId: string;
  bootTime: string;
  at: string;
  txGiB: number;
  rxGiB: number;
}

/**
 * The doc's two boots. Boot 1 began on 28 October and was last seen on 10 November; shoji saw
 * it at midnight on 1 November too, so its October traffic (20 GiB out, 2 in) stays in October and
 * November has 60 GiB out, 10 in. Then nothing for 48 hours (a stop, or a long reboot), and boot 2
 * from 12 November, seen up to the report's clock: 70 GiB out, 15 in.
 */
export const DOC_RUNS: HostState[] = [
  { bootId: BOOT_1, bootTime: '2026-10-28T00:00:00Z', at: '2026-11-01T00:00:00Z', txGiB: 20, rxGiB: 2 },
  { bootId: BOOT_1, bootTime: '2026-10-28T00:00:00Z', at: '2026-11-10T00:00:00Z', txGiB: 80, rxGiB: 12 },
  { bootId: BOOT_2, bootTime: '2026-11-12T00:00:00Z', at: '2026-11-20T12:00:00Z', txGiB: 70, rxGiB: 15 },
];

/** A boot's record as the ledger keeps it. */
export function boot(
  bootId: string,
  bootTime: string,
  lastSeen: string,
  months: Record<string, [txGiB: number, rxGiB: number]>,
  more: Partial<BootRecord> = {},
): BootRecord {
  return {
    bootId,
    bootTime: at(bootTime),
    firstSeen: at(bootTime),
    lastSeen: at(lastSeen),
    interfaces: ['eth0'],
    months: Object.fromEntries(Object.entries(months).map(([m, [tx, rx]]) => [m, { txBytes: BigInt(tx) * GIB, rxBytes: BigInt(rx) * GIB }])),
    counterResets: 0,
    samples: 2,
    gaps: [],
    ...more,
  };
}

/** A stretch with no sample, as the ledger keeps it. */
const gap = (from: string, to: string) => ({ from: at(from), to: at(to) });

/** The records DOC_RUNS leave in the ledger (month-cli.test.ts checks that they do). */
export const DOC_BOOTS: BootRecord[] = [
  boot(
    BOOT_1,
    '2026-10-28T00:00:00Z',
    '2026-11-10T00:00:00Z',
    { '2026-10': [20, 2], '2026-11': [60, 10] },
    {
      firstSeen: at('2026-11-01T00:00:00Z'),
      gaps: [gap('2026-10-28T00:00:00Z', '2026-11-01T00:00:00Z'), gap('2026-11-01T00:00:00Z', '2026-11-10T00:00:00Z')],
    },
  ),
  boot(
    BOOT_2,
    '2026-11-12T00:00:00Z',
    '2026-11-20T12:00:00Z',
    { '2026-11': [70, 15] },
    { firstSeen: at('2026-11-20T12:00:00Z'), samples: 1, gaps: [gap('2026-11-12T00:00:00Z', '2026-11-20T12:00:00Z')] },
  ),
];
