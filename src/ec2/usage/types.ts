/**
 * What shoji keeps of how hard this host worked, hour by hour, for `ec2-cost --fit` (sizing an
 * EC2 instance to what the host used) and for the report's "here" side (the watts it drew). The
 * long-lived processes (tmux daemon, screen stream, exporter, dashboard) sample the host once a
 * minute beside the month ledger (../ledger/), and each UTC hour's samples are folded into one
 * HourUsage row; rows are kept for USAGE_RETENTION_DAYS (a little over 13 months).
 *
 * Times are seconds since the Unix epoch (UTC).
 */

/** How long hourly rows are kept: 13 months and a little more, so a year-on-year month is whole. */
export const USAGE_RETENTION_DAYS = 400;

/** Where a power figure came from: the CPU's RAPL energy counters, or the battery's discharge rate. */
export type PowerSource = 'rapl' | 'battery';

/** One UTC hour of the host's use. */
export interface HourUsage {
  /** The hour's start (a multiple of 3600). */
  hour: number;
  /** Minute samples folded into this row (up to 60; fewer when shoji was not running all the hour). */
  samples: number;
  /** The host's online vCPUs when sampled (the largest seen in the hour). */
  vcpus: number;
  /**
   * CPU busy time in vCPU-equivalents (1.5 = one and a half CPUs busy): the mean over the time the
   * samples cover (from the kernel's cumulative counters, so exact), the 95th percentile of the
   * per-minute figures, and the largest per-minute figure. Steal time (a hypervisor running
   * someone else) is not the host's work and is not counted.
   */
  cpuMean: number;
  cpuP95: number;
  cpuMax: number;
  /** Memory in use at its highest sample in the hour (MemTotal - MemAvailable), and MemTotal then; bytes. */
  memPeakBytes: number;
  memTotalBytes: number;
  /** Bytes sent on the counted interfaces during the hour (those the month ledger counts). */
  txBytes: number;
  /** Mean power over the hour in watts, and its source, where one was readable. */
  watts?: number;
  wattsSource?: PowerSource;
}
