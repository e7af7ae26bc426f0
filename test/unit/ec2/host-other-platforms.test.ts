/**
 * ec2-cost off EC2 on a Mac or a BSD: no /proc, so the host's size and uptime come from Node's os
 * module (the platform and its answers stood in here: this machine is Linux), and a Mac on Apple
 * silicon is fitted to Graviton types. Linux still reads /proc, and a missing file there is an error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/ec2/catalog.js';
import { HostReadError, type OsSize, readHostSize, readTraffic, readUptime } from '../../../src/ec2/host.js';
import { toPlain } from '../../../src/ec2/money.js';
import { cheapestFits } from '../../../src/ec2/offhost.js';

let noProc: string;
beforeEach(() => {
  noProc = join(mkdtempSync(join(tmpdir(), 'shoji-ec2-host-')), 'proc');
});
afterEach(() => rmSync(join(noProc, '..'), { recursive: true, force: true }));

/** A MacBook with an M2 Pro: 10 cores, 16 GiB, up for a day and a bit. */
const MAC: OsSize = { platform: 'darwin', cpus: () => 10, totalmem: () => 16 * 1024 ** 3, uptime: () => 93_784.5 };

describe('the host’s size without /proc', () => {
  it('on macOS: os.cpus() and os.totalmem(), with the architecture (arm64 is Graviton’s)', () => {
    expect(readHostSize(noProc, 'arm64', MAC)).toEqual({ vcpus: 10, memoryMiB: 16_384, arch: 'arm64' });
    expect(readHostSize(noProc, 'x64', { ...MAC, platform: 'freebsd' })).toEqual({ vcpus: 10, memoryMiB: 16_384, arch: 'x86_64' });
  });

  it('fits an arm64 Mac to Graviton types of at least its size', () => {
    const size = readHostSize(noProc, 'arm64', MAC);
    const fits = cheapestFits(loadCatalog(), size, 'us-east-1', null);
    expect(fits.length).toBeGreaterThan(0);
    for (const f of fits) {
      expect(f.type.arch).toBe('arm64');
      expect(f.type.type).toMatch(/^[a-z]+\d+[a-z]*g[a-z]*\./); // m7g, c6gd, r8g...: Graviton
      expect(f.type.vcpu).toBeGreaterThanOrEqual(10);
      expect(f.type.memoryMiB).toBeGreaterThanOrEqual(16_384);
    }
  });

  it('says what the system did not give', () => {
    expect(() => readHostSize(noProc, 'arm64', { ...MAC, cpus: () => 0 })).toThrow(
      new HostReadError('cannot count processors: the system lists none (darwin)'),
    );
    expect(() => readHostSize(noProc, 'arm64', { ...MAC, totalmem: () => 0 })).toThrow(/cannot read the memory size/);
  });

  it('on Linux a missing cpuinfo is still an error, naming the file', () => {
    expect(() => readHostSize(noProc, 'x64', { ...MAC, platform: 'linux' })).toThrow(`cannot count processors in ${join(noProc, 'cpuinfo')}`);
  });
});

describe('the uptime without /proc', () => {
  it('on macOS and the BSDs: os.uptime()', () => {
    expect(toPlain(readUptime(noProc, MAC), 2)).toBe('93784.5');
  });

  it('on Linux a missing uptime file is still an error, naming it', () => {
    expect(() => readUptime(noProc, { ...MAC, platform: 'linux' })).toThrow(`cannot read the uptime from ${join(noProc, 'uptime')}`);
  });
});

describe('the traffic without /proc', () => {
  it('on macOS and the BSDs: nothing counted, and why, for the estimate’s notes', () => {
    const t = readTraffic(noProc, [], 'darwin');
    expect([toPlain(t.txBytes), toPlain(t.rxBytes), t.interfaces]).toEqual(['0', '0', []]);
    expect(t.unavailable).toBe(`no network counters to read on darwin (no ${join(noProc, 'net/dev')}): no traffic counted (give --tx-bytes and --rx-bytes)`);
  });

  it('is an error with --interfaces named, and on Linux', () => {
    expect(() => readTraffic(noProc, ['en0'], 'darwin')).toThrow(`cannot read network counters from ${join(noProc, 'net/dev')}`);
    expect(() => readTraffic(noProc, [], 'linux')).toThrow(`cannot read network counters from ${join(noProc, 'net/dev')}`);
  });
});
