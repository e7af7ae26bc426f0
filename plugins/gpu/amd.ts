/**
 * AMD GPUs through the amdgpu driver's sysfs files (Documentation/gpu/amdgpu/driver-misc.rst and
 * thermal.rst), no process: under <sysRoot>/class/drm/cardN/device/, for a card whose vendor is
 * 0x1002,
 *   gpu_busy_percent          "37": the share of time the GPU was busy, in %;
 *   mem_info_vram_used/total  bytes of VRAM in use, and in all;
 *   hwmon/hwmonM/temp1_input  the "edge" temperature in millidegrees Celsius;
 *   hwmon/hwmonM/power1_average, or power1_input (RDNA3 and later have only this one),
 *                             the package power in microwatts; power1_cap the limit.
 * A card whose PCI device is runtime-suspended is shown asleep and not read at all: each of these
 * reads wakes it.
 */
import { realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { withoutControl } from '../../src/core/outside-text.js';
import type { GpuFigures } from './figures.js';
import { listDir, readLine, readNumber, readText } from '../../src/core/read.js';
import { AMD_VENDOR, canonicalAddress, isSuspended } from './pci.js';

/** One AMD card as read: values it could not give are absent. */
export interface AmdCard extends GpuFigures {
  /** The DRM card's number (card1: 1). */
  card: number;
  busId: string;
  name: string;
  uuid?: string;
  asleep: boolean;
}

/** The card's PCI address: PCI_SLOT_NAME in its uevent, else where its device link points. */
function addressOf(device: string): string | null {
  const slot = /^PCI_SLOT_NAME=(.+)$/m.exec(readText(join(device, 'uevent')) ?? '')?.[1];
  if (slot) return canonicalAddress(slot);
  try {
    return canonicalAddress(basename(realpathSync(device)));
  } catch {
    return null;
  }
}

/** The AMD cards (class/drm/cardN, not their connectors cardN-DP-1), in card order. */
export function amdCardDirs(sysRoot: string): { card: number; device: string }[] {
  const top = join(sysRoot, 'class', 'drm');
  return listDir(top)
    .filter((e) => /^card\d+$/.test(e))
    .map((e) => ({ card: Number(e.slice(4)), device: join(top, e, 'device') }))
    .filter((c) => readLine(join(c.device, 'vendor'))?.toLowerCase() === AMD_VENDOR)
    .sort((a, b) => a.card - b.card);
}

/** The first hwmon folder of the card (amdgpu registers one). */
function hwmonOf(device: string): string | null {
  const top = join(device, 'hwmon');
  const first = listDir(top)
    .filter((e) => /^hwmon\d+$/.test(e))
    .sort()[0];
  return first ? join(top, first) : null;
}

const nonNegative = (v: number | null) => (v !== null && v >= 0 ? v : undefined);

/** Every AMD card, each read unless it is asleep. */
export function readAmdCards(sysRoot: string): AmdCard[] {
  const out: AmdCard[] = [];
  for (const { card, device } of amdCardDirs(sysRoot)) {
    const busId = addressOf(device);
    if (busId === null) continue;
    const product = withoutControl(readLine(join(device, 'product_name')) ?? '').slice(0, 100);
    const name = product || `AMD GPU ${withoutControl(readLine(join(device, 'device')) ?? '?').slice(0, 10)}`;
    if (isSuspended(sysRoot, busId)) {
      out.push({ card, busId, name, asleep: true });
      continue;
    }
    const uuid = withoutControl(readLine(join(device, 'unique_id')) ?? '').slice(0, 100);
    const busy = nonNegative(readNumber(join(device, 'gpu_busy_percent')));
    const used = nonNegative(readNumber(join(device, 'mem_info_vram_used')));
    const total = readNumber(join(device, 'mem_info_vram_total'));
    const hwmon = hwmonOf(device);
    const milliC = hwmon ? readNumber(join(hwmon, 'temp1_input')) : null;
    const microW = hwmon ? nonNegative(readNumber(join(hwmon, 'power1_average')) ?? readNumber(join(hwmon, 'power1_input'))) : undefined;
    const capMicroW = hwmon ? readNumber(join(hwmon, 'power1_cap')) : null;
    out.push({
      card,
      busId,
      name,
      ...(uuid ? { uuid } : {}),
      asleep: false,
      ...(busy !== undefined && busy <= 100 ? { utilization: busy / 100 } : {}),
      ...(used !== undefined ? { memoryUsed: used } : {}),
      ...(total !== null && total > 0 ? { memoryTotal: total } : {}),
      ...(milliC !== null ? { celsius: milliC / 1000 } : {}),
      ...(microW !== undefined ? { watts: microW / 1e6 } : {}),
      ...(capMicroW !== null && capMicroW > 0 ? { powerLimitWatts: capMicroW / 1e6 } : {}),
    });
  }
  return out;
}
