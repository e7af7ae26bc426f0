// `npm run prepare`, which npm runs itself: build dist/ so that bin/shoji can run.
//
// npm runs it in two situations that differ in what is installed (measured with npm 11):
// - `npm install` (or `npm ci`) in a clone: the dependencies are installed first, then this.
// - `npm install -g .` from a fresh clone: npm links the folder into the global one and runs
//   this in the clone at once, with no dependencies installed there at all (npm links a folder
//   as it is). The build needs esbuild, and shoji needs its dependencies at run time, so they
//   are installed here first, into the clone, where the link resolves them from.
// `npm pack` and `npm install -g --install-links .` run this in the source folder too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The install below runs this script again, as its own prepare step: the outer run builds.
if (process.env.SHOJI_PREPARE_INSTALLING === '1') process.exit(0);

if (!existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))) {
  process.stderr.write(`shoji: installing shoji's dependencies in ${root} before building it\n`);
  // Whatever the outer npm was asked (--global, --prefix, --omit=dev), this install is the
  // clone's own, with the build tools. npm passes its settings down as npm_config_* variables:
  // the flags given here win over them.
  const npm = process.env.npm_execpath;
  const args = ['install', '--global=false', `--prefix=${root}`, '--include=dev', '--include=prod', '--no-audit', '--no-fund'];
  const run = npm ? spawnSync(process.execPath, [npm, ...args], opts()) : spawnSync('npm', args, opts());
  if (run.status !== 0 || !existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))) {
    process.stderr.write(
      `shoji: could not install its dependencies (${run.error?.message ?? `npm exited with ${run.status}`}).\n` +
        `Run \`npm install\` in ${root}, then \`npm install -g .\` there again.\n`,
    );
    process.exit(1);
  }
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);

function opts() {
  return { cwd: root, stdio: 'inherit', env: { ...process.env, SHOJI_PREPARE_INSTALLING: '1' } };
}
