// Bundles each entry point into one file under dist/ so that starting shoji loads a single
// file (Node 20 has no compile cache: start-up time is mostly module loading).
// Heavy packages (blessed, systeminformation, the AWS SDK) are reached only through dynamic
// import() and land in separate chunks, so the status-line path never loads them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { shoji: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a require.
  banner: { js: "import { createRequire as __shojiRequire } from 'node:module'; const require = __shojiRequire(import.meta.url);" },
});
