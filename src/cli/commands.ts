/** Every command, one file each in src/cli/. */
import { collectCommand } from './collect.js';
import { configCommand } from './config.js';
import { dashboardCommand } from './dashboard.js';
import { ec2CostCommand } from './ec2-cost.js';
import { fleetCommand } from './fleet.js';
import { exporterCommand } from './exporter.js';
import { modulesCommand } from './modules.js';
import { screenConfCommand } from './screen-conf.js';
import type { CommandSpec } from './spec.js';
import { statusCommand } from './status.js';
import { streamCommand } from './stream.js';
import { tmuxConfCommand } from './tmux-conf.js';
import { tmuxDaemonCommand } from './tmux-daemon.js';

export const COMMANDS: CommandSpec[] = [
  statusCommand,
  streamCommand,
  tmuxConfCommand,
  screenConfCommand,
  tmuxDaemonCommand,
  modulesCommand,
  configCommand,
  collectCommand,
  ec2CostCommand,
  dashboardCommand,
  exporterCommand,
  fleetCommand,
];

/** Commands parsed without loading yargs: a status line's or a report's hot path, and the long-lived ones (yargs would stay resident: about 4 MiB of the exporter's resident memory, measured). */
export const FAST_COMMANDS = new Set(['status', 'stream', 'tmux-daemon', 'collect', 'ec2-cost', 'dashboard', 'exporter', 'fleet']);
