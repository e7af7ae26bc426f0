/**
 * blessed and ncurses' 32-bit-number terminfo format: the conversion, checked against the
 * system's own entries when they are installed (and against ncurses' infocmp when it is).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toLegacyTerminfo } from '../../../src/dashboard/terminfo.js';

const ENTRIES = ['s/screen-256color', 't/tmux-256color', 'x/xterm-256color', 'l/linux'];
const DIRS = ['/usr/share/terminfo', '/lib/terminfo', '/usr/lib/terminfo'];
const find = (e: string) => DIRS.map((d) => join(d, e)).find((f) => existsSync(f));
const tmp = mkdtempSync(join(tmpdir(), 'shoji-terminfo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A tiny entry in the 32-bit format: names "t|t", 1 boolean, 2 numbers (one > 32767), 1 string. */
function tinyEntry(): Buffer {
  const names = Buffer.from('t|t\0');
  const parts = [Buffer.alloc(12), names, Buffer.from([1]), Buffer.alloc(1)];
  const nums = Buffer.alloc(8);
  nums.writeInt32LE(80, 0);
  nums.writeInt32LE(0x10000, 4);
  const strOffsets = Buffer.alloc(2);
  strOffsets.writeInt16LE(0, 0);
  const table = Buffer.from('\x1b[H\0');
  parts[0].writeUInt16LE(0o1036, 0);
  parts[0].writeUInt16LE(names.length, 2);
  parts[0].writeUInt16LE(1, 4);
  parts[0].writeUInt16LE(2, 6);
  parts[0].writeUInt16LE(1, 8);
  parts[0].writeUInt16LE(table.length, 10);
  return Buffer.concat([...parts, nums, strOffsets, table]);
}

describe('terminfo for blessed', () => {
  it('rewrites 32-bit numbers as 16-bit, clamping as ncurses does, and keeps the rest', () => {
    const out = toLegacyTerminfo(tinyEntry());
    expect(out.readUInt16LE(0)).toBe(0o432);
    const numsAt = 12 + 4 + 1 + 1;
    expect(out.readInt16LE(numsAt)).toBe(80);
    expect(out.readInt16LE(numsAt + 2)).toBe(0x7fff);
    expect(out.subarray(numsAt + 4 + 2).toString('latin1')).toBe('\x1b[H\0');
    expect(out.length).toBe(tinyEntry().length - 4);
  });

  it('leaves legacy entries and non-terminfo data alone', () => {
    const legacy = Buffer.from(tinyEntry());
    legacy.writeUInt16LE(0o432, 0);
    expect(toLegacyTerminfo(legacy)).toBe(legacy);
    expect(toLegacyTerminfo(Buffer.from('hello'))).toEqual(Buffer.from('hello'));
  });

  for (const entry of ENTRIES) {
    const file = find(entry);
    it.skipIf(!file)(`${entry}: blessed parses the converted system entry without an error`, () => {
      const Tput = createRequire(import.meta.url)('blessed/lib/tput.js');
      const errors: string[] = [];
      const original = console.error;
      console.error = (...a: unknown[]) => errors.push(a.map(String).join(' '));
      try {
        const name = entry.split('/')[1];
        const dir = join(tmp, name);
        mkdirSync(join(dir, name[0]), { recursive: true });
        writeFileSync(join(dir, name[0], name), toLegacyTerminfo(readFileSync(file!)));
        const tput = new Tput({ terminal: name, terminfoPrefix: dir });
        expect(tput.error ?? null).toBeNull();
        expect(tput.info.name).toBe(name);
        // The real capabilities, not blessed's bundled xterm fallback.
        expect(typeof tput.info.strings.cursor_address).toBe('string');
      } finally {
        console.error = original;
      }
      expect(errors).toEqual([]);
    });

    const infocmp = spawnSync('infocmp', ['-V']).status === 0;
    it.skipIf(!file || !infocmp)(`${entry}: ncurses reads the converted entry as the same terminal`, () => {
      const name = entry.split('/')[1];
      const dir = join(tmp, `cmp-${name}`);
      mkdirSync(join(dir, name[0]), { recursive: true });
      writeFileSync(join(dir, name[0], name), toLegacyTerminfo(readFileSync(file!)));
      const show = (env: NodeJS.ProcessEnv) =>
        spawnSync('infocmp', ['-x', '-1', name], { env: { ...process.env, ...env }, encoding: 'utf8' })
          .stdout.split('\n')
          .slice(1)
          .join('\n');
      const clamp = (s: string) => s.replace(/#0x10000,/g, '#0x7fff,').replace(/#65536,/g, '#32767,');
      expect(show({ TERMINFO: dir })).toBe(clamp(show({ TERMINFO: join(tmp, 'none') })));
    });
  }
});
