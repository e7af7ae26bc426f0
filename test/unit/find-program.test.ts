/**
 * Where shoji finds the programs it runs (src/core/find-program.ts: systemctl, apt-get, tmux,
 * notify-send, nvidia-smi): PATH's absolute folders only, regular executable files only, a name
 * with a slash as it is.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/core/find-program.js';

const dir = mkdtempSync(join(tmpdir(), 'shoji-find-'));
const bin = join(dir, 'bin');
const other = join(dir, 'other');
mkdirSync(bin);
mkdirSync(other);
mkdirSync(join(other, 'tool'));
writeFileSync(join(bin, 'tool'), '#!/bin/sh\n');
chmodSync(join(bin, 'tool'), 0o755);
writeFileSync(join(other, 'plain'), 'not a program\n');
chmodSync(join(other, 'plain'), 0o644);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findExecutable', () => {
  it('takes the first regular executable file in the absolute folders, in order', () => {
    expect(findExecutable('tool', `${other}:${bin}`)).toBe(join(bin, 'tool'));
  });

  it('never looks in a relative or empty entry (the working folder another user may have written to)', () => {
    const here = process.cwd();
    try {
      process.chdir(dir);
      expect(findExecutable('tool', 'bin:.::')).toBeNull();
    } finally {
      process.chdir(here);
    }
  });

  it('skips a folder and a file that is not executable of that name, and says null without PATH', () => {
    expect(findExecutable('plain', other)).toBeNull();
    expect(findExecutable('tool', undefined)).toBeNull();
  });

  it('takes a name with a slash as it is (a configured path), if it is an executable file', () => {
    expect(findExecutable(join(bin, 'tool'), '')).toBe(join(bin, 'tool'));
    expect(findExecutable(join(other, 'plain'), '')).toBeNull();
  });
});
