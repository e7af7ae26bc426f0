/**
 * Who records in the ec2-cost ledger, and what: each `ec2-cost` run that reads the host (not
 * one given what-if quantities; one that names another type or region still does), and each
 * collect of the ec2-cost status module, into the state folder it is given; a failure to record
 * never costs the reading or the report.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ec2Cost from '../../../plugins/ec2-cost/index.js';
import { forgetChecks } from '../../../src/core/trust.js';
import { MINUTE_MS, minuteTick, stopMinuteRecorder } from '../../../src/ec2/ledger/collect.js';
import { configuredInterfaces } from '../../../src/ec2/ledger/configured.js';
import { ledgerInterfaces, recordRun } from '../../../src/ec2/ledger/record.js';
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
afterEach(() => {
  stopMinuteRecorder();
  tree.cleanup();
});

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

  it('--now is a what-if clock: a run given it records nothing; --interfaces records the interfaces named', async () => {
    const io = { env: envFor(tree), out: () => {}, err: () => {}, stderrIsTTY: false };
    expect(await recordRun({ _: [], now: '2026-11-20T00:00:00Z' }, io, [])).toBeNull();
    expect(existsSync(join(tree.dir, 'state', 'ec2'))).toBe(false);
    expect(await recordRun({ _: [], interfaces: 'eth1, lo' }, io, await ledgerInterfaces({ _: [], interfaces: 'eth1, lo' }, io.env))).toEqual({
      status: 'recorded',
      newBoot: true,
    });
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

describe('in a long-lived process, at least once a minute', () => {
  const longLivedCtx = (log: string[]) => {
    const ctx = moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {});
    return Object.assign(ctx, { longLived: { log: (m: string) => void log.push(m) } });
  };

  it('a minute with no collect (an interval set longer) is recorded by the timer; a minute with one is left alone', async () => {
    const ctx = longLivedCtx([]);
    await ec2Cost.collect(ctx, undefined);
    const collectedAt = Date.now();
    // The collect recorded just now: nothing for the timer to do.
    expect(minuteTick(collectedAt + 30_000)).toBeNull();
    proc(tree, { uptime: '7260.00', tx: 9000, rx: 7000 });
    ctx.clock.advance(MINUTE_MS);
    expect(minuteTick(collectedAt + MINUTE_MS)).toMatchObject({ status: 'recorded' });
    expect(readBoots(state).map((b) => b.samples)).toEqual([2]);
    expect(sent()).toEqual([9000n]);
  });

  it('the one-shot path (no longLived) starts no timer', async () => {
    await ec2Cost.collect(moduleContext(ec2Cost, tree, { estimate_off_ec2: true }, {}), undefined);
    expect(minuteTick(Date.now() + 10 * MINUTE_MS)).toBeNull();
  });

  it('the timer stops when the state folder is gone, and does not make it again', async () => {
    const ctx = longLivedCtx([]);
    await ec2Cost.collect(ctx, undefined);
    rmSync(join(tree.dir, 'state'), { recursive: true });
    expect(minuteTick(Date.now() + 2 * MINUTE_MS)).toBeNull();
    expect(existsSync(join(tree.dir, 'state'))).toBe(false);
  });

  it("a failure to record goes to shoji's log once per reason, not every minute; the reading still shows", async () => {
    const log: string[] = [];
    mkdirSync(join(tree.dir, 'state', 'ec2'), { recursive: true });
    chmodSync(join(tree.dir, 'state', 'ec2'), 0o777);
    const ctx = longLivedCtx(log);
    const r = await ec2Cost.collect(ctx, undefined);
    expect(r.reading?.text).toBeTruthy();
    ctx.clock.advance(MINUTE_MS);
    expect(minuteTick(Date.now() + MINUTE_MS)).toMatchObject({ status: 'failed' });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^ec2-cost: not recorded for the month: refusing .*writable by others/);
  });
});

describe('the interfaces modules.ec2-cost.interfaces names, for the command', () => {
  const TEXT = 'right: [ec2-cost]\nmodules:\n  ec2-cost:\n    interfaces: [eth1]\n';
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    env = { SHOJI_CONFIG_DIR: join(tree.dir, 'config'), SHOJI_RUNTIME_DIR: join(tree.dir, 'run') };
    mkdirSync(join(tree.dir, 'config'), { recursive: true });
    mkdirSync(join(tree.dir, 'run'), { recursive: true });
    writeFileSync(join(tree.dir, 'config', 'config.yaml'), TEXT);
  });
  /** The status line's validated copy of a config text, as core/config.ts writes it. */
  const copy = (text: string, ec2Cost: Record<string, unknown>) =>
    writeFileSync(
      join(tree.dir, 'run', 'config-cache.json'),
      JSON.stringify({
        file: join(tree.dir, 'config', 'config.yaml'),
        text,
        key: 'any plugins',
        config: { left: [], right: [], modules: { 'ec2-cost': ec2Cost }, dashboard: {} },
      }),
    );
  const loader = (ec2Cost: Record<string, unknown> | undefined, problems: null | [] = null) => {
    const calls: number[] = [];
    const load = async () => {
      calls.push(1);
      return { ec2Cost, problems };
    };
    return { calls, load };
  };

  it('are taken from the status line’s validated copy of this very text, without loading the config', async () => {
    copy(TEXT, { interfaces: ['eth1'] });
    const l = loader({ interfaces: ['eth9'] });
    expect(await configuredInterfaces(env, TEXT, l.load)).toEqual(['eth1']);
    expect(l.calls).toEqual([]);
  });

  it('are loaded when the copy is of another text, or there is none; a config with problems names none', async () => {
    copy('right: []\n', { interfaces: ['eth7'] });
    expect(await configuredInterfaces(env, TEXT, loader({ interfaces: ['eth1'] }).load)).toEqual(['eth1']);
    rmSync(join(tree.dir, 'run', 'config-cache.json'));
    expect(await configuredInterfaces(env, TEXT, loader({ interfaces: ['eth1'] }).load)).toEqual(['eth1']);
    expect(await configuredInterfaces(env, TEXT, loader(undefined, []).load)).toEqual([]);
    expect(await configuredInterfaces(env, TEXT)).toEqual([]);
  });

  it('are checked again: a copy naming what no kernel would ("../x", control characters) counts the default route', async () => {
    for (const bad of [['../x'], ['eth0\u001b[2J'], 'eth1', [1]]) {
      copy(TEXT, { interfaces: bad });
      expect(await configuredInterfaces(env, TEXT)).toEqual([]);
    }
  });

  it('--interfaces wins over the config; a config with no `interfaces` key, or a what-if run, is not looked into', async () => {
    copy(TEXT, { interfaces: ['eth1'] });
    expect(await ledgerInterfaces({ _: [], interfaces: 'eth0' }, env)).toEqual(['eth0']);
    expect(await ledgerInterfaces({ _: [] }, env)).toEqual(['eth1']);
    // A what-if run records nothing: the config is not looked into for it.
    const whatIf = loader({ interfaces: ['eth1'] });
    rmSync(join(tree.dir, 'run', 'config-cache.json'));
    expect(await ledgerInterfaces({ _: [], now: '2026-11-20T00:00:00Z' }, env, whatIf.load)).toEqual([]);
    expect(await ledgerInterfaces({ _: [] }, env, whatIf.load)).toEqual(['eth1']);
    expect(whatIf.calls).toEqual([1]);
    writeFileSync(join(tree.dir, 'config', 'config.yaml'), 'right: [ec2-cost]\n');
    const l = loader({ interfaces: ['eth1'] });
    expect(await ledgerInterfaces({ _: [] }, env, l.load)).toEqual([]);
    expect(l.calls).toEqual([]);
  });
});
