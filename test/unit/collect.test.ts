/**
 * One collect of one module (src/core/collect.ts): a rejected promise, a synchronous throw, and
 * a rejection that comes after the timeout each become a failure value of that module, never an
 * exception that would take the status line (or the daemon) down with it.
 */
import { describe, expect, it } from 'vitest';
import { collectModule, runWithTimeout } from '../../src/core/collect.js';
import type { ShojiModule } from '../../src/core/contract.js';
import { collectOneShot } from '../../src/core/oneshot.js';
import type { Registry } from '../../src/core/registry.js';
import { fixtureTree } from '../helpers/context.js';
import { resolved, resolvedIds } from '../helpers/resolved.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} };
const mod = (id: string, collect: ShojiModule['collect']): ShojiModule => ({ id, description: id, options: schema, interval: 1, collect });

describe('collectModule', () => {
  it('a collect that returns a rejected promise is a failure with its message', async () => {
    const outcome = await collectModule(resolved(mod('rejects', () => Promise.reject(new Error('disk gone\nsecond line')))), {}, undefined, 5000);
    expect(outcome).toMatchObject({ ok: false, error: 'disk gone', timedOut: false });
    expect(outcome.collected).toBeUndefined();
  });

  it('an async collect that throws after an await is the same failure', async () => {
    const outcome = await collectModule(
      resolved(
        mod('async-throw', async () => {
          await new Promise((r) => setTimeout(r, 10));
          throw new TypeError('cannot read x of undefined');
        }),
      ),
      {},
      undefined,
      5000,
    );
    expect(outcome).toMatchObject({ ok: false, error: 'cannot read x of undefined', timedOut: false });
  });

  it('a collect that throws synchronously is a failure with its message', async () => {
    const outcome = await collectModule(
      resolved(
        mod('throws', () => {
          throw new Error('parse error in /proc/stat');
        }),
      ),
      {},
      undefined,
      5000,
    );
    expect(outcome).toMatchObject({ ok: false, error: 'parse error in /proc/stat', timedOut: false });
  });

  it('a rejection with something that is not an Error still gives a message', async () => {
    expect((await collectModule(resolved(mod('s', () => Promise.reject('plain string'))), {}, undefined, 5000)).error).toBe('plain string');
    const empty = await collectModule(resolved(mod('e', () => Promise.reject(new Error('')))), {}, undefined, 5000);
    expect(empty).toMatchObject({ ok: false });
    expect(empty.error).toBeTruthy();
  });

  it('a rejection after the timeout is absorbed: the outcome is the timeout, and nothing is left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let rejectLate!: (err: Error) => void;
      const outcome = await runWithTimeout(() => new Promise((_, reject) => (rejectLate = reject)), 50);
      expect(outcome).toMatchObject({ ok: false, timedOut: true, error: 'no answer within 50 ms' });
      rejectLate(new Error('too late'));
      await (outcome as { pending?: Promise<unknown> }).pending;
      await new Promise((r) => setTimeout(r, 20)); // past the turn in which Node reports unhandled rejections
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('one-shot collection with a failing module', () => {
  it('a rejected collect fails only that module; the others are collected', async () => {
    const tree = fixtureTree();
    try {
      tree.write('proc/sys/kernel/random/boot_id', 'boot-1\n');
      const env = { SHOJI_PROC_ROOT: tree.procRoot, SHOJI_RUNTIME_DIR: `${tree.dir}/run` };
      const registry: Registry = {
        modules: new Map(
          [
            mod('bad', () => Promise.reject(new Error('sensor on fire'))),
            mod('sync-bad', () => {
              throw new Error('sync fire');
            }),
            mod('good', () => ({ reading: { text: 'fine', state: 'good' } })),
          ].map((def) => [def.id, { def, source: 'builtin' as const }]),
        ),
        problems: [],
      };
      const r = await collectOneShot(resolvedIds(['bad', 'sync-bad', 'good'], registry), env);
      expect(r.statuses.get('bad')).toMatchObject({ error: 'sensor on fire', failures: 1 });
      expect(r.statuses.get('sync-bad')).toMatchObject({ error: 'sync fire', failures: 1 });
      expect(r.statuses.get('good')!.reading).toMatchObject({ text: 'fine' });
    } finally {
      tree.cleanup();
    }
  });
});
