// Writes docs/modules.md and docs/metrics.md from the modules themselves. modules.md: the comment
// each plugins/<id>/index.ts opens with, and tables of its options and of the data it publishes,
// made from their declarations (src/core/options-doc.ts writes the text). metrics.md: what
// `shoji exporter` serves, from shoji's own families and each module's metric declarations
// (src/exporter/metrics-doc.ts). Run: npm run docs:modules. With --check it writes nothing and
// exits 1 when a file is out of date (test/unit/module-options.test.ts and
// test/unit/exporter/metrics-doc.test.ts check the same). --docs DIR reads and writes DIR instead
// of docs/.
// The modules are TypeScript: esbuild bundles them into node_modules/.cache first, where the
// packages they import resolve, and Node imports that.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docsAt = process.argv.indexOf('--docs');
const docs = docsAt > 0 ? process.argv[docsAt + 1] : join(root, 'docs');
const cacheDir = join(root, 'node_modules', '.cache', 'shoji-modules-doc');
const bundle = join(cacheDir, `modules-doc-${process.pid}.mjs`);

const result = await build({
  stdin: {
    contents: [
      "export { BUILTIN_MODULES } from './src/app/builtins.ts';",
      "export { modulesDoc } from './src/core/options-doc.ts';",
      "export { metricsDoc } from './src/exporter/metrics-doc.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  write: false,
  logLevel: 'warning',
});
mkdirSync(cacheDir, { recursive: true });
writeFileSync(bundle, result.outputFiles[0].text);
let texts;
try {
  const { BUILTIN_MODULES, modulesDoc, metricsDoc } = await import(pathToFileURL(bundle).href);
  texts = { 'modules.md': modulesDoc(join(root, 'plugins'), BUILTIN_MODULES), 'metrics.md': metricsDoc(BUILTIN_MODULES) };
} finally {
  rmSync(bundle, { force: true });
}

let stale = false;
for (const [name, text] of Object.entries(texts)) {
  const target = join(docs, name);
  let now = '';
  try {
    now = readFileSync(target, 'utf8');
  } catch {
    // no file yet: written below
  }
  if (now === text) continue;
  if (process.argv.includes('--check')) {
    process.stderr.write(`${target} is out of date with plugins/: run \`npm run docs:modules\`\n`);
    stale = true;
  } else writeFileSync(target, text);
}
if (stale) process.exit(1);
