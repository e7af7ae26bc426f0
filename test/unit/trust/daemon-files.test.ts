/**
 * The tmux daemon's own files: line files never written through a link, the want/ requests
 * never followed or recursed into, and something odd in a file's place reported, not a crash.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineFiles, MAX_FILE_BYTES } from '../../../src/host/line-files.js';
import { acquirePidFile, isDaemonFor, takeWantedWidths } from '../../../src/host/tmux-daemon.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-daemon-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('line files', () => {
  it('never writes through a symlink: the link is moved aside and its target left as it was', () => {
    const victim = join(dir, 'precious.txt');
    writeFileSync(victim, 'my notes\n');
    symlinkSync(victim, join(dir, 'right'));
    const errors: string[] = [];
    const write = lineFiles(dir, (_file, err) => errors.push(err.message));
    write('right', 'line one');
    expect(readFileSync(victim, 'utf8')).toBe('my notes\n');
    expect(lstatSync(join(dir, 'right')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('line one\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/was a symlink, not a file: moved it to .*right\.not-a-file\./);
    write('right', 'line two'); // appended as usual afterwards, nothing more reported
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('line one\nline two\n');
    expect(errors).toHaveLength(1);
  });

  it("a folder in a line file's place is moved aside once, and the line written", () => {
    mkdirSync(join(dir, 'left', 'sub'), { recursive: true });
    const errors: string[] = [];
    const write = lineFiles(dir, (_file, err) => errors.push(err.message));
    write('left', 'hello');
    expect(readFileSync(join(dir, 'left'), 'utf8')).toBe('hello\n');
    expect(errors[0]).toMatch(/was a folder/);
    expect(readdirSync(dir).filter((n) => n.startsWith('left.not-a-file.'))).toHaveLength(1);
  });

  it('starts a file over with its newest line once it would pass 16 KiB', () => {
    const write = lineFiles(dir, (_f, err) => {
      throw err;
    });
    const line = 'x'.repeat(1000);
    for (let i = 0; i < 40; i++) write('right', `${i} ${line}`);
    const text = readFileSync(join(dir, 'right'), 'utf8');
    expect(text.length).toBeLessThanOrEqual(MAX_FILE_BYTES);
    expect(text.endsWith(`39 ${line}\n`)).toBe(true);
    expect(text.startsWith('3')).toBe(true); // 16 KiB hold 16 lines: it started over at line 32
  });

  it('a line that could not be written is written again at the next change', () => {
    const errors: string[] = [];
    const write = lineFiles(join(dir, 'gone'), (_f, err) => errors.push(err.message));
    write('right', 'a');
    expect(errors).toHaveLength(1);
    mkdirSync(join(dir, 'gone'));
    write('right', 'b');
    expect(readFileSync(join(dir, 'gone', 'right'), 'utf8')).toBe('b\n');
  });
});

describe('want/ requests', () => {
  it('takes right@WIDTH files and leaves links and folders alone, never following them', () => {
    const want = join(dir, 'want');
    mkdirSync(want);
    const keep = join(dir, 'keep');
    mkdirSync(keep);
    writeFileSync(join(keep, 'precious'), 'x');
    writeFileSync(join(want, 'right@80'), '');
    writeFileSync(join(want, 'right@120'), '');
    symlinkSync(keep, join(want, 'right@99'));
    mkdirSync(join(want, 'right@100'));
    writeFileSync(join(want, 'right@100', 'inside'), 'x');
    const odd: string[] = [];
    const widths = takeWantedWidths(want, (m) => odd.push(m));
    expect(widths.sort()).toEqual([120, 80]);
    expect(existsSync(join(keep, 'precious'))).toBe(true);
    expect(existsSync(join(want, 'right@100', 'inside'))).toBe(true);
    expect(readdirSync(want).sort()).toEqual(['right@100', 'right@99']);
    expect(odd).toHaveLength(2);
  });

  it('a want/ that is a symlink to a folder of yours is not read, and nothing in it is removed', () => {
    const yours = join(dir, 'documents');
    mkdirSync(yours);
    writeFileSync(join(yours, 'right@80'), 'not a request');
    symlinkSync(yours, join(dir, 'want'));
    const odd: string[] = [];
    expect(takeWantedWidths(join(dir, 'want'), (m) => odd.push(m))).toEqual([]);
    expect(readFileSync(join(yours, 'right@80'), 'utf8')).toBe('not a request');
    expect(odd[0]).toMatch(/is not a folder/);
  });
});

describe('the pid file', () => {
  it('a live process that is not a shoji daemon for this server does not hold the lock', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => sleeper.once('spawn', r));
      expect(isDaemonFor(sleeper.pid!, 4242)).toBe(false);
      const file = join(dir, 'daemon.pid');
      writeFileSync(file, `${sleeper.pid}\n`);
      expect(acquirePidFile(file, 4242)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('pid 1 and nonsense in the file do not hold the lock', () => {
    const file = join(dir, 'daemon.pid');
    for (const text of ['1\n', 'garbage\n', '-5\n', '']) {
      writeFileSync(file, text);
      expect(acquirePidFile(file, 4242)).toBe(true);
      rmSync(file);
    }
  });

  it('leaves no temporary file behind, whether it takes the lock or not', () => {
    const file = join(dir, 'daemon.pid');
    expect(acquirePidFile(file, 4242)).toBe(true);
    expect(readdirSync(dir)).toEqual(['daemon.pid']);
  });
});
