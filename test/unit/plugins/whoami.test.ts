import { userInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import whoami from '../../../plugins/whoami/index.js';
import { escapeTmux, tmuxVisibleText } from '../../../src/render/tmux.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('whoami', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const run = async (options = {}) => whoami.collect(moduleContext(whoami, tree, options), undefined);
  const me = userInfo().username;

  it("shows this process's user at the host's short name; the user alone as its short form", async () => {
    tree.write('proc/sys/kernel/hostname', 'web1.example.com\n');
    const { reading, data } = await run();
    expect(reading).toMatchObject({ text: `${me}@web1`, short: me, state: 'idle' });
    expectDataAsDeclared(whoami, data);
    expect(data).toEqual({ user: me, uid: process.getuid!(), host: 'web1' });
  });

  it('shows the user alone with host: false (beside the hostname module, as byobu does)', async () => {
    tree.write('proc/sys/kernel/hostname', 'web1\n');
    expect((await run({ host: false })).reading?.text).toBe(me);
  });

  it('a hostile host name loses its control characters, and tmux draws the rest as text', async () => {
    tree.write('proc/sys/kernel/hostname', 'ev\u001b]0;x\u0007il#[fg=red]#(touch /tmp/pwned)\n');
    const { reading, data } = await run();
    expect(data?.host).toBe('ev]0;xil#[fg=red]#(touch /tmp/pwned)');
    expect(tmuxVisibleText(`${escapeTmux(reading!.text)}#[default]`)).toBe(`${me}@ev]0;xil#[fg=red]#(touch /tmp/pwned)`);
  });
});
