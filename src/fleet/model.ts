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
import { stateFor, type Thresholds } from '../core/thresholds.js';

/** Which exporters a host's figures came from: node_exporter ('node') or `shoji exporter` ('shoji'). */
export type ExporterKind = 'node' | 'shoji';

/** The host's fullest filesystem. */
export interface FleetDisk {
  mountpoint: string;
  /** Used share 0–1 as df's Use%: used / (used + available), root's reserve counted in neither. */
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
  /**
   * EC2 estimate: shoji_ec2_hourly_cost_usd summed (only where ec2-cost prices this very
   * instance, its mode "ec2": never a what-if or an estimate off EC2), else OpenCost's
   * node_total_hourly_cost. For a host that is down, its last estimate within the past hour:
   * EC2 bills an instance that runs whether its exporter answers or not.
   */
  costPerHourUsd: number | null;
  /** EC2 estimate since boot (shoji_ec2_cost_since_boot_usd summed over components, mode "ec2" only). */
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
  /** Sum over the hosts that publish a cost (down ones at their last known cost); null when none does. */
  costPerHourUsd: number | null;
  /** costPerHourUsd × 24 × 30. */
  costPer30DaysUsd: number | null;
  /** How many hosts the cost covers. */
  hostsWithCost: number;
  /** How many of those are down, counted at their last known hourly cost. */
  hostsDownWithCost: number;
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
  /** Where `match` came from, named in its errors: `--match`, or the config's key (the default). */
  matchName?: string;
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

/** Default thresholds on a host's CPU, memory and fullest-disk % (the fleet module's options). */
export const DEFAULT_FLEET_THRESHOLDS = { warning: 85, critical: 95 } as const;
/** The config's key a fleet's `match` comes from, as its errors name it. */
export const MATCH_KEY = 'modules.fleet.match';
/** Rows kept by default; the rest are counted in FleetSnapshot.omitted. */
export const DEFAULT_MAX_ROWS = 1000;
export const HOURS_PER_30_DAYS = 24 * 30;

const SEVERITY: Record<State, number> = { critical: 4, warning: 3, info: 2, good: 1, idle: 0 };

/** A host's figures before its state and order are worked out. */
export type FleetFigures = Omit<FleetHost, 'state' | 'worst'>;

/**
 * A host known by name only: down, no exporter answering, every figure unknown, not yet judged
 * (judgeHost sets its state and worst figure in place).
 */
export function hostWithoutFigures(host: string): FleetHost {
  return {
    host,
    up: false,
    downSince: null,
    cpuRatio: null,
    memoryRatio: null,
    loadPerCore: null,
    receiveBytesPerSecond: null,
    transmitBytesPerSecond: null,
    fullestDisk: null,
    costPerHourUsd: null,
    costSinceBootUsd: null,
    exporters: [],
    state: 'good',
    worst: null,
  };
}

/** The worst of a figure so far and the next one: the higher share wins; an unknown one never does. */
function worse(worst: FleetHost['worst'], figure: FleetFigure, ratio: number | null): FleetHost['worst'] {
  return ratio !== null && Number.isFinite(ratio) && (worst === null || ratio > (worst.ratio ?? -1)) ? { figure, ratio } : worst;
}

/**
 * The host's worst figure and the state it puts the host in, set on the host itself and returned
 * as a FleetHost. In place, not on a copy: readFleet's hosts are its own, and copying 1,000 of
 * them, while V8's young generation held Prometheus's whole answer, cost 10-20 ms of CPU
 * (measured).
 */
export function judgeHost(figures: FleetFigures, thresholds: Thresholds): FleetHost {
  const host = figures as FleetHost;
  if (!host.up) {
    host.state = 'critical';
    host.worst = { figure: 'down', ratio: null };
    return host;
  }
  const worst = worse(worse(worse(null, 'cpu', host.cpuRatio), 'memory', host.memoryRatio), 'disk', host.fullestDisk?.ratio ?? null);
  host.state = worst?.ratio == null ? 'good' : stateFor(worst.ratio * 100, thresholds);
  host.worst = worst;
  return host;
}

/**
 * Worst first: down hosts (the longest down first), then by state, then by the worst figure,
 * then by name, so the order is the same on every refresh for the same figures.
 */
export function compareHosts(a: FleetHost, b: FleetHost): number {
  if (a.up !== b.up) return a.up ? 1 : -1;
  // Down since longest first; down for a time unknown (never seen up) before either.
  if (!a.up && a.downSince !== b.downSince) {
    if (a.downSince === null) return -1;
    if (b.downSince === null) return 1;
    return a.downSince - b.downSince;
  }
  const bySeverity = SEVERITY[b.state] - SEVERITY[a.state];
  if (bySeverity !== 0) return bySeverity;
  const byRatio = (b.worst?.ratio ?? -1) - (a.worst?.ratio ?? -1);
  if (byRatio !== 0) return byRatio;
  return a.host < b.host ? -1 : a.host > b.host ? 1 : 0;
}

/** The total row over every host, including the rows left out past the cap. */
export function totalOf(hosts: readonly FleetHost[]): FleetTotal {
  const costed = hosts.filter((h) => h.costPerHourUsd !== null);
  const costPerHourUsd = costed.length ? costed.reduce((sum, h) => sum + (h.costPerHourUsd ?? 0), 0) : null;
  const hostsUp = hosts.filter((h) => h.up).length;
  return {
    hosts: hosts.length,
    hostsUp,
    hostsDown: hosts.length - hostsUp,
    costPerHourUsd,
    costPer30DaysUsd: costPerHourUsd === null ? null : costPerHourUsd * HOURS_PER_30_DAYS,
    hostsWithCost: costed.length,
    hostsDownWithCost: costed.filter((h) => !h.up).length,
  };
}
