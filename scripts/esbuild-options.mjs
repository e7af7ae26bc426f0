// The esbuild options every bundle of shoji is built with: by scripts/build.mjs, and by the
// tests that build a bundle of their own from the sources.
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';

// Packages that read their own files at run time (blessed's terminfo, the AWS SDK) or are large
// and rarely used stay in node_modules and are required from there when needed. Only CommonJS
// ones (or ones with a CommonJS build): bundles require() them (scripts/build.mjs checks), and
// Node 20 cannot require() an ES module. stream-json is one, so it is bundled, into the lazy
// bundle of the price-file reader that imports it.
export const EXTERNAL = ['blessed', 'systeminformation', '@aws-sdk/*', 'cli-progress', 'csv-parse', 'csv-parse/*'];

export const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  legalComments: 'none',
  logLevel: 'warning',
  // ES-module-only packages (yargs) read import.meta.url; give them this file's URL, worked out
  // only when read: pathToFileURL's first call costs ~0.3 ms, on every start of every bundle.
  define: { 'import.meta.url': '__shoji_import_meta.url', 'import.meta.dirname': '__dirname' },
  banner: { js: "var __shoji_import_meta = { get url() { return require('url').pathToFileURL(__filename).href; } };" },
};

// The bundles bin/launch.cjs runs. On Node 20 it runs them from a V8 code cache (a vm.Script),
// where import() has no module loader; and where it has one, loading a CommonJS file through
// the ES module loader costs ~15 ms (measured) that require() does not. So esbuild writes every
// import() as require(): of a lazy bundle, a Node built-in and a package from node_modules
// alike (checkRequirable makes sure such a package can be required). Not the plugin worker's:
// Node loads it itself, and a user plugin may be an ES module.
export const launched = { ...common, supported: { 'dynamic-import': false }, metafile: true };

/**
 * A package left in node_modules is require()d by a launched bundle, so it must be CommonJS, or
 * have a CommonJS build that require() picks: Node 20 cannot require() an ES module. One that is
 * not fails the build, naming it, rather than the command that first loads it. `metafile` is
 * esbuild's, from a build with `launched`; packages are resolved from `root`.
 */
export function checkRequirable(metafile, root) {
  const requireFromRoot = createRequire(join(root, 'package.json'));
  for (const [output, { imports }] of Object.entries(metafile.outputs)) {
    for (const { path, external } of imports) {
      if (!external || path.startsWith('.') || isBuiltin(path)) continue;
      const file = requireFromRoot.resolve(path);
      if (isEsModule(file)) {
        throw new Error(
          `${output} requires ${path}, an ES module (${file}), which Node 20 cannot require(): take it out of EXTERNAL in scripts/esbuild-options.mjs so that it is bundled`,
        );
      }
    }
  }
}

/** Whether Node loads this file as an ES module: .mjs, or .js under a package.json of type module. */
function isEsModule(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  return false;
}
