/**
 * scripts/prepare.mjs, which npm runs on `npm install` and on `npm install -g .`: in a fresh
 * clone linked by `npm install -g .` nothing is installed yet, so it installs the clone's own
 * dependencies (with the build tools, whatever the outer npm was asked) before building.
 * npm itself is stood in for by a script that records how it was called and links this
 * checkout's node_modules into place, as an install would.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

describe('scripts/prepare.mjs', () => {
  let clone: string;
  let fakeNpm: string;
  let calls: string;

  beforeEach(() => {
    clone = mkdtempSync(join(tmpdir(), 'shoji-prepare-'));
    for (const part of ['src', 'plugins', 'scripts', 'package.json']) cpSync(join(ROOT, part), join(clone, part), { recursive: true });
    calls = join(clone, 'npm-calls.json');
    fakeNpm = join(clone, 'fake-npm.cjs');
    writeFileSync(
      fakeNpm,
      [
        "const fs = require('fs');",
        `fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), nested: process.env.SHOJI_PREPARE_INSTALLING }) + '\\n');`,
        `fs.symlinkSync(${JSON.stringify(join(ROOT, 'node_modules'))}, ${JSON.stringify(join(clone, 'node_modules'))});`,
      ].join('\n'),
    );
  });
  afterEach(() => rmSync(clone, { recursive: true, force: true }));

  const prepare = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [join(clone, 'scripts', 'prepare.mjs')], {
      cwd: clone,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: clone, npm_execpath: fakeNpm, ...env },
    });
  const recorded = () =>
    existsSync(calls)
      ? readFileSync(calls, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { args: string[]; cwd: string; nested?: string })
      : [];

  it('with nothing installed (npm install -g . from a fresh clone): installs into the clone, then builds', () => {
    // What npm passes down from `npm install -g . --prefix /somewhere --omit=dev`.
    const r = prepare({ npm_config_global: 'true', npm_config_prefix: '/somewhere', npm_config_omit: 'dev' });
    expect(r.status, r.stderr).toBe(0);
    const [call, ...more] = recorded();
    expect(more).toEqual([]);
    expect(call.cwd).toBe(clone);
    expect(call.args[0]).toBe('install');
    expect(call.args).toEqual(expect.arrayContaining(['--global=false', `--prefix=${clone}`, '--include=dev']));
    // The install's own run of this script leaves the build to this one.
    expect(call.nested).toBe('1');
    expect(existsSync(join(clone, 'dist', 'shoji.cjs'))).toBe(true);
    expect(existsSync(join(clone, 'dist', 'ec2-cost.cjs'))).toBe(true);
  });

  it('with the dependencies installed (npm install in a clone): builds without installing', () => {
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    const r = prepare({});
    expect(r.status, r.stderr).toBe(0);
    expect(recorded()).toEqual([]);
    expect(existsSync(join(clone, 'dist', 'shoji.cjs'))).toBe(true);
  });

  it('run by that install itself: does nothing', () => {
    const r = prepare({ SHOJI_PREPARE_INSTALLING: '1' });
    expect(r.status).toBe(0);
    expect(recorded()).toEqual([]);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
  });

  it('an install that fails says what to do', () => {
    writeFileSync(fakeNpm, 'process.exit(1);\n');
    const r = prepare({});
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Run \`npm install\` in ${clone}, then \`npm install -g .\` there again.`);
  });
});
