/**
 * Which boot this is, for state kept per boot (the one-shot counters): a reboot resets every
 * counter, and comparing a new boot's with the last boot's would give wrong rates.
 *
 * - Linux: the kernel's /proc/sys/kernel/random/boot_id (a new UUID at every boot), one small
 *   file read, as always; nothing else is tried there.
 * - macOS and the BSDs have no boot_id: the boot's start, `sysctl -n kern.boottime`, which all of
 *   them answer ("{ sec = 1700000000, usec = 5 } Tue Nov 14 ..." on macOS and FreeBSD, the
 *   seconds alone on OpenBSD). One process, asked only where the file is missing. macOS moves
 *   that figure when the clock is set: the counters then start over once ("no value yet").
 * - Neither: 'unknown-boot', shared by every boot, as before (a counter that went backwards is
 *   still caught; one that grew past the old value is not).
 */
import { uptime as osUptime } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './find-program.js';
import { readLine } from './read.js';

export const UNKNOWN_BOOT = 'unknown-boot';

/** The boot's start in seconds since the epoch from `sysctl -n kern.boottime`'s answer, or null. */
export function parseBootTime(text: string): number | null {
  const t = text.trim();
  const sec = /\bsec\s*=\s*(\d{1,12})\b/.exec(t)?.[1] ?? /^(\d{1,12})$/.exec(t)?.[1];
  return sec === undefined || Number(sec) <= 0 ? null : Number(sec);
}

/** `sysctl -n kern.boottime`'s answer, or null when there is no sysctl or it has no answer. */
async function askBootTime(env: NodeJS.ProcessEnv): Promise<number | null> {
  // /usr/sbin (macOS) and /sbin (the BSDs) hold sysctl but are not always in a user's PATH.
  const sysctl = findExecutable('sysctl', `${env.PATH ?? ''}:/usr/sbin:/sbin`);
  if (sysctl === null) return null;
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(sysctl, ['-n', 'kern.boottime'], { env, timeout: 2000, maxBuffer: 4096 }, (err, stdout) => {
      resolve(err ? null : parseBootTime(String(stdout)));
    });
  });
}

/** This boot's id: boot_id under procRoot, else (off Linux) `boottime-SECONDS`, else UNKNOWN_BOOT. */
export async function bootIdOf(procRoot: string, env: NodeJS.ProcessEnv, platform: string = process.platform): Promise<string> {
  const id = readLine(join(procRoot, 'sys/kernel/random/boot_id'));
  if (id !== null) return id;
  if (platform === 'linux') return UNKNOWN_BOOT;
  const since = await askBootTime(env);
  return since === null ? UNKNOWN_BOOT : `boottime-${since}`;
}

/** Two `boottime-` ids this far apart (seconds) or closer name the same boot. */
const BOOT_SECOND_SLACK = 2;

/**
 * The boot's start, whole seconds since the epoch, from Node's uptime: no file and no process,
 * for what must stay synchronous where there is no boot_id (ec2-cost's ledger and metadata
 * cache). On macOS and OpenBSD os.uptime() is the clock's second less kern.boottime's, so this is
 * kern.boottime itself when the clock's second did not turn between the two reads (read again
 * then); on FreeBSD it is whole seconds of the monotonic clock, and on Linux a fraction, so there
 * it may differ by a second from one call to the next: compare with sameBoot, not ===.
 */
export function bootSecond(now: () => number = Date.now, uptime: () => number = osUptime): number {
  for (let tries = 0; ; tries++) {
    const before = Math.floor(now() / 1000);
    const up = uptime();
    const after = Math.floor(now() / 1000);
    if (before === after || tries >= 2) return after - Math.floor(up);
  }
}

/** This boot's id where there is no boot_id: `boottime-SECONDS`, as bootIdOf names it from sysctl. */
export function bootIdFromUptime(now?: () => number, uptime?: () => number): string {
  return `boottime-${bootSecond(now, uptime)}`;
}

/**
 * Whether two boot ids name one boot: the same id, or two `boottime-` ids within a couple of
 * seconds (Node's uptime, read a moment apart from the clock, moves them by one). No two boots
 * start that close together.
 */
export function sameBoot(a: string, b: string): boolean {
  if (a === b) return true;
  const m = /^boottime-(\d{1,12})$/.exec(a);
  const n = /^boottime-(\d{1,12})$/.exec(b);
  return m !== null && n !== null && Math.abs(Number(m[1]) - Number(n[1])) <= BOOT_SECOND_SLACK;
}
