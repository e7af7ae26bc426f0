/**
 * Container limits (src/core/cgroup.ts) read from fixture /proc and /sys trees in a temp dir:
 * v1 and v2, the tightest limit on the way to the root, the values that mean "no limit", and
 * the readers' tolerance of missing and malformed files. Each test has its own tree (the chain
 * cache is keyed by the roots, so answers never leak between tests).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cgroupCpuLimit, cgroupCpuUsage, cgroupMemory, cgroupSwap } from '../../src/core/cgroup.js';
import { parseKeyValues, readLine, readNumber } from '../../src/core/read.js';

let root: string;
let proc: string;
let sys: string;

let top: string;

/** A fresh tree, for a change the 30 s chain cache would otherwise hide. */
function newTree(): void {
  root = mkdtempSync(join(top, 't-'));
  proc = join(root, 'proc');
  sys = join(root, 'sys');
}

beforeEach(() => {
  top = mkdtempSync(join(tmpdir(), 'shoji-cgroup-'));
  newTree();
});
afterEach(() => rmSync(top, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
const cg = (path: string) => join(sys, 'fs/cgroup', path);

describe('cgroup v2 memory', () => {
  beforeEach(() => write('sys/fs/cgroup/cgroup.controllers', 'memory\n'));

  it("takes the tightest limit on the chain, innermost wins a tie, and its group's use less inactive page cache", () => {
    write('proc/self/cgroup', '0::/a/b/c\n');
    write('sys/fs/cgroup/a/memory.max', '3000\n');
    write('sys/fs/cgroup/a/b/memory.max', '2000\n');
    write('sys/fs/cgroup/a/b/memory.current', '1500\n');
    write('sys/fs/cgroup/a/b/memory.stat', 'anon 1000\n  inactive_file 400  \nbogus\nactive_file x\n');
    write('sys/fs/cgroup/a/b/c/memory.max', 'max\n');
    expect(cgroupMemory(proc, sys)).toEqual({ version: 2, limit: 2000, used: 1100, dir: cg('a/b') });
  });

  it('equal limits: the innermost group is the one that sets it', () => {
    write('proc/self/cgroup', '0::/a/b\n');
    write('sys/fs/cgroup/a/memory.max', '2000\n');
    write('sys/fs/cgroup/a/b/memory.max', '2000\n');
    expect(cgroupMemory(proc, sys)?.dir).toBe(cg('a/b'));
  });

  it('a limit of 0 is a limit; use below the page cache is 0, and missing use is 0', () => {
    write('proc/self/cgroup', '0::/z\n');
    write('sys/fs/cgroup/z/memory.max', '0\n');
    expect(cgroupMemory(proc, sys)).toEqual({ version: 2, limit: 0, used: 0, dir: cg('z') });
    write('sys/fs/cgroup/z/memory.current', '100\n');
    write('sys/fs/cgroup/z/memory.stat', 'inactive_file 500\n');
    write('proc/self/cgroup', '0::/z\n');
    expect(cgroupMemory(proc, sys)?.used).toBe(0);
  });

  it('no limit: "max", an empty file, a negative or non-numeric value, or no file at all', () => {
    write('proc/self/cgroup', '0::/a\n');
    for (const value of ['max\n', '\n', '-1\n', 'lots\n']) {
      write('sys/fs/cgroup/a/memory.max', value);
      expect(cgroupMemory(proc, sys)).toBeNull();
    }
  });

  it('on a hybrid host the v2 tree is fs/cgroup/unified', () => {
    rmSync(cg('cgroup.controllers'));
    write('proc/self/cgroup', '1:memory:/v1\n0::/u\n');
    write('sys/fs/cgroup/unified/u/memory.max', '4096\n');
    expect(cgroupMemory(proc, sys)).toMatchObject({ version: 2, limit: 4096, dir: cg('unified/u') });
  });

  it('a path that is not under the mount (no cgroup namespace) means the mount root; ".." never climbs out', () => {
    write('proc/self/cgroup', '0::/system.slice/docker-1.scope\n');
    write('sys/fs/cgroup/memory.max', '1000\n');
    expect(cgroupMemory(proc, sys)?.dir).toBe(cg(''));
    newTree();
    write('sys/fs/cgroup/cgroup.controllers', 'memory\n');
    write('proc/self/cgroup', '0::/../../x\n');
    write('sys/fs/cgroup/x/memory.max', '900\n');
    expect(cgroupMemory(proc, sys)?.dir).toBe(cg('x'));
  });

  it("swap: the tightest memory.swap.max and its group's swap use; 0 is a limit", () => {
    write('proc/self/cgroup', '0::/a/b\n');
    write('sys/fs/cgroup/a/memory.swap.max', '0\n');
    write('sys/fs/cgroup/a/memory.swap.current', '7\n');
    write('sys/fs/cgroup/a/b/memory.swap.max', '100\n');
    expect(cgroupSwap(proc, sys)).toEqual({ limit: 0, used: 7, dir: cg('a') });
  });

  it('swap: none set, or no v2 line', () => {
    write('proc/self/cgroup', '0::/a\n');
    expect(cgroupSwap(proc, sys)).toBeNull();
  });
});

describe('cgroup v1 memory', () => {
  it("reads the memory controller's tree, total_inactive_file before inactive_file", () => {
    write('proc/self/cgroup', '12:cpu,cpuacct:/x\n7:memory:/docker/abc\n');
    write('sys/fs/cgroup/memory/docker/memory.limit_in_bytes', '5000\n');
    write('sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes', '9223372036854771712\n');
    write('sys/fs/cgroup/memory/docker/memory.usage_in_bytes', '3000\n');
    write('sys/fs/cgroup/memory/docker/memory.stat', 'inactive_file 100\ntotal_inactive_file 500\n');
    expect(cgroupMemory(proc, sys)).toEqual({ version: 1, limit: 5000, used: 2500, dir: cg('memory/docker') });
    write('sys/fs/cgroup/memory/docker/memory.stat', 'inactive_file 100\n');
    write('proc/self/cgroup', '7:memory:/docker/abc\n');
    expect(cgroupMemory(proc, sys)?.used).toBe(2900);
  });

  it('a v2 limit wins over v1; no line for the controller means no limit', () => {
    write('proc/self/cgroup', '0::/\n');
    expect(cgroupMemory(proc, sys)).toBeNull();
    expect(cgroupSwap(proc, sys)).toBeNull();
  });

  it('no /proc/self/cgroup at all: no limits anywhere', () => {
    expect(cgroupMemory(proc, sys)).toBeNull();
    expect(cgroupSwap(proc, sys)).toBeNull();
    expect(cgroupCpuLimit(proc, sys)).toBeNull();
    expect(cgroupCpuUsage(proc, sys)).toBeNull();
  });
});

describe('CPU limits', () => {
  it('v2: quota over period, the tightest on the chain; "max" is none; the period defaults to 100000', () => {
    write('sys/fs/cgroup/cgroup.controllers', 'cpu\n');
    write('proc/self/cgroup', '0::/a/b\n');
    write('sys/fs/cgroup/a/cpu.max', '300000 100000\n');
    write('sys/fs/cgroup/a/b/cpu.max', 'max 100000\n');
    expect(cgroupCpuLimit(proc, sys)).toEqual({ cores: 3, dir: cg('a') });
  });

  it('v2: a quota with no period is over 100000', () => {
    write('sys/fs/cgroup/cgroup.controllers', 'cpu\n');
    write('proc/self/cgroup', '0::/a\n');
    write('sys/fs/cgroup/a/cpu.max', '150000\n');
    expect(cgroupCpuLimit(proc, sys)).toEqual({ cores: 1.5, dir: cg('a') });
  });

  it('v2: the smaller of two quotas; a zero or broken quota is ignored', () => {
    write('sys/fs/cgroup/cgroup.controllers', 'cpu\n');
    write('proc/self/cgroup', '0::/a/b/c\n');
    write('sys/fs/cgroup/a/cpu.max', '50000 100000\n');
    write('sys/fs/cgroup/a/b/cpu.max', '0 100000\n');
    write('sys/fs/cgroup/a/b/c/cpu.max', 'x 100000\n');
    expect(cgroupCpuLimit(proc, sys)).toEqual({ cores: 0.5, dir: cg('a') });
  });

  it('v1 counts only when v2 sets no quota: cfs quota over period, -1 is none', () => {
    write('proc/self/cgroup', '4:cpu,cpuacct:/k/p\n0::/\n');
    write('sys/fs/cgroup/cgroup.controllers', 'cpu\n');
    write('sys/fs/cgroup/cpu.max', 'max 100000\n');
    write('sys/fs/cgroup/cpu/k/cpu.cfs_quota_us', '200000\n');
    write('sys/fs/cgroup/cpu/k/cpu.cfs_period_us', '100000\n');
    write('sys/fs/cgroup/cpu/k/p/cpu.cfs_quota_us', '-1\n');
    write('sys/fs/cgroup/cpu/k/p/cpu.cfs_period_us', '100000\n');
    expect(cgroupCpuLimit(proc, sys)).toEqual({ cores: 2, dir: cg('cpu/k') });
    // A v2 quota hides the v1 one.
    write('sys/fs/cgroup/cpu.max', '400000 100000\n');
    expect(cgroupCpuLimit(proc, sys)).toEqual({ cores: 4, dir: cg('') });
  });

  it('v1: a quota of 0 or a missing period is no limit', () => {
    write('proc/self/cgroup', '4:cpu:/k\n');
    write('sys/fs/cgroup/cpu/k/cpu.cfs_quota_us', '0\n');
    write('sys/fs/cgroup/cpu/k/cpu.cfs_period_us', '100000\n');
    expect(cgroupCpuLimit(proc, sys)).toBeNull();
    write('sys/fs/cgroup/cpu/k/cpu.cfs_quota_us', '100000\n');
    write('sys/fs/cgroup/cpu/k/cpu.cfs_period_us', '0\n');
    expect(cgroupCpuLimit(proc, sys)).toBeNull();
    rmSync(cg('cpu/k/cpu.cfs_period_us'));
    expect(cgroupCpuLimit(proc, sys)).toBeNull();
  });
});

describe('CPU usage of the group', () => {
  it('v2: usage_usec from cpu.stat of the innermost group', () => {
    write('sys/fs/cgroup/cgroup.controllers', 'cpu\n');
    write('proc/self/cgroup', '0::/a/b\n');
    write('sys/fs/cgroup/a/b/cpu.stat', 'usage_usec 123456\nuser_usec 100000\n');
    write('sys/fs/cgroup/a/cpu.stat', 'usage_usec 999999999\n');
    expect(cgroupCpuUsage(proc, sys)).toEqual({ usageUs: 123456, dir: cg('a/b') });
  });

  it('v1: cpuacct.usage in ns, used when v2 has no cpu.stat usage', () => {
    write('sys/fs/cgroup/cgroup.controllers', 'cpu\n');
    write('proc/self/cgroup', '3:cpuacct,cpu:/k\n0::/a\n');
    write('sys/fs/cgroup/a/cpu.stat', 'user_usec 1\n');
    write('sys/fs/cgroup/cpuacct/k/cpuacct.usage', '5000000\n');
    expect(cgroupCpuUsage(proc, sys)).toEqual({ usageUs: 5000, dir: cg('cpuacct/k') });
  });

  it('v1 without a readable usage: null', () => {
    write('proc/self/cgroup', '3:cpuacct:/k\n');
    mkdirSync(cg('cpuacct/k'), { recursive: true });
    expect(cgroupCpuUsage(proc, sys)).toBeNull();
  });
});

describe('the small readers', () => {
  it('readLine: the first line trimmed; readNumber: finite numbers only', () => {
    write('f', '  42  \nsecond\n');
    write('g', 'no newline');
    write('h', '\n');
    write('i', 'Infinity\n');
    expect(readLine(join(root, 'f'))).toBe('42');
    expect(readLine(join(root, 'g'))).toBe('no newline');
    expect(readNumber(join(root, 'f'))).toBe(42);
    expect(readNumber(join(root, 'h'))).toBeNull();
    expect(readNumber(join(root, 'i'))).toBeNull();
    expect(readNumber(join(root, 'missing'))).toBeNull();
    expect(readLine(root)).toBeNull();
  });

  it('parseKeyValues: "Key: value kB" lines, others skipped', () => {
    expect([...parseKeyValues('MemTotal:  8 kB\nnonsense\nName:\tbash\n Swap : 2.5\n')]).toEqual([
      ['MemTotal', 8],
      ['Swap', 2.5],
    ]);
  });
});
