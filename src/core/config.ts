/**
 * shoji's configuration: $XDG_CONFIG_HOME/shoji/config.yaml (see docs/config.md).
 *
 * The status line reads the config on every one-shot call, so the validated result is cached
 * in the runtime folder, keyed by the file's path, size and mtime (and the plugins folder's):
 * the YAML parser and the schema validator load only when the file changed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { configDir, runtimeDir } from './paths.js';

export interface DashboardConfig {
  /** Seconds between dashboard frames. */
  refresh: number;
  /** Seconds between process-table samples (expensive). */
  process_interval: number;
}

export interface ShojiConfig {
  theme: string;
  icons: 'auto' | 'ascii' | 'unicode' | 'nerd';
  /** Module ids on the left and right of the status line, in order. 'custom' = every script. */
  left: string[];
  right: string[];
  /** Width limit of each side in cells; 0 = no limit (tmux's status-*-length still applies). */
  max_width: number;
  /** Also run scripts from ~/.byobu/bin (byobu's N_name convention). */
  byobu_scripts: boolean;
  /** Per-module options, including the host's keys interval, timeout, priority, enabled. */
  modules: Record<string, Record<string, unknown>>;
  dashboard: DashboardConfig;
}

/** A byobu-like default: the everyday numbers on the right, quiet modules hidden until they matter. */
export const DEFAULT_CONFIG: ShojiConfig = {
  theme: 'default',
  icons: 'auto',
  left: ['hostname'],
  right: [
    'custom',
    'reboot-required',
    'updates',
    'uptime',
    'load',
    'cpu',
    'memory',
    'swap',
    'disk',
    'network',
    'battery',
    'ec2-cost',
    'datetime',
  ],
  max_width: 0,
  byobu_scripts: true,
  modules: {},
  dashboard: { refresh: 1, process_interval: 3 },
};

/** The host's own per-module keys, accepted for every module. */
export const HOST_MODULE_KEYS = ['interval', 'timeout', 'priority', 'enabled'] as const;

/** One problem in a config file, located for a human: file, line and key. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. "modules.cpu.per_cor". */
  key?: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/**
 * Whether an error is a ConfigError. Checked by name, not instanceof: the validator is built
 * into its own lazily loaded bundle (scripts/build.mjs), which has its own copy of the class.
 */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError' && Array.isArray((err as ConfigError).problems);
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : p.file;
  return `${where}: ${p.key ? `${p.key}: ` : ''}${p.message}`;
}

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.yaml');
}

/** What the validator needs to know about modules: their option schemas. */
export interface ModuleSchemas {
  /** id -> JSON Schema of the module's own options. */
  schemas: Map<string, Record<string, unknown>>;
  /** Ids a layout may name besides the modules themselves (e.g. 'custom'). */
  layoutAliases: string[];
}

interface CacheEntry {
  file: string;
  mtimeMs: number;
  size: number;
  key: string;
  config: ShojiConfig;
}

function cachePath(env: NodeJS.ProcessEnv): string {
  return join(runtimeDir(env), 'config-cache.json');
}

/**
 * Load the config: defaults when there is no file; throws ConfigError when the file is broken.
 * `schemasKey` identifies the set of modules (user plugins change what is valid), and
 * `schemas` is only called when the cache is cold.
 */
export async function loadConfig(
  env: NodeJS.ProcessEnv,
  schemasKey: string,
  schemas: () => ModuleSchemas,
): Promise<{ config: ShojiConfig; file: string; exists: boolean }> {
  const file = configFile(env);
  let st;
  try {
    // No exception for the common case of no config file (see core/read.ts for why).
    st = statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    throw new ConfigError([{ file, message: `cannot read: ${(err as Error).message}` }]);
  }
  if (!st) return { config: DEFAULT_CONFIG, file, exists: false };
  const cache = cachePath(env);
  try {
    const entry = JSON.parse(readFileSync(cache, 'utf8')) as CacheEntry;
    if (entry.file === file && entry.mtimeMs === st.mtimeMs && entry.size === st.size && entry.key === schemasKey) {
      return { config: entry.config, file, exists: true };
    }
  } catch {
    // No cache, or a corrupt one: validate afresh and rewrite it below.
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, message: `cannot read: ${(err as Error).message}` }]);
  }
  const { validateConfigText } = await import('./config-validate.js');
  const config = validateConfigText(text, file, schemas());
  const entry: CacheEntry = { file, mtimeMs: st.mtimeMs, size: st.size, key: schemasKey, config };
  try {
    writeFileAtomic(cache, JSON.stringify(entry));
  } catch {
    // An unwritable runtime folder only costs speed: the next call validates again.
  }
  return { config, file, exists: true };
}

/** A module's effective options: its defaults, overlaid with the user's keys (host keys removed). */
export function moduleOptions(
  defaults: Record<string, unknown>,
  user: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(user ?? {})) {
    if (!(HOST_MODULE_KEYS as readonly string[]).includes(k)) out[k] = v;
  }
  return out;
}
