/**
 * `shoji status` never waits for a slow module: one whose timeout is above the one-shot default
 * (a script refreshed every minute may take 10 s) is handed to a detached `shoji collect`,
 * which saves its reading for the next call. Here that collector is really spawned, as tmux's
 * `shoji status` would spawn it: nothing is injected.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(() => requireBuild());
beforeEach(() => (sb = sandbox()));
afterEach(() => sb.cleanup());

describe('the background collector', () => {
  it('a slow module is collected by a detached `shoji collect` and shown by the next call', async () => {
    const ancestry = join(sb.dir, 'ancestry');
    const scripts = join(sb.configDir, 'scripts');
    mkdirSync(scripts, { recursive: true });
    // Interval 60 s, so a 10 s timeout: too slow for a status line. It writes down the command
    // lines of the processes above it: which program really ran it.
    writeFileSync(
      join(scripts, '60_slow'),
      [
        '#!/bin/sh',
        'p=$PPID',
        `: > '${ancestry}.tmp'`,
        `while [ "$p" -gt 1 ]; do tr '\\0' ' ' < /proc/$p/cmdline >> '${ancestry}.tmp'; echo >> '${ancestry}.tmp'; p=$(cut -d ' ' -f 4 /proc/$p/stat); done`,
        `mv '${ancestry}.tmp' '${ancestry}'`,
        'echo slow-ok',
        '',
      ].join('\n'),
    );
    chmodSync(join(scripts, '60_slow'), 0o755);
    writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [load, custom]\n');
    const stateFile = join(sb.env.SHOJI_RUNTIME_DIR!, 'status-state.json');

    const first = await runShoji(['status', '--format', 'plain', '--side', 'right'], sb.env);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/load /);
    expect(first.stdout).not.toContain('slow-ok'); // not waited for

    // The first call has exited; the detached collector saves the reading on its own.
    const saved = await waitFor(
      'the collector to save the slow module',
      () => {
        const state = JSON.parse(readFileSync(stateFile, 'utf8'));
        return state.modules['custom:slow']?.reading?.text === 'slow-ok' && state.modules['custom:slow'];
      },
      30_000,
    );
    expect(saved.error).toBeUndefined();
    const above = readFileSync(ancestry, 'utf8');
    expect(above, above).toMatch(/bin\/shoji collect custom:slow/);
    expect(above).not.toMatch(/shoji status/); // detached: not a child of the call that started it

    const second = await runShoji(['status', '--format', 'plain', '--side', 'right'], sb.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/load .*slow-ok/);
  });
});
