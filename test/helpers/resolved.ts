/**
 * Modules as the host runs them: resolved with a config (src/core/resolve.ts), as src/app/app.ts
 * resolves them for every command.
 */
import { DEFAULT_CONFIG, type ShojiConfig } from '../../src/core/config.js';
import type { AnyModule } from '../../src/core/contract.js';
import type { Registry } from '../../src/core/registry.js';
import { resolveModule, resolveModules, type ResolvedModule } from '../../src/core/resolve.js';

/** One module (as a built-in) with the config's settings for it. */
export function resolved(def: AnyModule, config: ShojiConfig = DEFAULT_CONFIG): ResolvedModule {
  return resolveModule({ def, source: 'builtin' }, config);
}

/** The modules of a registry that `ids` names, in that order, resolved with a config; unknown ids left out. */
export function resolvedIds(ids: string[], registry: Registry, config: ShojiConfig = DEFAULT_CONFIG): ResolvedModule[] {
  const all = resolveModules(config, registry).all;
  return ids.flatMap((id) => all.get(id) ?? []);
}
