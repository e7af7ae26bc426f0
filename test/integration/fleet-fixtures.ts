/**
 * What the fleet tests serve to a real Prometheus: shoji exporters' and node_exporter's
 * exposition text for made-up hosts (fixed gauges, counters that grow at a known rate at the
 * moment they are served), and a /proc tree for a real node_exporter whose CPU counters grow in a
 * known proportion.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningPrometheus } from '../helpers/prometheus.js';

/** One host as its shoji exporter would describe it. */
export interface ShojiHost {
  cpu: number;
  memoryTotal: number;
  memoryUsed: number;
  load1: number;
  cpus: number;
  /** Bytes/s by interface: counters grow at this rate from the server's start. */
  receive: Record<string, number>;
  transmit: Record<string, number>;
  /** [used, avail] bytes by mountpoint. */
  filesystems: Record<string, [number, number]>;
  /** EC2 cost per component (compute, public_ipv4, ebs), and since boot (compute, egress, ...). */
  hourly?: Record<string, number>;
  sinceBoot?: Record<string, number>;
  /** ec2-cost's mode, in shoji_ec2_cost_info, published with `hourly`: "ec2" unless said. */
  costMode?: 'ec2' | 'what-if' | 'off-ec2';
  /** OpenCost's name for the instance's own price, which shoji exports too. */
  openCostHourly?: number;
  /** When set, shoji_cpu_seconds_total{mode="busy"|"idle"} grow in this busy share (all CPUs). */
  cpuSecondsBusy?: number;
}

function family(name: string, type: 'gauge' | 'counter', samples: [Record<string, string>, number][]): string {
  const lines = [`# HELP ${name} fixture`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    lines.push(`${name}${l.length ? `{${l.join(',')}}` : ''} ${value}`);
  }
  return lines.join('\n');
}

/** The exposition text of a host `elapsed` seconds after its counters started. */
export function shojiExposition(h: ShojiHost, elapsed: number): string {
  const counters = (rates: Record<string, number>) =>
    Object.entries(rates).map(([device, rate]): [Record<string, string>, number] => [{ device }, 1e6 + rate * elapsed]);
  const parts = [
    family('shoji_build_info', 'gauge', [[{ version: '0.1.0', nodejs_version: 'v20' }, 1]]),
    family('shoji_cpu_usage_ratio', 'gauge', [[{}, h.cpu]]),
    family('shoji_memory_total_bytes', 'gauge', [[{}, h.memoryTotal]]),
    family('shoji_memory_used_bytes', 'gauge', [[{}, h.memoryUsed]]),
    family('shoji_memory_available_bytes', 'gauge', [[{}, h.memoryTotal - h.memoryUsed]]),
    family('shoji_load1', 'gauge', [[{}, h.load1]]),
    family('shoji_online_cpus', 'gauge', [[{}, h.cpus]]),
    family('shoji_network_receive_bytes_total', 'counter', counters(h.receive)),
    family('shoji_network_transmit_bytes_total', 'counter', counters(h.transmit)),
    family(
      'shoji_filesystem_used_bytes',
      'gauge',
      Object.entries(h.filesystems).map(([mountpoint, [used]]) => [{ mountpoint }, used]),
    ),
    family(
      'shoji_filesystem_avail_bytes',
      'gauge',
      Object.entries(h.filesystems).map(([mountpoint, [, avail]]) => [{ mountpoint }, avail]),
    ),
    family(
      'shoji_filesystem_size_bytes',
      'gauge',
      Object.entries(h.filesystems).map(([mountpoint, [used, avail]]) => [{ mountpoint }, used + avail]),
    ),
  ];
  if (h.cpuSecondsBusy !== undefined) {
    const seconds = h.cpus * elapsed;
    parts.push(
      family('shoji_cpu_seconds_total', 'counter', [
        [{ mode: 'busy' }, 1000 + h.cpuSecondsBusy * seconds],
        [{ mode: 'idle' }, 3000 + (1 - h.cpuSecondsBusy) * seconds],
      ]),
    );
  }
  if (h.hourly) {
    parts.push(
      family(
        'shoji_ec2_hourly_cost_usd',
        'gauge',
        Object.entries(h.hourly).map(([component, v]) => [{ component }, v]),
      ),
      family('shoji_ec2_cost_info', 'gauge', [
        [{ instance_type: 'm7i.large', region: 'us-east-1', mode: h.costMode ?? 'ec2', spot: 'false', price_source: 'bundled' }, 1],
      ]),
    );
  }
  if (h.sinceBoot)
    parts.push(
      family(
        'shoji_ec2_cost_since_boot_usd',
        'gauge',
        Object.entries(h.sinceBoot).map(([component, v]) => [{ component }, v]),
      ),
    );
  if (h.openCostHourly !== undefined) {
    parts.push(
      family('node_total_hourly_cost', 'gauge', [
        [{ instance_type: 'm7i.large', region: 'us-east-1', arch: 'amd64', provider_id: 'i-0123' }, h.openCostHourly],
      ]),
    );
  }
  return `${parts.join('\n')}\n`;
}

/** One host as node_exporter would describe it. */
export interface NodeHost {
  /** Busy share of every CPU: their user and idle counters grow in this proportion. */
  busy: number;
  cpus: number;
  memTotal: number;
  memAvailable: number;
  load1: number;
  /** [receive, transmit] bytes/s by interface: counters grow at this rate from the server's start. */
  rates: Record<string, [number, number]>;
  /** Filesystems by mountpoint, as statfs gives them (bytes). */
  filesystems: Record<string, { size: number; free: number; avail: number; fstype?: string }>;
}

/** node_exporter's exposition of a host `elapsed` seconds after its counters started. */
export function nodeExposition(h: NodeHost, elapsed: number): string {
  const cpus = Array.from({ length: h.cpus }, (_, i) => String(i));
  const fs = (read: (f: NodeHost['filesystems'][string]) => number) =>
    Object.entries(h.filesystems).map(([mountpoint, f]): [Record<string, string>, number] => [
      { device: `/dev/fixture${mountpoint.replace(/\//g, '_')}`, fstype: f.fstype ?? 'ext4', mountpoint },
      read(f),
    ]);
  const net = (i: 0 | 1) => Object.entries(h.rates).map(([device, r]): [Record<string, string>, number] => [{ device }, 1e6 + r[i] * elapsed]);
  return `${[
    family('node_exporter_build_info', 'gauge', [[{ version: '1.5.0' }, 1]]),
    family(
      'node_cpu_seconds_total',
      'counter',
      cpus.flatMap((cpu): [Record<string, string>, number][] => [
        [{ cpu, mode: 'user' }, 100 + h.busy * elapsed],
        [{ cpu, mode: 'idle' }, 300 + (1 - h.busy) * elapsed],
      ]),
    ),
    family('node_memory_MemTotal_bytes', 'gauge', [[{}, h.memTotal]]),
    family('node_memory_MemAvailable_bytes', 'gauge', [[{}, h.memAvailable]]),
    family('node_load1', 'gauge', [[{}, h.load1]]),
    family('node_network_receive_bytes_total', 'counter', net(0)),
    family('node_network_transmit_bytes_total', 'counter', net(1)),
    family(
      'node_filesystem_size_bytes',
      'gauge',
      fs((f) => f.size),
    ),
    family(
      'node_filesystem_free_bytes',
      'gauge',
      fs((f) => f.free),
    ),
    family(
      'node_filesystem_avail_bytes',
      'gauge',
      fs((f) => f.avail),
    ),
  ].join('\n')}\n`;
}

export interface FixtureServer {
  address: string;
  close(): Promise<void>;
}

/** A loopback server answering every GET with `body()`. */
export function serve(body: () => string, status = 200, contentType = 'text/plain; version=0.0.4'): Promise<FixtureServer> {
  return listen(createServer((_req, res) => res.writeHead(status, { 'content-type': contentType }).end(body())));
}

/** Listen on a free loopback port; close() also ends connections still open. */
export function listen(server: Server): Promise<FixtureServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        address: `127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A host's node_exporter: its counters start growing now. */
export function serveNodeHost(h: NodeHost): Promise<FixtureServer> {
  const start = Date.now();
  return serve(() => nodeExposition(h, (Date.now() - start) / 1000));
}

/** A host's shoji exporter: its counters start growing now. */
export function serveShojiHost(h: ShojiHost): Promise<FixtureServer> {
  const start = Date.now();
  return serve(() => shojiExposition(h, (Date.now() - start) / 1000));
}

/**
 * A /proc for node_exporter: two CPUs whose counters grow 1 tick of user time for 3 of idle
 * (busy 25 %), fixed memory and load, and /proc/net/dev counters growing with the wall clock.
 * tick() rewrites stat and net/dev atomically (rename), so a scrape never reads half a file.
 */
export function nodeProc(dir: string, o: { memTotalKiB: number; memAvailableKiB: number; load1: number; rates: Record<string, [number, number]> }) {
  mkdirSync(join(dir, 'net'), { recursive: true });
  mkdirSync(join(dir, '1'), { recursive: true });
  const start = Date.now();
  let ticks = 0;
  const atomic = (file: string, text: string) => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  writeFileSync(join(dir, 'meminfo'), `MemTotal: ${o.memTotalKiB} kB\nMemFree: 1000 kB\nMemAvailable: ${o.memAvailableKiB} kB\nBuffers: 0 kB\nCached: 0 kB\n`);
  writeFileSync(join(dir, 'loadavg'), `${o.load1.toFixed(2)} 0.50 0.25 1/100 4242\n`);
  writeFileSync(join(dir, '1', 'mounts'), '/dev/vda1 / ext4 rw,relatime 0 0\ntmpfs /run tmpfs rw 0 0\n');
  const tick = () => {
    ticks++;
    const cpu = (name: string, n: number) => `${name} ${1000 + n} 0 0 ${3000 + 3 * n} 0 0 0 0 0 0`;
    atomic(join(dir, 'stat'), `${cpu('cpu ', 2 * ticks)}\n${cpu('cpu0', ticks)}\n${cpu('cpu1', ticks)}\nbtime 1700000000\n`);
    const t = (Date.now() - start) / 1000;
    const rows = Object.entries(o.rates).map(
      ([dev, [rx, tx]]) => `${dev.padStart(6)}: ${Math.round(1e6 + rx * t)} 10 0 0 0 0 0 0 ${Math.round(1e6 + tx * t)} 10 0 0 0 0 0 0`,
    );
    atomic(
      join(dir, 'net', 'dev'),
      `Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n${rows.join('\n')}\n`,
    );
  };
  tick();
  const timer = setInterval(tick, 20);
  return { stop: () => clearInterval(timer) };
}

/**
 * What Prometheus itself says a counter's rate was for one instance at `at` (Unix seconds): the
 * simplest query, irate summed over the devices `devices` (a regex) matches.
 */
export async function rateAt(prom: RunningPrometheus, metric: string, instance: string, devices: string, at: number): Promise<number> {
  const q = `sum(irate(${metric}{instance="${instance}",device=~"${devices}"}[5m]))`;
  const data = await prom.api<{ result: { value: [number, string] }[] }>(`/api/v1/query?time=${at}&query=${encodeURIComponent(q)}`);
  return Number(data.result[0].value[1]);
}
