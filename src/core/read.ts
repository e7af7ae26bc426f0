/**
 * Small synchronous readers for /proc, /sys and friends. Reading these files takes
 * microseconds, so sync reads keep modules simple; every reader tolerates a missing or
 * unreadable file (EACCES on /proc/net under some sandboxes) by returning null.
 *
 * A missing file is looked for with existsSync before it is read: many are often absent (DMI
 * files in VMs and containers, cgroup files of the other version, plugin folders), and a
 * failed read throws an error whose first one in a process costs ~0.4 ms, a check ~3 µs.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** The file's text, or null when it does not exist or cannot be read. */
export function readText(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The text of a file a module cannot do without; throws "cannot read <path>", which the module's error shows. */
export function readRequired(path: string): string {
  const text = readText(path);
  if (text === null) throw new Error(`cannot read ${path}`);
  return text;
}

/** The file's first line, trimmed, or null. */
export function readLine(path: string): string | null {
  const text = readText(path);
  if (text === null) return null;
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).trim();
}

/** The file's content as a number, or null when absent or not numeric. */
export function readNumber(path: string): number | null {
  const line = readLine(path);
  if (line === null || line === '') return null;
  const n = Number(line);
  return Number.isFinite(n) ? n : null;
}

/** Directory entries, or [] when the directory does not exist or cannot be read. */
export function listDir(path: string): string[] {
  if (!existsSync(path)) return [];
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** Parse "Key:   value kB" lines (/proc/meminfo, /proc/PID/status) into a map of numbers. */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const value = parseFloat(line.slice(colon + 1));
    if (Number.isFinite(value)) out.set(line.slice(0, colon).trim(), value);
  }
  return out;
}

/**
 * The file's first line, trimmed, or why there is none: 'absent' (no such file) or 'unreadable'
 * (it is there but reading it failed: EACCES on a root-only sysfs file such as RAPL's energy_uj).
 * For a reader that must tell the user which, where readLine's null cannot.
 */
export function readLineOrWhy(path: string): { line: string } | { missing: 'absent' | 'unreadable' } {
  if (!existsSync(path)) return { missing: 'absent' };
  try {
    const text = readFileSync(path, 'utf8');
    const nl = text.indexOf('\n');
    return { line: (nl < 0 ? text : text.slice(0, nl)).trim() };
  } catch {
    return { missing: 'unreadable' };
  }
}
