/**
 * The tmux daemon's parts that run outside it, at their edges: the right side's width at the
 * minimum, who holds the single-instance lock (read from a /proc of the test's making), and the
 * want/ requests that are taken or left alone. The daemon's loop itself (signals, renders, the
 * watch on its tmux server) runs only in the built daemon: test/integration covers it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquirePidFile, isDaemonFor, loadPsRunner, rightWidthFor, takeWantedWidths, tmuxDir } from '../../src/host/tmux-daemon.js';

let dir: string;
beforeAll(loadPsRunner); // as the daemon does before it judges a pid file
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-daemon-parts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the right side width', () => {
  it('is never under 10 cells, and is exactly the room when the room is 10 or 11', () => {
    expect(rightWidthFor(24, 10, 0)).toBe(10); // room 10
    expect(rightWidthFor(25, 10, 0)).toBe(11); // room 11
    expect(rightWidthFor(23, 10, 0)).toBe(10); // room 9: the minimum
    expect(rightWidthFor(0, 0, 0)).toBe(10);
  });

  it('takes max_width when it is smaller than the room, and the room when it is not', () => {
    expect(rightWidthFor(100, 10, 86)).toBe(86);
    expect(rightWidthFor(100, 10, 85)).toBe(85);
    expect(rightWidthFor(100, 10, 87)).toBe(86);
    expect(rightWidthFor(100, 10, 1)).toBe(1);
    expect(rightWidthFor(100, 10, -1)).toBe(86); // not a cap
  });

  it('lives in the runtime folder, one per tmux server', () => {
    expect(tmuxDir({ SHOJI_RUNTIME_DIR: join(dir, 'run') }, 4242)).toBe(join(dir, 'run', 'tmux-4242'));
  });
});

/** A /proc of our making: `pid`'s command line is `args`. */
function fakeProc(pid: number | string, args: string[]): string {
  const root = join(dir, 'proc');
  mkdirSync(join(root, String(pid)), { recursive: true });
  writeFileSync(join(root, String(pid), 'cmdline'), `${args.join('\0')}\0`);
  return root;
}

const DAEMON = ['/usr/bin/node', '/opt/shoji/dist/shoji.cjs', 'tmux-daemon', '--server-pid', '4242'];

describe('whether a pid is a shoji daemon for a tmux server', () => {
  it('is, when the live process says tmux-daemon --server-pid with that server', () => {
    const proc = fakeProc(process.pid, DAEMON);
    expect(isDaemonFor(process.pid, 4242, proc)).toBe(true);
  });

  it('is not, for another server, without tmux-daemon, or with --server-pid and no value', () => {
    expect(isDaemonFor(process.pid, 4243, fakeProc(process.pid, DAEMON))).toBe(false);
    expect(isDaemonFor(process.pid, 4242, fakeProc(process.pid, ['node', 'shoji.cjs', 'status', '--server-pid', '4242']))).toBe(false);
    expect(isDaemonFor(process.pid, 4242, fakeProc(process.pid, ['node', 'tmux-daemon', '4242', '--server-pid']))).toBe(false);
    // The server's pid as the next word, not anywhere in the line.
    expect(isDaemonFor(process.pid, 4242, fakeProc(process.pid, ['node', 'tmux-daemon', '--server-pid', '1', '4242']))).toBe(false);
  });

  it('finds --server-pid as the first word too', () => {
    expect(isDaemonFor(process.pid, 4242, fakeProc(process.pid, ['--server-pid', '4242', 'tmux-daemon']))).toBe(true);
  });

  it('asks ps where there is no /proc to ask (macOS, the BSDs)', async () => {
    const noProc = join(dir, 'no-proc');
    // This test's own process is no daemon: ps names vitest's worker.
    expect(isDaemonFor(process.pid, 4242, noProc)).toBe(false);
    const daemon = spawn('sh', ['-c', 'sleep 30; :', 'tmux-daemon', '--server-pid', '4242'], { stdio: 'ignore' });
    try {
      await new Promise((r) => daemon.once('spawn', r));
      expect(isDaemonFor(daemon.pid!, 4242, noProc)).toBe(true);
      expect(isDaemonFor(daemon.pid!, 424, noProc)).toBe(false); // whole words: not a prefix of the server's pid
      expect(isDaemonFor(daemon.pid!, 4243, noProc)).toBe(false);
    } finally {
      daemon.kill();
    }
  });

  it('takes a live process at its word where there is neither /proc nor ps', () => {
    expect(isDaemonFor(process.pid, 4242, join(dir, 'no-proc'), join(dir, 'no-ps'))).toBe(true);
  });

  it('is not, for pid 0 or below (kill(0) would ask about the whole process group), whatever /proc says', () => {
    for (const pid of [0, -1, Number.NaN]) {
      expect(isDaemonFor(pid, 4242, fakeProc(String(pid), DAEMON))).toBe(false);
    }
  });

  it('is not, for a process that has ended', () => {
    const ended = spawnSync('true');
    expect(ended.pid).toBeGreaterThan(0);
    expect(isDaemonFor(ended.pid!, 4242, fakeProc(ended.pid!, DAEMON))).toBe(false);
  });
});

describe('the single-instance lock', () => {
  it('is not taken while a live daemon for this server holds it, and its file is left as it was', async () => {
    // A live process whose command line reads as a daemon for server 4242 (sh keeps running: two commands).
    const holder = spawn('sh', ['-c', 'sleep 30; :', 'tmux-daemon', '--server-pid', '4242'], { stdio: 'ignore' });
    try {
      await new Promise((r) => holder.once('spawn', r));
      expect(isDaemonFor(holder.pid!, 4242)).toBe(true);
      const file = join(dir, 'daemon.pid');
      writeFileSync(file, `${holder.pid}\n`);
      expect(acquirePidFile(file, 4242)).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe(`${holder.pid}\n`);
      expect(readdirSync(dir)).toEqual(['daemon.pid']);
      // The same holder for another server does not hold this one's lock.
      expect(acquirePidFile(file, 4243)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a pid of more than ten digits, or digits with anything around them, names no one, and the lock is taken', () => {
    const file = join(dir, 'daemon.pid');
    for (const text of ['12345678901\n', 'x123\n', '123x\n']) {
      writeFileSync(file, text);
      expect(acquirePidFile(file, 4242), text).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    }
  });

  it('fails plainly when its folder does not exist, leaving nothing behind', () => {
    // The open's own error, not one from cleaning up a temporary file that was never made.
    expect(() => acquirePidFile(join(dir, 'gone', 'daemon.pid'), 4242)).toThrow(/ENOENT: no such file or directory, open /);
    expect(existsSync(join(dir, 'gone'))).toBe(false);
  });

  it('closes the files it opens, whether it takes the lock or not', () => {
    const open = () => readdirSync('/proc/self/fd').length;
    const file = join(dir, 'daemon.pid');
    expect(acquirePidFile(file, 4242)).toBe(true);
    const before = open();
    for (let i = 0; i < 10; i++) {
      rmSync(file);
      expect(acquirePidFile(file, 4242)).toBe(true);
    }
    expect(open()).toBe(before);
  });

  it('writes the file with only the owner able to read it', () => {
    const file = join(dir, 'daemon.pid');
    expect(acquirePidFile(file, 4242)).toBe(true);
    expect(spawnSync('stat', ['-c', '%a', file], { encoding: 'utf8' }).stdout.trim()).toBe('600');
  });
});

describe('want/ requests', () => {
  it('a folder that is not there yet: no widths, nothing reported', () => {
    const odd: string[] = [];
    expect(takeWantedWidths(join(dir, 'want'), (m) => odd.push(m))).toEqual([]);
    expect(odd).toEqual([]);
  });

  it("a file in the folder's place is reported by name", () => {
    writeFileSync(join(dir, 'want'), '');
    const odd: string[] = [];
    expect(takeWantedWidths(join(dir, 'want'), (m) => odd.push(m))).toEqual([]);
    expect(odd).toEqual([`${join(dir, 'want')} is not a folder; ignoring it`]);
  });

  it('takes only right@ and one to five digits; a width of 0 is taken away but not served', () => {
    const want = join(dir, 'want');
    mkdirSync(want);
    for (const name of ['right@1', 'right@99999', 'right@0', 'right@123456', 'left@80', 'xright@80', 'right@80x', 'right@']) {
      writeFileSync(join(want, name), '');
    }
    mkdirSync(join(want, 'right@7'));
    const odd: string[] = [];
    expect(takeWantedWidths(want, (m) => odd.push(m)).sort((a, b) => a - b)).toEqual([1, 99999]);
    expect(readdirSync(want).sort()).toEqual(['left@80', 'right@', 'right@123456', 'right@7', 'right@80x', 'xright@80']);
    expect(odd.sort()).toEqual(
      [
        `unexpected entry ${join(want, 'left@80')} left alone`,
        `unexpected entry ${join(want, 'right@')} left alone`,
        `unexpected entry ${join(want, 'right@123456')} left alone`,
        `unexpected entry ${join(want, 'right@80x')} left alone`,
        `unexpected entry ${join(want, 'xright@80')} left alone`,
        `unexpected folder ${join(want, 'right@7')} left alone`,
      ].sort(),
    );
  });
});
