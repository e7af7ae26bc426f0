// Runs one of shoji's bundles from dist/ (and the bundles it loads lazily) with V8 code caches. Node 20 has no built-in compile
// cache, and a status line starts shoji over and over: compiling the bundle from source each
// time was measured as the largest part of its start-up. The cache lives in dist/.v8-cache, or
// in ~/.cache/shoji/v8 when shoji's folder is not writable; V8 rejects a cache that does not
// match the source or the Node version, and it is then rebuilt at exit.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

function cacheDir(dist) {
  try {
    fs.accessSync(dist, fs.constants.W_OK);
    return path.join(dist, '.v8-cache');
  } catch {
    const base = process.env.XDG_CACHE_HOME || path.join(require('os').homedir(), '.cache');
    return path.join(base, 'shoji', 'v8');
  }
}

const pendingCaches = [];

/** Compile a bundle with its code cache; remember to write the cache when it was missing or stale. */
function compile(file, source) {
  const dist = path.join(__dirname, '..', 'dist');
  const name = path.relative(dist, file).replace(/[\\/]/g, '-').replace(/\.cjs$/, '');
  const cacheFile = path.join(cacheDir(dist), `${name}-${process.version}-${process.arch}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet: it is written when this run ends
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) pendingCaches.push({ script, cacheFile });
  return script.runInThisContext();
}

// Written at exit, so the functions this run compiled are in the caches too.
process.once('exit', () => {
  for (const { script, cacheFile } of pendingCaches) {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A missing cache only costs start-up time.
    }
  }
});

function run(fn, file, parent) {
  const mod = new Module(file, parent);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return mod;
}

exports.launch = function launch(bundle, command) {
  const dist = path.join(__dirname, '..', 'dist');
  const file = path.join(dist, bundle);
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${command}: cannot read ${file} (${err.code}): run \`npm install\` or \`npm run build\` in the shoji folder\n`);
    process.exit(1);
  }
  // Code run from a vm.Script has no module loader for import(): the bundles import ES modules
  // (user plugins, a few packages) through this file, which Node compiled itself.
  globalThis.__shojiImport = (specifier) => import(specifier);
  // The lazily loaded bundles in dist/lazy/ get code caches too.
  const plain = Module._extensions['.cjs'] || Module._extensions['.js'];
  Module._extensions['.cjs'] = function (mod, filename) {
    if (!filename.startsWith(dist + path.sep)) return plain(mod, filename);
    const fn = compile(filename, fs.readFileSync(filename, 'utf8'));
    fn.call(mod.exports, mod.exports, Module.createRequire(filename), mod, filename, path.dirname(filename));
  };
  run(compile(file, source), file, module);
};
