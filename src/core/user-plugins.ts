/**
 * User plugins: JavaScript modules in $XDG_CONFIG_HOME/shoji/plugins/, either `name.js` /
 * `name.mjs` or `name/index.js` / `name/index.mjs`, whose default export is a ShojiModule
 * (the same contract the built-in modules use; see docs/plugins.md).
 *
 * shoji runs them inside its own process, so a plugin file anyone else could have written is
 * refused: it and its folders up to the plugins folder must be owned by the user (or root) and
 * not writable by group or others.
 */
import { lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ShojiModule } from './contract.js';
import { listDir } from './read.js';

export interface PluginProblem {
  file: string;
  message: string;
}

export interface FoundPlugin {
  file: string;
  mtimeMs: number;
}

export function pluginsDir(configDir: string): string {
  return join(configDir, 'plugins');
}

/** Plugin entry files, without loading them. */
export function findPluginFiles(configDir: string): FoundPlugin[] {
  const dir = pluginsDir(configDir);
  const out: FoundPlugin[] = [];
  for (const entry of listDir(dir).sort()) {
    const path = join(dir, entry);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isFile() && /\.(m?js)$/.test(entry)) out.push({ file: path, mtimeMs: st.mtimeMs });
    else if (st.isDirectory()) {
      for (const index of ['index.mjs', 'index.js']) {
        try {
          const ist = statSync(join(path, index));
          out.push({ file: join(path, index), mtimeMs: ist.mtimeMs });
          break;
        } catch {
          // try the next name
        }
      }
    }
  }
  return out;
}

/** Why a file may not be loaded, or null when it is safe. Checks the file and its folders up to `top`. */
export function unsafeReason(file: string, top: string, uid = process.getuid?.() ?? 0): string | null {
  let path = file;
  for (;;) {
    let st;
    try {
      st = lstatSync(path);
    } catch (err) {
      return `cannot check ${path}: ${(err as Error).message}`;
    }
    if (st.uid !== uid && st.uid !== 0) return `${path} is owned by uid ${st.uid}, not by you (uid ${uid}): refusing to run it`;
    if (st.mode & 0o002) return `${path} is world-writable: refusing to run it (chmod o-w ${path})`;
    if (st.mode & 0o020 && st.uid !== uid) return `${path} is group-writable: refusing to run it (chmod g-w ${path})`;
    if (path === top || dirname(path) === path) return null;
    path = dirname(path);
  }
}

function isModule(x: unknown): x is ShojiModule {
  const m = x as ShojiModule;
  return (
    !!m &&
    typeof m.id === 'string' &&
    /^[a-z0-9][a-z0-9-]*$/.test(m.id) &&
    typeof m.collect === 'function' &&
    typeof m.description === 'string' &&
    !!m.options &&
    typeof m.options.schema === 'object' &&
    ['number', 'string', 'function'].includes(typeof m.interval)
  );
}

/**
 * import() for the user's files. bin/shoji runs the bundle from a V8 code cache, where an
 * import() has no module loader behind it; bin/shoji therefore provides one of its own.
 */
function importEsm(pluginUrl: string): Promise<unknown> {
  const provided = (globalThis as { __shojiImport?: (u: string) => Promise<unknown> }).__shojiImport;
  return provided ? provided(pluginUrl) : import(pluginUrl);
}

/** Load every safe plugin; every refusal or load failure becomes a problem, never an exception. */
export async function loadUserPlugins(
  configDir: string,
): Promise<{ modules: { def: ShojiModule; file: string }[]; problems: PluginProblem[] }> {
  const top = pluginsDir(configDir);
  const modules: { def: ShojiModule; file: string }[] = [];
  const problems: PluginProblem[] = [];
  for (const { file, mtimeMs } of findPluginFiles(configDir)) {
    const unsafe = unsafeReason(file, top);
    if (unsafe) {
      problems.push({ file, message: unsafe });
      continue;
    }
    try {
      // The mtime in the URL makes a reloaded config pick up an edited plugin.
      const mod = (await importEsm(`${pathToFileURL(file).href}?v=${mtimeMs}`)) as { default?: unknown };
      if (!isModule(mod.default)) {
        problems.push({
          file,
          message: 'the default export is not a shoji module (needs id, description, options {schema, defaults}, interval, collect)',
        });
        continue;
      }
      modules.push({ def: mod.default, file });
    } catch (err) {
      problems.push({ file, message: `failed to load: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  return { modules, problems };
}
