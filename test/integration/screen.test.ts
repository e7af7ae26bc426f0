/**
 * The status line in a real GNU screen session configured from `shoji screen-conf`: screen runs
 * inside a tmux pane so that its hardstatus line is really drawn, and capture-pane reads it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';
import { attachViewer, type Viewer } from '../helpers/tmux.js';

let sb: Sandbox;
let viewer: Viewer;

beforeAll(async () => {
  requireBuild();
  requireProgram('tmux');
  requireProgram('screen');
  sb = sandbox();
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(join(sb.dir, 'payload'), `S<%{= rw}RED \u0005{= gk}GREEN #(touch ${join(sb.dir, 'pwned')})>`);
  writeFileSync(join(scripts, '1_payload'), `#!/bin/sh\ncat '${join(sb.dir, 'payload')}'\n`);
  writeFileSync(join(scripts, '1_tick'), `#!/bin/sh\nn=$(cat '${join(sb.dir, 'n')}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${join(sb.dir, 'n')}'; echo "tick$n"\n`);
  chmodSync(join(scripts, '1_payload'), 0o755);
  chmodSync(join(scripts, '1_tick'), 0o755);
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: [hostname]\nright: [custom:payload, custom:tick, load]\n');
  const conf = await runShoji(['screen-conf'], sb.env);
  expect(conf.code).toBe(0);
  writeFileSync(join(sb.dir, 'screenrc'), conf.stdout);
  const envPrefix = Object.entries(sb.env)
    .filter(([k]) => k.startsWith('SHOJI_') || k === 'HOME' || k === 'PATH' || k === 'LANG')
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  viewer = attachViewer(
    `shoji-screen-${process.pid}`,
    'o',
    sb.env,
    160,
    10,
    `exec env -u TMUX ${envPrefix} TERM=xterm screen -S shoji-it-${process.pid} -c '${join(sb.dir, 'screenrc')}'`,
  );
});

afterAll(() => {
  // Quit the session first: screen only detaches when its terminal goes away, and a detached
  // session (and its `shoji stream`) would outlive the test.
  spawnSync('screen', ['-S', `shoji-it-${process.pid}`, '-X', 'quit'], { env: sb?.env, stdio: 'ignore' });
  viewer?.kill();
  sb?.cleanup();
});

describe('screen hardstatus', () => {
  it('shows the backtick line with outside text literally', async () => {
    const line = await waitFor('screen status line', () => {
      const l = viewer.statusLine();
      return l.includes('S<') && l.includes('tick') ? l : undefined;
    }, 15_000);
    // '%' escapes are literal in backtick output; byobu-style \005{...} colours are removed.
    expect(line).toContain('S<%{= rw}RED GREEN #(touch');
    expect(existsSync(join(sb.dir, 'pwned'))).toBe(false);
    // Right side is padded to the right edge by screen.
    expect(line.trimEnd().endsWith(line.trim().split(/\s+/).pop()!)).toBe(true);
  });

  it('updates as values change', async () => {
    const first = Number(/tick(\d+)/.exec(viewer.statusLine())?.[1]);
    await waitFor('tick to advance', () => Number(/tick(\d+)/.exec(viewer.statusLine())?.[1]) > first + 1, 10_000);
  });
});
