/**
 * The built-in modules, one folder each in plugins/, written against the same contract
 * (src/core/contract.ts) as a user's plugin. Add a module here to ship it.
 */
import type { AnyModule } from './contract.js';
import battery from '../../plugins/battery/index.js';
import cpu from '../../plugins/cpu/index.js';
import datetime from '../../plugins/datetime/index.js';
import disk from '../../plugins/disk/index.js';
import diskio from '../../plugins/diskio/index.js';
import ec2Cost from '../../plugins/ec2-cost/index.js';
import hostname from '../../plugins/hostname/index.js';
import ip from '../../plugins/ip/index.js';
import load from '../../plugins/load/index.js';
import memory from '../../plugins/memory/index.js';
import network from '../../plugins/network/index.js';
import processes from '../../plugins/processes/index.js';
import rebootRequired from '../../plugins/reboot-required/index.js';
import swap from '../../plugins/swap/index.js';
import updates from '../../plugins/updates/index.js';
import uptime from '../../plugins/uptime/index.js';
import users from '../../plugins/users/index.js';

export const BUILTIN_MODULES: AnyModule[] = [
  cpu,
  load,
  memory,
  swap,
  disk,
  diskio,
  network,
  battery,
  uptime,
  hostname,
  ip,
  datetime,
  users,
  processes,
  rebootRequired,
  updates,
  ec2Cost,
];
