/**
 * The bundles bin/launch.cjs runs, built with scripts/esbuild-options.mjs's `launched` options as
 * scripts/build.mjs builds them: every import() is written as require() (a bundle run from a V8
 * code cache has no module loader for import()), and a package left in node_modules that
 * require() cannot load on Node 20 (an ES module) fails the build, naming it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRequirable, launched } from '../../scripts/esbuild-options.mjs';

const LAUNCH = join(__dirname, '..', '..', 'bin', 'launch.cjs');

describe('bundles built for bin/launch.cjs', () => {
  let dir: string;
  const file = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const bundle = (entry: string, external: string[]) =>
    build({ ...launched, absWorkingDir: dir, entryPoints: [entry], outfile: 'dist/tool.cjs', external, logLevel: 'silent' });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-build-'));
    file('package.json', '{"name":"fixture","private":true}\n');
    file('node_modules/cjs-pkg/package.json', '{"name":"cjs-pkg","main":"index.js"}\n');
    file('node_modules/cjs-pkg/index.js', "exports.word = 'from a package';\n");
    file('node_modules/esm-pkg/package.json', '{"name":"esm-pkg","type":"module","exports":"./index.js"}\n');
    file('node_modules/esm-pkg/index.js', "export const word = 'esm';\n");
    file('src/part.ts', "export const word = 'lazy';\n");
    mkdirSync(join(dir, 'bin'));
    copyFileSync(LAUNCH, join(dir, 'bin', 'launch.cjs'));
    file('bin/tool', "require('./launch.cjs').launch('tool.cjs', 'tool');\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every import() as require(), so that the bundle runs from a code cache', async () => {
    file(
      'src/entry.ts',
      [
        "Promise.all([import('node:os'), import('./part.js'), import('cjs-pkg')]).then(([os, part, pkg]) => {",
        '  console.log(typeof os.cpus, part.word, pkg.word);',
        '});',
      ].join('\n'),
    );
    const result = await bundle('src/entry.ts', ['cjs-pkg']);
    checkRequirable(result.metafile, dir);
    expect(readFileSync(join(dir, 'dist', 'tool.cjs'), 'utf8')).not.toMatch(/\bimport\(/);
    const run = () => execFileSync(process.execPath, [join(dir, 'bin', 'tool')], { encoding: 'utf8' }).trim();
    expect(run()).toBe('function lazy from a package');
    // Again, from the code cache the first run wrote.
    expect(run()).toBe('function lazy from a package');
  });

  it('refuses a package left in node_modules that is an ES module, naming it', async () => {
    file('src/entry.ts', "import('esm-pkg').then((m) => console.log(m.word));\n");
    const result = await bundle('src/entry.ts', ['esm-pkg']);
    expect(() => checkRequirable(result.metafile, dir)).toThrow(
      /dist\/tool\.cjs requires esm-pkg, an ES module \(.*node_modules\/esm-pkg\/index\.js\), which Node 20 cannot require\(\): take it out of EXTERNAL/,
    );
  });
});
