/** blessed-load.ts: what the dashboard changes in blessed's behaviour, on a real blessed screen. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBlessed, type Screen, withoutResizeRender } from '../../../src/dashboard/blessed-load.js';

let screen: Screen | undefined;
afterEach(() => screen?.destroy());

/** A blessed screen drawing into a stream, and how many times it has rendered. */
function countingScreen(): { screen: Screen; renders: () => number } {
  const blessed = loadBlessed();
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const s = blessed.screen({ input, output, terminal: 'xterm', warnings: false } as never);
  let renders = 0;
  s.on('prerender', () => renders++);
  screen = s;
  return { screen: s, renders: () => renders };
}

const nextTicks = () => new Promise((resolve) => setImmediate(resolve));

describe('blessed as the dashboard loads it', () => {
  it('a labelled panel that changes size does not render the screen by itself', async () => {
    const { screen: s, renders } = countingScreen();
    const plain = loadBlessed().box({ parent: s, border: { type: 'line' }, label: ' cpu ', width: 20, height: 5 });
    const quiet = withoutResizeRender(loadBlessed().box({ parent: s, border: { type: 'line' }, label: ' mem ', width: 20, height: 5 }));
    // blessed's own behaviour, which the dashboard's panels are spared: one render per resize.
    plain.width = 30;
    await nextTicks();
    expect(renders()).toBe(1);
    quiet.width = 30;
    quiet.height = 8;
    await nextTicks();
    expect(renders()).toBe(1);
    // The label is still drawn where it was: on the top border.
    s.render();
    const row = (s as unknown as { lines: [number, string][][] }).lines[0].map((c) => c[1]).join('');
    expect(row).toContain(' mem ');
  });
});

describe('the screen inside tmux', () => {
  let dir: string;
  const saved = { TMUX: process.env.TMUX, PATH: process.env.PATH };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('is made without starting `tmux -V`, as blessed would, and takes the tmux 2 path', () => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-blessed-'));
    const ran = join(dir, 'ran');
    // A tmux first on the PATH that says when it runs.
    writeFileSync(join(dir, 'tmux'), `#!/bin/sh\necho "$@" >> ${ran}\necho "tmux 1.8"\n`);
    chmodSync(join(dir, 'tmux'), 0o755);
    process.env.PATH = `${dir}:${process.env.PATH}`;
    process.env.TMUX = '/tmp/tmux-0/default,1,0';
    const { screen: s } = countingScreen();
    const program = (s as unknown as { program: { tmux: boolean; tmuxVersion: number } }).program;
    expect(program.tmux).toBe(true);
    expect(program.tmuxVersion).toBe(2);
    expect(existsSync(ran)).toBe(false);
    // Other commands still run as they would.
    expect(String(execFileSync('tmux', ['list-sessions']))).toContain('tmux 1.8');
    expect(existsSync(ran)).toBe(true);
  });
});
