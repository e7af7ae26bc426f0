/**
 * The config resolved once against the registry (src/core/resolve.ts): what every consumer of a
 * module's settings reads instead of the config's `modules:` block.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ShojiConfig } from '../../src/core/config.js';
import type { ShojiModule } from '../../src/core/contract.js';
import type { Registry } from '../../src/core/registry.js';
import { DEFAULT_PRIORITY, resolveModules } from '../../src/core/resolve.js';

function mod(id: string, extra: Partial<ShojiModule<any, any, any>> = {}): ShojiModule<any, any, any> {
  return {
    id,
    description: id,
    options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: { size: 1, unit: 'K' } },
    interval: 10,
    collect: () => ({ reading: null }),
    ...extra,
  };
}

function registryOf(...defs: ShojiModule<any, any, any>[]): Registry {
  return { modules: new Map(defs.map((def) => [def.id, { def, source: 'builtin' as const }])), problems: [] };
}

const config = (c: Partial<ShojiConfig>): ShojiConfig => ({ ...DEFAULT_CONFIG, left: [], right: [], ...c });

describe('resolveModules', () => {
  it("options: the module's defaults overlaid with the user's, without the host's keys", () => {
    const r = resolveModules(config({ modules: { a: { size: 5, interval: 3, timeout: 1, priority: 2, enabled: true } } }), registryOf(mod('a')));
    expect(r.all.get('a')!.options).toEqual({ size: 5, unit: 'K' });
  });

  it("priority: the user's, else the module's own, else the default", () => {
    const r = resolveModules(config({ modules: { a: { priority: 7 } } }), registryOf(mod('a', { priority: 80 }), mod('b', { priority: 80 }), mod('c')));
    expect([...r.all.values()].map((m) => m.priority)).toEqual([7, 80, DEFAULT_PRIORITY]);
  });

  it('side: the left when both name it, none when neither does or the module is disabled', () => {
    const r = resolveModules(
      config({ left: ['a', 'd'], right: ['b', 'a', 'd'], modules: { d: { enabled: false } } }),
      registryOf(mod('a'), mod('b'), mod('c'), mod('d')),
    );
    expect(r.left.map((m) => m.id)).toEqual(['a']);
    expect(r.right.map((m) => m.id)).toEqual(['b', 'a']);
    expect(Object.fromEntries([...r.all.values()].map((m) => [m.id, [m.side, m.enabled]]))).toEqual({
      a: ['left', true],
      b: ['right', true],
      c: [undefined, true],
      d: [undefined, false],
    });
  });

  it('background: a module allowed more than the default 5 s, by itself or by the user', () => {
    const r = resolveModules(
      config({ modules: { quick: { timeout: 9 }, tamed: { timeout: 5 } } }),
      registryOf(mod('plain'), mod('slow', { timeoutMs: 60_000 }), mod('edge', { timeoutMs: 5000 }), mod('quick'), mod('tamed', { timeoutMs: 60_000 })),
    );
    expect(Object.fromEntries([...r.all.values()].map((m) => [m.id, [m.timeoutMs, m.background]]))).toEqual({
      plain: [5000, false],
      slow: [60_000, true],
      edge: [5000, false],
      quick: [9000, true],
      tamed: [5000, false],
    });
  });

  it('background: what the module declares, whatever its timeout', () => {
    const r = resolveModules(
      config({ modules: { tamed: { timeout: 2 } } }),
      registryOf(
        mod('apt', { background: true }),
        mod('tamed', { background: true, timeoutMs: 60_000 }),
        mod('inline', { background: false, timeoutMs: 60_000 }),
      ),
    );
    expect(Object.fromEntries([...r.all.values()].map((m) => [m.id, [m.timeoutMs, m.background]]))).toEqual({
      apt: [5000, true],
      tamed: [2000, true],
      inline: [60_000, false],
    });
  });

  it("the settings key is the user's block as written, '{}' without one", () => {
    const r = resolveModules(config({ modules: { a: { size: 5, interval: 3 } } }), registryOf(mod('a'), mod('b')));
    expect(r.all.get('a')!.settingsKey).toBe('{"size":5,"interval":3}');
    expect(r.all.get('b')!.settingsKey).toBe('{}');
  });

  it('an interval that is a function of the options is worked out when first read, once', () => {
    const asked: unknown[] = [];
    const def = mod('a', {
      interval: (o: { size: number }) => {
        asked.push(o);
        return o.size;
      },
    });
    const r = resolveModules(config({ right: ['a'], modules: { a: { size: 4 } } }), registryOf(def));
    expect(asked).toEqual([]);
    expect(r.all.get('a')!.interval).toEqual({ kind: 'every', ms: 4000 });
    expect(r.all.get('a')!.interval).toEqual({ kind: 'every', ms: 4000 });
    expect(asked).toEqual([{ size: 4, unit: 'K' }]);
  });

  it('is the same objects in every list: a side holds the modules of `all`', () => {
    const r = resolveModules(config({ right: ['a'] }), registryOf(mod('a')));
    expect(r.right[0]).toBe(r.all.get('a'));
  });
});
