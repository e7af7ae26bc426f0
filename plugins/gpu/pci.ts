/**
 * The GPUs as the PCI bus lists them, and whether each is runtime-suspended: what the gpu module
 * reads before it asks a GPU anything, since asking (nvidia-smi, or reading an amdgpu card's
 * counters) wakes a GPU that the kernel has put to sleep, and keeps a laptop's discrete GPU
 * drawing power for as long as it is asked (Documentation/power/runtime_pm.rst: a device's
 * power/runtime_status is "active", "suspended", "suspending", "resuming", "error" or
 * "unsupported").
 */
import { readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listDir, readLine } from '../../src/core/read.js';

export const NVIDIA_VENDOR = '0x10de';
export const AMD_VENDOR = '0x1002';

/** A display controller (PCI class 0x03xxxx: VGA, 3D, other display) of the given vendor. */
export function isGpuOf(sysRoot: string, address: string, vendor: string): boolean {
  const dir = join(sysRoot, 'bus', 'pci', 'devices', address);
  return readLine(join(dir, 'vendor'))?.toLowerCase() === vendor && /^0x03[0-9a-f]{4}$/i.test(readLine(join(dir, 'class')) ?? '');
}

/** The kernel driver bound to a PCI device (its `driver` link's name), or null when none is. */
export function driverOf(sysRoot: string, address: string): string | null {
  try {
    return basename(readlinkSync(join(sysRoot, 'bus', 'pci', 'devices', address, 'driver')));
  } catch {
    return null;
  }
}

/**
 * The PCI addresses (`0000:01:00.0`) of the NVIDIA GPUs that nvidia-smi can ask, in the bus's
 * order: those bound to NVIDIA's driver. One passed through to a virtual machine (vfio-pci),
 * driven by nouveau, or bound to nothing is not nvidia-smi's: asking for it by address would
 * fail ("No devices were found") again and again.
 */
export function nvidiaAddresses(sysRoot: string): string[] {
  return listDir(join(sysRoot, 'bus', 'pci', 'devices'))
    .filter((a) => isGpuOf(sysRoot, a, NVIDIA_VENDOR) && driverOf(sysRoot, a) === 'nvidia')
    .sort();
}

/**
 * Whether the kernel has suspended the device: only "suspended" counts, since a device that is
 * "suspending" or "resuming" is about to be in that state or awake anyway, and a device without
 * runtime power management ("unsupported", or no file) is always awake.
 */
export function isSuspended(sysRoot: string, address: string): boolean {
  return readLine(join(sysRoot, 'bus', 'pci', 'devices', address, 'power', 'runtime_status')) === 'suspended';
}

/**
 * A PCI address in one spelling, so that nvidia-smi's `00000000:01:00.0` (an 8-digit domain)
 * and sysfs's `0000:01:00.0` compare equal; null for text that is not an address.
 */
export function canonicalAddress(text: string): string | null {
  const m = /^([0-9a-f]{1,8}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(text.trim());
  if (!m) return null;
  return `${Number.parseInt(m[1], 16).toString(16).padStart(4, '0')}:${m[2]}:${m[3]}.${m[4]}`.toLowerCase();
}
