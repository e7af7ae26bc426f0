/**
 * The two host readers (src/platform) through the real, built shoji on this Linux machine: the
 * status line and `shoji status --format json` with SHOJI_BACKEND=linux (the direct /proc and
 * /sys readers) and SHOJI_BACKEND=systeminformation, run side by side at the same moment, every
 * shared value compared.
 *
 * Both read the real host: systeminformation reads the real /proc and /sys and starts the real
 * who, ps and ip, never SHOJI_PROC_ROOT, so no fixture tree is used and the figures are this
 * machine's. Totals must be equal (memory total, CPU count, host name, mounts and their sizes,
 * interfaces); what moves between two processes' reads is held to the tolerance stated beside
 * each check. The first reading of every rate is "no value yet" on both.
 *
 * The modules are collected by `shoji collect` (full timeouts: systeminformation starts who, ps,
 * ip and lsblk, which on a busy shared machine can pass the one-shot line's 2 s cap) and shown by
 * `shoji status`, for which they are not due again (interval an hour): the line and the JSON are
 * the status command's own, the readings those two collects took, so nothing depends on timing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';

const MODULES = ['cpu', 'load', 'memory', 'swap', 'uptime', 'hostname', 'disk', 'diskio', 'network', 'users', 'processes', 'temperature'];
const BACKENDS = ['linux', 'systeminformation'] as const;
type Backend = (typeof BACKENDS)[number];

interface Segment {
  id: string;
  text: string;
  pending?: boolean;
  data?: Record<string, unknown>;
}

let boxes: Record<Backend, Sandbox>;

beforeAll(() => {
  requireBuild();
  boxes = {} as Record<Backend, Sandbox>;
  for (const backend of BACKENDS) {
    const sb = sandbox({ SHOJI_BACKEND: backend });
    // Every host module on the line, collected only by `shoji collect`; rates and sessions shown even at zero.
    const extra: Record<string, string> = { users: ', show_zero: true', network: ', threshold: 0', diskio: ', threshold: 0' };
    const every = MODULES.map((id) => `  ${id}: { interval: 3600, timeout: 60${extra[id] ?? ''} }`).join('\n');
    writeFileSync(join(sb.configDir, 'config.yaml'), `icons: ascii\nleft: []\nright: [${MODULES.join(', ')}]\nmodules:\n${every}\n`);
    boxes[backend] = sb;
  }
});
afterAll(() => {
  for (const sb of Object.values(boxes ?? {})) sb.cleanup();
});

/** Both backends' `shoji` with these arguments, started together. */
async function both(args: string[]): Promise<Record<Backend, string>> {
  const [linux, si] = await Promise.all(BACKENDS.map((b) => runShoji(args, boxes[b].env, undefined, 120_000)));
  expect(linux.stderr).toBe('');
  expect(si.stderr).toBe('');
  return { linux: linux.stdout, systeminformation: si.stdout };
}

const byId = (json: string): Map<string, Segment> => new Map((JSON.parse(json).right as Segment[]).map((s) => [s.id, s]));

/** Numbers at `key` of each side's data. */
function pair(a: Segment | undefined, b: Segment | undefined, key: string): [number, number] {
  const x = a?.data?.[key];
  const y = b?.data?.[key];
  expect(typeof x, `${a?.id}.${key} (linux)`).toBe('number');
  expect(typeof y, `${b?.id}.${key} (systeminformation)`).toBe('number');
  return [x as number, y as number];
}

const MiB = 1024 * 1024;

describe('the direct readers and systeminformation, side by side on this Linux', () => {
  let first: Record<Backend, Map<string, Segment>>;
  let second: Record<Backend, Map<string, Segment>>;
  let lines: Record<Backend, string>;

  beforeAll(async () => {
    await both(['collect', ...MODULES]);
    const one = await both(['status', '--format', 'json']);
    first = { linux: byId(one.linux), systeminformation: byId(one.systeminformation) };
    // A measurable span for the rates (their sample length is measured, never assumed).
    await new Promise((r) => setTimeout(r, 1000));
    await both(['collect', ...MODULES]);
    const two = await both(['status', '--format', 'json']);
    second = { linux: byId(two.linux), systeminformation: byId(two.systeminformation) };
    lines = await both(['status', '--format', 'plain']);
  }, 300_000);

  it('the first reading of every rate is "no value yet" on both', () => {
    for (const backend of BACKENDS) {
      const seg = first[backend];
      expect(seg.get('cpu'), backend).toMatchObject({ text: '--%', pending: true });
      expect(seg.get('diskio'), backend).toMatchObject({ text: 'r -- w --', pending: true });
      expect(seg.get('network'), backend).toMatchObject({ text: 'rx -- tx --', pending: true });
    }
  });

  it('CPU: the same processors, and busy shares within 0.25 of each other', () => {
    const [a, b] = [second.linux.get('cpu'), second.systeminformation.get('cpu')];
    const coreIds = (s: Segment | undefined) => s?.data?.coreIds as number[] | undefined;
    expect(coreIds(b)?.length).toBe(coreIds(a)?.length);
    expect(coreIds(a)?.length).toBeGreaterThan(0);
    const [x, y] = pair(a, b, 'total');
    // Two processes' samples over slightly different spans of a shared machine; libuv's busy time
    // also leaves out softirq and steal, its idle iowait.
    expect(Math.abs(x - y)).toBeLessThanOrEqual(0.25);
    // CPU time since boot: the same counters, less softirq, steal and iowait (within 5 %).
    const total = (s: Segment | undefined) => (s?.data?.busySeconds as number) + (s?.data?.idleSeconds as number);
    expect(Math.abs(total(a) - total(b)) / total(a)).toBeLessThanOrEqual(0.05);
  });

  it('load: the same CPU count, the averages within what a 5 s kernel update moves them', () => {
    const [a, b] = [second.linux.get('load'), second.systeminformation.get('load')];
    expect(pair(a, b, 'cores')[1]).toBe(pair(a, b, 'cores')[0]);
    const [one, five, fifteen] = [pair(a, b, 'one'), pair(a, b, 'five'), pair(a, b, 'fifteen')];
    expect(Math.abs(one[0] - one[1])).toBeLessThanOrEqual(2);
    expect(Math.abs(five[0] - five[1])).toBeLessThanOrEqual(0.5);
    expect(Math.abs(fifteen[0] - fifteen[1])).toBeLessThanOrEqual(0.15);
  });

  it('memory: the same total, available within 2 % of it', () => {
    const [a, b] = [second.linux.get('memory'), second.systeminformation.get('memory')];
    const [total, siTotal] = pair(a, b, 'total');
    expect(siTotal).toBe(total);
    const [x, y] = pair(a, b, 'available');
    expect(Math.abs(x - y)).toBeLessThanOrEqual(0.02 * total);
  });

  it('swap: shown by both or by neither, with the same total', () => {
    const [a, b] = [second.linux.get('swap'), second.systeminformation.get('swap')];
    expect(b === undefined).toBe(a === undefined);
    if (a !== undefined) expect(pair(a, b, 'total')[1]).toBe(pair(a, b, 'total')[0]);
  });

  it('uptime within 5 s, the same host name', () => {
    const [x, y] = pair(second.linux.get('uptime'), second.systeminformation.get('uptime'), 'seconds');
    expect(Math.abs(x - y)).toBeLessThanOrEqual(5);
    expect(second.systeminformation.get('hostname')?.data).toEqual(second.linux.get('hostname')?.data);
  });

  it('disk: the same mounts and sizes (statfs on both), used within 64 MiB', () => {
    const mounts = (s: Segment | undefined) => s?.data?.mounts as { mount: string; total: number; used: number }[];
    const [a, b] = [mounts(second.linux.get('disk')), mounts(second.systeminformation.get('disk'))];
    expect(b.map((m) => [m.mount, m.total])).toEqual(a.map((m) => [m.mount, m.total]));
    for (const [i, m] of a.entries()) expect(Math.abs(m.used - b[i].used)).toBeLessThanOrEqual(64 * MiB);
  });

  it("network: the same default route's interface, its byte counts within 16 MiB, rates within 1 MiB/s", () => {
    const [a, b] = [second.linux.get('network'), second.systeminformation.get('network')];
    expect(b?.data?.interfaces).toEqual(a?.data?.interfaces);
    for (const key of ['rxTotalBytes', 'txTotalBytes']) {
      const [x, y] = pair(a, b, key);
      expect(Math.abs(x - y), key).toBeLessThanOrEqual(16 * MiB);
    }
    for (const key of ['rx', 'tx']) {
      const [x, y] = pair(a, b, key);
      expect(Math.abs(x - y), key).toBeLessThanOrEqual(MiB);
    }
  });

  it('diskio: bytes read and written since boot within 1 % (systeminformation sums the disks holding a mounted filesystem)', () => {
    const [a, b] = [second.linux.get('diskio'), second.systeminformation.get('diskio')];
    expect(b?.data?.devices).toEqual(['all']);
    for (const key of ['readTotalBytes', 'writeTotalBytes']) {
      const [x, y] = pair(a, b, key);
      expect(Math.abs(x - y), key).toBeLessThanOrEqual(0.01 * x + 64 * MiB);
    }
  });

  it('users: the same sessions where this host keeps utmp; none on either where it keeps none', () => {
    const [a, b] = [second.linux.get('users'), second.systeminformation.get('users')];
    if (existsSync('/var/run/utmp') || existsSync('/run/utmp')) {
      expect(b?.data?.users).toEqual(a?.data?.users);
    } else {
      // The direct reader has no utmp to read (not available); who(1) reads the same missing file.
      expect(a).toBeUndefined();
      expect(b?.data).toMatchObject({ count: 0 });
    }
  });

  it('processes: counts within 15 % (ps and /proc list the same processes a moment apart)', () => {
    const [x, y] = pair(second.linux.get('processes'), second.systeminformation.get('processes'), 'processes');
    expect(Math.abs(x - y)).toBeLessThanOrEqual(0.15 * x + 5);
  });

  it('temperature: the same hottest sensor within 5 °C, or none on either', () => {
    const [a, b] = [second.linux.get('temperature'), second.systeminformation.get('temperature')];
    if (a === undefined) expect(b).toBeUndefined();
    else {
      const [x, y] = pair(a, b, 'celsius');
      expect(Math.abs(x - y)).toBeLessThanOrEqual(5);
    }
  });

  it('the status line has the same segments in the same order', () => {
    const noUtmp = !existsSync('/var/run/utmp') && !existsSync('/run/utmp');
    // The words of the line, numbers left out; without utmp the users module is on one line only (above).
    const words = (backend: Backend) =>
      lines[backend]
        .trim()
        .split(/\s+/)
        .filter((w) => /^[a-z]+$/.test(w) && !(noUtmp && w === 'users'));
    expect(words('linux').length).toBeGreaterThan(5);
    expect(words('systeminformation')).toEqual(words('linux'));
  });
});

describe('shoji modules', () => {
  it('says which reader each module reads the host with', async () => {
    for (const backend of BACKENDS) {
      const r = await runShoji(['modules', '--json'], boxes[backend].env, undefined, 120_000);
      const rows = new Map((JSON.parse(r.stdout).modules as { id: string; backend: string | null }[]).map((m) => [m.id, m.backend]));
      for (const id of MODULES) expect(rows.get(id), `${backend}: ${id}`).toBe(id === 'disk' ? 'statfs' : backend);
      expect(rows.get('datetime')).toBeNull();
    }
    const text = await runShoji(['modules'], boxes.systeminformation.env, undefined, 120_000);
    expect(text.stdout).toMatch(/^MODULE +SOURCE +ON +INTERVAL +READS +HERE +LAST VALUE$/m);
    expect(text.stdout).toMatch(/^memory +builtin +right +3600s +systeminformation +yes /m);
  }, 300_000);
});

describe('Linux never pays for systeminformation', () => {
  it('shoji status by default loads none of it; forced, it loads the lazy bundle and only the files it needs', async () => {
    // What the bundle holds: no systeminformation in the one every shoji status loads.
    expect(readFileSync(BUNDLE, 'utf8')).not.toMatch(/require\("systeminformation/);
    const sb = sandbox();
    try {
      // Every module request a process makes, written down by a hook loaded before shoji.
      const hook = join(sb.dir, 'hook.cjs');
      writeFileSync(
        hook,
        "const M = require('node:module'); const fs = require('node:fs'); const load = M._load;\n" +
          'M._load = function (request, ...rest) { if (/systeminformation/.test(request)) fs.appendFileSync(process.env.LOADED, request + "\\n"); return load.call(this, request, ...rest); };\n',
      );
      writeFileSync(join(sb.configDir, 'config.yaml'), `left: []\nright: [${MODULES.join(', ')}]\n`);
      const loaded = (name: string) => (existsSync(join(sb.dir, name)) ? readFileSync(join(sb.dir, name), 'utf8').trim().split('\n') : []);
      const withHook = (name: string, extra: NodeJS.ProcessEnv) => ({ ...sb.env, NODE_OPTIONS: `--require ${hook}`, LOADED: join(sb.dir, name), ...extra });

      const direct = await runShoji(
        ['status', '--format', 'plain'],
        withHook('direct.log', { SHOJI_RUNTIME_DIR: join(sb.dir, 'run-direct') }),
        undefined,
        120_000,
      );
      expect(direct.stdout).toMatch(/cpu/);
      expect(loaded('direct.log')).toEqual([]);

      await runShoji(
        ['collect', 'memory'],
        withHook('forced.log', { SHOJI_BACKEND: 'systeminformation', SHOJI_RUNTIME_DIR: join(sb.dir, 'run-forced') }),
        undefined,
        120_000,
      );
      const forced = loaded('forced.log');
      expect(forced).toContain('./lazy/systeminformation.cjs');
      expect(forced).toContain('systeminformation/lib/memory.js');
      expect(forced).not.toContain('systeminformation'); // the package's index, which loads all of it
    } finally {
      sb.cleanup();
    }
  }, 300_000);
});
