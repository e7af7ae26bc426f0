/**
 * Line files (src/host/line-files.ts) at the edges the daemon meets: a FIFO in a line file's
 * place (which would block an open without O_NONBLOCK), the size counted afresh after something
 * was moved aside, and a file that could not be written started over at the next line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineFiles, MAX_FILE_BYTES } from '../../src/host/line-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-line-edges-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A line of exactly `bytes` bytes, newline included. */
const lineOf = (n: number, bytes: number) => `${String(n).padStart(3, '0')}`.padEnd(bytes - 1, '.');

describe('line files at the edges', () => {
  it("a FIFO in a line file's place is moved aside as a special file, without blocking", () => {
    expect(spawnSync('mkfifo', [join(dir, 'right')]).status).toBe(0);
    const errors: { file: string; message: string }[] = [];
    const write = lineFiles(dir, (file, err) => errors.push({ file, message: err.message }));
    write('right', 'hello');
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('hello\n');
    expect(statSync(join(dir, 'right')).isFile()).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe(join(dir, 'right'));
    expect(errors[0].message).toMatch(
      new RegExp(`^${join(dir, 'right')} was a special file, not a file: moved it to ${join(dir, 'right')}\\.not-a-file\\.\\d+$`),
    );
    const aside = readdirSync(dir).filter((n) => n.startsWith('right.not-a-file.'));
    expect(aside).toHaveLength(1);
    expect(statSync(join(dir, aside[0])).isFIFO()).toBe(true);
  });

  it('counts a file from its one line after something in its place was moved aside', () => {
    const write = lineFiles(dir, () => {});
    write('right', 'a');
    // Something replaces the file between two lines: the next line starts it anew.
    unlinkSync(join(dir, 'right'));
    mkdirSync(join(dir, 'right'));
    write('right', lineOf(1, 1024));
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe(`${lineOf(1, 1024)}\n`);
    // 15 more lines of 1 KiB make exactly 16 KiB: all kept, none started over.
    for (let i = 2; i <= 16; i++) write('right', lineOf(i, 1024));
    expect(statSync(join(dir, 'right')).size).toBe(MAX_FILE_BYTES);
    expect(readFileSync(join(dir, 'right'), 'utf8').startsWith(lineOf(1, 1024))).toBe(true);
  });

  it('starts a file over at the next line after a line could not be written', () => {
    const errors: string[] = [];
    const write = lineFiles(dir, (file, err) => errors.push(`${file}: ${err.message}`));
    write('right', 'a');
    // The folder is gone for one line (an unmounted runtime folder, say), then back.
    renameSync(dir, `${dir}.away`);
    try {
      write('right', 'b');
    } finally {
      renameSync(`${dir}.away`, dir);
    }
    expect(errors).toHaveLength(1);
    // The open's own error, reported as it came (not an attempt to move something aside).
    expect(errors[0]).toMatch(new RegExp(`^${join(dir, 'right')}: ENOENT: no such file or directory, open `));
    write('right', 'c');
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('c\n');
    write('right', 'd');
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('c\nd\n');
  });

  it('keeps each file to itself: sizes and last lines per name', () => {
    const write = lineFiles(dir, (_f, err) => {
      throw err;
    });
    write('left', 'same');
    write('right', 'same');
    write('left', 'other');
    expect(readFileSync(join(dir, 'left'), 'utf8')).toBe('same\nother\n');
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('same\n');
    expect((statSync(join(dir, 'left')).mode & 0o777).toString(8)).toBe('600');
  });

  it('a line written over an existing file from an earlier daemon replaces it', () => {
    writeFileSync(join(dir, 'right'), 'stale line from a daemon that died\n');
    const write = lineFiles(dir, (_f, err) => {
      throw err;
    });
    write('right', 'fresh');
    expect(readFileSync(join(dir, 'right'), 'utf8')).toBe('fresh\n');
  });

  it('closes every file it opens, also after moving something aside', () => {
    const open = () => readdirSync('/proc/self/fd').length;
    const write = lineFiles(dir, () => {});
    write('right', 'warm up');
    const before = open();
    for (let i = 0; i < 50; i++) write('right', `line ${i}`);
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'left'));
    write('left', 'after a link');
    expect(open()).toBe(before);
  });
});
