/** `shoji dashboard`: the full-screen view (src/dashboard/; blessed is loaded only here). */
import { UsageError, type CommandSpec } from './spec.js';

/**
 * --refresh's range: the one the dashboard's + and - keys step through (REFRESH_STEPS in
 * src/dashboard/ui.ts, not imported: it would load the dashboard with every command).
 */
export const REFRESH_RANGE = [0.25, 30] as const;

export const dashboardCommand: CommandSpec = {
  command: 'dashboard',
  describe: 'Full-screen dashboard: CPU, memory, network, disk, processes, EC2 cost and every module',
  options: {
    refresh: {
      type: 'number',
      describe: `Seconds between frames, ${REFRESH_RANGE[0]}-${REFRESH_RANGE[1]} as + and - step (default: config dashboard.refresh, 1)`,
    },
    'process-interval': { type: 'number', describe: 'Seconds between process-table samples (default: config dashboard.process_interval, 3)' },
    theme: { type: 'string', describe: 'Theme to start with (t cycles themes while running)' },
  },
  async run(args) {
    const refresh = args.refresh as number | undefined;
    const processInterval = args['process-interval'] as number | undefined;
    if (refresh !== undefined && !(refresh >= REFRESH_RANGE[0] && refresh <= REFRESH_RANGE[1])) {
      throw new UsageError(`--refresh must be between ${REFRESH_RANGE[0]} and ${REFRESH_RANGE[1]} seconds (got ${refresh})`);
    }
    if (processInterval !== undefined && !(processInterval >= 0.5 && processInterval <= 3600)) {
      throw new UsageError('--process-interval must be between 0.5 and 3600 seconds');
    }
    if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UsageError('dashboard needs a terminal (stdin and stdout must be a TTY)');
    const { runDashboard } = await import('../dashboard/index.js');
    return runDashboard({ env: process.env, refresh, processInterval, theme: args.theme as string | undefined });
  },
};
