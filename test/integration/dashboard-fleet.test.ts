/**
 * The dashboard's fleet page in a real tmux pane, read with capture-pane, fed by a real
 * Prometheus (Debian's, on a free loopback port) scraping two loopback servers that serve
 * fixed shoji exporter text for two hosts (test/integration/fleet-fixtures.ts). The dashboard's
 * config points the fleet module at that Prometheus. Then: f shows the page, whose rows are
 * exactly the fixture's values; s sorts; Enter shows a host's detail, Esc goes back; at 80x24
 * it still fits; with Prometheus stopped the page shows the error on one line over the last
 * rows and keeps drawing. A dashboard without a fleet module configured says how to do it,
 * and one under LANG=C draws the page in ASCII.
 *
 * The network counters grow by a fixed step at each scrape (rate × scrape interval), not with
 * the wall clock: a scrape answered late (this process also drives tmux, synchronously) would
 * otherwise read a counter ahead of the time Prometheus stamps it with. The rates chosen also
 * show as "1M/s" and "1K/s" anywhere within 3 % of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, SHOJI, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';
import { type RunningPrometheus, startPrometheus, stopAll } from '../helpers/prometheus.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';
import { type FixtureServer, type ShojiHost, serve, shojiExposition } from './fleet-fixtures.js';

const SOCKET = `shoji-dash-fleet-${process.pid}`;
/** Shows as "1M/s" from 0.977 MiB/s to 1.05 MiB/s, and "1K/s" from 1000 to 1075 bytes/s. */
const MEGA = 1_061_683;
const KILO = 1037;
const GiB = 1024 ** 3;
/** Prometheus's scrape interval, in seconds: a scrape's counters are this much further on. */
const SCRAPE_SECONDS = 2;

const HOSTS: Record<string, ShojiHost> = {
  'web-1': {
    cpu: 0.42,
    memoryTotal: 8 * GiB,
    memoryUsed: 6 * GiB,
    load1: 2,
    cpus: 4,
    receive: { eth0: MEGA },
    transmit: { eth0: KILO },
    filesystems: { '/': [40 * GiB, 60 * GiB] },
    hourly: { compute: 0.096, public_ipv4: 0.005, ebs: 0.008 },
    sinceBoot: { compute: 2, egress: 0.1 },
  },
  'db-1': {
    cpu: 0.9,
    memoryTotal: 8 * GiB,
    memoryUsed: 2 * GiB,
    load1: 1,
    cpus: 2,
    receive: { eth0: KILO },
    transmit: { eth0: MEGA },
    filesystems: { '/': [10 * GiB, 90 * GiB], '/data': [97 * GiB, 3 * GiB] },
  },
};
/** Each row's words as the page shows them (sparklines left out), at a width with every column. */
const ROWS = {
  'db-1': ['db-1', 'up', '90%', '25%', '0.50', '1K/s', '1M/s', '97%', '/data', '-', '-'],
  'web-1': ['web-1', 'up', '42%', '75%', '0.50', '1M/s', '1K/s', '40%', '/', '$0.11', '$2.10'],
};

let sb: Sandbox;
let prom: RunningPrometheus;
const servers: FixtureServer[] = [];

const tm = (args: string[]) => tmux(SOCKET, args, sb.env);

/** The dashboard in a new session of this size, with the sandbox's environment and these changes. */
function start(session: string, cols: number, rows: number, env: NodeJS.ProcessEnv = {}, term = 'tmux-256color'): void {
  tm(['set', '-g', 'default-terminal', term]);
  const vars = Object.entries({ ...sb.env, ...env })
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const cmd = `env -i ${vars} TERM=\\$TERM ${process.execPath} ${SHOJI} dashboard; echo DASHBOARD-EXITED \\$?; exec sleep 60`;
  tm(['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), `sh -c "${cmd}"`]);
}

const capture = (session: string) => tm(['capture-pane', '-p', '-t', session]);
const keys = (session: string, ...k: string[]) => tm(['send-keys', '-t', session, ...k]);
/** The pane's lines with the fleet box's side borders taken off (| under LANG=C, where the dashboard draws its lines in ASCII). */
const inner = (c: string) => c.split('\n').map((l) => l.replace(/^[│x?|]/, '').replace(/ *[│x?|]\s*$/, ''));
/** A row's words, sparklines (braille, blocks, ASCII dots and bars) left out. */
const words = (row: string) =>
  row
    .replace(/[\u2800-\u28ff\u2580-\u259f]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
const rowOf = (c: string, host: string) => inner(c).find((l) => l.startsWith(`${host} `));
const clock = (text: string) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(text)?.[0];
/** Wait until the pane shows what `ok` wants; the screen is returned, or shown in the failure. */
async function screen(session: string, what: string, ok: (c: string) => unknown, timeoutMs = 10_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      what,
      () => {
        last = capture(session);
        return ok(last) ? last : false;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; the pane shows:\n${last}`);
  }
}

/** q, and wait until the dashboard has exited cleanly (nothing of it left writing to the sandbox). */
async function quit(session: string): Promise<void> {
  keys(session, 'q');
  await screen(session, `${session}: the dashboard to quit`, (c) => /DASHBOARD-EXITED 0/.test(c));
}

/** Wait for the dashboard's first frame, then press f. */
async function openFleet(session: string): Promise<void> {
  await waitFor(`first frame in ${session}`, () => /Processes/.test(capture(session)), 20_000);
  keys(session, 'f');
  await waitFor(`the fleet page in ${session}`, () => / Fleet /.test(capture(session)));
}

beforeAll(async () => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  for (const h of Object.values(HOSTS)) {
    let scrapes = 0;
    servers.push(await serve(() => shojiExposition(h, SCRAPE_SECONDS * scrapes++)));
  }
  prom = await startPrometheus({
    scrapeInterval: `${SCRAPE_SECONDS}s`,
    jobs: [{ job: 'shoji', targets: servers.map((s, i) => ({ address: s.address, labels: { instance: `${Object.keys(HOSTS)[i]}:7465` } })) }],
  });
  await prom.waitForTargetsUp(2);
  // Rates need two scrapes of each target.
  await prom.waitForQuery('irate(shoji_network_receive_bytes_total[1m])', 2, 30_000);
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    ['modules:', '  updates: { enabled: false }', `  fleet: { prometheus: "${prom.url}", interval: 1 }`, ''].join('\n'),
  );
  writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
  tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
}, 60_000);

afterAll(async () => {
  if (sb) tmuxOk(SOCKET, ['kill-server'], sb.env);
  await stopAll();
  await Promise.all(servers.map((s) => s.close()));
  sb?.cleanup();
});

describe('the fleet page of shoji dashboard', () => {
  const S = 'fleet';

  it('f shows one row per host with exactly what the exporters serve, worst first, and the total', async () => {
    start(S, 160, 40);
    await openFleet(S);
    const c = await waitFor(
      'both rows with their values',
      () => {
        const now = capture(S);
        const db = rowOf(now, 'db-1');
        const web = rowOf(now, 'web-1');
        return db && web && words(db).join(' ') === ROWS['db-1'].join(' ') && words(web).join(' ') === ROWS['web-1'].join(' ') && now;
      },
      30_000,
    );
    const lines = inner(c);
    const header = lines.findIndex((l) => /^HOST +STATE\*/.test(l));
    expect(words(lines[header])).toEqual(['HOST', 'STATE*', 'CPU', 'MEM', 'LOAD', 'RX/S', 'TX/S', 'NET', 'DISK', '$/H', 'SINCE', 'BOOT']);
    // Worst first: db-1's /data is 97% full (critical).
    expect(lines[header + 1].startsWith('db-1 ')).toBe(true);
    expect(lines[header + 2].startsWith('web-1 ')).toBe(true);
    expect(c).toMatch(/total: 2 hosts, 2 up, 0 down · \$0\.11\/h · \$78\.48 per 30 days \(1 of 2 hosts\)/);
    expect(c).toMatch(/Fleet 2\/2 up · by worst \(s\) · read \d+s ago/);
    // Sparklines from Prometheus's range queries: web-1's CPU has points.
    // Sparklines from Prometheus's range queries (points every 15 s): web-1's CPU gets some.
    await waitFor('sparklines', () => /42% +[\u2800-\u28ff]+ +75%/.test(rowOf(capture(S), 'web-1') ?? ''), 30_000);
    // The header says which key this is, and the help says so.
    keys(S, '?');
    await waitFor('help', () => /fleet page \(hosts from Prometheus\)/.test(capture(S)));
    keys(S, 'x');
    await waitFor('help closed', () => !/fleet page \(hosts from Prometheus\)/.test(capture(S)));
  });

  it('s cycles the sort: the header marks the column, the rows follow', async () => {
    const order = () =>
      inner(capture(S))
        .filter((l) => /^(web|db)-1 /.test(l))
        .map((l) => l.split(' ')[0]);
    keys(S, 's');
    await waitFor('by name', () => /by name \(s\)/.test(capture(S)) && /HOST\* +STATE /.test(capture(S)));
    expect(order()).toEqual(['db-1', 'web-1']);
    keys(S, 's', 's');
    await waitFor('by memory', () => /by memory \(s\)/.test(capture(S)) && /MEM\*/.test(capture(S)));
    expect(order()).toEqual(['web-1', 'db-1']);
    keys(S, 's', 's');
    await waitFor('by worst again', () => /by worst \(s\)/.test(capture(S)) && /STATE\*/.test(capture(S)));
    expect(order()).toEqual(['db-1', 'web-1']);
  });

  it("Down and Enter open web-1's detail with its figures and history; Esc goes back", async () => {
    keys(S, 'Down');
    keys(S, 'Enter');
    // Its own history's newest point is on a whole 15 s: up to that long after Prometheus started.
    const d = await screen(S, 'the detail', (c) => /State up +exporters: shoji exporter/.test(c) && /CPU now 42%/.test(c), 30_000);
    expect(d).toMatch(/ web-1 up /);
    const lines = inner(d);
    expect(words(lines.find((l) => l.startsWith('CPU 42%'))!)).toEqual(['CPU', '42%', 'Memory', '75%', 'Load/core', '0.50', 'Disk', '40%', '/']);
    expect(lines).toContain('Received 1M/s   Sent 1K/s   EC2 estimate $0.11/h, $2.10 since boot');
    expect(d).toContain('CPU now 42%');
    expect(d).toContain('Memory now 75%');
    // Rates need two scrapes before a range point: the network graphs may still be empty.
    for (const graph of ['Received', 'Sent'])
      expect(
        lines.some((l) => new RegExp(`^${graph} (now 1[MK]/s|no history)`).test(l)),
        graph,
      ).toBe(true);
    // The CPU graph has points (braille) between its title and the next one.
    const cpu = lines.findIndex((l) => l.startsWith('CPU now'));
    const memory = lines.findIndex((l) => l.startsWith('Memory now'));
    expect(memory - cpu).toBeGreaterThan(3);
    expect(lines.slice(cpu + 1, memory).join('')).toMatch(/[\u2800-\u28ff]/);
    keys(S, 'Escape');
    await waitFor('the list again', () => /HOST +STATE\*/.test(capture(S)) && !/CPU now/.test(capture(S)));
    // Esc on the list goes back to this host's panels; f comes back to the fleet.
    keys(S, 'Escape');
    await waitFor('the host page', () => /Processes/.test(capture(S)) && !/ Fleet /.test(capture(S)));
    keys(S, 'f');
    await waitFor('the fleet page again', () => /HOST +STATE\*/.test(capture(S)));
  });

  it('fits 80x24: every line inside the pane, the main columns kept', async () => {
    tm(['resize-window', '-t', S, '-x', '80', '-y', '24']);
    const c = await screen(S, 'the page at 80x24', (now) => {
      const rows = now.replace(/\n$/, '').split('\n');
      return rows.length === 24 && /^└.*┘$/.test(rows[23].trimEnd()) && rows.every((l) => [...l].length <= 80) && rowOf(now, 'web-1');
    });
    const web = words(rowOf(c, 'web-1')!);
    for (const value of ['web-1', 'up', '42%', '75%', '$0.11']) expect(web).toContain(value);
    expect(c).toMatch(/total: 2 hosts, 2 up, 0 down/);
    tm(['resize-window', '-t', S, '-x', '160', '-y', '40']);
    await waitFor('wide again', () => /SINCE BOOT/.test(capture(S)));
  });

  it('Prometheus stopped: the error on one line over the last rows, and the page keeps drawing', async () => {
    await prom.stop();
    const c = await waitFor(
      'the error line',
      () => {
        const now = capture(S);
        return /! Prometheus http:\/\/127\.0\.0\.1:\d+: /.test(now) && now;
      },
      20_000,
    );
    const lines = inner(c);
    const error = lines.findIndex((l) => l.startsWith('! Prometheus'));
    expect(lines[error]).toContain(prom.url);
    expect(lines[error + 1]).toMatch(/^HOST +STATE\*/);
    expect(words(rowOf(c, 'db-1')!)).toEqual(ROWS['db-1']);
    expect(words(rowOf(c, 'web-1')!)).toEqual(ROWS['web-1']);
    // The rows' age grows, and the clock in the header moves on: nothing waits on Prometheus.
    const age = Number(/read (\d+)s ago/.exec(c)![1]);
    const time = clock(c);
    await waitFor('older rows and a later clock', () => {
      const now = capture(S);
      const a = /read (\d+)s ago/.exec(now);
      return a && Number(a[1]) > age && clock(now) !== time && /! Prometheus/.test(now);
    });
    await quit(S);
  });
});

describe('the fleet page without a fleet, and under LANG=C', () => {
  it('no Prometheus configured: the page says how to give the fleet module one', async () => {
    const other = join(sb.dir, 'config-none');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'config.yaml'), 'modules:\n  updates: { enabled: false }\n');
    start('none', 100, 30, { SHOJI_CONFIG_DIR: other });
    await openFleet('none');
    const c = await waitFor('the setup text', () => {
      const now = capture('none');
      return /prometheus: http:\/\/prometheus\.example:9090/.test(now) && now;
    });
    expect(c).toMatch(/Fleet not configured/);
    expect(c).toContain('docs/fleet.md');
    // No fleet panel on this host's page either: the module does not run without a Prometheus.
    keys('none', 'f');
    const host = await waitFor('the host page', () => {
      const now = capture('none');
      return /Processes/.test(now) && now;
    });
    expect(host).not.toMatch(/ fleet /);
    await quit('none');
  });

  it('LANG=C: the rows in ASCII, graphs included', async () => {
    // Prometheus is gone (stopped above): a new one for this dashboard.
    prom = await startPrometheus({
      scrapeInterval: `${SCRAPE_SECONDS}s`,
      jobs: [{ job: 'shoji', targets: servers.map((s, i) => ({ address: s.address, labels: { instance: `${Object.keys(HOSTS)[i]}:7465` } })) }],
    });
    await prom.waitForTargetsUp(2);
    const other = join(sb.dir, 'config-c');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'config.yaml'), `modules:\n  updates: { enabled: false }\n  fleet: { prometheus: "${prom.url}", interval: 1 }\n`);
    start('ascii', 160, 40, { SHOJI_CONFIG_DIR: other, LANG: 'C', LC_ALL: 'C' }, 'linux');
    await openFleet('ascii');
    const c = await screen('ascii', 'the rows', (now) => rowOf(now, 'web-1') && /total: 2 hosts/.test(now), 30_000);
    // From the header to the total (the borders are blessed's, not the page's), and the label.
    const lines = inner(c);
    const page = lines.slice(
      lines.findIndex((l) => /^HOST/.test(l)),
      lines.findIndex((l) => /^total:/.test(l)) + 1,
    );
    expect(page.length).toBeGreaterThan(3);
    for (const l of page) expect(l).toMatch(/^[\x20-\x7e]*$/);
    expect(c).toMatch(/Fleet 2\/2 up - by worst \(s\) - read \d+s ago/);
    expect(c).toMatch(/total: 2 hosts, 2 up, 0 down - \$0\.11\/h/);
    await quit('ascii');
  });
});
