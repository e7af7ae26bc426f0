/**
 * This Linux made to look like macOS or a BSD where shoji's jobs would notice: a bin folder
 * without `setsid` and with a `tail` that refuses --pid as BSD's does; and the processes a test
 * looks for, read from the real /proc (the tests run on Linux).
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Every live process's arguments and parent, from the real /proc (the tests run on Linux). */
export function processes(): { pid: number; ppid: number; args: string[] }[] {
  const out: { pid: number; ppid: number; args: string[] }[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').slice(0, -1);
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(p), ppid, args });
    } catch {
      // ended while listed
    }
  }
  return out;
}

/** The tail processes following a line file under `dir`. */
export function followers(dir: string): { pid: number; ppid: number; args: string[] }[] {
  return processes().filter(({ args }) => basename(args[0] ?? '') === 'tail' && args.some((a) => a.startsWith(`${dir}/`)));
}

/** A bin folder holding every program of /usr/bin and /usr/sbin but `setsid`, and a `tail` that refuses --pid. */
export function bsdLikeBin(dir: string): { bin: string; tailLog: string } {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const from of ['/usr/bin', '/usr/sbin']) {
    for (const name of readdirSync(from)) {
      if (name === 'setsid' || name === 'tail') continue;
      try {
        symlinkSync(join(from, name), join(bin, name));
      } catch {
        // in both folders: the first wins, as in PATH
      }
    }
  }
  const tailLog = join(dir, 'tail.log');
  writeFileSync(
    join(bin, 'tail'),
    [
      '#!/bin/sh',
      `echo "$*" >> '${tailLog}'`,
      'for a; do case $a in --pid*) echo "tail: illegal option -- -" >&2; echo "usage: tail [-F | -f | -r] [-q] [-b # | -c # | -n #] [file ...]" >&2; exit 1 ;; esac; done',
      'exec /usr/bin/tail "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(join(bin, 'tail'), 0o755);
  return { bin, tailLog };
}
