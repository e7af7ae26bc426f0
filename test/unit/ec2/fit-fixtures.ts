/**
 * Recorded-utilisation fixtures for right-sizing (issue 16): hourly rows as the usage store keeps
 * them, for an idle box, a hot box, and bursty boxes that a t-type carries or does not. The
 * engine tests use them as arrays; the command tests write them through the store.
 */
import type { HourUsage } from '../../../src/ec2/usage/types.js';

const GIB = 2 ** 30;

export interface Shape {
  vcpus: number;
  /** CPU in vCPU-equivalents: each hour's mean, p95 and max. */
  mean: number;
  p95: number;
  max: number;
  memPeakGiB: number;
  memTotalGiB: number;
}

/** `count` full hours (60 samples each) of the same shape, the last one starting at `lastHour`. */
export function hoursOf(shape: Shape, count: number, lastHour: number, samples = 60): HourUsage[] {
  return Array.from({ length: count }, (_, i) => ({
    hour: lastHour - (count - 1 - i) * 3600,
    samples,
    vcpus: shape.vcpus,
    cpuMean: shape.mean,
    cpuP95: shape.p95,
    cpuMax: shape.max,
    memPeakBytes: Math.round(shape.memPeakGiB * GIB),
    memTotalBytes: Math.round(shape.memTotalGiB * GIB),
    txBytes: 1_000_000,
  }));
}

/** 2026-11-30 23:00 UTC: the last hour of the fixtures that do not depend on the clock. */
export const LAST_HOUR = Date.UTC(2026, 10, 30, 23) / 1000;

/** A 4-vCPU, 16 GiB home server that idles: fits something tiny (a t-type). */
export const IDLE: Shape = { vcpus: 4, mean: 0.04, p95: 0.12, max: 0.9, memPeakGiB: 1.3, memTotalGiB: 15.6 };

/** A 4-vCPU box that runs hot: its p95 is 3.9 vCPUs, so with headroom it needs more than it has. */
export const HOT: Shape = { vcpus: 4, mean: 3.2, p95: 3.9, max: 4, memPeakGiB: 11, memTotalGiB: 15.6 };

/** Bursts to 1.5 vCPUs but averages 0.15: a 2-vCPU t-type with a 0.4-vCPU baseline carries it. */
export const BURSTY_FITS: Shape = { vcpus: 2, mean: 0.15, p95: 1.5, max: 2, memPeakGiB: 2.9, memTotalGiB: 7.6 };

/** The same bursts, averaging 0.6 vCPUs: the p95 fits a 2-vCPU t-type, its baseline does not. */
export const BURSTY_TOO_BUSY: Shape = { ...BURSTY_FITS, mean: 0.6 };

/** 14 days of the shape, ending at LAST_HOUR. */
export function twoWeeks(shape: Shape, lastHour = LAST_HOUR): HourUsage[] {
  return hoursOf(shape, 14 * 24, lastHour);
}
