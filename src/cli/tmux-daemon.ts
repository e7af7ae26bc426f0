/**
 * `shoji tmux-daemon`: the per-tmux-server daemon (started by bin/shoji-tmux-job; see
 * src/host/tmux-daemon.ts). Imported statically: as a lazy bundle it would carry a second copy
 * of the core into the long-lived process's memory.
 */
import { runTmuxDaemon } from '../host/tmux-daemon.js';
import type { CommandSpec } from './spec.js';
import { UsageError } from './spec.js';

export const tmuxDaemonCommand: CommandSpec = {
  command: 'tmux-daemon',
  describe: 'Keep the tmux status line files current for one tmux server (started by the status line itself)',
  options: {
    'server-pid': { type: 'number', describe: 'PID of the tmux server to serve (tmux: #{pid}); the daemon ends with it' },
  },
  async run(args) {
    const pid = args['server-pid'] as number | undefined;
    if (!pid || pid <= 0 || !Number.isInteger(pid)) throw new UsageError('--server-pid must be the tmux server PID');
    const handle = await runTmuxDaemon(process.env, pid);
    if (!handle) return 0; // another daemon already serves this tmux server
    await handle.done;
    return 0;
  },
};
