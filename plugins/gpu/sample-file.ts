/**
 * The NVIDIA sample file: what the one nvidia-smi of this user on this host last printed,
 * written whole (src/core/atomic.ts) by the process that runs it (sampler.ts) into shoji's
 * runtime folder, and read by every other shoji process, the one-shot `shoji status` included.
 * Read on the status line's path: one small file, no process.
 */
import { join } from 'node:path';
import { readText } from '../../src/core/read.js';
import type { NvidiaRow } from './nvidia-csv.js';

export const SAMPLE_FILE = 'gpu-nvidia.json';
export const LOCK_FILE = 'gpu-nvidia.lock';

export interface SampleFile {
  /** The sampling process. */
  pid: number;
  /** When it was written, ms since the epoch. */
  writtenAt: number;
  /** nvidia-smi's period (-lms). */
  periodMs: number;
  gpus: NvidiaRow[];
}

/** A sample older than this many periods (and 5 s) is stale: its writer is gone or stuck. */
const FRESH_PERIODS = 3;
const FRESH_AT_LEAST_MS = 5000;

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): v is string => typeof v === 'string';

/** A row as the file holds it, checked field by field: the file is ours, but a damaged one must not reach the line. */
function rowOf(v: unknown): NvidiaRow | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (!num(r.index) || !str(r.uuid) || !str(r.name) || !str(r.busId)) return null;
  const row: NvidiaRow = { index: r.index, uuid: r.uuid, name: r.name, busId: r.busId };
  for (const k of ['utilization', 'memoryUsed', 'memoryTotal', 'celsius', 'watts', 'powerLimitWatts'] as const) if (num(r[k])) row[k] = r[k];
  return row;
}

/** The sample in `dir` when it is fresh at `nowMs` (wall clock), else null. */
export function readFreshSample(dir: string, nowMs: number): SampleFile | null {
  const text = readText(join(dir, SAMPLE_FILE));
  if (text === null) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || !num(o.writtenAt) || !num(o.periodMs) || !num(o.pid) || !Array.isArray(o.gpus)) return null;
  const age = nowMs - o.writtenAt;
  if (age > Math.max(FRESH_PERIODS * o.periodMs, FRESH_AT_LEAST_MS) || age < -FRESH_AT_LEAST_MS) return null;
  return { pid: o.pid, writtenAt: o.writtenAt, periodMs: o.periodMs, gpus: o.gpus.map(rowOf).filter((r): r is NvidiaRow => r !== null) };
}
