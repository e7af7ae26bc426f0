/** Fitting the right side to each tmux client, and the job that asks for it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmuxJob } from '../../src/cli/tmux-conf.js';
import { rightWidthFor, TMUX_OWN_CELLS } from '../../src/host/tmux-daemon.js';

const JOB = join(__dirname, '..', '..', 'bin', 'shoji-tmux-job');

describe('right side width per client', () => {
  it("leaves room for the left side and tmux's session name and windows", () => {
    expect(rightWidthFor(80, 10, 0)).toBe(80 - 10 - TMUX_OWN_CELLS);
    expect(rightWidthFor(200, 10, 0)).toBe(160);
  });

  it('keeps a minimum on tiny clients, and a configured max_width still caps it', () => {
    expect(rightWidthFor(30, 10, 0)).toBe(10);
    expect(rightWidthFor(200, 10, 60)).toBe(60);
    expect(rightWidthFor(80, 10, 60)).toBe(40);
  });

  it("puts each client's width in the right side's job, not the left's", () => {
    expect(tmuxJob('right', '/usr/bin/node', '/opt/shoji')).toBe("#(exec '/opt/shoji/bin/shoji-tmux-job' right #{pid} '/usr/bin/node' #{client_width})");
    expect(tmuxJob('left', '/usr/bin/node', '/opt/shoji')).toBe("#(exec '/opt/shoji/bin/shoji-tmux-job' left #{pid} '/usr/bin/node')");
  });

  it('the job refuses a width that is not a number', () => {
    const r = spawnSync('sh', [JOB, 'right', '123', 'node', '80;touch'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CLIENT_WIDTH must be a number/);
  });
});
