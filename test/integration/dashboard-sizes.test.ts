/**
 * Every size the dashboard is designed for, as a person sees it: the built dashboard in a real
 * tmux pane of 80x24, 100x30, 120x40, 160x48 and 200x60, on a fixture host (test/helpers/
 * fixture-host.ts, with a fixed set of processes) so that its values hold still, read with
 * `capture-pane -p` and compared with test/golden/dashboard-<size>.txt.
 *
 * What still moves is masked, each in one declared way (MASKS): the clock, the time a graph's
 * width spans, and the graphs' cells themselves (how far a graph has filled depends on how many
 * frames came before the capture). Everything else, every panel's text and where it sits, is
 * compared cell for cell. Rewrite the files after a deliberate change with
 * `UPDATE_GOLDEN=1 npx vitest run test/integration/dashboard-sizes.test.ts`, and read them.
 */
import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, sandbox, SHOJI, waitFor, type Sandbox } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';
import { FIXTURE_OPTIONS, fixtureHost } from '../helpers/fixture-host.js';
import { expectGolden } from '../helpers/golden.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';

const SOCKET = `shoji-dash-sizes-${process.pid}`;
let sb: Sandbox;
let tree: FixtureTree;
let cpuTicker: NodeJS.Timeout | undefined;

// tmux runs with an environment of its own (tmuxEnv): the sandbox's PATH has no programs in it.
const tm = (args: string[]) => tmux(SOCKET, args);

const SIZES = [
  [80, 24],
  [100, 30],
  [120, 40],
  [160, 48],
  [200, 60],
] as const;

/**
 * What differs from one run to the next, and nothing else, each replaced by text of the same
 * width so that every border stays in place: a date with a time of day (the clock, and when a
 * module last looked) and time-utc's clock; the fixture's folder, whose name is random; the disk's use (statfs of the
 * real filesystem the fixture is on) in the Disk panel's title and gauge; the span in a graph's
 * label ("· 12s": how long the dashboard has been sampling), with the graph cells after it; and
 * braille cells (a graph grows by a column a sample; ⣀, the empty part of a gauge, goes too).
 */
const MASKS: [RegExp, (match: string) => string][] = [
  [/\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?/g, (m) => 'YYYY-MM-DD hh:mm:ss'.slice(0, m.length)],
  [/\d\d:\d\d UTC/g, () => 'hh:mm UTC'],
  [/shoji-fixture-[A-Za-z0-9]{6}/g, () => 'shoji-fixture-XXXXXX'],
  [/(?<=Disk )\d+%/g, () => 'NN%'],
  [/(?<=│\/ +)[█▉▊▋▌▍▎▏\u2800-\u28ff ]*[\d.]+[KMGTP]?\/[\d.]+[KMGTP]? +\d+%/g, (m) => 'used/size NN%'.padStart(m.length)],
  [/· \d+[smh][ \u2800-\u28ff]*/g, (m) => '· Ns'.padEnd(m.length)],
  [/[\u2800-\u28ff]/g, () => ' '],
];
const mask = (screen: string) => MASKS.reduce((s, [re, to]) => s.replace(re, to), screen);

/**
 * Processes as a busy server has them: long paths, interpreters running scripts, a kernel
 * thread (hidden by default) and a user name longer than the USER column.
 */
const PROCESSES: { pid: number; ppid: number; comm: string; state: string; rssPages: number; threads: number; cmdline: string[] }[] = [
  { pid: 1, ppid: 0, comm: 'systemd', state: 'S', rssPages: 3_300, threads: 1, cmdline: ['/sbin/init', 'splash'] },
  { pid: 2, ppid: 0, comm: 'kthreadd', state: 'S', rssPages: 0, threads: 1, cmdline: [] },
  { pid: 14, ppid: 2, comm: 'ksoftirqd/0', state: 'S', rssPages: 0, threads: 1, cmdline: [] },
  { pid: 311, ppid: 1, comm: 'systemd-journal', state: 'S', rssPages: 6_100, threads: 1, cmdline: ['/usr/lib/systemd/systemd-journald'] },
  { pid: 702, ppid: 1, comm: 'sshd', state: 'S', rssPages: 2_200, threads: 1, cmdline: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'] },
  {
    pid: 1480,
    ppid: 1,
    comm: 'java',
    state: 'S',
    rssPages: 420_000,
    threads: 57,
    cmdline: ['/usr/lib/jvm/java-17-openjdk-amd64/bin/java', '-Xms2g', '-Xmx2g', '-jar', '/opt/inventory/inventory-service.jar', '--port', '8080'],
  },
  {
    pid: 2210,
    ppid: 1,
    comm: 'python3',
    state: 'R',
    rssPages: 250_000,
    threads: 9,
    cmdline: ['/usr/bin/python3', '/home/alice/projects/forecast/train_model.py', '--epochs', '40', '--data', '/srv/data/sales-2026.parquet'],
  },
  { pid: 2301, ppid: 1, comm: 'postgres', state: 'S', rssPages: 36_000, threads: 1, cmdline: ['postgres: 16/main: checkpointer'] },
  { pid: 3005, ppid: 702, comm: 'bash', state: 'S', rssPages: 1_300, threads: 1, cmdline: ['-bash'] },
  { pid: 3090, ppid: 3005, comm: 'tmux: server', state: 'S', rssPages: 1_700, threads: 1, cmdline: ['tmux', 'new-session', '-s', 'work'] },
  {
    pid: 3150,
    ppid: 3090,
    comm: 'node',
    state: 'S',
    rssPages: 31_000,
    threads: 11,
    cmdline: ['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'build'],
  },
];

/** The fixed processes under <procRoot>: stat (with the fields the table reads) and cmdline. */
function writeProcesses(t: FixtureTree): void {
  for (const x of PROCESSES) {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice num_threads itrealvalue starttime vsize rss ...
    const fields = [x.state, x.ppid, x.pid, x.pid, 0, -1, 0, 0, 0, 0, 0, 400, 100, 0, 0, 20, 0, x.threads, 0, 1000 + x.pid, 0, x.rssPages, 0];
    t.write(`proc/${x.pid}/stat`, `${x.pid} (${x.comm}) ${fields.join(' ')}\n`);
    t.write(`proc/${x.pid}/cmdline`, x.cmdline.length ? `${x.cmdline.join('\0')}\0` : '');
  }
}

/**
 * /proc/stat moving on every 100 ms, every counter by the same share of its step, so the CPU's
 * figures are the same whatever the time between two of the dashboard's samples: 3 busy ticks
 * in 13 (23%) in total, and per core 2 in 12 (17%) and 1 in 12 (8%). Written whole, then renamed
 * into place, so a read never sees half a file.
 */
function tickCpu(t: FixtureTree): NodeJS.Timeout {
  let step = 0;
  const write = () => {
    step++;
    const line = (name: string, user: number, system: number, idle: number) => `${name} ${user * step} 0 ${system * step} ${idle * step} 0 0 0 0 0 0`;
    t.write('proc/stat.next', `${[line('cpu ', 200, 100, 1000), line('cpu0', 100, 100, 1000), line('cpu1', 100, 0, 1100)].join('\n')}\nintr 1\n`);
    renameSync(join(t.procRoot, 'stat.next'), join(t.procRoot, 'stat'));
  };
  write();
  return setInterval(write, 100);
}

function start(session: string, cols: number, rows: number): void {
  const vars = Object.entries(sb.env)
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const cmd = `env -i ${vars} TERM=tmux-256color ${process.execPath} ${SHOJI} dashboard; exec sleep 120`;
  tm(['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), `sh -c "${cmd}"`]);
}

beforeAll(() => {
  requireBuild();
  requireProgram('tmux');
  // Under /tmp wherever TMPDIR points: its paths are shown, and their length decides where they are cut.
  tree = fixtureTree('/tmp');
  fixtureHost(tree);
  writeProcesses(tree);
  cpuTicker = tickCpu(tree);
  // The user every fixture process belongs to (this test's own uid), named longer than the USER column.
  tree.write('root/etc/passwd', `svc-inventory:x:${process.getuid?.() ?? 0}:0::/:/bin/sh\n`);
  tree.write('root/etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
  tree.write('proc/sys/kernel/ostype', 'Linux\n');
  tree.write('proc/sys/kernel/osrelease', '6.1.0-28-amd64\n');
  // Dates the modules show (since when a reboot is required) at a fixed time, written in UTC.
  const since = new Date('2026-11-30T09:00:00Z');
  for (const f of ['root/var/run/reboot-required', 'root/var/run/reboot-required.pkgs']) utimesSync(join(tree.dir, f), since, since);
  sb = sandbox({ SHOJI_PROC_ROOT: tree.procRoot, SHOJI_SYS_ROOT: tree.sysRoot, SHOJI_ROOT: tree.root, PATH: join(tree.dir, 'bin'), TZ: 'UTC' });
  // whoami names the user running the test (os.userInfo, not the fixture's passwd): not a fixture's.
  const options = Object.entries({ ...FIXTURE_OPTIONS, whoami: { enabled: false } })
    .map(([id, o]) => `  ${id}: ${JSON.stringify(o)}\n`)
    .join('');
  writeFileSync(join(sb.configDir, 'config.yaml'), `modules:\n${options}`);
  writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
  tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
});

afterAll(() => {
  clearInterval(cpuTicker);
  tmuxOk(SOCKET, ['kill-server']);
  sb?.cleanup();
  tree?.cleanup();
});

describe('the dashboard at every size it is designed for, in a real pane', () => {
  for (const [cols, rows] of SIZES) {
    it(`${cols}x${rows}`, async () => {
      const s = `d${cols}`;
      start(s, cols, rows);
      // Ready when every panel has its values (%CPU needs a second process sample, rates a second
      // reading, modules their first) and two captures a second apart read the same, masked.
      let before = '';
      const screen = await waitFor(
        `${s}: every panel with its values, and still`,
        async () => {
          const c = mask(tm(['capture-pane', '-p', '-t', s]));
          const ready = /CPU 23%/.test(c) && /rx 0B\/s/.test(c) && /read 0B\/s/.test(c) && / 0\.0 /.test(c) && /EC2 cost ~\$/.test(c) && !/\.\.\./.test(c);
          const still = ready && c === before;
          before = c;
          if (!still) await new Promise((r) => setTimeout(r, 1000));
          return still && c;
        },
        40_000,
      );
      tm(['send-keys', '-t', s, 'q']);
      expect(screen.split('\n').length).toBeGreaterThanOrEqual(rows);
      expectGolden(`dashboard-${cols}x${rows}.txt`, screen);
    });
  }
});

describe('a panel with nothing to report, in a real pane', () => {
  it('a host without a default route: the network panel is one line, and the process table takes its rows', async () => {
    // Only the header line of the routing table: no interface for the network module to show.
    tree.write('proc/net/route', 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n');
    start('quiet', 80, 24);
    const screen = (
      await waitFor('the network panel saying it has nothing to show', () => {
        const c = tm(['capture-pane', '-p', '-t', 'quiet']);
        return /no interface/.test(c) && / 0\.0 /.test(c) && c;
      })
    ).split('\n');
    tm(['send-keys', '-t', 'quiet', 'q']);
    const network = screen.findIndex((l) => /─ Network /.test(l));
    expect(network).toBeGreaterThan(0);
    // Its shorter form where the long one does not fit 38 cells, not one cut with ~.
    expect(screen[network + 1]).toMatch(/│no interface \(no default route\?\) *│/);
    expect(screen.findIndex((l) => /─ Processes /.test(l))).toBe(network + 3);
    // Rows that showed the network now show processes: all nine, where 24 rows had room for seven.
    expect(screen.filter((l) => /^│ +\d+ +0\.0 /.test(l))).toHaveLength(9);
  });
});
