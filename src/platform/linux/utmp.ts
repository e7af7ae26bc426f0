/**
 * The direct reader of login sessions: the binary utmp file (<root>/var/run/utmp, else
 * <root>/run/utmp), counting its USER_PROCESS records as uptime(1) and who(1) do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginSession } from '../types.js';

/** struct utmp on Linux glibc x86_64 and aarch64 (both little-endian; 32-bit time fields). */
export const UTMP_RECORD = 384;
export const USER_PROCESS = 7;
const LINE = [8, 32] as const;
const USER = [44, 32] as const;
const HOST = [76, 256] as const;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function field(buf: Buffer, at: number, [offset, size]: readonly [number, number]): string {
  const raw = buf.subarray(at + offset, at + offset + size);
  const nul = raw.indexOf(0);
  return (nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8').replace(CONTROL, '');
}

/** Logged-in sessions from utmp bytes; a trailing partial record (a write in progress) is ignored. */
export function parseUtmp(buf: Buffer): LoginSession[] {
  const out: LoginSession[] = [];
  for (let at = 0; at + UTMP_RECORD <= buf.length; at += UTMP_RECORD) {
    if (buf.readInt32LE(at) !== USER_PROCESS) continue;
    const user = field(buf, at, USER);
    if (user === '') continue;
    out.push({ user, line: field(buf, at, LINE), host: field(buf, at, HOST) });
  }
  return out;
}

export function utmpPath(root: string): string | null {
  for (const rel of ['var/run/utmp', 'run/utmp']) {
    const path = join(root, rel);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The sessions in this host's utmp; throws, naming the folder, when there is no utmp (any more). */
export function sessions(root: string): LoginSession[] {
  const path = utmpPath(root);
  if (path === null) throw new Error(`no utmp file under ${root}`);
  return parseUtmp(readFileSync(path));
}
