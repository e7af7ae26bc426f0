// User plugins run in worker threads: a plugin that blocks, allocates without end, crashes or
// returns what cannot cross to shoji fails alone, and shoji's own thread keeps going. Real
// plugin files, real workers from the built dist/plugin-worker.cjs (npm test builds it).
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAvailable, collectModule } from '../../src/core/collect.js';
import { DEFAULT_CONFIG, type ShojiConfig } from '../../src/core/config.js';
import type { ShojiModule } from '../../src/core/contract.js';
import { HEAP_LIMIT_MB, LOAD_TIMEOUT_MS, OUTSIDE_HEAP_LIMIT_MB, stopAllPlugins } from '../../src/core/plugin-host.js';
import type { Registry } from '../../src/core/registry.js';
import { Scheduler } from '../../src/core/scheduler.js';
import { loadUserPlugins } from '../../src/core/user-plugins.js';
import { requireBuild } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { resolved, resolvedIds } from '../helpers/resolved.js';

const OPTIONS = "options: { schema: { type: 'object', properties: { fast: { type: 'boolean' } }, additionalProperties: false }, defaults: {} }";

/** A plugin module's source: `body` is the rest of the object (collect, available, interval...). */
function plugin(id: string, body: string, top = ''): string {
  return `${top}\nexport default { id: '${id}', description: 'test plugin', ${OPTIONS}, ${body} };\n`;
}

describe('plugin isolation', () => {
  let tree: FixtureTree;
  let config: string;
  beforeEach(() => {
    requireBuild();
    tree = fixtureTree();
    config = join(tree.dir, 'config');
    mkdirSync(join(config, 'plugins'), { recursive: true });
    chmodSync(config, 0o755);
    chmodSync(join(config, 'plugins'), 0o755);
  });
  afterEach(() => tree.cleanup());
  afterAll(() => stopAllPlugins());

  const put = (name: string, text: string) => {
    const file = join(config, 'plugins', name);
    writeFileSync(file, text);
    chmodSync(file, 0o644);
    return file;
  };
  async function load(): Promise<Map<string, ShojiModule>> {
    const { modules, problems } = await loadUserPlugins(config);
    expect(problems).toEqual([]);
    return new Map(modules.map((m) => [m.def.id, m.def]));
  }
  const configWith = (modules: ShojiConfig['modules']): ShojiConfig => ({ ...DEFAULT_CONFIG, modules });

  it('a collect stuck in for(;;){} fails at its timeout, and the next one runs in a fresh worker', async () => {
    const stuck = join(tree.dir, 'stuck');
    writeFileSync(stuck, '');
    // Loops for ever while the file exists; counts its calls in the worker's memory.
    put(
      'spin.mjs',
      plugin(
        'spin',
        `interval: 10, collect() { calls++; if (existsSync(${JSON.stringify(stuck)})) for (;;) {} return { reading: { text: 'call ' + calls, state: 'info' } }; }`,
        "import { existsSync } from 'node:fs'; let calls = 0;",
      ),
    );
    const def = (await load()).get('spin')!;
    const first = await collectModule(resolved(def), {}, undefined, 300);
    expect(first).toMatchObject({ ok: false, timedOut: true, error: 'no answer within 300 ms' });
    await first.pending; // settles: the worker was stopped
    rmSync(stuck);
    const second = await collectModule(resolved(def), {}, undefined, 10_000);
    // "call 1": a new worker, not the old one come back to life.
    expect(second.collected?.reading?.text).toBe('call 1');
  });

  it('keeps the other modules updating in the scheduler while a plugin spins', async () => {
    put('spin.mjs', plugin('spin', 'interval: 0.25, collect() { for (;;) {} }'));
    put('tick.mjs', plugin('tick', "interval: 0.25, collect() { n++; return { reading: { text: 'tick ' + n, state: 'info' } }; }", 'let n = 0;'));
    const defs = await load();
    const registry: Registry = {
      modules: new Map([...defs].map(([id, def]) => [id, { def, source: 'plugin' as const }])),
      problems: [],
    };
    const scheduler = new Scheduler(resolvedIds(['spin', 'tick'], registry, configWith({ spin: { timeout: 0.3 } })), {});
    const seen = new Set<string>();
    let spinFailure: string | undefined;
    const enough = new Promise<void>((resolve) => {
      scheduler.on('change', () => {
        const st = scheduler.statuses();
        if (st.get('tick')?.reading) seen.add(st.get('tick')!.reading!.text);
        if (st.get('spin')?.failures) spinFailure = st.get('spin')!.error;
        // The spinning plugin failed, and the ticking one moved on after that.
        if (spinFailure && seen.size >= 3) resolve();
      });
    });
    await scheduler.start();
    await enough;
    scheduler.stop();
    expect(spinFailure).toBe('no answer within 300 ms');
  });

  it(`contains a plugin that allocates without end: "ran out of memory (limit ${HEAP_LIMIT_MB} MiB)"`, async () => {
    put('hog.mjs', plugin('hog', 'interval: 10, collect() { const a = []; for (;;) a.push(new Array(100_000).fill(Math.random())); }'));
    const def = (await load()).get('hog')!;
    const outcome = await collectModule(resolved(def), {}, undefined, 60_000);
    expect(outcome).toMatchObject({ ok: false, error: `ran out of memory (limit ${HEAP_LIMIT_MB} MiB)` });
  });

  it('stops a plugin that fills memory outside its heap (Buffers), before shoji runs out', async () => {
    // Stops by itself at 2 GiB (and then hangs), so a broken check cannot hurt the machine.
    put(
      'buffers.mjs',
      plugin(
        'buffers',
        'interval: 10, collect() { globalThis.a = []; for (let i = 0; i < 256; i++) a.push(Buffer.alloc(8 << 20, 1)); return new Promise(() => {}); }',
      ),
    );
    const def = (await load()).get('buffers')!;
    const outcome = await collectModule(resolved(def), {}, undefined, 30_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      new RegExp(`^used too much memory: shoji grew by \\d+ MiB while it ran \\(limit ${OUTSIDE_HEAP_LIMIT_MB} MiB outside its heap\\)$`),
    );
  });

  it('fails a reading that cannot be passed to shoji, with the reason', async () => {
    put('fn.mjs', plugin('fn', "interval: 10, collect() { return { reading: { text: 'x', state: 'info', data: { f: () => 1 } } }; }"));
    const def = (await load()).get('fn')!;
    const outcome = await collectModule(resolved(def), {}, undefined, 10_000);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^the reading cannot be passed to shoji \(plain data only\): .*could not be cloned/);
  });

  it('passes a throw on with its message, and a crash of the worker as "crashed"', async () => {
    put('thrower.mjs', plugin('thrower', "interval: 10, collect() { throw new Error('sensor on fire'); }"));
    put('crasher.mjs', plugin('crasher', "interval: 10, collect() { setTimeout(() => { throw new Error('late boom'); }); return new Promise(() => {}); }"));
    const defs = await load();
    expect((await collectModule(resolved(defs.get('thrower')!), {}, undefined, 10_000)).error).toBe('sensor on fire');
    expect((await collectModule(resolved(defs.get('crasher')!), {}, undefined, 10_000)).error).toBe('crashed: late boom');
  });

  it('runs available() in the worker, with the options and the environment', async () => {
    put(
      'avail.mjs',
      plugin(
        'avail',
        "interval: 10, available(ctx) { return ctx.env.HAS_THING === 'yes' && ctx.options.fast === true; }, collect() { return { reading: null }; }",
      ),
    );
    const def = (await load()).get('avail')!;
    const cfg = configWith({ avail: { fast: true } });
    expect(await checkAvailable(resolved(def, cfg), { HAS_THING: 'yes' }, 10_000)).toEqual({ available: true });
    expect(await checkAvailable(resolved(def, cfg), { HAS_THING: 'no' }, 10_000)).toEqual({ available: false });
  });

  it("passes a plugin's no with its reason back from the worker", async () => {
    put('why.mjs', plugin('why', "interval: 10, available() { return { available: false, why: 'needs a sensor' }; }, collect() { return { reading: null }; }"));
    const def = (await load()).get('why')!;
    expect(await checkAvailable(resolved(def, configWith({})), {}, 10_000)).toEqual({ available: false, why: 'needs a sensor' });
  });

  it('asks interval(options) of the plugin for the options in the config', async () => {
    put('iv.mjs', plugin('iv', 'interval: (o) => (o.fast ? 1 : 60), collect() { return { reading: null }; }'));
    const def = (await load()).get('iv')!;
    expect(resolved(def, configWith({})).interval).toEqual({ kind: 'every', ms: 60_000 });
    expect(resolved(def, configWith({ iv: { fast: true } })).interval).toEqual({ kind: 'every', ms: 1000 });
  });

  it('fails a plugin that spins while it is imported: it never finishes loading', async () => {
    put('slow.mjs', 'for (;;) {}\nexport default {};');
    const { modules, problems } = await loadUserPlugins(config);
    expect(modules).toEqual([]);
    expect(problems[0].message).toBe(`did not finish loading within ${LOAD_TIMEOUT_MS} ms`);
  });
});
