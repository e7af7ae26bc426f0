/**
 * The direct reader: /proc, /sys and utmp, read synchronously under the context's roots (so a
 * fixture tree stands in for the host in tests). Linux's default: one small file read per fact,
 * no process started, nothing loaded beyond Node's built-ins.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { defaultRouteInterfaces, readNetDev } from '../../core/net.js';
import { readText } from '../../core/read.js';
import type { HostReader } from '../types.js';
import { diskSectors } from './disks.js';
import { listProcesses } from './processes.js';
import { cpuTicks, loadAverages, memory, onlineCpus, processCount, swap, uptimeSeconds } from './proc.js';
import { readSensors } from './sensors.js';
import { sessions, utmpPath } from './utmp.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Whether a line has a name on it: not blank, not a comment (hostname(5)), control characters aside. */
function namesOne(text: string): boolean {
  return text.split('\n').some((line) => {
    const name = line.replace(CONTROL, '').trim();
    return name !== '' && !name.startsWith('#');
  });
}

export const linuxReader: HostReader = {
  name: 'linux',
  cpuTicks: (r) => cpuTicks(r.procRoot),
  loadAverages: (r) => loadAverages(r.procRoot),
  onlineCpus: (r) => onlineCpus(r.procRoot),
  memory: (r) => memory(r.procRoot),
  swap: (r) => swap(r.procRoot),
  uptimeSeconds: (r) => uptimeSeconds(r.procRoot),
  hostname(r) {
    // os.hostname() is the same uname call; the proc file lets a fixture tree stand in, when it names one.
    const text = readText(join(r.procRoot, 'sys/kernel/hostname'));
    return text !== null && namesOne(text) ? text : hostname();
  },
  diskSectors: (r, devices, stacked) => diskSectors(r.procRoot, r.sysRoot, devices, stacked),
  diskSectorsWhyNot: () => null,
  defaultInterfaces: (r) => defaultRouteInterfaces(r.procRoot),
  // Every interface in net/dev: the caller picks the names it wants (no copy made).
  interfaceBytes: (r) => readNetDev(r.procRoot),
  sessionsReadable: (r) => utmpPath(r.root) !== null,
  sessions: (r) => sessions(r.root),
  processCount: (r) => processCount(r.procRoot),
  sensors: (r) => readSensors(r.sysRoot),
  processes: (r) => listProcesses(r),
};
