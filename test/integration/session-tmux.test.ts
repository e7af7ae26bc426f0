/**
 * The session module in a real tmux server configured from `shoji tmux-conf`, read as a person
 * sees it (a client attached inside another tmux's pane): tmux fills in the name of each
 * client's own session, and a name that looks like tmux markup is drawn as text.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, type Sandbox, sandbox, waitFor } from '../helpers/cli.js';
import { attachViewer, startShojiTmux, tmux, tmuxOk, type Viewer } from '../helpers/tmux.js';

const SOCKET = `shoji-session-${process.pid}`;

let sb: Sandbox;
let viewer: Viewer;
let second: Viewer | undefined;

beforeAll(async () => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [session, load]\n');
  ({ viewer } = await startShojiTmux(SOCKET, sb));
});

afterAll(() => {
  viewer?.kill();
  second?.kill();
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  sb?.cleanup();
});

/** The right side of a status line: what follows tmux's own "[#S] " and the window list. */
const rightOf = (line: string) => line.slice(line.lastIndexOf('  ')).trim();

describe('the session segment in tmux', () => {
  it("shows each client its own session's name, with no process per refresh", async () => {
    tmux(SOCKET, ['new-session', '-d', '-s', 'other', '-x', '200', '-y', '12'], sb.env);
    second = attachViewer(SOCKET, 'other', sb.env);
    const first = await waitFor('the first client to show its session', () => (/ t load/.test(viewer.statusLine()) ? viewer.statusLine() : undefined));
    expect(rightOf(first)).toMatch(/^t load/);
    const other = await waitFor('the second client to show its session', () => (/ other load/.test(second!.statusLine()) ? second!.statusLine() : undefined));
    expect(rightOf(other)).toMatch(/^other load/);
  });

  it('draws a name holding tmux markup as text: no style, no job', async () => {
    const pwned = join(sb.dir, 'pwned');
    // rename-session expands its argument once, so "##" is how a name gets a "#".
    tmux(SOCKET, ['rename-session', '-t', 't', `ev##[fg=red]il ##(touch ${pwned}) ##{host} x##`], sb.env);
    const name = tmux(SOCKET, ['display', '-p', '-t', 'ev', '#{session_name}'], sb.env).trim();
    // (a run of '#'s before '[' is kept whole: "ev##[fg=red]...")
    expect(name).toMatch(/^ev#+\[fg=red\]il #\(touch .*\) #\{host\} x#$/);
    const line = await waitFor('the renamed session', () => (viewer.statusLine().includes(`${name} load`) ? viewer.statusLine() : undefined));
    expect(line).toContain(`${name} load`);
    // And tmux's own status-left from `shoji tmux-conf` draws it as text too (as far as its 60 cells go).
    expect(line.startsWith(`[${name}`.slice(0, 40))).toBe(true);
    expect(existsSync(pwned)).toBe(false);
  });
});
