/**
 * The registry: every module shoji knows on this host — built-in, the user's plugins and the
 * user's scripts. What the config makes of them (options, interval, layout) is core/resolve.ts.
 */
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import type { AnyModule, DataDeclaration, ShojiModule } from './contract.js';
import type { ModuleSchemas } from './config.js';
import { findScripts, scriptDirs, scriptModule } from './scripts.js';
import { findPluginFiles, loadUserPlugins, pluginIdOf, type PluginProblem } from './user-plugins.js';

export type ModuleSource = 'builtin' | 'plugin' | 'script';

export interface RegisteredModule {
  def: AnyModule;
  source: ModuleSource;
  /** The plugin or script file, for user modules. */
  file?: string;
}

export interface Registry {
  modules: Map<string, RegisteredModule>;
  /** Plugins refused or failing to load: shown by `shoji modules` and `shoji config check`. */
  problems: PluginProblem[];
}

/** The layout alias that stands for every script, in name order. */
export const CUSTOM_ALIAS = 'custom';

export interface RegistryOptions {
  /** The built-in modules (src/app/builtins.ts: the engine itself never imports plugins/). */
  builtins: readonly AnyModule[];
  configDir: string;
  env: NodeJS.ProcessEnv;
  /** Load user plugins (JavaScript). */
  userPlugins?: boolean;
}

export async function buildRegistry(opts: RegistryOptions): Promise<Registry> {
  const modules = new Map<string, RegisteredModule>();
  for (const def of opts.builtins) modules.set(def.id, { def, source: 'builtin' });
  const problems: PluginProblem[] = [];
  if (opts.userPlugins !== false && findPluginFiles(opts.configDir).length > 0) {
    const loaded = await loadUserPlugins(opts.configDir);
    for (const { def, file } of loaded.modules) {
      const taken = modules.get(def.id);
      if (taken) {
        const by = taken.source === 'builtin' ? 'a built-in module' : taken.file;
        problems.push({ file, message: `module id "${def.id}" is already taken by ${by}; rename it` });
        continue;
      }
      modules.set(def.id, { def, source: 'plugin', file });
    }
    // A plugin that failed to load or was refused keeps its place in the layout (and its options
    // in the config stay valid), shown as failed with the reason, so the rest of the config holds.
    for (const problem of loaded.problems) {
      problems.push(problem);
      const id = pluginIdOf(problem.file);
      if (id && !modules.has(id)) modules.set(id, { def: failedPlugin(id, problem), source: 'plugin', file: problem.file });
    }
  }
  const refused = (file: string, message: string) => problems.push({ file, message });
  // ~/.byobu/bin always: whether its scripts are wanted is the config's byobu_scripts, which is
  // validated against this registry (withoutByobuScripts leaves them out afterwards).
  for (const file of findScripts(scriptDirs(opts.configDir, homeOf(opts.env), true), refused)) {
    modules.set(file.id, { def: scriptModule(file), source: 'script', file: file.path });
  }
  return { modules, problems };
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** Leave out the scripts from ~/.byobu/bin, and the problems with them (the config says byobu_scripts: false). */
export function withoutByobuScripts(registry: Registry, env: NodeJS.ProcessEnv): void {
  const byobuBin = join(homeOf(env), '.byobu', 'bin') + sep;
  for (const [id, m] of registry.modules) {
    if (m.source === 'script' && m.file?.startsWith(byobuBin)) registry.modules.delete(id);
  }
  registry.problems = registry.problems.filter((p) => !p.file.startsWith(byobuBin));
}

/**
 * Stands in for a plugin that could not be loaded: any options are accepted (its schema is not
 * known), and every collect fails with the reason.
 */
function failedPlugin(id: string, problem: PluginProblem): ShojiModule {
  return {
    id,
    description: 'a plugin that could not be loaded (see the problem below)',
    options: { schema: { type: 'object', additionalProperties: true }, defaults: {} },
    interval: 60,
    collect() {
      throw new Error(problem.message);
    },
  };
}

/** A key that changes whenever the set of user plugins changes (for the config cache). */
export function pluginsKey(configDir: string): string {
  return findPluginFiles(configDir)
    .map((p) => `${p.file}@${p.mtimeMs}:${p.ctimeMs}`)
    .join('|');
}

export function moduleSchemas(registry: Registry): ModuleSchemas {
  const schemas = new Map<string, Record<string, unknown>>();
  const data = new Map<string, DataDeclaration>();
  for (const [id, { def }] of registry.modules) {
    schemas.set(id, def.options.schema);
    if (def.data) data.set(id, def.data);
  }
  return { schemas, data, layoutAliases: [CUSTOM_ALIAS] };
}
