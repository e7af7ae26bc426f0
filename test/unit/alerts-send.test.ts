/**
 * Where an alert goes (src/host/alerts-send.ts): the tmux server from TMUX, a desktop session
 * from its variables, programs found on PATH's absolute folders only (real files in a temp
 * folder), and the message as display-message's argument. That tmux shows the argument as it
 * is, runs nothing and styles nothing is test/integration/alerts-tmux.test.ts's job.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertTarget, tmuxMessageArg, tmuxSocket } from '../../src/host/alerts-send.js';

const dir = mkdtempSync(join(tmpdir(), 'shoji-alerts-'));
const bin = join(dir, 'bin');
mkdirSync(bin);
for (const name of ['tmux', 'notify-send']) {
  writeFileSync(join(bin, name), '#!/bin/sh\n');
  chmodSync(join(bin, name), 0o755);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the tmux server', () => {
  it("is TMUX's socket, for the server asked about only", () => {
    expect(tmuxSocket({ TMUX: '/tmp/tmux-0/default,1234,0' })).toBe('/tmp/tmux-0/default');
    expect(tmuxSocket({ TMUX: '/tmp/tmux-0/a,b,1234,-1' }, 1234)).toBe('/tmp/tmux-0/a,b');
    expect(tmuxSocket({ TMUX: '/tmp/tmux-0/default,1234,0' }, 99)).toBeNull();
    expect(tmuxSocket({})).toBeNull();
    expect(tmuxSocket({ TMUX: 'default,1234,0' })).toBeNull();
  });
});

describe('where via sends it', () => {
  const tmuxEnv = { TMUX: '/tmp/tmux-0/default,1234,0', PATH: bin };
  const desktopEnv = { DISPLAY: ':0', PATH: bin };
  it('auto: tmux inside tmux, else the desktop, else why not', () => {
    expect(alertTarget('auto', { ...tmuxEnv, ...desktopEnv })).toEqual({ kind: 'tmux', tmux: join(bin, 'tmux'), socket: '/tmp/tmux-0/default' });
    expect(alertTarget('auto', desktopEnv)).toEqual({ kind: 'desktop', notifySend: join(bin, 'notify-send') });
    expect(alertTarget('auto', { WAYLAND_DISPLAY: 'wayland-0', PATH: bin })).toMatchObject({ kind: 'desktop' });
    expect(alertTarget('auto', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus', PATH: bin })).toMatchObject({ kind: 'desktop' });
    expect(alertTarget('auto', { PATH: bin })).toEqual({ why: expect.stringMatching(/TMUX is not set.*no desktop session/) });
  });

  it('tmux or desktop as asked, or why not', () => {
    expect(alertTarget('desktop', { ...tmuxEnv, ...desktopEnv })).toMatchObject({ kind: 'desktop' });
    expect(alertTarget('tmux', desktopEnv)).toEqual({ why: expect.stringMatching(/TMUX is not set/) });
    expect(alertTarget('desktop', { DISPLAY: ':0', PATH: '/nonexistent' })).toEqual({ why: 'notify-send is not on PATH' });
    expect(alertTarget('tmux', { ...tmuxEnv, PATH: '/nonexistent' })).toEqual({ why: 'tmux is not on PATH' });
  });

  it('the tmux daemon sends to its own server only', () => {
    expect(alertTarget('auto', tmuxEnv, 1234)).toMatchObject({ kind: 'tmux' });
    expect(alertTarget('tmux', tmuxEnv, 4321)).toEqual({ why: "TMUX names another tmux server than 4321's" });
    expect(alertTarget('auto', tmuxEnv, 4321)).toEqual({ why: expect.stringMatching(/^TMUX names another tmux server than 4321's, and no desktop session/) });
  });
});

describe("display-message's argument", () => {
  it("escapes tmux's formats, styles and strftime, and a trailing ';'", () => {
    expect(tmuxMessageArg('shoji: cpu critical for 2m: 97%')).toBe('shoji: cpu critical for 2m: 97%%');
    expect(tmuxMessageArg('a #(touch x) #{host} #[fg=red]b')).toBe('a ####(touch x) ####{host} ##[fg=red]b');
    expect(tmuxMessageArg('end;')).toBe('end\\;');
    expect(tmuxMessageArg('x\u001b[31m\ny')).toBe('x[31my');
  });
});
