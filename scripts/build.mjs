// Builds shoji into dist/ for fast starts. Measured here on Node 20 (no compile cache):
// - an ES module entry costs ~12 ms more than CommonJS just to start the ESM loader, so the
//   output is CommonJS and bin/shoji is a CommonJS file;
// - one bundle of everything costs ~70 ms to parse, so every dynamic import() in our source
//   (yargs, the YAML parser and schema validator, cron, the dashboard, price-file readers...)
//   becomes its own bundle in dist/lazy/, loaded only when that code path runs.
// A lazy bundle carries its own copy of the code it shares with the main one, so errors are
// recognised by name (isConfigError, isUsageError), never by instanceof across bundles.
// The options every bundle shares, and the packages left in node_modules, are in
// esbuild-options.mjs. Everything here is esbuild's own options and one resolve plugin: the
// output is written as esbuild makes it.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { common } from './esbuild-options.mjs';

// Packages imported dynamically that must be bundled (ES-module-only, or cheap once split off).
const SPLIT_PACKAGES = new Set(['cron', 'yaml', 'ajv']);

// The bundles bin/launch.cjs runs. On Node 20 it runs them from a V8 code cache (a vm.Script),
// where import() has no module loader; and where it has one (Node's own compile cache), loading
// a CommonJS file through the ES module loader costs ~15 ms (measured) that require() does not.
// So esbuild writes every import() as require(): a lazy bundle, a Node built-in and a package
// from node_modules alike (checkRequirable makes sure such a package can be required).
const launched = { ...common, supported: { 'dynamic-import': false }, metafile: true };

rmSync('dist', { recursive: true, force: true });

const lazyEntries = new Map(); // absolute source path or package name -> bundle name
const built = new Set();

function lazyName(key) {
  const existing = lazyEntries.get(key);
  if (existing) return existing;
  let base = SPLIT_PACKAGES.has(key) ? key : basename(key, extname(key));
  if (base === 'index') base = basename(dirname(key));
  let name = base.replace(/[^A-Za-z0-9_-]/g, '_');
  const taken = new Set(lazyEntries.values());
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  lazyEntries.set(key, name);
  return name;
}

/** Dynamic imports become lazy bundles of their own, except the sources in `inline`. */
function splitDynamicImports(fromLazyDir, inline = new Set()) {
  return {
    name: 'split-dynamic-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const isRelative = args.path.startsWith('.');
        if (!isRelative && !SPLIT_PACKAGES.has(args.path)) return undefined;
        let key = args.path;
        if (isRelative) key = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        if (inline.has(key)) return undefined;
        const name = lazyName(key);
        return { path: fromLazyDir ? `./${name}.cjs` : `./lazy/${name}.cjs`, external: true };
      });
    },
  };
}

const requireFromRoot = createRequire(join(process.cwd(), 'package.json'));

/**
 * A package left in node_modules is require()d by the bundle, so it must be CommonJS, or have a
 * CommonJS build that require() picks: Node 20 cannot require() an ES module. One that is not
 * fails the build here, naming it, rather than the command that first loads it.
 */
function checkRequirable(metafile) {
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

async function buildLaunched(entry, outfile, plugin) {
  const result = await build({ ...launched, entryPoints: [entry], outfile, plugins: [plugin] });
  checkRequirable(result.metafile);
}

// The entries bin/ runs through bin/launch.cjs, and the lazily loaded code each carries inside:
// bin/ec2-cost always runs the report, so its bundle holds it (loading it as a second bundle
// cost ~0.25 ms more, measured); `shoji ec2-cost` loads it lazily.
const MAIN_ENTRIES = {
  shoji: { entry: 'src/main.ts', inline: [] },
  'ec2-cost': { entry: 'src/ec2/cli-entry.ts', inline: ['src/ec2/run.ts'] },
};
for (const [name, { entry, inline }] of Object.entries(MAIN_ENTRIES)) {
  await buildLaunched(entry, `dist/${name}.cjs`, splitDynamicImports(false, new Set(inline.map((f) => resolve(f)))));
}

// User plugins run in a worker thread (src/core/plugin-host.ts starts it), which Node loads
// itself, so import() works there and loads a plugin that is an ES module; its loader hooks run
// on Node's hooks thread as an ES module.
await build({ ...common, entryPoints: ['src/core/plugin-worker.ts'], outfile: 'dist/plugin-worker.cjs' });
await build({
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  entryPoints: ['src/core/plugin-hooks.ts'],
  outfile: 'dist/plugin-hooks.mjs',
});

// Build lazy bundles until no new ones appear (a lazy bundle may have dynamic imports too).
for (;;) {
  const pending = [...lazyEntries].filter(([key]) => !built.has(key));
  if (pending.length === 0) break;
  for (const [key, name] of pending) {
    built.add(key);
    await buildLaunched(key, `dist/lazy/${name}.cjs`, splitDynamicImports(true));
  }
}
