/**
 * Formatting of quantities for the status line: short, fixed-ish width, binary units.
 * "KiB/MiB/GiB" are written as K/M/G to save width, as byobu and htop do; the README says so.
 */

const BINARY = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 -> "1.5K", 23.5 GiB -> "23.5G"; at most three significant digits. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BINARY.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, '')}${BINARY[unit]}`;
}

/** Bytes per second -> "1.5M/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 0.1234 -> "12%" (ratio in), or with digits. */
export function formatPercent(ratio: number, digits = 0): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Seconds -> "3d 4h", "5h 12m", "12m", "45s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}
