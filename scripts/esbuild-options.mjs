// The esbuild options every bundle of shoji is built with: by scripts/build.mjs, and by the
// tests that build a bundle of their own from the sources.

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
