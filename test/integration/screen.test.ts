/**
 * The status line in a real GNU screen session configured from `shoji screen-conf`: screen runs
 * inside a tmux pane so that its hardstatus line is really drawn, and capture-pane reads it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';
import { attachViewer, type Viewer } from '../helpers/tmux.js';

let sb: Sandbox;
let viewer: Viewer;
let narrow: Viewer | undefined;
/** Attaches a second display to the session (screen -x). */
let narrowCommand = '';
const session = `shoji-it-${process.pid}`;

beforeAll(async () => {
  requireBuild();
  requireProgram('tmux');
  requireProgram('screen');
  sb = sandbox();
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(join(sb.dir, 'payload'), `S<%{= rw}RED \u0005{= gk}GREEN #(touch ${join(sb.dir, 'pwned')})>`);
  writeFileSync(join(scripts, '1_payload'), `#!/bin/sh\ncat '${join(sb.dir, 'payload')}'\n`);
  // An icon from the unicode set, which screen would count as three cells ('⇡').
  writeFileSync(join(scripts, '1_upd'), '#!/bin/sh\necho \'{"text": "7", "icon": "updates"}\'\n');
  chmodSync(join(scripts, '1_upd'), 0o755);
  writeFileSync(
    join(scripts, '1_tick'),
    `#!/bin/sh\nn=$(cat '${join(sb.dir, 'n')}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${join(sb.dir, 'n')}'; echo "tick$n"\n`,
  );
  chmodSync(join(scripts, '1_payload'), 0o755);
  chmodSync(join(scripts, '1_tick'), 0o755);
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: unicode\nleft: [hostname]\nright: [custom:payload, custom:upd, custom:tick, load]\n');
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
    `exec env -u TMUX ${envPrefix} TERM=xterm screen -S ${session} -c '${join(sb.dir, 'screenrc')}'`,
  );
  narrowCommand = `exec env -u TMUX ${envPrefix} TERM=xterm screen -x ${session}`;
});

afterAll(() => {
  // Quit the session first: screen only detaches when its terminal goes away, and a detached
  // session (and its `shoji stream`) would outlive the test.
  spawnSync('screen', ['-S', session, '-X', 'quit'], { env: sb?.env, stdio: 'ignore' });
  narrow?.kill();
  viewer?.kill();
  sb?.cleanup();
});

describe('screen hardstatus', () => {
  it('shows the backtick line with outside text literally', async () => {
    const line = await waitFor(
      'screen status line',
      () => {
        const l = viewer.statusLine();
        return l.includes('S<') && l.includes('tick') ? l : undefined;
      },
      15_000,
    );
    // '%' escapes are literal in backtick output; byobu-style \005{...} colours are removed.
    expect(line).toContain('S<%{= rw}RED GREEN #(touch');
    expect(existsSync(join(sb.dir, 'pwned'))).toBe(false);
  });

  it('draws the window list, the current window marked, and the right side whole at the right edge', async () => {
    // 160 columns: the host name, the window list ("0* sh": one window, the current one),
    // padding, and the right side ending at the last column, its unicode icon drawn as screen
    // counts it right ("upd 7", not "⇡7", which screen counts as three cells).
    const wide = await waitFor(
      'the line to fill the width',
      () => {
        const l = viewer.statusLine();
        return /^\S+ 0\* \S+ {2,}S<.* upd 7 tick\d+ ld \d+\.\d\d$/.test(l) ? l : undefined;
      },
      15_000,
    );
    expect(wide.length, wide).toBe(160);
    expect(wide).not.toContain('\u21e1');
    // The current window in reverse video.
    expect(viewer.capture(true).split('\n').filter(Boolean).pop()).toMatch(/\u001b\[[0-9;]*7[0-9;]*m0\* /);
  });

  it('on a narrower display, drops whole segments by priority instead of cutting the line', async () => {
    // A second display of the same session, 60 columns wide: the right side is fitted to the
    // narrowest display, so the wide payload goes and the rest stays whole.
    narrow = attachViewer(`shoji-screen-narrow-${process.pid}`, 'o', sb.env, 60, 10, narrowCommand);
    const cut = await waitFor(
      "the narrow display's line",
      () => {
        const l = narrow!.statusLine();
        return /^\S+ 0&\* \S+ +upd 7 tick\d+ ld \d+\.\d\d$/.test(l) ? l : undefined;
      },
      15_000,
    );
    expect(cut.length, cut).toBe(60);
    expect(cut).not.toContain('...');
    expect(cut).not.toContain('S<');
    // The wide display shows the same right side, at its own right edge.
    await waitFor(
      'the wide display fitted alike',
      () => {
        const l = viewer.statusLine();
        return l.length === 160 && /^\S+ 0&\* \S+ +upd 7 tick\d+ ld \d+\.\d\d$/.test(l) ? l : undefined;
      },
      10_000,
    );
  });

  it('follows the windows: a new one is listed and marked current, and the right side makes room', async () => {
    spawnSync('screen', ['-S', session, '-X', 'screen', '-t', 'second'], { env: sb.env, stdio: 'ignore' });
    const line = await waitFor(
      'two windows on the narrow display',
      () => {
        const l = narrow!.statusLine();
        return /^\S+ 0[-&*]* \S+ {2}1[-&*]* second +\S/.test(l) && /ld \d+\.\d\d$/.test(l) && l.length === 60 ? l : undefined;
      },
      15_000,
    );
    // screen switched one display to the new window: each marks the window it shows.
    const marks = [line, viewer.statusLine()].map((l) => /^\S+ 0([-&*]*) \S+ {2}1([-&*]*) second/.exec(l)?.slice(1) ?? []);
    const context = `${line}\n${viewer.statusLine()}`;
    expect(
      marks.filter(([first, second]) => second.endsWith('*') && !first.includes('*')),
      context,
    ).toHaveLength(1);
    expect(
      marks.filter(([first, second]) => first.endsWith('*') && !second.includes('*')),
      context,
    ).toHaveLength(1);
    // Still whole segments: the longer window list took room from the right side, not a cut.
    expect(line).not.toContain('...');
    expect(line).toMatch(/ (upd 7 )?(tick\d+ )?ld \d+\.\d\d$/);
  });

  it('updates as values change', async () => {
    const first = Number(/tick(\d+)/.exec(viewer.statusLine())?.[1]);
    await waitFor('tick to advance', () => Number(/tick(\d+)/.exec(viewer.statusLine())?.[1]) > first + 1, 10_000);
  });

  it("quitting screen ends its shoji stream, which removes the right side's file", async () => {
    const run = sb.env.SHOJI_RUNTIME_DIR!;
    const folders = () => readdirSync(run).filter((f) => f.startsWith('screen-'));
    expect(folders()).toHaveLength(1);
    const streams = () => spawnSync('pgrep', ['-f', '--', `--right-file ${run}/`], { encoding: 'utf8' }).stdout.trim();
    expect(streams()).not.toBe('');
    spawnSync('screen', ['-S', session, '-X', 'quit'], { env: sb.env, stdio: 'ignore' });
    // screen closes a backtick's pipe without a signal: the stream notices its parent is gone.
    await waitFor('the stream to end', () => streams() === '' && folders().length === 0, 10_000);
  });
});
