/**
 * Format strings and sparklines through the real, built shoji on a fixture /proc
 * (SHOJI_PROC_ROOT): `shoji status --format tmux/plain/json` with formats set for memory, load,
 * uptime and network (interface names that try to be tmux markup stay text); the history a
 * sparkline draws, built by repeated one-shot calls and kept in the one-shot state file; and a
 * real tmux server's status line drawn by shoji's daemon, read as a person sees it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { startShojiTmux, tmuxOk } from '../helpers/tmux.js';

/** Interface names are the kernel's to allow: any but '/', ':' and whitespace, so these are names. */
const STYLED = '#[fg=red]x';
const JOB = '#(id)y';

let sb: Sandbox;
let tree: FixtureTree;
beforeAll(() => requireBuild());
beforeEach(() => {
  tree = fixtureTree();
  sb = sandbox({ SHOJI_PROC_ROOT: tree.procRoot, SHOJI_SYS_ROOT: tree.sysRoot, SHOJI_ROOT: tree.root });
  tree.write('proc/sys/kernel/random/boot_id', '5f0c1c2e-8d5e-4a77-9a3b-1d2e3f405162\n');
  tree.write('proc/meminfo', 'MemTotal: 8388608 kB\nMemFree: 1000000 kB\nMemAvailable: 6291456 kB\n');
  tree.write('proc/uptime', '277230.57 500000.00\n');
  tree.write('proc/cpuinfo', 'processor\t: 0\n\nprocessor\t: 1\n');
  loadavg(0.5);
  netDev(10_000_000);
});
afterEach(() => {
  sb.cleanup();
  tree.cleanup();
});

function loadavg(one: number): void {
  tree.write('proc/loadavg', `${one.toFixed(2)} 0.40 0.30 2/150 1234\n`);
}

function netDev(bytes: number): void {
  tree.write(
    'proc/net/dev',
    'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      `${STYLED}: ${bytes} 500 0 0 0 0 0 0 ${bytes} 300 0 0 0 0 0 0\n${JOB}: ${bytes} 500 0 0 0 0 0 0 ${bytes} 300 0 0 0 0 0 0\n`,
  );
}

/** config.yaml as JSON (which YAML reads): the names with '#' and brackets need no quoting rules. */
function config(modules: Record<string, Record<string, unknown>>, right = Object.keys(modules)): void {
  writeFileSync(join(sb.configDir, 'config.yaml'), JSON.stringify({ icons: 'ascii', left: [], right, modules }));
}

const status = (format: string, env: NodeJS.ProcessEnv = {}) => runShoji(['status', '--format', format, '--side', 'right'], { ...sb.env, ...env });
const pause = () => new Promise((r) => setTimeout(r, 300)); // past the 0.25 s intervals: due again

describe('formats on the one-shot status line', () => {
  it('draws each module from its format in tmux, plain and JSON; names from outside stay text', async () => {
    config({
      memory: { format: 'M {used}/{total} {ratio:.1%}', format_short: 'M{ratio}' },
      load: { format: 'L {one:.1}[ q{cpuQuota}]' },
      uptime: { format: 'up {seconds}' },
      network: { format: '{interfaces} {rx:>7}[ tx {tx}]', interfaces: [STYLED, JOB], interval: 0.25 },
    });
    const first = await status('plain');
    expect(first.stderr).toBe('');
    // The first network call has no rates yet: "--" outside an optional part, the part gone.
    expect(first.stdout).toBe(`mem M 2G/8G 25.0% load L 0.5 up up 3d 5h net -- ${' '.repeat(5)}--\n`);
    netDev(10_000_000 + 3_000_000);
    await pause();
    const json = JSON.parse((await status('json')).stdout).right;
    expect(json.map((s: { id: string }) => s.id)).toEqual(['memory', 'load', 'uptime', 'network']);
    expect(json[0]).toMatchObject({ text: 'M 2G/8G 25.0%', short: 'M25%', state: 'good', icon: 'memory' });
    expect(json[3].text).toMatch(/^#\[fg=red\]x, #\(id\)y +\d+(\.\d)?[KM]\/s tx \d+(\.\d)?[KM]\/s$/);
    netDev(10_000_000 + 6_000_000); // traffic again, or the network module hides itself under its threshold
    await pause();
    const tmux = (await status('tmux')).stdout;
    // Each '#' doubled before '[', and twice over before anything else (render/tmux.ts says why).
    expect(tmux).toContain('net ##[fg=red]x, ####(id)y ');
    expect(tmux).toContain('mem M 2G/8G 25.0%');
  });

  it('refuses a format naming a field the module does not publish: shoji config check names the file, line and key; the line falls back to the defaults', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [memory]\nmodules:\n  memory:\n    format: "M {usd}"\n');
    const check = await runShoji(['config', 'check'], sb.env);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain(
      `${join(sb.configDir, 'config.yaml')}:6:13: modules.memory.format: {usd}: the module has no field "usd" (fields: total, used, available, ratio, cgroup) (at character 3)`,
    );
    const line = await status('plain');
    expect(line.stdout).toMatch(/^\S*config .* mem 2G\/8G 25% /);
    expect(line.stderr).toContain('modules.memory.format: {usd}');
  });

  it('without a format, each module shows its own text', async () => {
    config({ memory: {}, load: {}, uptime: {} });
    expect((await status('plain')).stdout).toBe('mem 2G/8G 25% load 0.50 up 3d 5h\n');
  });
});

describe('sparklines on the one-shot path', () => {
  it('builds a history over repeated calls, kept in the state file, drawn on 0..max; ASCII under LANG=C', async () => {
    config({ load: { format: 'L{one:spark4}', interval: 0.25 } });
    const lines: string[] = [];
    for (const one of [1, 2, 3, 4]) {
      loadavg(one);
      lines.push((await status('plain')).stdout);
      await pause();
    }
    expect(lines).toEqual(['load L█\n', 'load L▅█\n', 'load L▃▆█\n', 'load L▃▅▇█\n']);
    loadavg(8);
    expect((await status('plain', { LANG: 'C' })).stdout).toBe('load L,-=#\n');
    // What is kept: the four newest values, for the one field a sparkline draws.
    const state = JSON.parse(readFileSync(join(sb.env.SHOJI_RUNTIME_DIR!, 'status-state.json'), 'utf8'));
    expect(state.modules.load.history).toEqual({ one: [2, 3, 4, 8] });
  });

  it('drops a saved history that is not a list of numbers, as any bad saved entry, and starts again', async () => {
    config({ load: { format: 'L{one:spark4}', interval: 0.25 } });
    loadavg(1);
    await status('plain');
    const file = join(sb.env.SHOJI_RUNTIME_DIR!, 'status-state.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.modules.load.history = { one: ['\u001b[31m', 1] };
    writeFileSync(file, JSON.stringify(state));
    loadavg(2);
    expect((await status('plain')).stdout).toBe('load L█\n');
  });
});

describe('a sparkline in a real tmux line, through the daemon', () => {
  const socket = `shoji-fmt-${process.pid}`;
  afterEach(() => {
    tmuxOk(socket, ['kill-server'], sb.env);
  });

  it('draws the history the daemon keeps, and the names as text, with nothing run', async () => {
    requireProgram('tmux');
    const pwned = join(sb.dir, 'pwned');
    // A job that would create a file if tmux ran it: no space in it, as in an interface name ($IFS stands in).
    const JOB_TOUCH = ['#(touch', '$', '{IFS}', pwned, ')z'].join('');
    config({
      load: { format: 'L{one:spark4}', interval: 1 },
      // threshold 0: the counters stand still, and a network module under its threshold has nothing to say.
      network: { format: 'net {interfaces}', interfaces: [STYLED, JOB_TOUCH], interval: 1, threshold: 0 },
    });
    netDev(1000);
    tree.write('proc/net/dev', readFileSync(join(tree.procRoot, 'net/dev'), 'utf8').replace(`${JOB}:`, `${JOB_TOUCH}:`));
    const { viewer } = await startShojiTmux(socket, sb);
    try {
      let one = 1;
      const line = await waitFor(
        'a sparkline of four samples',
        () => {
          loadavg(one++);
          const l = viewer.statusLine();
          return /L[▁▂▃▄▅▆▇█]{4}/.test(l) && l.includes('net ') ? l : undefined;
        },
        20_000,
      );
      expect(line).toContain(`net ${STYLED}, ${JOB_TOUCH}`);
      expect(existsSync(pwned)).toBe(false);
      // The styled name is not drawn red.
      expect(viewer.capture(true)).not.toMatch(/\u001b\[(?:[0-9;]*;)?31m[^\u001b]*x,/);
    } finally {
      viewer.kill();
    }
  });
});
