// Runs one of shoji's bundles from dist/ (and the bundles it loads lazily) with V8 code caches.
// A status line starts shoji over and over: compiling the bundle from source each time was
// measured as the largest part of its start-up on Node 20, which has no compile cache of its own.
// Node 22 and 24 have one (module.enableCompileCache()), and it was measured against these
// caches: 1-5% slower for `shoji status` and `ec2-cost --detail` on both (docs/benchmarks.md,
// test/bench/compile-cache.sh), so these are used on every Node. (Its cache of shoji.cjs was
// 80 KB, where this one's for `shoji status`, which holds every function its run compiled, was
// 166 KB.)
// blessed, which the dashboard loads from node_modules, gets code caches the same way (loading
// it took ~26 ms of the ~180 ms before the dashboard's first frame in a CPU profile). The
// caches live in dist/.v8-cache, or in ~/.cache/shoji/v8 when shoji's folder is not writable,
// and are written at the exit of a run that succeeded, so the functions a run compiled are in them.
// A cache folder another user could write to is never read (see cacheDir).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
// The loader's class, as this file's own module has it: require('module') costs ~0.3 ms more.
const Module = module.constructor;

const dist = path.join(__dirname, '..', 'dist');

/**
 * The V8 flags a command runs with, set here before anything is compiled. V8 stamps a code cache
 * with the flags in force when it was made and rejects it under any others; when the dashboard set
 * its flag from its own code, every cache written at its exit carried it, so its next start, still
 * under V8's defaults when it compiled shoji.cjs and lazy/dashboard.cjs, rejected both and
 * compiled ~900 KB afresh (compiling took 80–114 ms of its start in CPU profiles, 35–42 ms with
 * the caches taken). A cache's name carries the flags too, so the bundles the dashboard shares
 * with other commands keep one cache for each set of flags.
 *
 * dashboard: keep V8's young generation at its starting size (1 MiB a half) for the dashboard's
 * life. Left to grow, it reached 16 MiB a half within the first second (start-up allocates a lot)
 * and stayed there until V8 found the allocation rate low, often a minute later, and with
 * thousands of processes never: 30 MiB of the dashboard's ~105 MiB resident memory, for ~1 MiB of
 * garbage a second. Kept small, that garbage costs a small scavenge about every second (~1 ms
 * each, measured). The exporter keeps V8's defaults: with this flag, side by side over 10 minutes,
 * it used more memory, not less (RSS median 58.9 against 57.6 MiB, peak 61.7 against 59.8), as
 * what a young generation that small cannot hold goes to the old one, collected less often. The
 * status line and the other commands keep V8's defaults too.
 */
const V8_FLAGS = { dashboard: ['--semi-space-growth-factor=1'] };
exports.V8_FLAGS = V8_FLAGS;
/**
 * Node's own modules a command with flags loads, required before the flags are set: Node's
 * built-in code cache for them is checked against V8's flags too, so one first required after
 * them is compiled from source (the dashboard's: 19.5 against 9.6 ms of CPU, measured).
 */
const BUILTINS_BEFORE_FLAGS = { dashboard: ['stream', 'os', 'net', 'tty', 'child_process', 'assert', 'perf_hooks'] };
/** What the flags in force add to a cache's name ('' under V8's defaults). */
let flagsTag = '';

const blessedDir = `${path.sep}node_modules${path.sep}blessed${path.sep}`;

let cacheDirectory;
/**
 * The folder for code caches, or null when there is none shoji may trust. A code cache is code:
 * one that another user could write would run as you. So the folder must be yours alone (not a
 * symlink, owned by you, not writable by group or others), and every folder above it owned by
 * you or root and not writable by others (as src/core/trust.ts checks for shoji's other folders).
 */
function cacheDir() {
  if (cacheDirectory !== undefined) return cacheDirectory;
  cacheDirectory = null;
  let writableDist = true;
  try {
    fs.accessSync(dist, fs.constants.W_OK);
  } catch {
    writableDist = false;
  }
  const base = process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache');
  const candidates = writableDist ? [path.join(dist, '.v8-cache'), path.join(base, 'shoji', 'v8')] : [path.join(base, 'shoji', 'v8')];
  for (const dir of candidates) {
    // A folder not made yet is made at exit, after a run that succeeded (and checked then).
    if (!fs.existsSync(dir) || privateFolder(dir)) {
      cacheDirectory = dir;
      break;
    }
  }
  return cacheDirectory;
}

const uid = process.getuid ? process.getuid() : 0;

function privateFolder(dir) {
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid || st.mode & 0o022) return false;
    for (let up = fs.realpathSync(path.dirname(dir)); ; up = path.dirname(up)) {
      const above = fs.statSync(up);
      if (above.uid !== uid && above.uid !== 0) return false;
      // Writable by others is fine only for a sticky folder of root's, such as /tmp.
      if (above.mode & 0o022 && !(above.mode & 0o1000 && above.uid === 0)) return false;
      if (path.dirname(up) === up) return true;
    }
  } catch {
    return false;
  }
}

const pendingCaches = [];

/**
 * Compile a file with its code cache; remember to write the cache when it was missing or stale.
 * V8 checks a cache only against the source's length, so the cache's name carries the file's
 * size and modification time: a rebuilt bundle of the same length never runs stale code.
 */
function compile(file, name, source) {
  const folder = cacheDir();
  if (folder === null) return new vm.Script(Module.wrap(source), { filename: file }).runInThisContext();
  const stat = fs.statSync(file);
  const prefix = `${name}${flagsTag}-${process.version}-${process.arch}-`;
  const cacheFile = path.join(folder, `${prefix}${stat.size}-${Math.floor(stat.mtimeMs)}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet: it is written when this run ends
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) pendingCaches.push({ script, cacheFile, prefix });
  return script.runInThisContext();
}

// Written at exit, replacing the caches of earlier versions of the same file. Only after a run
// that succeeded: a cache holds the functions its run compiled and is kept until the file
// changes, and one written by a mistyped command would leave every later run of that command
// compiling most of its code afresh (see commandWord).
process.once('exit', (code) => {
  if (code !== 0) return;
  for (const { script, cacheFile, prefix } of pendingCaches) {
    try {
      const dir = path.dirname(cacheFile);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!privateFolder(dir)) return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      // wx: created anew, never written through a link or into another's file.
      fs.writeFileSync(tmp, script.createCachedData(), { flag: 'wx', mode: 0o600 });
      fs.renameSync(tmp, cacheFile);
      for (const old of fs.readdirSync(dir)) {
        if (old.startsWith(prefix) && old.endsWith('.bin') && path.join(dir, old) !== cacheFile) fs.rmSync(path.join(dir, old), { force: true });
      }
    } catch {
      // A missing cache only costs start-up time.
    }
  }
});

function run(fn, mod, file) {
  fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

/** Load the files `nameOf(filename)` gives a cache name for through their code caches. */
function cacheExtension(ext, nameOf) {
  const plain = Module._extensions[ext] || Module._extensions['.js'];
  Module._extensions[ext] = (mod, filename) => {
    const name = nameOf(filename);
    if (name === null) return plain(mod, filename);
    run(compile(filename, name, fs.readFileSync(filename, 'utf8')), mod, filename);
  };
}

exports.launch = function launch(bundle, command) {
  const file = path.join(dist, bundle);
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${command}: cannot read ${file} (${err.code}): run \`npm install\` or \`npm run build\` in the shoji folder\n`);
    process.exit(1);
  }
  const distName = (filename) =>
    filename.startsWith(dist + path.sep)
      ? path
          .relative(dist, filename)
          .replace(/[\\/]/g, '-')
          .replace(/\.c?js$/, '')
      : null;
  // The lazily loaded bundles in dist/lazy/, and blessed's own files.
  cacheExtension('.cjs', distName);
  cacheExtension('.js', (filename) => {
    const at = filename.lastIndexOf(blessedDir);
    if (at < 0) return null;
    return `blessed-${filename
      .slice(at + blessedDir.length)
      .replace(/[\\/]/g, '-')
      .replace(/\.js$/, '')}`;
  });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const variant = commandWord(process.argv.slice(2));
  // The command word may follow options (`shoji --refresh 1 dashboard`, as yargs allows).
  const flagged = process.argv.slice(2).find((arg) => Object.hasOwn(V8_FLAGS, arg));
  const flags = flagged === undefined ? [] : V8_FLAGS[flagged];
  if (flags.length > 0) {
    for (const builtin of BUILTINS_BEFORE_FLAGS[flagged] ?? []) require(builtin);
    require('node:v8').setFlagsFromString(flags.join(' '));
    flagsTag = `~${flags.join('').replace(/[^A-Za-z0-9]/g, '')}`;
  }
  const name = distName(file);
  run(compile(file, variant ? `${name}@${variant}` : name, source), mod, file);
};

/**
 * Which command a run is ("status", "tmux-conf", "help"; "" for ec2-cost's reports): each gets
 * a code cache of the main bundle of its own. A cache holds only the functions its run compiled,
 * and one written by `shoji tmux-conf` left every later `shoji status` compiling most of its code
 * afresh (a report with another run's cache took ~2.8 ms longer, measured).
 */
function commandWord(args) {
  if (args.some((a) => a === '--help' || a === '-h')) return 'help';
  return /^[a-z][a-z-]{0,30}$/.test(args[0] ?? '') ? args[0] : '';
}
