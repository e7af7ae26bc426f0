/**
 * Alerts in `shoji dashboard` (in a real tmux pane, read with capture-pane): shown on the
 * dashboard's own header line, and never sent anywhere else from it, even with a desktop
 * session and notify-send there (the tmux daemon already sends them: one would come twice).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, SHOJI, type Sandbox, sandbox, waitFor } from '../helpers/cli.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';

const SOCKET = `shoji-alerts-dash-${process.pid}`;
let sb: Sandbox;

beforeAll(() => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  const bin = join(sb.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\ntouch '${join(sb.dir, 'notified')}'\n`);
  chmodSync(join(bin, 'notify-send'), 0o755);
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(join(scripts, '1_level'), '#!/bin/sh\necho \'{"text": "98% {red-fg}full", "state": "critical"}\'\n');
  chmodSync(join(scripts, '1_level'), 0o755);
  writeFileSync(join(sb.configDir, 'config.yaml'), ['icons: ascii', 'modules:', '  custom:level: { alert: { after: 0 } }', ''].join('\n'));
  const vars = Object.entries({ ...sb.env, PATH: `${bin}:${sb.env.PATH}`, DISPLAY: ':0' })
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  tmux(
    SOCKET,
    ['new-session', '-d', '-s', 'd', '-x', '220', '-y', '40', `env -i ${vars} TERM=xterm-256color ${process.execPath} ${SHOJI} dashboard; sleep 60`],
    sb.env,
  );
});

afterAll(() => {
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  sb?.cleanup();
});

describe('alerts in the dashboard', () => {
  it('are shown on its header line, and sent nowhere else', async () => {
    const screen = await waitFor(
      'the alert on the header line',
      () => {
        const c = tmux(SOCKET, ['capture-pane', '-p', '-t', 'd'], sb.env);
        return c.includes('shoji: custom:level critical') ? c : undefined;
      },
      20_000,
    );
    expect(screen.split('\n')[0]).toMatch(/shoji: custom:level critical for \d+s: 98% \{red-fg\}full/);
    expect(existsSync(join(sb.dir, 'notified'))).toBe(false);
  });
});
