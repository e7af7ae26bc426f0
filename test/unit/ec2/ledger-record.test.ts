/**
 * Who records in the ec2-cost ledger, and what: each `ec2-cost` run that reads the host (not
 * one given what-if quantities; one that names another type or region still does), and each
 * collect of the ec2-cost status module, into the state folder it is given; a failure to record
 * never costs the reading or the report.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ec2Cost from '../../../plugins/ec2-cost/index.js';
import { forgetChecks } from '../../../src/core/trust.js';
import { recordRun } from '../../../src/ec2/ledger/record.js';
import { readBoots } from '../../../src/ec2/ledger/store.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';
import { BOOT_ID, proc, qemu } from './hosts.js';
import { envFor, run } from './run.js';

let tree: FixtureTree;
let state: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree, { uptime: '7200.00', tx: 5000, rx: 7000 });
  state = { SHOJI_STATE_DIR: join(tree.dir, 'state') };
  forgetChecks();
});
afterEach(() => tree.cleanup());

const PRICED = ['--instance-type', 'm7i.large', '--region', 'us-east-1'];
const sent = () => readBoots(state).map((b) => Object.values(b.months).reduce((s, m) => s + m.txBytes, 0n));

describe('the ec2-cost command', () => {
  it('a run that reads the host records it, even one that names another instance type and region', async () => {
    expect((await run(tree, PRICED)).code).toBe(0);
    const boots = readBoots(state);
    expect(boots.map((b) => [b.bootId, b.samples, b.interfaces])).toEqual([[BOOT_ID, 1, ['eth0']]]);
    expect(sent()).toEqual([5000n]);
  });

  it.each([
    ['--uptime', '3600'],
    ['--tx-bytes', '1GiB'],
    ['--rx-bytes', '1GiB'],
  ])('a run given %s (a what-if quantity) records nothing', async (flag, value) => {
    expect((await run(tree, [...PRICED, flag, value])).code).toBe(0);
    expect(existsSync(join(tree.dir, 'state', 'ec2'))).toBe(false);
  });

  it('--now is a what-if clock: a run given it records nothing; --interfaces records the interfaces named', () => {
    const io = { env: envFor(tree), out: () => {}, err: () => {}, stderrIsTTY: false };
    expect(recordRun({ _: [], now: '2026-11-20T00:00:00Z' }, io)).toBeNull();
    expect(existsSync(join(tree.dir, 'state', 'ec2'))).toBe(false);
    expect(recordRun({ _: [], interfaces: 'eth1, lo' }, io)).toEqual({ status: 'recorded', newBoot: true });
    expect(readBoots(state)[0].interfaces).toEqual(['eth1', 'lo']);
  });

  it('a ledger that cannot be written costs the report nothing (and says why only with SHOJI_DEBUG)', async () => {
    mkdirSync(join(tree.dir, 'state', 'ec2'), { recursive: true });
    chmodSync(join(tree.dir, 'state', 'ec2'), 0o777);
    const quiet = await run(tree, PRICED);
    expect(quiet).toMatchObject({ code: 0, err: '' });
    expect(quiet.out).toMatch(/since boot as m7i\.large/);
    forgetChecks();
    const told = await run(tree, PRICED, { SHOJI_DEBUG: '1' });
    expect(told.code).toBe(0);
    expect(told.err).toMatch(/^ec2-cost: ledger: refusing .*writable by others/);
  });
});

describe('the ec2-cost status module', () => {
  it('each collect records into the state folder it is given, not the environment', async () => {
    const ctx = moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {});
    const first = await ec2Cost.collect(ctx, undefined);
    expect(first.reading?.text).toMatch(/^~?\$|^<\$/);
    proc(tree, { uptime: '7260.00', tx: 9000, rx: 7000 });
    ctx.clock.advance(60_000);
    await ec2Cost.collect(ctx, first.memo);
    expect(readBoots(state).map((b) => b.samples)).toEqual([2]);
    expect(sent()).toEqual([9000n]);
  });

  it('records even where it shows nothing (off EC2 by default), and a failure to record costs the reading nothing', async () => {
    await ec2Cost.collect(moduleContext(ec2Cost, tree, {}, {}), undefined);
    expect(readBoots(state)).toHaveLength(1);
    chmodSync(join(tree.dir, 'state', 'ec2'), 0o777);
    forgetChecks();
    proc(tree, { uptime: '7260.00', tx: 9000, rx: 7000 });
    const r = await ec2Cost.collect(moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {}), undefined);
    expect(r.reading?.text).toBeTruthy();
  });
});
