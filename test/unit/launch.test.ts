/**
 * bin/launch.cjs, the loader every command starts through: bundles and blessed's files run
 * with V8 code caches, and a cache never outlives the file it was made from.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LAUNCH = join(__dirname, '..', '..', 'bin', 'launch.cjs');

describe('launch', () => {
  let dir: string;
  const run = () => execFileSync(process.execPath, [join(dir, 'bin', 'tool')], { encoding: 'utf8' }).trim();
  const caches = () => readdirSync(join(dir, 'dist', '.v8-cache')).sort();
  /** Write a file and give it a modification time of its own (writes within one tick share one). */
  const write = (path: string, text: string, mtimeSeconds: number) => {
    writeFileSync(path, text);
    utimesSync(path, mtimeSeconds, mtimeSeconds);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-launch-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist', 'lazy'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'blessed', 'lib'), { recursive: true });
    copyFileSync(LAUNCH, join(dir, 'bin', 'launch.cjs'));
    writeFileSync(join(dir, 'bin', 'tool'), "require('./launch.cjs').launch('tool.cjs', 'tool');\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a bundle, its lazy bundles and blessed through code caches written at exit', () => {
    write(join(dir, 'dist', 'tool.cjs'), "console.log(require('./lazy/part.cjs').word, require('blessed').word);\n", 1_000);
    write(join(dir, 'dist', 'lazy', 'part.cjs'), "exports.word = 'lazy';\n", 1_000);
    write(join(dir, 'node_modules', 'blessed', 'package.json'), '{"name":"blessed","main":"lib/blessed.js"}', 1_000);
    write(join(dir, 'node_modules', 'blessed', 'lib', 'blessed.js'), "exports.word = 'blessed';\n", 1_000);
    expect(run()).toBe('lazy blessed');
    const names = caches().map((f) => f.replace(/-v\d.*$/, ''));
    expect(names).toEqual(['blessed-lib-blessed', 'lazy-part', 'tool']);
    // A second run takes the caches as they are.
    expect(run()).toBe('lazy blessed');
    expect(caches().map((f) => f.replace(/-v\d.*$/, ''))).toEqual(names);
  });

  it('never runs a stale cache, even for a rebuilt bundle of the same length', () => {
    const bundle = join(dir, 'dist', 'tool.cjs');
    write(bundle, "console.log('one');\n", 1_000);
    expect(run()).toBe('one');
    write(bundle, "console.log('two');\n", 2_000);
    expect(run()).toBe('two');
    // The old bundle's cache is replaced, not kept beside the new one.
    expect(caches()).toHaveLength(1);
  });

  it('writes caches only after a run that succeeded', () => {
    write(join(dir, 'dist', 'tool.cjs'), "if (process.argv[2] === 'fail') process.exit(2);\nconsole.log('ok');\n", 1_000);
    expect(() => execFileSync(process.execPath, [join(dir, 'bin', 'tool'), 'fail'], { stdio: 'pipe' })).toThrow();
    expect(readdirSync(join(dir, 'dist'))).not.toContain('.v8-cache');
    expect(run()).toBe('ok');
    expect(caches()).toHaveLength(1);
  });

  it('gives each command a cache of the bundle of its own (a cache holds only what its run compiled)', () => {
    write(join(dir, 'dist', 'tool.cjs'), 'console.log(process.argv.slice(2).join(" "));\n', 1_000);
    const runWith = (...args: string[]) => execFileSync(process.execPath, [join(dir, 'bin', 'tool'), ...args], { encoding: 'utf8' }).trim();
    expect(runWith('status', '--format', 'tmux')).toBe('status --format tmux');
    expect(runWith('tmux-conf')).toBe('tmux-conf');
    expect(runWith('--detail')).toBe('--detail');
    expect(runWith('status', '--help')).toBe('status --help');
    // Not a command word: shares the bundle's plain cache.
    expect(runWith('m7i.large')).toBe('m7i.large');
    expect(caches().map((f) => f.replace(/-v\d.*$/, ''))).toEqual(['tool', 'tool@help', 'tool@status', 'tool@tmux-conf']);
  });

  it('runs a command under its V8 flags from the start, with caches of their own that its next run takes', () => {
    // The dashboard's flag keeps the young generation at its starting size where work would grow it.
    const work = `let kept = []; for (let i = 0; i < 4e6; i++) { const o = { i, text: 'row ' + i }; if (i % 10 === 0) kept.push(o); if (kept.length > 5e4) kept = []; }`;
    const young = "require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20";
    write(join(dir, 'dist', 'tool.cjs'), `require('./lazy/part.cjs'); ${work}; console.log(${young});\n`, 1_000);
    write(join(dir, 'dist', 'lazy', 'part.cjs'), "exports.word = 'lazy';\n", 1_000);
    const runWith = (arg: string) => Number(execFileSync(process.execPath, [join(dir, 'bin', 'tool'), arg], { encoding: 'utf8' }));
    const grown = runWith('status');
    expect(grown).toBeGreaterThan(4);
    expect(runWith('dashboard')).toBeLessThanOrEqual(grown / 4);
    // Options before the command word, as yargs takes them.
    expect(Number(execFileSync(process.execPath, [join(dir, 'bin', 'tool'), '--refresh', '1', 'dashboard'], { encoding: 'utf8' }))).toBeLessThanOrEqual(
      grown / 4,
    );
    const files = caches();
    // One cache of the shared lazy bundle for each set of flags: V8 rejects a cache made under other flags.
    expect(files.map((f) => f.replace(/-v\d.*$/, ''))).toEqual([
      'lazy-part',
      'lazy-part~semispacegrowthfactor1',
      'tool@dashboard~semispacegrowthfactor1',
      'tool@status',
      'tool~semispacegrowthfactor1',
    ]);
    const made = files.map((f) => statSync(join(dir, 'dist', '.v8-cache', f)).ino);
    // Taken as they are: a cache V8 rejected would be written again (a new file) at exit.
    runWith('dashboard');
    runWith('status');
    expect(caches()).toEqual(files);
    expect(caches().map((f) => statSync(join(dir, 'dist', '.v8-cache', f)).ino)).toEqual(made);
  });

  it("loads Node's own modules a command needs before its flags, so that Node's code cache for them holds", () => {
    write(join(dir, 'dist', 'tool.cjs'), "require('node:net'); console.log(process.moduleLoadList.join(','));\n", 1_000);
    const loaded = execFileSync(process.execPath, [join(dir, 'bin', 'tool'), 'dashboard'], { encoding: 'utf8' })
      .trim()
      .split(',');
    expect(loaded.indexOf('NativeModule net')).toBeGreaterThan(0);
    expect(loaded.indexOf('NativeModule net')).toBeLessThan(loaded.indexOf('NativeModule v8'));
  });

  it('says how to build when the bundle is missing', () => {
    expect(() => execFileSync(process.execPath, [join(dir, 'bin', 'tool')], { encoding: 'utf8', stdio: 'pipe' })).toThrow(
      /tool: cannot read .*tool\.cjs \(ENOENT\): run `npm install` or `npm run build`/,
    );
  });
});
