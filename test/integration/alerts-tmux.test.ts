/**
 * Alerts in a real tmux server configured from `shoji tmux-conf`, read as a person sees them (a
 * client attached inside another tmux's pane): a script module driven into critical with
 * `alert: { level: critical, after: 1 }` is told once on the client, not again while it stays,
 * and again after it cleared and came back. Its text tries to run a job through tmux's formats.
 * tmux's own log of the commands it received (show-messages) counts the alerts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, type Sandbox, sandbox, waitFor } from '../helpers/cli.js';
import { startShojiTmux, tmux, tmuxOk, type Viewer } from '../helpers/tmux.js';

const SOCKET = `shoji-alerts-${process.pid}`;

let sb: Sandbox;
let viewer: Viewer;
let serverPid = '';
const pwned = () => join(sb.dir, 'pwned');
/**
 * What the module's text holds after its reading number: a job, a format, strftime, a style and a
 * trailing ';' (which tmux takes as the end of a command). In this order tmux 3.3a runs the job
 * when the text is not escaped (a style right after a job keeps it from running).
 */
const payload = () => `hot #(touch ${pwned()}) #{host} %H ##x #[fg=red]RED;`;

/** Set the state the script reports from its next run on. */
const setState = (state: string) => writeFileSync(join(sb.dir, 'state'), `${state}\n`);

/** The reading number on the line the daemon last drew for the right side (written after it looked for alerts). */
function drawnReading(): number {
  try {
    // The daemon appends a line per change: the last one is what tmux shows.
    const lines = readFileSync(join(sb.env.SHOJI_RUNTIME_DIR!, `tmux-${serverPid}`, 'right'), 'utf8')
      .trimEnd()
      .split('\n');
    return Number(/\bn(\d+) hot/.exec(lines[lines.length - 1])?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Wait until the daemon has drawn `more` readings after the one it drew last: each was looked at for alerts first. */
async function readingsLater(more: number): Promise<void> {
  const from = drawnReading();
  await waitFor(`${more} more readings drawn`, () => drawnReading() >= from + more, 15_000);
}

/** The alerts tmux was asked to show, from its log of the commands it received. */
const alertsShown = () =>
  tmux(SOCKET, ['show-messages'], sb.env)
    .split('\n')
    .filter((l) => l.includes('command: display-message') && l.includes('shoji: custom:level'));

const log = () => {
  try {
    return readFileSync(join(sb.env.SHOJI_STATE_DIR!, 'shoji.log'), 'utf8');
  } catch {
    return '(no log)';
  }
};

beforeAll(async () => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  const scripts = join(sb.configDir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(join(sb.dir, 'payload'), payload());
  setState('good');
  // Each run prints the next number, so every reading is a change the daemon draws.
  writeFileSync(
    join(scripts, '1_level'),
    [
      '#!/bin/sh',
      `n=$(cat '${sb.dir}/n' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${sb.dir}/n'`,
      `state=$(cat '${sb.dir}/state')`,
      `text=$(cat '${sb.dir}/payload' | sed 's/["\\\\]/\\\\&/g')`,
      'printf \'{"text": "n%s %s", "state": "%s"}\\n\' "$n" "$text" "$state"',
      '',
    ].join('\n'),
  );
  chmodSync(join(scripts, '1_level'), 0o755);
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    ['icons: ascii', 'left: []', 'right: [custom:level]', 'modules:', '  custom:level: { alert: { level: critical, after: 1 } }', ''].join('\n'),
  );
  ({ serverPid, viewer } = await startShojiTmux(SOCKET, sb));
  await waitFor('the module drawn', () => drawnReading() >= 2, 15_000).catch((err: Error) => {
    throw new Error(`${err.message}\nscreen:\n${viewer.capture()}\nlog:\n${log()}`);
  });
});

afterAll(() => {
  viewer?.kill();
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  sb?.cleanup();
});

describe('alerts on the tmux clients', () => {
  it('a good state says nothing', async () => {
    await readingsLater(2);
    expect(alertsShown(), log()).toEqual([]);
  });

  it('critical for `after`: the message appears on the client, its text shown literally, nothing run', async () => {
    setState('critical');
    const screen = await waitFor(
      'the alert on the client',
      () => (viewer.capture().includes('shoji: custom:level critical for') ? viewer.capture() : undefined),
      15_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nscreen:\n${viewer.capture()}\nlog:\n${log()}`);
    });
    expect(screen).toMatch(/shoji: custom:level critical for \d+s: n\d+ hot #\(touch [^)]*pwned\) #\{host\} %H ##x #\[fg=red\]RED;/);
    expect(existsSync(pwned())).toBe(false);
    // The style in the text is not applied: no red SGR before "RED".
    expect(viewer.capture(true)).not.toMatch(/\u001b\[(?:[0-9;]*;)?31m[^\u001b]*RED/);
    expect(alertsShown()).toHaveLength(1);
  });

  it('not again while the state stays', async () => {
    await readingsLater(3);
    expect(alertsShown(), log()).toHaveLength(1);
  });

  it('again once it has cleared and come back', async () => {
    setState('good');
    await readingsLater(1);
    // Below the level from at latest now: the episode ends after 5 s of it (core/alerts.ts MIN_CLEAR_MS).
    await new Promise((r) => setTimeout(r, 6000));
    await readingsLater(1);
    expect(alertsShown()).toHaveLength(1);
    setState('critical');
    await waitFor('a second alert', () => alertsShown().length === 2, 15_000);
    await readingsLater(3);
    expect(alertsShown(), log()).toHaveLength(2);
    expect(existsSync(pwned())).toBe(false);
  });
});
