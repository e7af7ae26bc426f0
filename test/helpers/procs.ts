/**
 * Processes as /proc shows them, for tests that check what was left running: by process group,
 * so a test sees a script's children too, whoever their parent is now.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  /** The command name (comm). */
  name: string;
  /** The one-letter state: R, S, D, Z (a zombie: dead, waiting for its parent to reap it)... */
  state: string;
  pgid: number;
  sid: number;
}

/** /proc/PID/stat: "pid (comm) state ppid pgrp session ...", where comm may hold spaces and ')'. */
export function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  const close = stat.lastIndexOf(')');
  const [state, , pgrp, session] = stat.slice(close + 2).split(' ');
  return { pid, name: stat.slice(stat.indexOf('(') + 1, close), state, pgid: Number(pgrp), sid: Number(session) };
}

/** The processes of a process group that are still alive (zombies are dead: only unreaped). */
export function liveGroupMembers(pgid: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procInfo(Number(entry));
    if (p && p.pgid === pgid && p.state !== 'Z') out.push(p);
  }
  return out;
}
