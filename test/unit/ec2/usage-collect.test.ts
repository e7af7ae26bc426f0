/**
 * Who keeps the hourly usage record: the ec2-cost status module's collect in a long-lived process
 * (ctx.longLived: tmux daemon, screen stream, exporter, dashboard) and its minute timer; never a
 * one-shot `shoji status` collect, nor the `ec2-cost` command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ec2Cost from '../../../plugins/ec2-cost/index.js';
import { forgetChecks } from '../../../src/core/trust.js';
import { MINUTE_MS, minuteTick, stopMinuteRecorder, usageRecorded } from '../../../src/ec2/ledger/collect.js';
import { openHourFile, usageDir } from '../../../src/ec2/usage/store.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { run } from './run.js';

let tree: FixtureTree;
let state: NodeJS.ProcessEnv;
const BTIME = Date.parse('2026-11-23T10:00:00Z') / 1000;

function stat(user: number, idle: number): void {
  tree.write('proc/stat', `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\ncpu0 0 0 0 0\ncpu1 0 0 0 0\nbtime ${BTIME}\n`);
}

beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree, { uptime: '7200.00', tx: 5000, rx: 7000 });
  tree.write('proc/meminfo', 'MemTotal:  8000000 kB\nMemAvailable:  6000000 kB\n');
  stat(1000, 100_000);
  state = { SHOJI_STATE_DIR: join(tree.dir, 'state') };
  forgetChecks();
});
afterEach(() => {
  stopMinuteRecorder();
  tree.cleanup();
});

describe('the usage record', () => {
  it('a long-lived collect records the usage sample beside the ledger sample; its minute timer the next minute', async () => {
    const log: string[] = [];
    const ctx = Object.assign(moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {}), { longLived: { log: (m: string) => void log.push(m) } });
    await ec2Cost.collect(ctx, undefined);
    expect(await usageRecorded()).toMatchObject({ status: 'counters' });
    proc(tree, { uptime: '7260.00', tx: 9000, rx: 7000 });
    tree.write('proc/meminfo', 'MemTotal:  8000000 kB\nMemAvailable:  6000000 kB\n');
    stat(1000 + 3000, 100_000 + 9000);
    ctx.clock.advance(MINUTE_MS);
    expect(minuteTick(Date.now() + MINUTE_MS)).toMatchObject({ status: 'recorded' });
    expect(await usageRecorded()).toMatchObject({ status: 'counted' });
    const open = JSON.parse(readFileSync(openHourFile(state), 'utf8'));
    // 3000 busy ticks of 12,000 on 2 vCPUs: half a vCPU; 4000 bytes sent; 2,000,000 kB in use.
    expect(open.minutes).toEqual([[BTIME + 7260, 60, 0.5, 2, 2_000_000 * 1024, 8_000_000 * 1024, 4000]]);
    expect(log).toEqual([]);
  });

  it('off EC2 with the default options the module is not available, yet a long-lived process records the host all the same; a one-shot check records nothing', async () => {
    const oneShot = moduleContext(ec2Cost, tree, {}, {});
    expect(await ec2Cost.available!(oneShot)).toBe(false);
    expect(existsSync(join(tree.dir, 'state', 'ec2'))).toBe(false);
    const log: string[] = [];
    const longLived = Object.assign(moduleContext(ec2Cost, tree, {}, {}), { longLived: { log: (m: string) => void log.push(m) } });
    expect(await ec2Cost.available!(longLived)).toBe(false);
    expect(await usageRecorded()).toMatchObject({ status: 'counters' });
    expect(existsSync(openHourFile(state))).toBe(true);
    // The minute timer goes on without a collect.
    proc(tree, { uptime: '7260.00', tx: 9000, rx: 7000 });
    tree.write('proc/meminfo', 'MemTotal:  8000000 kB\nMemAvailable:  6000000 kB\n');
    stat(1000 + 3000, 100_000 + 9000);
    expect(minuteTick(Date.now() + MINUTE_MS)).toMatchObject({ status: 'recorded' });
    expect(await usageRecorded()).toMatchObject({ status: 'counted' });
    expect(log).toEqual([]);
  });

  it('a failure to record usage goes to the log once per reason; the reading still shows', async () => {
    const log: string[] = [];
    tree.write('proc/stat', `btime ${BTIME}\n`); // no cpu lines (a sandbox's /proc)
    const ctx = Object.assign(moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {}), { longLived: { log: (m: string) => void log.push(m) } });
    expect((await ec2Cost.collect(ctx, undefined)).reading?.text).toBeTruthy();
    expect(await usageRecorded()).toMatchObject({ status: 'failed' });
    ctx.clock.advance(MINUTE_MS);
    minuteTick(Date.now() + MINUTE_MS);
    await usageRecorded();
    expect(log).toEqual([`ec2-cost: host usage not recorded: cannot read the CPU counters from ${join(tree.procRoot, 'stat')}`]);
  });

  it('a one-shot collect (no longLived) records the ledger but no usage', async () => {
    await ec2Cost.collect(moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {}), undefined);
    expect(await usageRecorded()).toBeNull();
    // Were a recording started, it would have run by now: its code is loaded, and it waits on nothing else.
    await import('../../../src/ec2/usage/record.js');
    await new Promise((settled) => setImmediate(settled));
    expect(existsSync(join(tree.dir, 'state', 'ec2', 'ledger.json'))).toBe(true);
    expect(existsSync(usageDir(state))).toBe(false);
  });

  it('the ec2-cost command records the ledger but no usage', async () => {
    expect((await run(tree, ['--instance-type', 'm7i.large', '--region', 'us-east-1'])).code).toBe(0);
    expect(existsSync(join(tree.dir, 'state', 'ec2', 'ledger.json'))).toBe(true);
    expect(existsSync(usageDir(state))).toBe(false);
  });
});
