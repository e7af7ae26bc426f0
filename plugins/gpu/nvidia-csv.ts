/**
 * nvidia-smi's CSV, as `--query-gpu=<QUERY_FIELDS> --format=csv,noheader,nounits` prints it: one
 * line per GPU, the fields in the order asked, separated by ", ", no quoting:
 *
 *   0, GPU-22b2c6ac-2d49-4863-197c-9c469071178a, GeForce RTX 2080, 00000000:0A:00.0, 86, 1965, 7979, 45, 176.98, 200.00
 *
 * Memory in MiB, temperature in °C, power in W, utilisation in %. A field the GPU or driver
 * cannot give reads "[N/A]" (drivers since 2020) or "[Not Supported]" (before), and other
 * bracketed words ("[Unknown Error]", "[GPU is lost]") for worse: each is an absent value, never
 * a zero. The text is a program's output and is treated as untrusted: a line that does not parse
 * is skipped, a number must be a plain decimal, the name loses its control characters.
 */
import { withoutControl } from '../../src/core/outside-text.js';
import type { GpuFigures } from './figures.js';
import { canonicalAddress } from './pci.js';

/** What the gpu module asks nvidia-smi for, in this order. */
export const QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'power.limit',
] as const;

const MIB = 1024 * 1024;
/** Fields after the name (pci.bus_id on): a name holding ", " (none does today) is what is left between. */
const AFTER_NAME = QUERY_FIELDS.length - 3;

/** One GPU's line, as parsed: absent fields are absent. */
export interface NvidiaRow extends GpuFigures {
  index: number;
  uuid: string;
  name: string;
  /** The PCI address in sysfs's spelling (`0000:01:00.0`). */
  busId: string;
}

/** A plain decimal number; undefined for "[N/A]", "[Not Supported]" and anything else. */
function value(text: string): number | undefined {
  return /^-?\d{1,12}(\.\d{1,6})?$/.test(text) ? Number(text) : undefined;
}

/** One line of output, or null when it is not one (a warning, a cut line). */
export function parseLine(line: string): NvidiaRow | null {
  const fields = line.trim().split(', ');
  if (fields.length < QUERY_FIELDS.length) return null;
  const [indexText, uuid] = fields;
  const name = fields.slice(2, fields.length - AFTER_NAME).join(', ');
  const [busText, util, used, total, temp, power, limit] = fields.slice(fields.length - AFTER_NAME);
  const index = value(indexText);
  const busId = canonicalAddress(busText);
  if (index === undefined || !Number.isSafeInteger(index) || index < 0 || busId === null) return null;
  const row: NvidiaRow = { index, uuid: withoutControl(uuid).slice(0, 100), name: withoutControl(name).slice(0, 100), busId };
  const u = value(util);
  if (u !== undefined && u >= 0 && u <= 100) row.utilization = u / 100;
  const usedMib = value(used);
  if (usedMib !== undefined && usedMib >= 0) row.memoryUsed = usedMib * MIB;
  const totalMib = value(total);
  if (totalMib !== undefined && totalMib > 0) row.memoryTotal = totalMib * MIB;
  const c = value(temp);
  if (c !== undefined) row.celsius = c;
  const w = value(power);
  if (w !== undefined && w >= 0) row.watts = w;
  const l = value(limit);
  if (l !== undefined && l > 0) row.powerLimitWatts = l;
  return row;
}

/** Every GPU line of a piece of output. */
export function parseOutput(text: string): NvidiaRow[] {
  return text
    .split('\n')
    .map(parseLine)
    .filter((r): r is NvidiaRow => r !== null);
}
