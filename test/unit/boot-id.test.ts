/**
 * Which boot this is: boot_id on Linux (one file, nothing else tried), `sysctl -n kern.boottime`
 * where there is none (macOS, the BSDs; the platform forced and sysctl stood in here, with the
 * answers those systems give), 'unknown-boot' when neither answers.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootIdOf, parseBootTime, UNKNOWN_BOOT } from '../../src/core/boot-id.js';
import { bootId } from '../../src/core/oneshot.js';

let dir: string;
let proc: string;
let bin: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-boot-id-'));
  proc = join(dir, 'proc');
  bin = join(dir, 'bin');
  mkdirSync(proc);
  mkdirSync(bin);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A sysctl that answers kern.boottime with `answer` and notes that it was asked. */
function standInSysctl(answer: string, status = 0): void {
  const asked = join(dir, 'asked');
  writeFileSync(join(bin, 'sysctl'), `#!/bin/sh\necho "$*" >> '${asked}'\nprintf '%s\\n' '${answer}'\nexit ${status}\n`);
  chmodSync(join(bin, 'sysctl'), 0o755);
}
const asked = () => existsSync(join(dir, 'asked'));

const MACOS = '{ sec = 1764547200, usec = 183649 } Mon Dec  1 00:00:00 2025';

describe('the boot id', () => {
  it('is boot_id where the kernel has one, on any platform, and sysctl is not asked', async () => {
    mkdirSync(join(proc, 'sys/kernel/random'), { recursive: true });
    writeFileSync(join(proc, 'sys/kernel/random/boot_id'), '0f1e2d3c-aaaa-4bbb-8ccc-000000000001\n');
    standInSysctl(MACOS);
    for (const platform of ['linux', 'darwin']) {
      expect(await bootIdOf(proc, { PATH: bin }, platform)).toBe('0f1e2d3c-aaaa-4bbb-8ccc-000000000001');
    }
    expect(asked()).toBe(false);
  });

  it('on Linux without boot_id: unknown-boot, and no process is started', async () => {
    standInSysctl(MACOS);
    expect(await bootIdOf(proc, { PATH: bin }, 'linux')).toBe(UNKNOWN_BOOT);
    expect(asked()).toBe(false);
  });

  it('on macOS and FreeBSD: the boot’s start from sysctl -n kern.boottime', async () => {
    standInSysctl(MACOS);
    expect(await bootIdOf(proc, { PATH: bin }, 'darwin')).toBe('boottime-1764547200');
    expect(asked()).toBe(true);
    // Through the one-shot path's own function, SHOJI_PROC_ROOT naming the tree.
    expect(await bootId({ PATH: bin, SHOJI_PROC_ROOT: proc }, 'freebsd')).toBe('boottime-1764547200');
  });

  it('is unknown-boot when sysctl fails or answers something else', async () => {
    standInSysctl('sysctl: unknown oid kern.boottime', 1);
    expect(await bootIdOf(proc, { PATH: bin }, 'openbsd')).toBe(UNKNOWN_BOOT);
    standInSysctl('whenever');
    expect(await bootIdOf(proc, { PATH: bin }, 'darwin')).toBe(UNKNOWN_BOOT);
  });
});

describe('kern.boottime’s answer', () => {
  it('reads macOS’ and FreeBSD’s struct, and OpenBSD’s seconds', () => {
    expect(parseBootTime(MACOS)).toBe(1764547200);
    expect(parseBootTime('{ sec = 1700000000, usec = 5 } Tue Nov 14 22:13:20 2023\n')).toBe(1700000000);
    expect(parseBootTime('1700000000\n')).toBe(1700000000);
  });

  it('refuses anything else', () => {
    for (const t of ['', 'Tue Nov 14 22:13:20 2023', '{ usec = 5 }', '0', '{ sec = 0, usec = 0 }', '-5', '12345678901234']) {
      expect(parseBootTime(t), t).toBeNull();
    }
  });
});
