/**
 * The one-shot `shoji status` state: due times that survive a wall clock stepped backwards, a
 * module that was unavailable asked again when its options change, and saved readings checked
 * as strictly as fresh ones.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShojiModule } from '../../../src/core/contract.js';
import { DEFAULT_CONFIG, type ShojiConfig } from '../../../src/core/config.js';
import { collectOneShot, stateFile } from '../../../src/core/oneshot.js';
import type { Registry } from '../../../src/core/registry.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { resolvedIds } from '../../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: { on: { type: 'boolean' } }, additionalProperties: false }, defaults: { on: false } };

function registryOf(...mods: ShojiModule<any, any, any>[]): Registry {
  return { modules: new Map(mods.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  tree.write('proc/sys/kernel/random/boot_id', 'boot-1\n');
  env = { SHOJI_PROC_ROOT: tree.procRoot, SHOJI_RUNTIME_DIR: join(tree.dir, 'run'), SHOJI_STATE_DIR: join(tree.dir, 'state') };
});
afterEach(() => {
  vi.restoreAllMocks();
  tree.cleanup();
});

describe('one-shot state', () => {
  it('a wall clock stepped back a day does not freeze a module: due times are monotonic', async () => {
    let calls = 0;
    const ticking: ShojiModule = {
      id: 'tick',
      description: 't',
      options: schema,
      interval: 0.25,
      collect: () => ({ reading: { text: `c${++calls}`, state: 'idle' } }),
    };
    const reg = registryOf(ticking);
    const realNow = Date.now();
    await collectOneShot(resolvedIds(['tick'], reg), env);
    vi.spyOn(Date, 'now').mockReturnValue(realNow - 24 * 3600_000); // NTP, or a hand, stepped the clock back
    await new Promise((r) => setTimeout(r, 300)); // the interval passes on the monotonic clock
    const after = await collectOneShot(resolvedIds(['tick'], reg), env);
    expect(calls).toBe(2);
    expect(after.statuses.get('tick')!.reading!.text).toBe('c2');
  });

  it('a module that was not available is asked again as soon as its options change', async () => {
    let collected = 0;
    const optIn: ShojiModule<{ on: boolean }> = {
      id: 'opt-in',
      description: 'only when switched on',
      options: schema as never,
      interval: 3600,
      available: (ctx) => ctx.options.on,
      collect: () => ({ reading: { text: `on ${++collected}`, state: 'good' } }),
    };
    const reg = registryOf(optIn);
    const off = await collectOneShot(resolvedIds(['opt-in'], reg), env);
    expect(off.statuses.get('opt-in')!.available).toBe(false);
    const again = await collectOneShot(resolvedIds(['opt-in'], reg), env);
    expect(again.statuses.get('opt-in')!.available).toBe(false); // not asked again before its time
    const switchedOn: ShojiConfig = { ...DEFAULT_CONFIG, modules: { 'opt-in': { on: true } } };
    const on = await collectOneShot(resolvedIds(['opt-in'], reg, switchedOn), env);
    expect(on.statuses.get('opt-in')!.available).toBe(true);
    expect(on.statuses.get('opt-in')!.reading!.text).toBe('on 1');
  });

  it('a saved reading with an unknown state is not shown: the module is collected afresh', async () => {
    let calls = 0;
    const mod: ShojiModule = {
      id: 'm',
      description: 'm',
      options: schema,
      interval: 3600,
      collect: () => ({ reading: { text: `fresh ${++calls}`, state: 'good' } }),
    };
    const reg = registryOf(mod);
    await collectOneShot(resolvedIds(['m'], reg), env);
    const file = stateFile(env);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.modules.m.reading = { text: 'tampered', state: 'bogus' };
    writeFileSync(file, JSON.stringify(saved));
    const after = await collectOneShot(resolvedIds(['m'], reg), env);
    expect(after.statuses.get('m')!.reading).toEqual({ text: 'fresh 2', state: 'good' });
  });

  it('a runtime folder that fails the trust check: the line is still collected, and the reason given', async () => {
    const mod: ShojiModule = { id: 'm', description: 'm', options: schema, interval: 1, collect: () => ({ reading: { text: 'ok', state: 'good' } }) };
    const open = join(tree.dir, 'open');
    env.SHOJI_RUNTIME_DIR = open;
    (await import('node:fs')).mkdirSync(open, { mode: 0o777 });
    (await import('node:fs')).chmodSync(open, 0o777);
    const r = await collectOneShot(resolvedIds(['m'], registryOf(mod)), env);
    expect(r.statuses.get('m')!.reading!.text).toBe('ok');
    expect(r.saveError).toMatch(`refusing ${open}: it is writable by others (mode 777); running without saved counters`);
  });
});
