import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import session from '../../../plugins/session/index.js';
import { readingProblem } from '../../../src/core/reading-check.js';
import { renderScreen } from '../../../src/render/screen.js';
import { renderTmux } from '../../../src/render/tmux.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';
import { loadIconSet, loadTheme } from '../../../src/core/theme.js';

describe('session', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const ctx = (env: NodeJS.ProcessEnv) => moduleContext(session, tree, {}, env);
  const run = async (env: NodeJS.ProcessEnv) => session.collect(ctx(env), undefined);

  it("in tmux, leaves the name to tmux (each client's own session); its id from $TMUX for the other back ends", async () => {
    const { reading, data } = await run({ TMUX: '/tmp/tmux-1000/default,4242,3' });
    expect(reading).toMatchObject({ text: '$3', state: 'info', tmux: 'session_name' });
    expectDataAsDeclared(session, data);
    expect(data).toEqual({ multiplexer: 'tmux', tmuxSessionId: 3 });
  });

  it('in GNU screen, shows the name from $STY (after the pid)', async () => {
    const { reading, data } = await run({ STY: '12345.pts-0.web1' });
    expect(reading).toMatchObject({ text: 'pts-0.web1', state: 'info' });
    expect(reading).not.toHaveProperty('tmux');
    expectDataAsDeclared(session, data);
    expect(data).toEqual({ multiplexer: 'screen', screenSession: 'pts-0.web1' });
  });

  it('screen inside a tmux pane: tmux draws its own session, screen its own', async () => {
    const { reading, data } = await run({ TMUX: '/tmp/tmux-1000/default,4242,0', STY: '999.work' });
    expect(reading).toMatchObject({ text: 'work', tmux: 'session_name' });
    expect(data).toEqual({ multiplexer: 'tmux', tmuxSessionId: 0, screenSession: 'work' });
  });

  it('is not available, and quiet, outside both', async () => {
    expect(await session.available!(ctx({}))).toBe(false);
    expect((await run({})).reading).toBeNull();
    expect(await session.available!(ctx({ STY: '12.x' }))).toBe(true);
  });

  it("a hostile screen session name loses its control characters; screen's renderer draws the rest as text", async () => {
    const { reading } = await run({ STY: '12.ev\u001b]0;x\u0007il\u0005{= rw}#[fg=red]' });
    expect(reading?.text).toBe('ev]0;xil{= rw}#[fg=red]');
    const theme = loadTheme('default', tree.dir, {});
    const line = renderScreen([{ id: 'session', text: reading!.text, state: 'info', priority: 70 }], { theme, icons: loadIconSet('ascii', {}) });
    expect(line).not.toContain('\u0005{= rw}');
  });

  it("the tmux renderer writes tmux's own format for the name, its '#'s doubled so a '#[' in it is text", () => {
    const theme = loadTheme('default', tree.dir, {});
    const line = renderTmux([{ id: 'session', text: '$3', state: 'info', tmux: 'session_name', priority: 70 }], { theme, icons: loadIconSet('ascii', {}) });
    expect(line).toContain('#{s/#/\\#\\#/:session_name}');
    expect(line).not.toContain('$3');
  });

  it('a reading may name only the tmux values shoji knows: never a format of its own', () => {
    const reading = { text: 'x', state: 'info' };
    expect(readingProblem({ ...reading, tmux: 'session_name' })).toBeNull();
    expect(readingProblem({ ...reading, tmux: '#(touch /tmp/pwned)' })).toBe('tmux must be one of session_name, not "#(touch /tmp/pwned)"');
  });
});
