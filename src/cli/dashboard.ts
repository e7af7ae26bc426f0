/** `shoji dashboard`: the full-screen view (src/dashboard/; blessed is loaded only here). */
import { UsageError, type CommandSpec } from './spec.js';

export const dashboardCommand: CommandSpec = {
  command: 'dashboard',
  describe: 'Full-screen dashboard: CPU, memory, network, disk, processes, EC2 cost and every module',
  options: {
    refresh: { type: 'number', describe: 'Seconds between frames (default: config dashboard.refresh, 1)' },
    'process-interval': { type: 'number', describe: 'Seconds between process-table samples (default: config dashboard.process_interval, 3)' },
    theme: { type: 'string', describe: 'Theme to start with (t cycles themes while running)' },
  },
  async run(args) {
    const refresh = args.refresh as number | undefined;
    const processInterval = args['process-interval'] as number | undefined;
    if (refresh !== undefined && !(refresh >= 0.1 && refresh <= 3600)) throw new UsageError('--refresh must be between 0.1 and 3600 seconds');
    if (processInterval !== undefined && !(processInterval >= 0.5 && processInterval <= 3600)) {
      throw new UsageError('--process-interval must be between 0.5 and 3600 seconds');
    }
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UsageError('dashboard needs a terminal (stdin and stdout must be a TTY)');
    const { runDashboard } = await import('../dashboard/index.js');
    return runDashboard({ env: process.env, refresh, processInterval, theme: args.theme as string | undefined });
  },
};
