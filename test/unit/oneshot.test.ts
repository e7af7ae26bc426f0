import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShojiModule } from '../../src/core/contract.js';
import { collectOneShot, ONE_SHOT_TIMEOUT_CAP_MS, stateFile } from '../../src/core/oneshot.js';
import type { Registry } from '../../src/core/registry.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { resolvedIds } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} };

/** A rate module reading a counter file, as network/cpu do, with the memo carrying the previous sample. */
const counterRate: ShojiModule<Record<string, never>, { perSecond: number }, { value: number; at: number }> = {
  id: 'rate',
  description: 'rate of a counter file',
  options: schema,
  interval: 0.25,
  collect(ctx, prev) {
    const value = Number(readFileSync(join(ctx.procRoot, 'counter'), 'utf8'));
    const at = ctx.now();
    if (!prev || value < prev.value) return { reading: { text: '--', state: 'idle', pending: true }, memo: { value, at } };
    const perSecond = ((value - prev.value) * 1000) / (at - prev.at);
    return { reading: { text: `${perSecond.toFixed(0)}/s`, state: 'good', data: { perSecond } }, memo: { value, at } };
  },
};

function registryOf(...mods: ShojiModule<any, any, any>[]): Registry {
  return { modules: new Map(mods.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}

describe('one-shot collection', () => {
  let tree: FixtureTree;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/sys/kernel/random/boot_id', 'boot-1\n');
    tree.write('proc/counter', '1000');
    env = { SHOJI_PROC_ROOT: tree.procRoot, SHOJI_RUNTIME_DIR: join(tree.dir, 'run'), SHOJI_STATE_DIR: join(tree.dir, 'state') };
  });
  afterEach(() => tree.cleanup());

  it('shows "no value yet" first, then a rate from the saved counter and the measured time', async () => {
    const reg = registryOf(counterRate);
    const first = await collectOneShot(resolvedIds(['rate'], reg), env);
    expect(first.statuses.get('rate')!.reading).toMatchObject({ pending: true, text: '--' });
    const firstAt = (first.statuses.get('rate')!.memo as { at: number }).at;
    await new Promise((r) => setTimeout(r, 300)); // at least 300 ms: more than the 0.25 s interval
    tree.write('proc/counter', '4000');
    const second = await collectOneShot(resolvedIds(['rate'], reg), env);
    const perSecond = (second.statuses.get('rate')!.reading!.data as { perSecond: number }).perSecond;
    const secondAt = (second.statuses.get('rate')!.memo as { at: number }).at;
    // 3000 units over the time measured between the two calls (the saved counter's time), never
    // 3000 over the nominal 0.25 s (12000/s). Exact whatever the machine's load.
    expect(secondAt - firstAt).toBeGreaterThan(250); // a timer may fire a fraction of a ms early
    expect(perSecond).toBe((3000 * 1000) / (secondAt - firstAt));
    expect(perSecond).toBeLessThan(12_000);
  });

  it('does not re-run a module whose interval has not passed', async () => {
    let calls = 0;
    const slow: ShojiModule = {
      id: 'slow',
      description: 's',
      options: schema,
      interval: 3600,
      collect: () => ({ reading: { text: `c${++calls}`, state: 'idle' } }),
    };
    const reg = registryOf(slow);
    await collectOneShot(resolvedIds(['slow'], reg), env);
    const again = await collectOneShot(resolvedIds(['slow'], reg), env);
    expect(calls).toBe(1);
    expect(again.statuses.get('slow')!.reading!.text).toBe('c1');
  });

  it('forgets counters from another boot', async () => {
    const reg = registryOf(counterRate);
    await collectOneShot(resolvedIds(['rate'], reg), env);
    tree.write('proc/sys/kernel/random/boot_id', 'boot-2\n');
    await new Promise((r) => setTimeout(r, 300));
    const after = await collectOneShot(resolvedIds(['rate'], reg), env);
    expect(after.statuses.get('rate')!.reading!.pending).toBe(true);
  });

  it('rebuilds a corrupt state file', async () => {
    mkdirSync(join(tree.dir, 'run'), { recursive: true });
    writeFileSync(stateFile(env), '{"version":1,"bootId":"boot-1","modules":{"rate":');
    const r = await collectOneShot(resolvedIds(['rate'], registryOf(counterRate)), env);
    expect(r.saveError).toBeUndefined();
    expect(JSON.parse(readFileSync(stateFile(env), 'utf8')).modules.rate.memo.value).toBe(1000);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unwritable state folder and still returns readings', async () => {
    mkdirSync(join(tree.dir, 'run'), { recursive: true });
    chmodSync(join(tree.dir, 'run'), 0o500);
    const r = await collectOneShot(resolvedIds(['rate'], registryOf(counterRate)), env);
    expect(r.saveError).toMatch(/cannot save/);
    expect(r.statuses.get('rate')!.reading).not.toBeNull();
  });

  it('reports a state path that cannot be a folder and still returns readings', async () => {
    // A file where the runtime folder should be: unwritable even for root.
    writeFileSync(join(tree.dir, 'run'), 'not a folder');
    const r = await collectOneShot(resolvedIds(['rate'], registryOf(counterRate)), env);
    expect(r.saveError).toMatch(/^refusing .*run: it is not a folder; running without saved counters/);
    expect(r.statuses.get('rate')!.reading!.text).toBe('--');
  });

  it('a hanging module fails at its timeout and does not hold up the others', async () => {
    const hang: ShojiModule = { id: 'hang', description: 'h', options: schema, interval: 1, timeoutMs: 300, collect: () => new Promise(() => {}) };
    const r = await collectOneShot(resolvedIds(['hang', 'rate'], registryOf(hang, counterRate)), env);
    expect(r.statuses.get('hang')!.error).toBe('no answer within 300 ms');
    expect(r.statuses.get('rate')!.reading).not.toBeNull();
  });

  it('a module that may take longer than the one-shot cap is cut off at the cap', async () => {
    // 4 s: within the default timeout, so not handed to the background collector.
    const hang: ShojiModule = { id: 'hang', description: 'h', options: schema, interval: 1, timeoutMs: 4000, collect: () => new Promise(() => {}) };
    const r = await collectOneShot(resolvedIds(['hang'], registryOf(hang)), env);
    expect(r.statuses.get('hang')!.error).toBe(`no answer within ${ONE_SHOT_TIMEOUT_CAP_MS} ms`);
    expect(r.background).toEqual([]);
  });
});

describe('slow modules in one-shot calls', () => {
  let tree: FixtureTree;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/sys/kernel/random/boot_id', 'boot-1\n');
    env = { SHOJI_PROC_ROOT: tree.procRoot, SHOJI_RUNTIME_DIR: join(tree.dir, 'run') };
  });
  afterEach(() => tree.cleanup());

  it('hands a slow module to the background collector, which saves it for the next call', async () => {
    let runs = 0;
    const slow: ShojiModule = {
      id: 'slow',
      description: 'like apt',
      options: schema,
      interval: 3600,
      timeoutMs: 60_000,
      collect: () => ({ reading: { text: `upd${++runs}`, state: 'info' } }),
    };
    const reg = registryOf(slow, counterRate);
    tree.write('proc/counter', '5');
    const started: string[][] = [];
    const first = await collectOneShot(resolvedIds(['slow', 'rate'], reg), env, { startBackground: (ids) => void started.push(ids) });
    expect(runs).toBe(0);
    expect(first.background).toEqual(['slow']);
    expect(started).toEqual([['slow']]);
    // A second call before the collector finished does not start another one.
    await collectOneShot(resolvedIds(['slow', 'rate'], reg), env, { startBackground: (ids) => void started.push(ids) });
    expect(started).toHaveLength(1);
    // What `shoji collect slow` does:
    await collectOneShot(resolvedIds(['slow'], reg), env, { inline: true });
    expect(runs).toBe(1);
    const third = await collectOneShot(resolvedIds(['slow', 'rate'], reg), env, { startBackground: (ids) => void started.push(ids) });
    expect(third.statuses.get('slow')!.reading!.text).toBe('upd1');
    // The collector's save did not lose the rate module's counters, saved by another call.
    expect(third.statuses.get('rate')!.memo).toMatchObject({ value: 5 });
  });
});
