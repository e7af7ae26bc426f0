/**
 * Alerts as desktop notifications from a long-lived shoji (`shoji stream`, outside tmux, with a
 * session bus): a stand-in notify-send on PATH records each call's arguments. The alerting module
 * is not on the line: a module set to alert runs in the long-lived process all the same.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, SHOJI, type Sandbox, sandbox, waitFor } from '../helpers/cli.js';

let sb: Sandbox;
let stream: ChildProcess | undefined;
const calls = () => join(sb.dir, 'notify-calls');

/** Each call's arguments, as the stand-in recorded them (NUL between arguments, a line per call). */
function notifications(): string[][] {
  if (!existsSync(calls())) return [];
  return readFileSync(calls(), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\0').slice(0, -1));
}

/** How many times the script has run. */
const runs = () => Number(existsSync(join(sb.dir, 'n')) ? readFileSync(join(sb.dir, 'n'), 'utf8') : 0);

const log = () => {
  try {
    return readFileSync(join(sb.env.SHOJI_STATE_DIR!, 'shoji.log'), 'utf8');
  } catch {
    return '(no log)';
  }
};

function setup(desktop: NodeJS.ProcessEnv): void {
  const bin = join(sb.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> '${calls()}'\necho >> '${calls()}'\n`);
  chmodSync(join(bin, 'notify-send'), 0o755);
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(
    join(scripts, '1_level'),
    `#!/bin/sh\nn=$(cat '${sb.dir}/n' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${sb.dir}/n'\necho '{"text": "<b>'$n'</b> & more", "state": "critical"}'\n`,
  );
  chmodSync(join(scripts, '1_level'), 0o755);
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    ['icons: ascii', 'left: []', 'right: [hostname]', 'modules:', '  custom:level: { alert: { after: 0 } }', ''].join('\n'),
  );
  stream = spawn(SHOJI, ['stream', '--format', 'plain'], { env: { ...sb.env, ...desktop, PATH: `${bin}:${sb.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeEach(() => {
  requireBuild();
  sb = sandbox();
});

afterEach(() => {
  stream?.kill();
  stream = undefined;
  sb?.cleanup();
});

describe('alerts on the desktop', () => {
  it('a notification, once while the state stays, with the text as it is and the urgency of critical', async () => {
    setup({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
    const [first] = await waitFor('a notification', () => notifications().length > 0 && notifications(), 15_000).catch((err: Error) => {
      throw new Error(`${err.message}\nlog:\n${log()}`);
    });
    expect(first).toEqual(['--app-name=shoji', '--urgency=critical', '--', expect.stringMatching(/^shoji: custom:level critical for 0s: <b>\d+<\/b> & more$/)]);
    const from = runs();
    await waitFor('three more runs of the script', () => runs() >= from + 3, 15_000);
    expect(notifications(), log()).toHaveLength(1);
  });

  it('no desktop session: nothing run, and the log says why', async () => {
    setup({});
    await waitFor('three runs of the script', () => runs() >= 3, 15_000);
    await waitFor('the reason in the log', () => log().includes('alert not shown (not running inside tmux'), 15_000);
    expect(log()).toMatch(
      /alert not shown \(not running inside tmux \(TMUX is not set for this process\), and no desktop session .*\): shoji: custom:level critical/,
    );
    expect(notifications()).toEqual([]);
  });
});
