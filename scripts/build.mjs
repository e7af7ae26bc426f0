// Builds shoji into dist/ for fast starts. Measured here on Node 20 (no compile cache):
// - an ES module entry costs ~12 ms more than CommonJS just to start the ESM loader, so the
//   output is CommonJS and bin/shoji is a CommonJS file;
// - one bundle of everything costs ~70 ms to parse, so every dynamic import() in our source
//   (yargs, the YAML parser and schema validator, cron, the dashboard, price-file readers...)
//   becomes its own bundle in dist/lazy/, loaded only when that code path runs.
// A lazy bundle carries its own copy of the code it shares with the main one, so errors are
// recognised by name (isConfigError, isUsageError), never by instanceof across bundles.
// The options every bundle shares, and the packages left in node_modules, are in
// esbuild-options.mjs, with those of the bundles bin/launch.cjs runs. Everything here is
// esbuild's own options and one resolve plugin: the output is written as esbuild makes it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, resolve } from 'node:path';
import { build } from 'esbuild';
import { checkRequirable, common, launched } from './esbuild-options.mjs';

// Packages imported dynamically that must be bundled (ES-module-only, or cheap once split off).
const SPLIT_PACKAGES = new Set(['cron', 'yaml', 'ajv']);

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

// The config's schema validator, compiled by ajv now rather than at each first read of a config
// (src/core/config-prebuilt.ts says why): src/app/config-standalone.ts writes it, and it takes
// config-prebuilt.ts's place in every bundle. dist/.gen is removed when the build ends, as it may.
const GENERATED = resolve('dist/.gen');
process.on('exit', () => rmSync(GENERATED, { recursive: true, force: true }));
const PREBUILT_STUB = resolve('src/core/config-prebuilt.ts');
const PREBUILT = resolve(GENERATED, 'config-prebuilt.cjs');
mkdirSync(GENERATED, { recursive: true });
await build({ ...common, entryPoints: ['src/app/config-standalone.ts'], outfile: resolve(GENERATED, 'config-standalone.cjs') });
const { prebuiltValidatorSource } = createRequire(import.meta.url)(resolve(GENERATED, 'config-standalone.cjs'));
writeFileSync(PREBUILT, prebuiltValidatorSource());
const prebuiltValidator = {
  name: 'prebuilt-config-validator',
  setup(b) {
    b.onResolve({ filter: /config-prebuilt\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts') === PREBUILT_STUB ? { path: PREBUILT } : undefined,
    );
  },
};

async function buildLaunched(entry, outfile, plugin) {
  const result = await build({ ...launched, entryPoints: [entry], outfile, plugins: [plugin, prebuiltValidator] });
  checkRequirable(result.metafile, process.cwd());
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
