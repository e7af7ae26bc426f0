// Writes docs/modules.md from the modules themselves: the comment each plugins/<id>/index.ts
// opens with, and tables of its options and of the data it publishes, made from their
// declarations (src/core/options-doc.ts writes the text). Run: npm run docs:modules. With
// --check it writes nothing and exits 1 when the file is out of date
// (test/unit/module-options.test.ts checks the same).
// The modules are TypeScript: esbuild bundles them into node_modules/.cache first, where the
// packages they import resolve, and Node imports that.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'modules.md');
const cacheDir = join(root, 'node_modules', '.cache', 'shoji-modules-doc');
const bundle = join(cacheDir, `modules-doc-${process.pid}.mjs`);

const result = await build({
  stdin: {
    contents: ["export { BUILTIN_MODULES } from './src/app/builtins.ts';", "export { modulesDoc } from './src/core/options-doc.ts';"].join('\n'),
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
let text;
try {
  const { BUILTIN_MODULES, modulesDoc } = await import(pathToFileURL(bundle).href);
  text = modulesDoc(join(root, 'plugins'), BUILTIN_MODULES);
} finally {
  rmSync(bundle, { force: true });
}

let now = '';
try {
  now = readFileSync(target, 'utf8');
} catch {
  // no file yet: written below
}
if (process.argv.includes('--check')) {
  if (now !== text) {
    process.stderr.write('docs/modules.md is out of date with plugins/: run `npm run docs:modules`\n');
    process.exit(1);
  }
} else if (now !== text) {
  writeFileSync(target, text);
}
