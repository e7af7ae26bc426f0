/** Fitting the right side to each tmux client, and the job that asks for it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmuxJob, tmuxRoomFormat } from '../../src/cli/tmux-conf.js';
import { rightWidthFor, TMUX_OWN_CELLS } from '../../src/host/tmux-daemon.js';

const JOB = join(__dirname, '..', '..', 'bin', 'shoji-tmux-job');

describe('right side width per client', () => {
  it('leaves room for the left side and what tmux draws around it, and no more', () => {
    // The job's number already leaves out the session name and the window list:
    // "[", "]" and a space each side of the left side are what is left to count.
    expect(TMUX_OWN_CELLS).toBe(4);
    expect(rightWidthFor(71, 10, 0)).toBe(57);
    expect(rightWidthFor(200, 10, 0)).toBe(186);
  });

  it('keeps a minimum on tiny clients, and a configured max_width still caps it', () => {
    expect(rightWidthFor(20, 10, 0)).toBe(10);
    expect(rightWidthFor(200, 10, 60)).toBe(60);
    expect(rightWidthFor(50, 10, 60)).toBe(36);
  });

  it("puts each client's room in the right side's job, not the left's", () => {
    expect(tmuxJob('right', '/usr/bin/node', '/opt/shoji')).toBe(`#(exec '/opt/shoji/bin/shoji-tmux-job' right #{pid} '/usr/bin/node' ${tmuxRoomFormat()})`);
    expect(tmuxRoomFormat()).toContain('#{client_width}');
    expect(tmuxJob('left', '/usr/bin/node', '/opt/shoji')).toBe("#(exec '/opt/shoji/bin/shoji-tmux-job' left #{pid} '/usr/bin/node')");
  });

  it('tmux works out the room: the width less the session name and the windows, at least 1', () => {
    const socket = `shoji-room-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    try {
      // Session "work" and windows 0-10 named "bash": "0:bash* 1:bash- 2:bash ..." and a space.
      expect(tmux('new-session', '-d', '-s', 'work', '-n', 'bash', '-x', '80', '-y', '5').status).toBe(0);
      const room = (width: number) => tmux('display', '-p', '-t', 'work', tmuxRoomFormat().replaceAll('#{client_width}', String(width))).stdout.trim();
      expect(room(80)).toBe(String(80 - 4 - 8));
      for (let i = 1; i <= 10; i++) tmux('new-window', '-d', '-t', 'work', '-n', 'bash');
      // The list as tmux draws it with its default formats, each window followed by the separator.
      const listed = tmux('display', '-p', '-t', 'work', '#{W:#{E:window-status-format} ,#{E:window-status-current-format} }').stdout.replace(/\n$/, '');
      expect(listed.length).toBe(11 * 8 + 1); // index 10 has two digits
      expect(room(200)).toBe(String(200 - 4 - listed.length));
      expect(room(80)).toBe('1');
    } finally {
      tmux('kill-server');
    }
  });

  it('the job refuses a width that is not a number', () => {
    const r = spawnSync('sh', [JOB, 'right', '123', 'node', '80;touch'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ROOM must be a number/);
  });
});
