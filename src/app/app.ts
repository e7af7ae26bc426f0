/**
 * Everything a command needs, loaded once: registry, validated config, the modules resolved
 * from both (core/resolve.ts), theme and icons.
 * A broken config never stops the status line: the defaults are used and the problem is
 * carried along to be shown (a 'config' failure segment, `shoji config check`).
 */
import { DEFAULT_CONFIG, isConfigError, loadConfig, type ConfigError, type ShojiConfig } from '../core/config.js';
import { configDir } from '../core/paths.js';
import { buildRegistry, moduleSchemas, pluginsKey, withoutByobuScripts, type Registry } from '../core/registry.js';
import { BUILTIN_MODULES } from './builtins.js';
import { resolveModules, type ResolvedModules } from '../core/resolve.js';
import { fallbackTheme, loadIconSet, loadTheme, type IconSet, type Theme } from '../core/theme.js';

export interface App {
  env: NodeJS.ProcessEnv;
  config: ShojiConfig;
  configFile: string;
  configExists: boolean;
  configError?: ConfigError;
  themeError?: string;
  registry: Registry;
  /** Every module with the config's settings for it, and the layout: what everything else reads. */
  modules: ResolvedModules;
  theme: Theme;
  icons: IconSet;
}

export async function loadApp(env: NodeJS.ProcessEnv = process.env, opts: { userPlugins?: boolean } = {}): Promise<App> {
  const dir = configDir(env);
  const registry = await buildRegistry({ builtins: BUILTIN_MODULES, configDir: dir, env, userPlugins: opts.userPlugins });
  // What the config was validated against: the plugin files, the modules, and the plugins
  // refused (a stand-in accepts any options; fixing a helper's chmod must re-validate).
  const refused = registry.problems.map((p) => `${p.file}:${p.message}`).join('|');
  const key = `${pluginsKey(dir)}#${[...registry.modules.keys()].join(',')}#${refused}`;
  let config: ShojiConfig = DEFAULT_CONFIG;
  let configFile = '';
  let configExists = false;
  let configError: ConfigError | undefined;
  try {
    const loaded = await loadConfig(env, key, () => moduleSchemas(registry));
    ({ config, file: configFile, exists: configExists } = loaded);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    configError = err;
    configFile = err.problems[0]?.file ?? '';
    configExists = true;
  }
  if (!config.byobu_scripts) withoutByobuScripts(registry, env);
  let theme: Theme;
  let themeError: string | undefined;
  try {
    theme = loadTheme(config.theme, dir, env);
  } catch (err) {
    themeError = (err as Error).message;
    theme = fallbackTheme(env);
  }
  const icons = loadIconSet(config.icons, env);
  return { env, config, configFile, configExists, configError, themeError, registry, modules: resolveModules(config, registry), theme, icons };
}
