/**
 * Line files (src/host/line-files.ts), which tail -F follows: appended line by line, started
 * over with just the newest line once the next line would take the file past 16 KiB, never
 * left to grow. Tested at the exact boundary.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineFiles, MAX_FILE_BYTES } from '../../src/host/line-files.js';

describe('line files', () => {
  let dir: string;
  let write: (name: string, line: string) => void;
  const file = () => join(dir, 'right');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-lines-'));
    write = lineFiles(dir, (_file, err) => {
      throw err;
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A line of exactly `bytes` bytes in the file, newline included, numbered at its start. */
  const lineOf = (n: number, bytes: number) => `${String(n).padStart(3, '0')}`.padEnd(bytes - 1, '.');

  it('is 16 KiB', () => expect(MAX_FILE_BYTES).toBe(16 * 1024));

  it('appends up to exactly 16 KiB, and starts over with the line that would pass it', () => {
    for (let i = 1; i <= 16; i++) write('right', lineOf(i, 1024));
    // 16 lines of 1 KiB: exactly the limit, all kept.
    expect(statSync(file()).size).toBe(MAX_FILE_BYTES);
    expect(
      readFileSync(file(), 'utf8')
        .split('\n')
        .slice(0, -1)
        .map((l) => l.slice(0, 3)),
    ).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(3, '0')));
    // One more byte would pass it: the file holds just the newest line.
    write('right', lineOf(17, 2));
    expect(readFileSync(file(), 'utf8')).toBe(`${lineOf(17, 2)}\n`);
    // And grows again from there.
    write('right', lineOf(18, 10));
    expect(readFileSync(file(), 'utf8')).toBe(`${lineOf(17, 2)}\n${lineOf(18, 10)}\n`);
  });

  it('never lets a file grow past 16 KiB, over many lines of every length', () => {
    for (let i = 0; i < 500; i++) {
      write('right', lineOf(i, 5 + ((i * 37) % 900)));
      const text = readFileSync(file(), 'utf8');
      expect(text.length).toBeLessThanOrEqual(MAX_FILE_BYTES);
      expect(text.endsWith(`${lineOf(i, 5 + ((i * 37) % 900))}\n`)).toBe(true);
    }
  });

  it('writes nothing when the line has not changed', () => {
    write('right', 'same');
    write('right', 'same');
    expect(readFileSync(file(), 'utf8')).toBe('same\n');
    write('right', 'other');
    write('right', 'same');
    expect(readFileSync(file(), 'utf8')).toBe('same\nother\nsame\n');
  });
});
