import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bootTime,
  cpuBetween,
  type DetailView,
  parseCgroup,
  parseIo,
  parseSwap,
  procDetailLines,
  readProcDetail,
  stateName,
} from '../../../src/dashboard/proc-detail.js';
import { startTimeOf } from '../../../src/dashboard/proc-actions.js';
import { History } from '../../../src/dashboard/history.js';
import { loadTheme } from '../../../src/core/theme.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

let tree: FixtureTree | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  tree?.cleanup();
  tree = undefined;
  child?.kill('SIGKILL');
  child = undefined;
});

function statLine(pid: number, comm: string, utime: number, start: number, state = 'S'): string {
  const f = Array(50).fill('0');
  f[0] = state;
  f[1] = '1';
  f[11] = String(utime);
  f[17] = '4';
  f[19] = String(start);
  f[21] = '512';
  return `${pid} (${comm}) ${f.join(' ')}\n`;
}

/** A fixture /proc with one process: a Docker container's web server, 4 threads, 3 open files. */
function fixture() {
  tree = fixtureTree();
  tree.write('proc/stat', 'cpu 1 2 3 4\nbtime 1700000000\nprocesses 5\n');
  tree.write('proc/77/stat', statLine(77, 'nginx', 300, 1000));
  tree.write('proc/77/status', 'Name:\tnginx\nVmRSS:\t2048 kB\nVmSwap:\t    1024 kB\nThreads:\t4\n');
  tree.write('proc/77/io', 'rchar: 99\nwchar: 98\nread_bytes: 4096\nwrite_bytes: 1048576\ncancelled_write_bytes: 0\n');
  tree.write('proc/77/cgroup', '0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n');
  for (const fd of ['0', '1', '2']) tree.write(`proc/77/fd/${fd}`, '');
  return { procRoot: tree.procRoot, clkTck: 100, pageSize: 4096, boot: bootTime(tree.procRoot) };
}

const target = { pid: 77, start: '1000', command: 'nginx: master process /usr/sbin/nginx -g daemon off;', user: 'www-data' };

describe('the detail of one process', () => {
  it('reads every figure from /proc/PID', () => {
    const src = fixture();
    expect(src.boot).toBe(1700000000);
    const d = readProcDetail(src, target)!;
    expect(d).toMatchObject({
      pid: 77,
      name: 'nginx',
      state: 'S',
      startedAt: (1700000000 + 10) * 1000, // 1000 ticks at 100 Hz after boot
      rssBytes: 512 * 4096,
      swapBytes: 1024 * 1024,
      threads: 4,
      openFiles: 3,
      io: { read: 4096, write: 1048576 },
      container: 'docker 0123456789ab',
    });
    expect(d.cgroup).toMatch(/^\/system\.slice\/docker-0123/);
  });

  it('says what could not be read rather than failing: fd and io not readable, no swap line', () => {
    const src = fixture();
    tree!.write('proc/78/stat', statLine(78, 'kworker/0:1', 0, 5));
    const d = readProcDetail(src, { ...target, pid: 78, start: '5' })!;
    expect(d.openFiles).toBe('not readable');
    expect(d.io).toBeNull();
    expect(d.swapBytes).toBeNull();
    const lines = procDetailLines({ detail: d, cpu: new History(), mem: new History(), seconds: 0 }, ctx(80, 20)).join('\n');
    expect(lines).toMatch(/Open files +not readable/);
    expect(lines).toMatch(/I\/O +not readable/);
  });

  it('is null once the PID has ended or names another process', () => {
    const src = fixture();
    expect(readProcDetail(src, { ...target, start: '999' })).toBeNull();
    expect(readProcDetail(src, { ...target, pid: 4000 })).toBeNull();
  });

  it('reads a real process: its own files and I/O are readable', () => {
    child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    const pid = child.pid!;
    const src = { procRoot: '/proc', clkTck: 100, pageSize: 4096, boot: bootTime('/proc') };
    const d = readProcDetail(src, { pid, start: startTimeOf('/proc', pid)!, command: 'sleep 1000', user: 'root' })!;
    expect(d.name).toBe('sleep');
    expect(d.openFiles).toBeGreaterThanOrEqual(3);
    expect(d.io).not.toBeNull();
    expect(Math.abs(d.startedAt! - Date.now())).toBeLessThan(120_000);
  });

  it('%CPU between two readings; none for the first or a counter going back', () => {
    const src = fixture();
    const a = readProcDetail(src, target)!;
    tree!.write('proc/77/stat', statLine(77, 'nginx', 350, 1000));
    const b = readProcDetail(src, target)!;
    expect(cpuBetween(null, a, 1, 100)).toBeNull();
    expect(cpuBetween(a, b, 2, 100)).toBe(25); // 50 ticks = 0.5 s of CPU in 2 s
    expect(cpuBetween(b, a, 2, 100)).toBeNull();
  });
});

describe('reading /proc files for the detail', () => {
  it('VmSwap, io and state names', () => {
    expect(parseSwap('VmSwap:\t  12 kB\n')).toBe(12 * 1024);
    expect(parseSwap('Name:\tx\n')).toBeNull();
    expect(parseIo('read_bytes: 1\nwrite_bytes: 2\n')).toEqual({ read: 1, write: 2 });
    expect(parseIo('')).toBeNull();
    expect(stateName('Z')).toMatch(/zombie/);
    expect(stateName('?')).toBe('?');
  });

  it('names the container from the cgroup path', () => {
    const id = 'abcdef0123456789'.repeat(4);
    expect(parseCgroup(`0::/docker/${id}\n`).container).toBe('docker abcdef012345');
    expect(parseCgroup(`0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${id}.scope\n`).container).toBe('podman abcdef012345');
    expect(
      parseCgroup('0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_0000_1111_2222_333344445555.slice/cri-containerd-x.scope\n')
        .container,
    ).toBe('kubernetes pod 1b2c3d4e-0000-1111-2222-333344445555');
    expect(parseCgroup('0::/lxc.payload.web1\n').container).toBe('lxc web1');
    expect(parseCgroup('0::/user.slice/user-0.slice/session-3.scope\n')).toEqual({ cgroup: '/user.slice/user-0.slice/session-3.scope', container: null });
    // cgroup v1 only: the first controller with a path
    expect(parseCgroup('4:memory:/process_api/abc\n1:cpu:/\n0::/\n').cgroup).toBe('/process_api/abc');
    expect(parseCgroup('')).toEqual({ cgroup: null, container: null });
  });
});

function ctx(width: number, height: number) {
  return { theme: loadTheme('monochrome', '/nonexistent', {}), charset: 'ascii' as const, width, height };
}

describe('the detail view drawn', () => {
  it('shows the whole command line, the figures and both histories with their scale and span', () => {
    const src = fixture();
    const long = `/usr/bin/python3 -m http.server --bind 127.0.0.1 ${'x'.repeat(120)} END`;
    const detail = readProcDetail(src, { ...target, command: long })!;
    const cpu = new History();
    const mem = new History();
    for (const v of [null, 10, 50, 20]) cpu.push(v);
    for (const v of [1e6, 2e6, 3e6, 2e6]) mem.push(v);
    const v: DetailView = { detail, cpu, mem, seconds: 3 };
    const lines = procDetailLines(v, ctx(78, 22)).map((l) => l.replace(/\{[^}]*\}/g, ''));
    const text = lines.join('\n');
    expect(lines.length).toBeLessThanOrEqual(22); // never more than the box holds
    expect(text.replace(/\n\s{12}/g, '')).toContain(long.slice(0, 130)); // wrapped, not cut
    expect(text).toContain('END');
    expect(text).toMatch(/PID, user +77, www-data/);
    expect(text).toMatch(/State +S \(sleeping\)/);
    expect(text).toMatch(/Memory +RSS 2M, swap 1M/);
    expect(text).toMatch(/Threads +4/);
    expect(text).toMatch(/I\/O +read 4K, written 1M/);
    expect(text).toMatch(/Container +docker 0123456789ab/);
    expect(text).toMatch(/CPU % \(0-100, last 3s, since this view opened\)/);
    expect(text).toMatch(/RSS \(peak 2\.9M, last 3s/);
    expect(text).toMatch(/Esc: back/);
  });
});
