/**
 * The one-shot state (src/core/oneshot.ts) as it is written to disk: when each module is due
 * again (on the monotonic clock), what a saved entry must hold to be trusted, and what is
 * reported when the state cannot be saved. Real state files in a temp dir.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShojiModule } from '../../src/core/contract.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { monotonicMs } from '../../src/core/collect.js';
import { bootId, collectOneShot, readState, stateFile } from '../../src/core/oneshot.js';
import type { Registry } from '../../src/core/registry.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { resolvedIds } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: true }, defaults: {} };
function registryOf(...mods: ShojiModule<any, any, any>[]): Registry {
  return { modules: new Map(mods.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}
function mod(id: string, extra: Partial<ShojiModule> = {}): ShojiModule & { calls: number } {
  const m: ShojiModule & { calls: number } = {
    id,
    description: id,
    options: schema,
    interval: 10,
    calls: 0,
    collect: () => ({ reading: { text: `${id} ${++m.calls}`, state: 'idle' } }),
    ...extra,
  };
  return m;
}

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
const saved = () => JSON.parse(readFileSync(stateFile(env), 'utf8'));
beforeEach(() => {
  tree = fixtureTree();
  tree.write('proc/sys/kernel/random/boot_id', '  boot-1  \nignored\n');
  env = { SHOJI_PROC_ROOT: tree.procRoot, SHOJI_RUNTIME_DIR: join(tree.dir, 'run'), SHOJI_STATE_DIR: join(tree.dir, 'state') };
});
afterEach(() => tree.cleanup());

describe('the state file', () => {
  it('is per boot: the boot id is the first line of boot_id, trimmed', async () => {
    expect(await bootId(env)).toBe('boot-1');
    expect(await bootId({ SHOJI_PROC_ROOT: join(tree.dir, 'nowhere') }, 'linux')).toBe('unknown-boot');
    expect(stateFile(env)).toBe(join(tree.dir, 'run', 'status-state.json'));
  });

  it('holds version 2, the boot, and each module with its options and due time', async () => {
    const before = monotonicMs();
    await collectOneShot(resolvedIds(['a'], registryOf(mod('a')), { ...DEFAULT_CONFIG, modules: { a: { x: 1 } } }), env);
    const after = monotonicMs();
    const s = saved();
    expect(s).toMatchObject({ version: 2, bootId: 'boot-1' });
    const a = s.modules.a;
    expect(a).toMatchObject({ reading: { text: 'a 1' }, hasValue: true, failures: 0, available: true, optionsKey: '{"x":1}' });
    expect(a.lastRunMono).toBeGreaterThanOrEqual(before);
    expect(a.lastRunMono).toBeLessThanOrEqual(after);
    // Due again a little early: 90% of the 10 s interval.
    expect(a.dueMono - a.lastRunMono).toBe(9000);
  });

  it('a module without options saves "{}" as its options', async () => {
    await collectOneShot(resolvedIds(['a'], registryOf(mod('a'))), env);
    expect(saved().modules.a.optionsKey).toBe('{}');
  });

  it('a failure is due again after the back-off, from the interval', async () => {
    await collectOneShot(
      resolvedIds(
        ['f'],
        registryOf(
          mod('f', {
            interval: 4,
            collect: () => {
              throw new Error('nope');
            },
          }),
        ),
      ),
      env,
    );
    const f = saved().modules.f;
    expect(f).toMatchObject({ error: 'nope', failures: 1, hasValue: false });
    expect(f.dueMono - f.lastRunMono).toBe(4000);
  });

  it('a failing cron module backs off from a minute; "once" is never due again', async () => {
    await collectOneShot(
      resolvedIds(
        ['c', 'o'],
        registryOf(
          mod('c', {
            interval: '0 0 1 1 *',
            collect: () => {
              throw new Error('x');
            },
          }),
          mod('o', { interval: 'once' }),
        ),
      ),
      env,
    );
    const { c, o } = saved().modules;
    expect(c.dueMono - c.lastRunMono).toBe(60_000);
    expect(o.dueMono).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('an aligned module is due at the next wall-clock multiple of its interval', async () => {
    await collectOneShot(resolvedIds(['t'], registryOf(mod('t', { interval: 60, align: true }))), env);
    const t = saved().modules.t;
    expect(t.dueMono - t.lastRunMono).toBeGreaterThan(0);
    expect(t.dueMono - t.lastRunMono).toBeLessThanOrEqual(60_000);
  });

  it('a module that is not available is asked again after ten minutes', async () => {
    const before = monotonicMs();
    await collectOneShot(resolvedIds(['u'], registryOf(mod('u', { available: () => false }))), env);
    const u = saved().modules.u;
    expect(u).toMatchObject({ available: false, hasValue: false });
    expect(u.lastRunMono).toBeGreaterThanOrEqual(before);
    // Milliseconds with fractions: due minus last run came out 599999.9999999991 once (Node 22).
    expect(u.dueMono - u.lastRunMono).toBeGreaterThanOrEqual(600_000 - 1e-6);
    expect(u.dueMono - u.lastRunMono).toBeLessThan(600_000 + 1000);
  });

  it("keeps a module's reason for not being available, and drops it once it is", async () => {
    let answer: boolean | { available: false; why: string } = { available: false, why: 'root only' };
    const registry = registryOf(mod('u', { available: () => answer }));
    const first = await collectOneShot(resolvedIds(['u'], registry), env);
    expect(first.statuses.get('u')).toMatchObject({ available: false, unavailableWhy: 'root only' });
    expect(saved().modules.u).toMatchObject({ available: false, unavailableWhy: 'root only' });
    // Shown from the file until it is asked again.
    expect((await collectOneShot(resolvedIds(['u'], registry), env)).statuses.get('u')).toMatchObject({ unavailableWhy: 'root only' });
    answer = true;
    const state = saved();
    state.modules.u.dueMono = 0;
    writeFileSync(stateFile(env), JSON.stringify(state));
    expect((await collectOneShot(resolvedIds(['u'], registry), env)).statuses.get('u')).toMatchObject({ available: true, unavailableWhy: undefined });
    expect(saved().modules.u).not.toHaveProperty('unavailableWhy');
  });

  it('a slow module handed to the background is due after its whole timeout and 5 s more', async () => {
    const before = monotonicMs();
    const r = await collectOneShot(resolvedIds(['s'], registryOf(mod('s', { timeoutMs: 30_000 }))), env, { startBackground: () => {} });
    const after = monotonicMs();
    expect(r.background).toEqual(['s']);
    const s = saved().modules.s;
    expect(s.lastRunMono).toBe(0);
    expect(s.dueMono).toBeGreaterThanOrEqual(before + 35_000);
    expect(s.dueMono).toBeLessThanOrEqual(after + 35_000);
  });

  it('a module whose timeout is exactly the default is collected here, not in the background', async () => {
    const m = mod('d', { timeoutMs: 5000 });
    const r = await collectOneShot(resolvedIds(['d'], registryOf(m)), env, {
      startBackground: () => {
        throw new Error('not here');
      },
    });
    expect(r.background).toEqual([]);
    expect(m.calls).toBe(1);
  });

  it('ids that are not registered are skipped, and nothing is written when nothing ran', async () => {
    const r = await collectOneShot(resolvedIds(['ghost'], registryOf()), env);
    expect([...r.statuses.keys()]).toEqual([]);
    expect(() => readFileSync(stateFile(env))).toThrow();
  });
});

describe('what is not due', () => {
  it('is shown from the file without running; inline (shoji collect) runs it anyway, unless it is unavailable', async () => {
    const a = mod('a');
    const u = mod('u', { available: () => false });
    const reg = registryOf(a, u);
    await collectOneShot(resolvedIds(['a', 'u'], reg), env);
    const again = await collectOneShot(resolvedIds(['a', 'u'], reg), env);
    expect(a.calls).toBe(1);
    expect(again.statuses.get('a')).toMatchObject({ reading: { text: 'a 1' }, hasValue: true, failures: 0 });
    await collectOneShot(resolvedIds(['a', 'u'], reg), env, { inline: true });
    expect(a.calls).toBe(2);
    expect(u.calls).toBe(0);
  });

  it('is run at once when its options changed', async () => {
    const a = mod('a');
    await collectOneShot(resolvedIds(['a'], registryOf(a)), env);
    await collectOneShot(resolvedIds(['a'], registryOf(a), { ...DEFAULT_CONFIG, modules: { a: { x: 2 } } }), env);
    expect(a.calls).toBe(2);
    expect(saved().modules.a.optionsKey).toBe('{"x":2}');
  });

  it('is due again once its due time has passed', async () => {
    const a = mod('a');
    await collectOneShot(resolvedIds(['a'], registryOf(a)), env);
    const s = saved();
    s.modules.a.dueMono = monotonicMs() - 1;
    writeFileSync(stateFile(env), JSON.stringify(s));
    await collectOneShot(resolvedIds(['a'], registryOf(a)), env);
    expect(a.calls).toBe(2);
  });
});

describe('readState', () => {
  const good = { reading: { text: 'x', state: 'idle' }, hasValue: true, failures: 0, lastRunMono: 1, dueMono: 2 };
  const file = () => join(tree.dir, 'state.json');
  const write = (v: unknown) => writeFileSync(file(), JSON.stringify(v));

  it('empty for no file, another version or boot, or modules that are not an object', () => {
    const empty = { version: 2, bootId: 'b', modules: {} };
    expect(readState(null, 'b')).toEqual(empty);
    expect(readState(file(), 'b')).toEqual(empty);
    for (const bad of [
      null,
      5,
      { version: 1, bootId: 'b', modules: { a: good } },
      { version: 2, bootId: 'c', modules: { a: good } },
      { version: 2, bootId: 'b', modules: null },
      { version: 2, bootId: 'b', modules: 'x' },
    ]) {
      write(bad);
      expect(readState(file(), 'b')).toEqual(empty);
    }
  });

  it('keeps each good entry and drops each bad one', () => {
    write({
      version: 2,
      bootId: 'b',
      modules: {
        ok: good,
        nullReading: { ...good, reading: null },
        withMemo: { ...good, memo: { n: 1 } },
        notObject: 5,
        nullEntry: null,
        noDue: { ...good, dueMono: undefined },
        nanDue: { ...good, dueMono: 'soon' },
        noFailures: { ...good, failures: '0' },
        badReading: { ...good, reading: { text: 'x', state: 'bogus' } },
        badMemo: { ...good, memo: { n: 'x'.repeat(70_000) } },
      },
    });
    expect(Object.keys(readState(file(), 'b').modules).sort()).toEqual(['nullReading', 'ok', 'withMemo']);
  });

  it('a "__proto__" entry is an ordinary key, never the prototype', () => {
    writeFileSync(file(), `{"version":2,"bootId":"b","modules":{"__proto__":${JSON.stringify(good)}}}`);
    const modules = readState(file(), 'b').modules;
    expect(Object.getPrototypeOf(modules)).toBeNull();
    expect(Object.keys(modules)).toEqual(['__proto__']);
  });
});

describe('saving', () => {
  it('a state file that cannot be replaced is reported, the readings kept, and no background collector started', async () => {
    mkdirSync(join(tree.dir, 'run', 'status-state.json'), { recursive: true });
    let started = false;
    const r = await collectOneShot(resolvedIds(['a', 's'], registryOf(mod('a'), mod('s', { timeoutMs: 30_000 }))), env, {
      startBackground: () => {
        started = true;
      },
    });
    expect(r.saveError).toMatch(new RegExp(`^cannot save ${stateFile(env).replace(/[.]/g, '\\.')}: .+ \\(rates will show "no value yet" each time\\)$`));
    expect(r.statuses.get('a')!.reading!.text).toBe('a 1');
    expect(started).toBe(false);
  });

  it('merges into what another call saved meanwhile', async () => {
    await collectOneShot(resolvedIds(['a'], registryOf(mod('a'))), env);
    await collectOneShot(resolvedIds(['b'], registryOf(mod('b'))), env);
    expect(Object.keys(saved().modules).sort()).toEqual(['a', 'b']);
  });
});
