/**
 * Which host reader a module gets (src/platform/backend.ts), and that both readers answer the
 * same questions: platform name to reader, /proc missing to systeminformation, SHOJI_BACKEND
 * forcing either, a fixture tree always read directly. The readers themselves are compared on
 * this machine's real figures in test/integration/platform-backends.test.ts, and here at the
 * reader level, back to back.
 */
import { statfsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fixtureTree } from '../helpers/context.js';
import { backendName, backendOfModule, chooseBackend, HOST_MODULES, hostFor, SAME_ON_EVERY_PLATFORM } from '../../src/platform/backend.js';
import { linuxReader } from '../../src/platform/linux/index.js';
import { diskIoWhyNot, sensorsFrom, sessionsFrom, systeminformationReader, ticksFromCpus } from '../../src/platform/systeminformation.js';
import diskio from '../../plugins/diskio/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const procHere = () => true;
const noProc = () => false;
const REAL = { procRoot: '/proc', sysRoot: '/sys', root: '/' };

describe('chooseBackend', () => {
  it('Linux with /proc: the direct readers', () => {
    expect(chooseBackend({}, '/proc', 'linux', procHere)).toBe('linux');
  });

  it('Linux without /proc mounted: systeminformation', () => {
    expect(chooseBackend({}, '/proc', 'linux', noProc)).toBe('systeminformation');
  });

  it.each(['darwin', 'freebsd', 'openbsd', 'sunos', 'aix'] as NodeJS.Platform[])('%s: systeminformation, whatever /proc holds', (platform) => {
    expect(chooseBackend({}, '/proc', platform, procHere)).toBe('systeminformation');
  });

  it('SHOJI_BACKEND forces either reader', () => {
    expect(chooseBackend({ SHOJI_BACKEND: 'systeminformation' }, '/proc', 'linux', procHere)).toBe('systeminformation');
    expect(chooseBackend({ SHOJI_BACKEND: 'linux' }, '/proc', 'darwin', noProc)).toBe('linux');
    expect(chooseBackend({ SHOJI_BACKEND: '' }, '/proc', 'linux', procHere)).toBe('linux');
  });

  it('an unknown SHOJI_BACKEND is an error naming the value and the choices', () => {
    expect(() => chooseBackend({ SHOJI_BACKEND: 'sysinfo' }, '/proc', 'linux', procHere)).toThrow(
      'SHOJI_BACKEND="sysinfo": expected one of linux, systeminformation',
    );
  });

  it('a proc root other than /proc (a fixture tree) is read directly on any platform', () => {
    expect(chooseBackend({}, '/tmp/fixture/proc', 'darwin', noProc)).toBe('linux');
  });

  it('asks whether /proc is mounted only when that decides', () => {
    let asked = 0;
    const counting = () => {
      asked++;
      return true;
    };
    chooseBackend({ SHOJI_BACKEND: 'linux' }, '/proc', 'linux', counting);
    chooseBackend({}, '/fixture', 'linux', counting);
    chooseBackend({}, '/proc', 'darwin', counting);
    expect(asked).toBe(0);
    chooseBackend({}, '/proc', 'linux', counting);
    expect(asked).toBe(1);
  });
});

describe('hostFor', () => {
  it('gives the direct reader for a fixture tree and this Linux, systeminformation when forced', () => {
    expect(hostFor({ ...REAL, procRoot: '/tmp/x', env: {} }).name).toBe('linux');
    expect(hostFor({ ...REAL, env: {} }).name).toBe(process.platform === 'linux' ? 'linux' : 'systeminformation');
    expect(hostFor({ ...REAL, env: { SHOJI_BACKEND: 'systeminformation' } }).name).toBe('systeminformation');
    expect(backendName({ env: { SHOJI_BACKEND: 'linux' }, procRoot: '/proc' })).toBe('linux');
  });

  it('the lazy systeminformation reader answers every method the direct one has', async () => {
    const lazy = hostFor({ ...REAL, env: { SHOJI_BACKEND: 'systeminformation' } });
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(linuxReader).sort());
    expect(Object.keys(systeminformationReader).sort()).toEqual(Object.keys(linuxReader).sort());
    expect(await lazy.hostname(REAL)).toBe(await systeminformationReader.hostname(REAL));
  });
});

describe('which modules read the host through it', () => {
  it('each listed module asks hostFor, and disk asks statfs on every platform', () => {
    for (const id of HOST_MODULES) {
      expect(readFileSync(join(ROOT, 'plugins', id, 'index.ts'), 'utf8'), id).toMatch(/hostFor\(ctx\)/);
    }
    expect(readFileSync(join(ROOT, 'plugins/disk/index.ts'), 'utf8')).toMatch(/\bstatfs\(/);
    expect(SAME_ON_EVERY_PLATFORM).toEqual({ disk: 'statfs' });
  });

  it('shoji modules names the reader: the chosen one, statfs for disk, none for the rest', () => {
    expect(backendOfModule('cpu', { SHOJI_BACKEND: 'systeminformation' }, '/proc')).toBe('systeminformation');
    expect(backendOfModule('cpu', {}, '/fixture/proc')).toBe('linux');
    expect(backendOfModule('disk', { SHOJI_BACKEND: 'systeminformation' }, '/proc')).toBe('statfs');
    expect(backendOfModule('datetime', {}, '/proc')).toBeNull();
  });
});

describe.runIf(process.platform === 'linux')('the two readers on this Linux, back to back', () => {
  const si = systeminformationReader;
  const direct = linuxReader;

  it('memory: the same total (exact), available within 2 % of it', async () => {
    const [a, b] = [direct.memory(REAL) as { total: number; available: number }, await si.memory(REAL)];
    expect(b.total).toBe(a.total);
    expect(Math.abs(a.available - b.available)).toBeLessThanOrEqual(0.02 * a.total);
  });

  it('swap: the same total', async () => {
    expect((await si.swap(REAL)).total).toBe((direct.swap(REAL) as { total: number }).total);
  });

  it('CPU: the same lines (cpu and each cpuN), ticks since boot within 5 %', async () => {
    const a = direct.cpuTicks(REAL) as Record<string, [number, number]>;
    const b = await si.cpuTicks(REAL);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const sum = (t: [number, number]) => t[0] + t[1];
    expect(Math.abs(sum(a.cpu) - sum(b.cpu)) / sum(a.cpu)).toBeLessThanOrEqual(0.05);
    expect(await si.onlineCpus(REAL)).toBe(direct.onlineCpus(REAL));
  });

  it('uptime within 1 s, the same host name', async () => {
    expect(Math.abs((await si.uptimeSeconds(REAL))! - (direct.uptimeSeconds(REAL) as number))).toBeLessThanOrEqual(1);
    expect((await si.hostname(REAL))?.trim()).toBe((direct.hostname(REAL) as string).trim());
  });

  it("network: the same default route's interface and its counters within 16 MiB", async () => {
    const names = direct.defaultInterfaces(REAL) as string[];
    expect(await si.defaultInterfaces(REAL)).toEqual(names.slice(0, 1));
    const a = direct.interfaceBytes(REAL, names) as Map<string, { rxBytes: number; txBytes: number }>;
    const b = (await si.interfaceBytes(REAL, names))!;
    for (const n of names.slice(0, 1)) {
      expect(Math.abs(a.get(n)!.rxBytes - b.get(n)!.rxBytes)).toBeLessThanOrEqual(16 * 1024 * 1024);
      expect(Math.abs(a.get(n)!.txBytes - b.get(n)!.txBytes)).toBeLessThanOrEqual(16 * 1024 * 1024);
    }
    expect((await si.interfaceBytes(REAL, ['no-such-interface0']))?.size).toBe(0);
  });

  it("disk: statfs's sizes are systeminformation's own (it asks df) for the root filesystem", async () => {
    const { fsSize } = await import('systeminformation');
    const root = (await fsSize()).find((f) => f.mount === '/');
    const s = statfsSync('/');
    expect(root?.size).toBe(s.blocks * s.bsize);
    expect(Math.abs(root!.used - (s.blocks - s.bfree) * s.bsize)).toBeLessThanOrEqual(64 * 1024 * 1024);
  }, 20_000);

  it('diskio: per-device counters are refused by name, every disk summed otherwise', async () => {
    await expect(si.diskSectors(REAL, ['sda'], false)).rejects.toThrow(/`devices` option needs per-disk counters/);
    const sums = await si.diskSectors(REAL, [], false);
    expect(Object.keys(sums)).toEqual(['all']);
    expect(sums.all[0]).toBeGreaterThan(0);
  }, 20_000);
});

describe("systeminformation's answers, as the interface gives them", () => {
  it("CPU ticks: os.cpus()'s milliseconds as USER_HZ ticks per cpuN, summed as cpu", () => {
    // os.cpus() on this machine, at the time of writing (times in ms).
    const here = [
      { times: { user: 23776880, nice: 10660, sys: 10087760, idle: 25790210, irq: 0 } },
      { times: { user: 24997130, nice: 18340, sys: 10539680, idle: 23940540, irq: 0 } },
    ];
    const ticks = ticksFromCpus(here);
    expect(ticks.cpu0).toEqual([(23776880 + 10660 + 10087760) / 10, 2579021]);
    expect(ticks.cpu1).toEqual([(24997130 + 18340 + 10539680) / 10, 2394054]);
    expect(ticks.cpu).toEqual([ticks.cpu0[0] + ticks.cpu1[0], ticks.cpu0[1] + ticks.cpu1[1]]);
    expect(() => ticksFromCpus([])).toThrow('the system gives no CPU times (os.cpus() is empty)');
  });

  it('sensors: every known figure, hottest first; its unknowns (null, -1) left out, placeholders listed as not temperatures', () => {
    // This machine's answer (a VM without sensors), also macOS's without osx-temperature-sensor.
    expect(sensorsFrom({ main: null, cores: [], max: null, socket: [], chipset: null } as never)).toEqual({ sensors: [], ignored: [] });
    // Figures made up in the shape it gives on FreeBSD (`sysctl dev.cpu | grep temp`: one per core), with its unknown (-1) and it87's placeholder (127).
    const bsd = sensorsFrom({ main: 47.1, cores: [45, 49.5, -1, 127], max: 49.5, socket: [], chipset: null } as never);
    expect(bsd.sensors).toEqual([
      { id: 'cpu/core 1', celsius: 49.5 },
      { id: 'cpu/main', celsius: 47.1 },
      { id: 'cpu/core 0', celsius: 45 },
    ]);
    expect(bsd.ignored).toEqual(['cpu/core 3: 127']);
  });

  it("sessions: who's user, line and remote address, control characters removed, nameless lines dropped", () => {
    // Made-up sessions in the shape of its UserData (index.d.ts): a local console and a remote login with an escape in the name.
    const who = [
      { user: 'sebastian', tty: 'console', date: '2026-11-30', time: '09:51', ip: '', command: '' },
      { user: 'ops\u001b[31m', tty: 'ttys001', date: '2026-11-30', time: '10:02', ip: '192.0.2.7', command: 'vim' },
      { user: '', tty: 'ttys002', date: '', time: '', ip: '', command: '' },
    ];
    expect(sessionsFrom(who)).toEqual([
      { user: 'sebastian', line: 'console', host: '' },
      { user: 'ops[31m', line: 'ttys001', host: '192.0.2.7' },
    ]);
  });
});

describe('the direct reader of the host name', () => {
  it("takes the proc file's name, and uname's when the file names none (blank, a comment, control characters)", () => {
    const tree = fixtureTree();
    try {
      tree.write('proc/sys/kernel/hostname', 'web1\n');
      expect(linuxReader.hostname(tree)).toBe('web1\n');
      for (const nameless of ['\n', '# no name\n', '\u0007\n']) {
        tree.write('proc/sys/kernel/hostname', nameless);
        expect(linuxReader.hostname(tree), JSON.stringify(nameless)).toBe(hostname());
      }
    } finally {
      tree.cleanup();
    }
  });
});

describe('disk I/O where systeminformation has no counters', () => {
  it('FreeBSD and OpenBSD: diskio is not available, saying why; macOS and Linux count', async () => {
    expect(diskIoWhyNot('freebsd')).toBe('systeminformation counts no disk I/O on freebsd');
    expect(diskIoWhyNot('openbsd')).toBe('systeminformation counts no disk I/O on openbsd');
    expect(diskIoWhyNot('darwin')).toBeNull();
    expect(diskIoWhyNot('linux')).toBeNull();
    const ctx = { ...REAL, env: { SHOJI_BACKEND: 'systeminformation' } };
    expect(await diskio.available!(ctx as never)).toBe(process.platform === 'linux' || process.platform === 'darwin');
  });
});
