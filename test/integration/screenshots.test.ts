/**
 * scripts/screenshots.sh's capture step (the README's pictures), with tmux only: it captures the
 * status line and the dashboard with their colours from real tmux panes, and takes its tmux
 * servers down after. The HTML and PNG steps need Chromium and are run by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram } from '../helpers/cli.js';
import { tmuxEnv, tmuxOk } from '../helpers/tmux.js';

const dir = mkdtempSync(join(tmpdir(), 'shoji-shots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/screenshots.sh --capture-only', () => {
  it('captures the line and the dashboard with escapes, then leaves no tmux server', () => {
    requireBuild();
    requireProgram('tmux');
    const env = { ...tmuxEnv(), HOME: dir, TMUX_TMPDIR: dir, SHOJI_SCREENSHOTS_SETTLE: '0' };
    const run = spawnSync('bash', ['scripts/screenshots.sh', '--capture-only', join(dir, 'shots')], { env, encoding: 'utf8', timeout: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    const line = readFileSync(join(dir, 'shots', 'statusline.ansi'), 'utf8');
    const dashboard = readFileSync(join(dir, 'shots', 'dashboard.ansi'), 'utf8');
    // Colours kept: the default theme's bar background.
    expect(line).toContain('\u001b[48;5;236m');
    expect(line).toMatch(/up \d/);
    expect(line.trimEnd().split('\n')).toHaveLength(1);
    expect(dashboard).toContain('\u001b[');
    expect(dashboard).toContain('PID');
    expect(dashboard.trimEnd().split('\n')).toHaveLength(32);
    // The script's servers are named after its pid; both answered while it ran (it captured
    // through them) and are gone now.
    expect(tmuxOk(`shoji-shots-${run.pid}`, ['has-session'], env)).toBe(false);
    expect(tmuxOk(`shoji-shots-${run.pid}-outer`, ['has-session'], env)).toBe(false);
    expect(existsSync(join(dir, `tmux-${process.getuid?.()}`, `shoji-shots-${run.pid}`))).toBe(false);
  });
});
