/**
 * A module's published data (Collected.data) on its way through the host: checked like a
 * reading, kept in the module's status beside the reading (even while the reading is null),
 * kept through failures, saved by the one-shot path, and shown by JSON output. A plugin written
 * before Collected.data put its data in the reading: that is still read as its published data.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectModule } from '../../src/core/collect.js';
import type { Collected, ShojiModule } from '../../src/core/contract.js';
import { collectOneShot } from '../../src/core/oneshot.js';
import { collectedProblem, publishedData } from '../../src/core/reading-check.js';
import type { Registry } from '../../src/core/registry.js';
import { newStatus, recordOutcome } from '../../src/core/scheduler.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { resolvedIds } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: true }, defaults: {} };

/** A module answering each call with the next of `answers` (an Error is thrown). */
function scripted(id: string, answers: (Collected | Error)[]): ShojiModule {
  let n = 0;
  return {
    id,
    description: id,
    options: schema,
    interval: 10,
    collect: () => {
      const a = answers[Math.min(n++, answers.length - 1)];
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

function registryOf(...mods: ShojiModule[]): Registry {
  return { modules: new Map(mods.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}

describe('published data', () => {
  it('is Collected.data; a reading`s data only when Collected.data is absent', () => {
    expect(publishedData({ reading: null, data: { n: 1 } })).toEqual({ n: 1 });
    expect(publishedData({ reading: { text: 'x', state: 'idle', data: { old: 1 } }, data: { n: 2 } })).toEqual({ n: 2 });
    expect(publishedData({ reading: { text: 'x', state: 'idle', data: { old: 1 } } })).toEqual({ old: 1 });
    expect(publishedData({ reading: { text: 'x', state: 'idle' } })).toBeUndefined();
    expect(publishedData({ reading: null })).toBeUndefined();
  });

  it('is checked as strictly as a reading`s data', () => {
    expect(collectedProblem({ reading: null, data: { rx: Number.NaN } })).toBe('data.rx is NaN, not a number');
    expect(collectedProblem({ reading: null, data: { f: () => 1 } })).toBe('data.f is a function, which cannot be kept');
    expect(collectedProblem({ reading: null, data: { rx: 1, names: ['eth0'] } })).toBeNull();
  });

  it('is kept in the status while the reading is null, through a failure, and replaced by the next success', () => {
    const status = newStatus('quiet');
    const ok = (collected: Collected) => recordOutcome(status, { ok: true, collected, durationMs: 1 });
    ok({ reading: null, data: { rx: 10 } });
    expect(status).toMatchObject({ reading: null, data: { rx: 10 }, hasValue: true });
    recordOutcome(status, { ok: false, error: 'counters unreadable', durationMs: 1 });
    expect(status).toMatchObject({ reading: null, data: { rx: 10 }, failures: 1, error: 'counters unreadable' });
    ok({ reading: { text: 'rx 2K/s', state: 'info' }, data: { rx: 2048 } });
    expect(status.data).toEqual({ rx: 2048 });
    // A success that publishes nothing: no value now, never the previous one.
    ok({ reading: { text: '--', state: 'idle', pending: true } });
    expect(status.data).toBeUndefined();
  });

  it('from an older plugin`s reading.data lands in the same place', () => {
    const status = newStatus('old');
    recordOutcome(status, { ok: true, collected: { reading: { text: '3', state: 'info', data: { open: 3 } } }, durationMs: 1 });
    expect(status.data).toEqual({ open: 3 });
  });

  it('bad data fails the module with the reason', async () => {
    const mod = scripted('bad', [{ reading: { text: 'x', state: 'idle' }, data: { n: Number.POSITIVE_INFINITY } }]);
    const outcome = await collectModule({ def: mod, options: {} }, {}, undefined, 1000);
    expect(outcome).toMatchObject({ ok: false, error: 'data.n is Infinity, not a number' });
  });
});

describe('published data in the one-shot state', () => {
  let tree: FixtureTree;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    tree = fixtureTree();
    tree.write('proc/sys/kernel/random/boot_id', 'boot-1\n');
    env = { SHOJI_PROC_ROOT: tree.procRoot, SHOJI_RUNTIME_DIR: join(tree.dir, 'run'), SHOJI_STATE_DIR: join(tree.dir, 'state') };
  });
  afterEach(() => tree.cleanup());

  it('is saved, and shown by the next call while the module is not due', async () => {
    const mod = scripted('hidden', [{ reading: null, data: { rx: 512 } }, new Error('must not run again yet')]);
    const first = await collectOneShot(resolvedIds(['hidden'], registryOf(mod)), env);
    expect(first.statuses.get('hidden')!.data).toEqual({ rx: 512 });
    const second = await collectOneShot(resolvedIds(['hidden'], registryOf(mod)), env);
    expect(second.statuses.get('hidden')).toMatchObject({ reading: null, data: { rx: 512 }, failures: 0 });
  });
});
