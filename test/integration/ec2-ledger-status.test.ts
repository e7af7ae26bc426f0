/**
 * Who records the month ledger besides the long-lived processes, with the built bundles:
 * - a one-shot `shoji status` records whenever the ec2-cost module is due (its interval), not
 *   at every run: in between it shows the module's last reading and reads nothing of the host;
 * - with `modules.ec2-cost.interfaces` set, both `shoji status` and the `ec2-cost` command record
 *   the interfaces it names, not the default route's (the fixture's /proc/net/route sends it
 *   through eth0; the config names eth1), whether the command finds the status line's validated
 *   copy of the config or has to load the config itself; `--interfaces` still wins for a run.
 */
import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { forgetChecks } from '../../src/core/trust.js';
import { readBoots } from '../../src/ec2/ledger/store.js';
import { requireBuild, runShoji, type Sandbox, sandbox } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { proc, qemu } from '../unit/ec2/hosts.js';

let tree: FixtureTree;
let sb: Sandbox;

beforeAll(() => requireBuild());
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  sb = sandbox({ SHOJI_PROC_ROOT: tree.procRoot, SHOJI_SYS_ROOT: tree.sysRoot, SHOJI_ROOT: tree.root });
  forgetChecks();
});
afterEach(() => {
  sb.cleanup();
  tree.cleanup();
});

const BTIME = Math.floor(Date.now() / 1000) - 7200;
/** The host `uptime` seconds after boot: eth0 (the default route) and eth1 with the counters given. */
function hostAt(uptime: number, eth0Tx: number, eth1Tx: number): void {
  proc(tree, { uptime: `${uptime}.00`, tx: eth0Tx, rx: 1000 });
  tree.write(
    'proc/net/dev',
    'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      '    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       0          0\n' +
      `  eth0: 1000 50    0    0    0     0          0         0 ${eth0Tx} 30    0    0    0     0       0          0\n` +
      `  eth1: 1000 50    0    0    0     0          0         0 ${eth1Tx} 30    0    0    0     0       0          0\n`,
  );
  tree.write('proc/stat', `cpu  100 0 100 1000 5 0 1 0 0 0\nbtime ${BTIME}\n`);
  tree.write('sys/class/net/eth0/ifindex', '2\n');
  tree.write('sys/class/net/eth1/ifindex', '3\n');
}

function config(ec2Cost: string): void {
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    `left: []\nright: [ec2-cost]\nmodules:\n  ec2-cost:\n    estimate_off_ec2: true\n    instance_type: m7i.large\n    region: us-east-1\n${ec2Cost}`,
  );
}

const state = () => ({ SHOJI_STATE_DIR: sb.env.SHOJI_STATE_DIR });
const ledger = () => join(sb.env.SHOJI_STATE_DIR!, 'ec2', 'ledger.json');
const boots = () => readBoots(state());
const sent = () => boots().map((b) => Object.values(b.months).reduce((s, m) => s + m.txBytes, 0n));
/** As if the ledger was last written two minutes ago: the store's rule (a minute for a one-shot run) then skips nothing. */
const ledgerWrittenTwoMinutesAgo = () => {
  const t = Date.now() / 1000 - 120;
  utimesSync(ledger(), t, t);
};

async function status(): Promise<void> {
  const r = await runShoji(['status', '--side', 'right'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/\$/);
}

it('a one-shot `shoji status` records when the module is due, and not in between', { timeout: 60_000 }, async () => {
  config('    interval: 2\n');
  hostAt(7200, 5000, 100);
  await status();
  expect(boots().map((b) => [b.samples, b.interfaces])).toEqual([[1, ['eth0']]]);
  expect(sent()).toEqual([5000n]);
  // Straight away: the module is not due, its last reading is shown, and nothing is recorded.
  hostAt(7201, 6000, 100);
  ledgerWrittenTwoMinutesAgo();
  await status();
  expect(boots().map((b) => b.samples)).toEqual([1]);
  // Its interval (2 s) later it is due, collects, and records.
  await new Promise((r) => setTimeout(r, 2500));
  hostAt(7203, 7000, 100);
  await status();
  expect(boots().map((b) => b.samples)).toEqual([2]);
  expect(sent()).toEqual([7000n]);
});

it('with modules.ec2-cost.interfaces, `shoji status` and `ec2-cost` record those interfaces, not the default route’s', { timeout: 60_000 }, async () => {
  config('    interfaces: [eth1]\n');
  hostAt(7200, 5000, 100);
  await status();
  expect(boots().map((b) => b.interfaces)).toEqual([['eth1']]);
  expect(sent()).toEqual([100n]);
  expect(existsSync(join(sb.env.SHOJI_RUNTIME_DIR!, 'config-cache.json'))).toBe(true);

  // The command, with the status line's validated copy of this config at hand.
  hostAt(7260, 9000, 300);
  ledgerWrittenTwoMinutesAgo();
  let r = await runShoji(['ec2-cost'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(boots().map((b) => [b.samples, b.interfaces])).toEqual([[2, ['eth1']]]);
  expect(sent()).toEqual([300n]);

  // Without that copy (no status line has run since the config changed): the command loads the config.
  rmSync(join(sb.env.SHOJI_RUNTIME_DIR!, 'config-cache.json'));
  config('    interfaces: [eth1]\n    free_tier: false\n');
  hostAt(7320, 12_000, 700);
  ledgerWrittenTwoMinutesAgo();
  r = await runShoji(['ec2-cost', '--detail'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(boots().map((b) => [b.samples, b.interfaces])).toEqual([[3, ['eth1']]]);
  expect(sent()).toEqual([700n]);

  // The month counts eth1's bytes only, and so does a report made now (which folds in this moment).
  hostAt(7380, 15_000, 800);
  ledgerWrittenTwoMinutesAgo();
  r = await runShoji(['ec2-cost', '--month', '--json'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ txBytes: 800 });
  expect(boots().map((b) => b.interfaces)).toEqual([['eth1']]);

  // --interfaces names a run's own.
  hostAt(7440, 16_000, 900);
  ledgerWrittenTwoMinutesAgo();
  r = await runShoji(['ec2-cost', '--interfaces', 'eth0'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(boots().map((b) => b.interfaces)).toEqual([['eth1', 'eth0']]);
});

it('a one-shot run less than 50 s after the ledger’s last write skips its own; a report made now still counts this moment', {
  timeout: 60_000,
}, async () => {
  config('    interval: 2\n');
  hostAt(7200, 5000, 100);
  await status();
  expect(boots().map((b) => b.samples)).toEqual([1]);
  /** The ledger as last written `s` seconds before the host's clock (btime + uptime). */
  const writtenBefore = (uptime: number, s: number) => utimesSync(ledger(), BTIME + uptime - s, BTIME + uptime - s);

  // Half a minute after a write (as when the tmux daemon records every minute): nothing written.
  hostAt(7230, 6000, 100);
  writtenBefore(7230, 30);
  let r = await runShoji(['ec2-cost', '--month', '--json'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(boots().map((b) => b.samples)).toEqual([1]);
  expect(JSON.parse(r.stdout)).toMatchObject({ txBytes: 6000 });
  // The status line's collect, once due, the same.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  writtenBefore(7230, 30);
  await status();
  expect(boots().map((b) => b.samples)).toEqual([1]);

  // A minute on (past 50 s): written.
  hostAt(7262, 7000, 100);
  writtenBefore(7262, 61);
  r = await runShoji(['ec2-cost'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(boots().map((b) => b.samples)).toEqual([2]);
  expect(sent()).toEqual([7000n]);
});
