/**
 * Layouts name modules; `enabled: false` in a module's options takes it off every layout,
 * including when it comes in through the `custom` alias, without the layout being edited.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ShojiConfig } from '../../src/core/config.js';
import type { ShojiModule } from '../../src/core/contract.js';
import type { Registry } from '../../src/core/registry.js';
import { expandLayout, resolveModules } from '../../src/core/resolve.js';

const schema = { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} };
const mod = (id: string): ShojiModule => ({ id, description: id, options: schema, interval: 1, collect: () => ({ reading: null }) });

const registry: Registry = {
  modules: new Map([
    ['cpu', { def: mod('cpu'), source: 'builtin' as const }],
    ['load', { def: mod('load'), source: 'builtin' as const }],
    ['custom:mail', { def: mod('custom:mail'), source: 'script' as const }],
    ['custom:beer', { def: mod('custom:beer'), source: 'script' as const }],
  ]),
  problems: [],
};

const withModules = (modules: ShojiConfig['modules']): ShojiConfig => ({ ...DEFAULT_CONFIG, modules });

describe('expandLayout', () => {
  it('keeps the layout order, expands custom to every script by name, and drops unknowns and repeats', () => {
    expect(expandLayout(['load', 'custom', 'nosuch', 'cpu', 'load'], resolveModules(DEFAULT_CONFIG, registry).all).map((m) => m.id)).toEqual([
      'load',
      'custom:beer',
      'custom:mail',
      'cpu',
    ]);
  });

  it('leaves out a module with enabled: false', () => {
    const config = withModules({ cpu: { enabled: false } });
    expect(expandLayout(['load', 'cpu'], resolveModules(config, registry).all).map((m) => m.id)).toEqual(['load']);
  });

  it('leaves out a disabled script, named or through the custom alias', () => {
    const config = withModules({ 'custom:mail': { enabled: false } });
    expect(expandLayout(['custom'], resolveModules(config, registry).all).map((m) => m.id)).toEqual(['custom:beer']);
    expect(expandLayout(['custom:mail', 'load'], resolveModules(config, registry).all).map((m) => m.id)).toEqual(['load']);
  });

  it('enabled: true, or no enabled key, keeps the module', () => {
    const config = withModules({ cpu: { enabled: true }, load: { interval: 5 } });
    expect(expandLayout(['cpu', 'load'], resolveModules(config, registry).all).map((m) => m.id)).toEqual(['cpu', 'load']);
  });
});
