/**
 * User plugins: JavaScript modules in $XDG_CONFIG_HOME/shoji/plugins/, either `name.js` /
 * `name.mjs` or `name/index.js` / `name/index.mjs`, whose default export is a ShojiModule
 * (the same contract the built-in modules use; see docs/plugins.md).
 *
 * A plugin runs as you, so one that anyone else could have written is refused: it and its
 * folders up to the plugins folder must be owned by you (or root) and not writable by group or
 * others, and so must everything it imports (src/core/plugin-trust.ts). Each plugin runs in a
 * worker thread of its own (plugin-host.ts), loaded only when plugin files exist: a status
 * line without plugins pays nothing for them.
 */
import { type Stats, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ShojiModule } from './contract.js';
import { pluginFileProblem } from './plugin-trust.js';
import { listDir } from './read.js';

export interface PluginProblem {
  file: string;
  message: string;
}

export interface FoundPlugin {
  file: string;
  mtimeMs: number;
  /** Changes with the file's mode and owner too (a refused plugin fixed with chmod). */
  ctimeMs: number;
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
    let st: Stats;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isFile() && /\.(m?js)$/.test(entry)) out.push({ file: path, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
    else if (st.isDirectory()) {
      for (const index of ['index.mjs', 'index.js']) {
        try {
          const ist = statSync(join(path, index));
          out.push({ file: join(path, index), mtimeMs: ist.mtimeMs, ctimeMs: ist.ctimeMs });
          break;
        } catch {
          // try the next name
        }
      }
    }
  }
  return out;
}

/** Why a plugin file may not be run, or null when it is safe (the file and its folders up to `top`). */
export function unsafeReason(file: string, top: string): string | null {
  const why = pluginFileProblem(file, top);
  return why && `${why}: refusing to run it`;
}

/**
 * The module id a plugin file would most likely have: its name (`todo.mjs`, `todo/index.mjs`),
 * when that is a valid id. A plugin that fails to load keeps its place in a layout under it.
 */
export function pluginIdOf(file: string): string | null {
  const name = /^index\.m?js$/.test(basename(file)) ? basename(dirname(file)) : basename(file).replace(/\.m?js$/, '');
  return /^[a-z0-9][a-z0-9-]*$/.test(name) ? name : null;
}

/** Load every safe plugin; every refusal or load failure becomes a problem, never an exception. */
export async function loadUserPlugins(configDir: string): Promise<{ modules: { def: ShojiModule; file: string }[]; problems: PluginProblem[] }> {
  const top = pluginsDir(configDir);
  const files = findPluginFiles(configDir).map(({ file }) => ({ file, unsafe: unsafeReason(file, top) }));
  const safe = files.filter((f) => !f.unsafe);
  // Worker threads and their host only when there is a plugin to run.
  const loaded = safe.length > 0 ? await import('./plugin-host.js') : undefined;
  const outcomes = await Promise.all(safe.map(({ file }) => loaded!.loadHostedPlugin(file, top)));
  const modules: { def: ShojiModule; file: string }[] = [];
  const problems: PluginProblem[] = [];
  for (const { file, unsafe } of files) {
    const outcome = unsafe ? { error: unsafe } : outcomes[safe.findIndex((f) => f.file === file)];
    if ('def' in outcome) modules.push({ def: outcome.def, file });
    else problems.push({ file, message: outcome.error });
  }
  return { modules, problems };
}
