/**
 * shoji's configuration: $XDG_CONFIG_HOME/shoji/config.yaml (every key in docs/config.example.yaml).
 *
 * The status line reads the config on every one-shot call, so the validated result is cached
 * in the runtime folder (which passed the trust check), together with the exact text it was
 * validated from and the set of modules it was validated against: the cache is used only when
 * the file holds that same text, so it is never more than a faster way to the answer the
 * validator would give. The YAML parser and the schema validator load only when the text changed.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import {
  ConfigError,
  type ConfigProblem,
  DEFAULT_CONFIG,
  HOST_KEYS,
  isConfigError,
  type ModuleSchemas,
  ownsHostKey,
  type ShojiConfig,
} from './config-schema.js';
import { configDir, runtimeDir } from './paths.js';

// What a config is (its keys, defaults, problems) is declared in config-schema.ts; everything
// that loads or reads a config imports it from here, with the loading.
export * from './config-schema.js';

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.yaml');
}

interface CacheEntry {
  file: string;
  /** The config file's whole text when it was validated. */
  text: string;
  key: string;
  /** The validated config, or (for a broken file) the problems the validator found. */
  config?: ShojiConfig;
  problems?: ConfigProblem[];
}

/** Larger files are refused unread: a config is a page of keys, and YAML's cost grows with size. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Where loadConfig keeps the validated config. */
export function cachePath(env: NodeJS.ProcessEnv): string {
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
  let st: Stats | undefined;
  try {
    // No exception for the common case of no config file (see core/read.ts for why).
    st = statSync(file, { throwIfNoEntry: false });
  } catch (err) {
    throw new ConfigError([{ file, message: `cannot read: ${(err as Error).message}` }]);
  }
  if (!st) return { config: DEFAULT_CONFIG, file, exists: false };
  if (st.size > MAX_CONFIG_BYTES) {
    throw new ConfigError([{ file, message: `the file is ${st.size} bytes; a config may be at most ${MAX_CONFIG_BYTES} (1 MiB)` }]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, message: `cannot read: ${(err as Error).message}` }]);
  }
  let cache: string | undefined;
  let cachedProblems: ConfigProblem[] | undefined;
  try {
    cache = cachePath(env);
    const entry = JSON.parse(readFileSync(cache, 'utf8')) as CacheEntry;
    if (entry.file === file && entry.key === schemasKey && entry.text === text) {
      if (isCachedConfig(entry.config)) return { config: entry.config, file, exists: true };
      // A broken file is not parsed again on every call either (the worst YAML takes seconds).
      if (isCachedProblems(entry.problems)) cachedProblems = entry.problems;
    }
  } catch {
    // No cache, or a corrupt one: validate afresh and rewrite it below.
  }
  if (cachedProblems) throw new ConfigError(cachedProblems);
  const { validateConfigText } = await import('./config-validate.js');
  const save = (entry: CacheEntry) => {
    try {
      if (cache) writeFileAtomic(cache, JSON.stringify(entry));
    } catch {
      // An unwritable runtime folder only costs speed: the next call validates again.
    }
  };
  let config: ShojiConfig;
  try {
    config = await validateConfigText(text, file, schemas());
  } catch (err) {
    if (isConfigError(err)) save({ file, text, key: schemasKey, problems: err.problems });
    throw err;
  }
  save({ file, text, key: schemasKey, config });
  return { config, file, exists: true };
}

function isCachedProblems(p: unknown): p is ConfigProblem[] {
  return (
    Array.isArray(p) &&
    p.length > 0 &&
    p.every((x: ConfigProblem) => !!x && typeof x.file === 'string' && typeof x.message === 'string' && (x.line === undefined || Number.isInteger(x.line)))
  );
}

/** The shape a validated config has; a cache entry that lacks it was not written by this version. */
function isCachedConfig(c: unknown): c is ShojiConfig {
  const x = c as ShojiConfig;
  return (
    !!x &&
    typeof x === 'object' &&
    Array.isArray(x.left) &&
    Array.isArray(x.right) &&
    typeof x.modules === 'object' &&
    x.modules !== null &&
    typeof x.dashboard === 'object' &&
    x.dashboard !== null
  );
}

/**
 * A module's effective options: its defaults, overlaid with the user's keys (host keys removed,
 * but for one the module declares itself: `own`, its schema's properties; config-schema.ts's
 * ownsHostKey).
 */
export function moduleOptions(defaults: Record<string, unknown>, user: Record<string, unknown> | undefined, own?: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(user ?? {})) {
    if (!Object.hasOwn(HOST_KEYS, k) || ownsHostKey(own, k)) out[k] = v;
  }
  return out;
}
