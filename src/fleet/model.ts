/**
 * The fleet as shoji shows it: one row per host read back from Prometheus, a total row, and the
 * history behind the dashboard's sparklines. `shoji fleet`, the `fleet` status module and the
 * dashboard's fleet page all read these types. src/fleet/read.ts fills them:
 *   readFleet(options: FleetReadOptions): Promise<FleetSnapshot>
 *   readFleetHistory(options: FleetHistoryOptions): Promise<FleetHistory>
 * both rejecting with PrometheusError (src/fleet/prometheus.ts), whose message is one line,
 * names the URL and is already escaped for a terminal.
 *
 * A host is a target's `instance` label without its trailing `:port`, so a host's node_exporter
 * (:9100) and its shoji exporter join into one row. Every figure is null where no exporter of the
 * host publishes it (a node_exporter-only host has no cost).
 */
import type { State } from '../core/contract.js';
import type { Thresholds } from '../core/thresholds.js';

/** Which exporters a host's figures came from: node_exporter ('node') or `shoji exporter` ('shoji'). */
export type ExporterKind = 'node' | 'shoji';

/** The host's fullest filesystem. */
export interface FleetDisk {
  mountpoint: string;
  /** Used share 0–1 (size − available over size, as df and node_exporter dashboards count it). */
  ratio: number;
}

/** The figure that makes a host the worst it is. */
export type FleetFigure = 'down' | 'cpu' | 'memory' | 'disk';

/** One host of the fleet. */
export interface FleetHost {
  /** The `instance` label without `:port`. */
  host: string;
  /** True when at least one of its scrape targets is up. */
  up: boolean;
  /** When it went down (Unix seconds, from its last successful scrape), null while up or unknown. */
  downSince: number | null;
  /** Busy share 0–1 of the machine (or of its cgroup quota, as shoji's exporter measures it). */
  cpuRatio: number | null;
  /** Used share 0–1 of memory (total − available over total). */
  memoryRatio: number | null;
  /** 1-minute load average over online CPUs. */
  loadPerCore: number | null;
  /** Bytes per second received over physical interfaces (loopback and virtual ones left out). */
  receiveBytesPerSecond: number | null;
  /** Bytes per second sent, likewise. */
  transmitBytesPerSecond: number | null;
  fullestDisk: FleetDisk | null;
  /** EC2 estimate: shoji_ec2_hourly_cost_usd summed, else OpenCost's node_total_hourly_cost. */
  costPerHourUsd: number | null;
  /** EC2 estimate since boot (shoji_ec2_cost_since_boot_usd summed over components). */
  costSinceBootUsd: number | null;
  /** The exporters that answered for this host, sorted. */
  exporters: ExporterKind[];
  /** critical when down or a figure at or over critical; warning, info likewise; good otherwise. */
  state: State;
  /** Its worst figure (down, or the highest of CPU, memory and disk), null when none is known. */
  worst: { figure: FleetFigure; ratio: number | null } | null;
}

/** The total row. */
export interface FleetTotal {
  hosts: number;
  hostsUp: number;
  hostsDown: number;
  /** Sum over the hosts that publish a cost; null when none does. */
  costPerHourUsd: number | null;
  /** costPerHourUsd × 24 × 30. */
  costPer30DaysUsd: number | null;
  /** How many hosts the cost covers. */
  hostsWithCost: number;
}

/** What one refresh reads. */
export interface FleetSnapshot {
  /** The Prometheus base URL asked (without credentials). */
  prometheus: string;
  /** The evaluation time of the queries (Unix seconds). */
  at: number;
  /** The `--match` selector the fleet was narrowed with, or null. */
  match: string | null;
  /** Worst first: down hosts, then by how far the worst figure is into its thresholds. */
  rows: FleetHost[];
  /** Hosts left out past the row cap ("and N more"); counted in `total`. */
  omitted: number;
  total: FleetTotal;
  /** How many HTTP requests the refresh made (the same for 1 or 1,000 hosts). */
  requests: number;
}

/** Where Prometheus is and how to sign in; secrets are read from files or the environment. */
export interface PrometheusTarget {
  /** Base URL, e.g. http://prometheus:9090 (a path prefix is kept). */
  url: string;
  /** File holding a bearer token (else SHOJI_PROMETHEUS_TOKEN). */
  bearerTokenFile?: string;
  /** Basic-auth user; its password from passwordFile, else SHOJI_PROMETHEUS_PASSWORD. */
  username?: string;
  passwordFile?: string;
}

/** How to read the fleet. */
export interface FleetReadOptions {
  target: PrometheusTarget;
  /** A label matcher list, `{job="node",env=~"prod.*"}` or without braces; validated before use. */
  match?: string | null;
  /** Thresholds on a host's CPU, memory and fullest-disk % (0–100). */
  thresholds?: Thresholds;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Rows kept; the rest are counted in `omitted`. */
  maxRows?: number;
  signal?: AbortSignal;
  /** The environment the secrets may come from (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

/** One host's values over a range, aligned with FleetHistory.times (null where missing). */
export type FleetSeries = Record<string, (number | null)[]>;

/** Range queries for the dashboard: every host in a fixed number of requests. */
export interface FleetHistory {
  /** Sample times (Unix seconds), start to end by step. */
  times: number[];
  stepSeconds: number;
  cpuRatio: FleetSeries;
  memoryRatio: FleetSeries;
  receiveBytesPerSecond: FleetSeries;
  transmitBytesPerSecond: FleetSeries;
  requests: number;
}

export interface FleetHistoryOptions extends FleetReadOptions {
  /** How far back, in seconds (default 15 minutes). */
  rangeSeconds?: number;
  /** Step between points, in seconds (default rangeSeconds / 60). */
  stepSeconds?: number;
  /** One host only (its detail): the same queries narrowed to it. */
  host?: string;
}
