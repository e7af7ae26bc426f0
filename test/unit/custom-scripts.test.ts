import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findScripts, parseScriptOutput, scriptDirs, scriptModule } from '../../src/core/scripts.js';
import { waitFor } from '../helpers/cli.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../helpers/context.js';
import { liveGroupMembers } from '../helpers/procs.js';

function script(dir: string, name: string, body: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

describe('custom scripts', () => {
  let tree: FixtureTree;
  let shoji: string;
  let byobu: string;
  beforeEach(() => {
    tree = fixtureTree();
    shoji = join(tree.dir, 'config', 'scripts');
    byobu = join(tree.dir, 'home', '.byobu', 'bin');
  });
  afterEach(() => tree.cleanup());

  it('finds N_name executables in shoji’s folder and ~/.byobu/bin, shoji’s first', () => {
    script(shoji, '5_weather', 'echo sunny');
    script(byobu, '60_weather', 'echo rainy');
    script(byobu, '10_mail', 'echo 3');
    script(byobu, '10_backup~', 'echo old');
    script(byobu, '10_noexec', 'echo x', 0o644);
    script(byobu, 'README', 'echo x');
    const found = findScripts(scriptDirs(join(tree.dir, 'config'), join(tree.dir, 'home'), true));
    expect(found.map((f) => [f.id, f.intervalSeconds])).toEqual([
      ['custom:weather', 5],
      ['custom:mail', 10],
    ]);
    expect(findScripts(scriptDirs(join(tree.dir, 'config'), join(tree.dir, 'home'), false)).map((f) => f.id)).toEqual(['custom:weather']);
  });

  it('parses plain text and the small JSON form', () => {
    expect(parseScriptOutput('\n  hello world \nsecond\n')).toEqual({ text: 'hello world', state: 'idle' });
    expect(parseScriptOutput('{"text":"42 mails","state":"warning","short_text":"42"}')).toEqual({
      text: '42 mails',
      state: 'warning',
      short: '42',
      icon: undefined,
    });
    expect(parseScriptOutput('{"text":"x","state":"purple"}')!.state).toBe('idle');
    expect(parseScriptOutput('{not json')).toEqual({ text: '{not json', state: 'idle' });
    expect(parseScriptOutput('   \n')).toBeNull();
    expect(parseScriptOutput('\u0005{= rw}red\u0005{-}')).toEqual({ text: 'red', state: 'idle' });
  });

  it('runs a script for real and shows its output', async () => {
    script(join(tree.dir, 's'), '3_hi', 'echo "#(touch x) hi"');
    const mod = scriptModule(findScripts([join(tree.dir, 's')])[0]);
    const out = await mod.collect(moduleContext(mod, tree, {}, { PATH: process.env.PATH }), undefined);
    expect(out.reading).toMatchObject({ text: '#(touch x) hi', state: 'idle', icon: 'script' });
    expect(out.data).toEqual({ script: join(tree.dir, 's', '3_hi') });
  });

  it('a failing script is an error with its status and stderr', async () => {
    script(join(tree.dir, 's'), '3_bad', 'echo oops >&2; exit 3');
    const mod = scriptModule(findScripts([join(tree.dir, 's')])[0]);
    await expect(mod.collect(moduleContext(mod, tree, {}, { PATH: process.env.PATH }), undefined)).rejects.toThrow('exited with status 3: oops');
  });

  it('a hanging script is killed when the host aborts it', async () => {
    script(join(tree.dir, 's'), '3_slow', 'sleep 30');
    const mod = scriptModule(findScripts([join(tree.dir, 's')])[0]);
    const controller = new AbortController();
    const ctx = { ...moduleContext(mod, tree, {}, { PATH: process.env.PATH }), signal: controller.signal };
    setTimeout(() => controller.abort(), 100);
    // Settles on the abort, not when the script would have ended; that its processes are gone
    // is the next test's.
    await expect(mod.collect(ctx, undefined)).rejects.toThrow(/timed out/);
  });

  it('a timed-out script goes with its whole process group: no child is left running', async () => {
    const ready = join(tree.dir, 'pgid');
    // Children in the script's group, one of them a grandchild; the group id is written last,
    // once they all run. The script is started in a group of its own, so its pid is the group id.
    script(join(tree.dir, 's'), '3_forks', `sleep 300 & sh -c 'sleep 300' & echo $$ > '${ready}.tmp' && mv '${ready}.tmp' '${ready}'; sleep 300`);
    const mod = scriptModule(findScripts([join(tree.dir, 's')])[0]);
    const controller = new AbortController();
    const ctx = { ...moduleContext(mod, tree, {}, { PATH: process.env.PATH }), signal: controller.signal };
    const collecting = mod.collect(ctx, undefined);
    const pgid = await waitFor('the script and its children to start', () => existsSync(ready) && Number(readFileSync(ready, 'utf8')));
    try {
      // The script and the two children it started before writing the file, at least.
      expect(liveGroupMembers(pgid).length).toBeGreaterThanOrEqual(3);
      controller.abort();
      await expect(collecting).rejects.toThrow(/timed out/);
      const left = await waitFor('the process group to be gone', () => liveGroupMembers(pgid).length === 0 && 'none').catch(() =>
        liveGroupMembers(pgid)
          .map((p) => `${p.pid} ${p.name} ${p.state}`)
          .join(', '),
      );
      expect(left, `still running in group ${pgid}`).toBe('none');
    } finally {
      try {
        process.kill(-pgid, 'SIGKILL'); // whatever this test started, when it failed
      } catch {
        // gone, as it should be
      }
    }
  });
});
