/**
 * The PromQL shoji runs: a fixed set, aggregated `by (host)` in Prometheus, so one refresh makes
 * the same requests for 1 host or 1,000 (issue 11, item 9).
 *
 * A host is a target's `instance` without its `:port` (label_replace), so the node_exporter
 * (:9100) and the shoji exporter of one machine join into one row. A host is one machine however
 * many targets carry its metrics (both exporters, shoji's metrics riding on node_exporter's
 * textfile collector too, a target relabelled within the rate window): each figure is worked out
 * per instance, then the host takes the max over its instances, never their sum. Where both
 * exporters measure a figure, one is chosen per host (`A or B` on the same host label keeps A
 * where both exist): node_exporter's CPU and network (every physical interface, where shoji's
 * network module reads the default route's), shoji's memory and load, and the fuller disk of the
 * two.
 *
 * The user's `--match` selector is parsed here into label matchers and written back out by
 * shoji itself: no text of the user's reaches PromQL except as a quoted string value.
 */

/** One label matcher. */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A selector that is not a label matcher list: the message names what is wrong and where. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

const MAX_SELECTOR_CHARS = 2000;
const MAX_MATCHERS = 20;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OPERATOR = /(=~|!~|!=|=)/y;
const SPACE = /\s*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/**
 * Parse a label matcher list: `{job="node", env=~"prod.*"}`, or the same without braces. Values
 * are PromQL strings in double or single quotes (with Go's backslash escapes) or backticks (raw).
 * `host` stands for the instance without its port: host="web-3" matches web-3:9100 and web-3:9633.
 * Labels starting with `__` (the metric name among them) are refused: shoji picks the metrics.
 * `name` is where the selector came from, for the messages: the flag, or the config's key.
 */
export function parseSelector(text: string, name = '--match'): Matcher[] {
  if (text.length > MAX_SELECTOR_CHARS) throw new SelectorError(`${name} is longer than ${MAX_SELECTOR_CHARS} characters`);
  let body = text.trim();
  if (body.startsWith('{')) {
    if (!body.endsWith('}')) throw new SelectorError(`${name}: a selector that opens with { must close with }`);
    body = body.slice(1, -1);
  }
  const matchers: Matcher[] = [];
  let i = 0;
  const at = (re: RegExp) => {
    re.lastIndex = i;
    const m = re.exec(body);
    if (m) i = re.lastIndex;
    return m?.[0];
  };
  const where = () => (i >= body.length ? 'at the end' : `at "${body.slice(i, i + 20)}"`);
  at(SPACE);
  while (i < body.length) {
    const label = at(LABEL_NAME);
    if (!label) throw new SelectorError(`${name}: expected a label name ${where()} (e.g. job="node")`);
    if (label.startsWith('__')) throw new SelectorError(`${name}: label ${label} is shoji's to choose, not a selector's`);
    at(SPACE);
    const op = at(OPERATOR) as Matcher['op'] | undefined;
    if (!op) throw new SelectorError(`${name}: expected =, !=, =~ or !~ after ${label} ${where()}`);
    at(SPACE);
    const value = readString();
    matchers.push({ name: label, op, value });
    if (matchers.length > MAX_MATCHERS) throw new SelectorError(`${name}: more than ${MAX_MATCHERS} matchers`);
    at(SPACE);
    if (i >= body.length) break;
    if (body[i] !== ',') throw new SelectorError(`${name}: expected , between matchers ${where()}`);
    i++;
    at(SPACE);
  }
  return matchers;

  function readString(): string {
    const quote = body[i];
    if (quote !== '"' && quote !== "'" && quote !== '`') throw new SelectorError(`${name}: expected a quoted value ${where()}`);
    let out = '';
    for (i++; i < body.length; i++) {
      const c = body[i];
      if (c === quote) {
        i++;
        return out;
      }
      if (c === '\\' && quote !== '`') {
        const e = body[++i];
        if (e === undefined || !(e in ESCAPES)) throw new SelectorError(`${name}: unknown escape \\${e ?? ''} in a value`);
        out += ESCAPES[e];
        continue;
      }
      if (c === '\n' && quote !== '`') throw new SelectorError(`${name}: a line break inside a quoted value`);
      out += c;
    }
    throw new SelectorError(`${name}: a value opened with ${quote} is not closed`);
  }
}

/** A PromQL string literal for any text: JSON's escapes are Go's. */
function literal(value: string): string {
  return JSON.stringify(value);
}

/** RE2 special characters escaped, so text matches itself. */
export function regexEscape(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** The port an instance may carry after the host: `:9100`, nothing for an instance without one. */
const PORT = '(?::[0-9]+)?';

/** The matchers as PromQL writes them, `host` turned into the instance it stands for. */
export function formatMatchers(matchers: readonly Matcher[]): string[] {
  return matchers.map(({ name, op, value }) => {
    if (name !== 'host') return `${name}${op}${literal(value)}`;
    const regex = op === '=' || op === '!=' ? regexEscape(value) : `(?:${value})`;
    return `instance${op.startsWith('=') ? '=~' : '!~'}${literal(`${regex}${PORT}`)}`;
  });
}

/** The matcher for one host's targets (the dashboard's detail). */
export function hostMatcher(host: string): Matcher {
  return { name: 'host', op: '=', value: host };
}

/** Interfaces left out of network rates, as node_exporter dashboards do: loopback and virtual ones. */
export const VIRTUAL_DEVICES = 'lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*|cali.*|cilium.*|vxlan.*|kube-.*|tap.*|tun.*|lxc.*';
/** Filesystems left out of node_exporter's fullest disk: in memory, read-only images, pseudo ones. */
export const PSEUDO_FILESYSTEMS = 'tmpfs|devtmpfs|ramfs|overlay|squashfs|iso9660|nsfs|autofs|rootfs|efivarfs|fuse\\..*|proc|sysfs|cgroup2?|tracefs|debugfs';
/**
 * irate's window: long enough for two samples at scrape intervals up to 2.5 minutes (Prometheus's
 * default interval is 1 minute). A shorter one would not make the snapshot cheaper: Prometheus's
 * work grows with the series a query selects, not with the samples in the window (measured at
 * 1,000 hosts with a 1-minute window: the same time and allocations; docs/benchmarks.md).
 */
export const RATE_WINDOW = '5m';
/** How far back a down host's last successful scrape is looked for, and at what resolution. */
export const DOWN_LOOKBACK = '1d:15s';
/** How long a host that is down still counts at its last known hourly cost. */
export const DOWN_COST_LOOKBACK = '1h';
/** Down hosts whose last scrape is looked up in one refresh; the rest show no "since". */
export const MAX_DOWN_LOOKUPS = 50;

/** The host label from `instance` without its port. */
function withHost(expr: string): string {
  return `label_replace(${expr}, "host", "$1", "instance", "(.+?)${PORT}")`;
}

/** The PromQL of every figure, for a given matcher list. */
export class FleetQueries {
  private readonly match: string[];

  constructor(matchers: readonly Matcher[] = []) {
    this.match = formatMatchers(matchers);
  }

  /** A vector selector with shoji's own matchers first, the user's after. */
  sel(metric: string, ...own: string[]): string {
    const all = [...own, ...this.match];
    return all.length ? `${metric}{${all.join(', ')}}` : metric;
  }

  /**
   * A host's figure from a per-instance expression (one series per `instance`): the max over the
   * host's instances, as one machine seen through several targets is still one machine.
   */
  private perHost(perInstance: string): string {
    return `max by (host) (${withHost(perInstance)})`;
  }

  /** The per-instance sum of a counter's irate over the rate window. */
  private rateSum(selector: string): string {
    return `sum by (instance) (irate(${selector}[${RATE_WINDOW}]))`;
  }

  /** 1 when at least one of the host's targets is up, else 0. */
  up(): string {
    return `max by (host) (${withHost(this.sel('up'))})`;
  }

  /**
   * Busy share: node_exporter's CPU time that was not idle or iowait; else shoji's busy and idle
   * CPU seconds (busy over both); else shoji's gauge (an exporter from before the counters).
   * Idle time over the time of every mode, not over the CPU count times the seconds between two
   * scrapes: exact however far the counters moved between Prometheus's two timestamps (a scrape
   * read late, a /proc that is not the kernel's). Selecting every mode of every core is the
   * snapshot's largest cost at scale; the CPU count would cost a third (docs/benchmarks.md).
   */
  cpu(): string {
    const nodeIdle = this.rateSum(this.sel('node_cpu_seconds_total', 'mode=~"idle|iowait"'));
    const nodeAll = this.rateSum(this.sel('node_cpu_seconds_total'));
    const shojiBusy = this.rateSum(this.sel('shoji_cpu_seconds_total', 'mode="busy"'));
    const shojiAll = this.rateSum(this.sel('shoji_cpu_seconds_total', 'mode=~"busy|idle"'));
    const node = this.perHost(`1 - ${nodeIdle} / ${nodeAll}`);
    const counters = this.perHost(`${shojiBusy} / ${shojiAll}`);
    const gauge = this.perHost(`max by (instance) (${this.sel('shoji_cpu_usage_ratio')})`);
    return `(${node}) or (${counters}) or (${gauge})`;
  }

  /** Used memory share: shoji's used over total, else 1 − MemAvailable / MemTotal. */
  memory(): string {
    const shoji = `${this.sel('shoji_memory_used_bytes')} / ${this.sel('shoji_memory_total_bytes')}`;
    const node = `1 - ${this.sel('node_memory_MemAvailable_bytes')} / ${this.sel('node_memory_MemTotal_bytes')}`;
    return `(${this.perHost(`max by (instance) (${shoji})`)}) or (${this.perHost(`max by (instance) (${node})`)})`;
  }

  /** 1-minute load over online CPUs (node_exporter: over its count of CPUs). */
  loadPerCore(): string {
    const shoji = `${this.sel('shoji_load1')} / ${this.sel('shoji_online_cpus')}`;
    const cpus = `count by (instance, job) (${this.sel('node_cpu_seconds_total', 'mode="idle"')})`;
    const node = `${this.sel('node_load1')} / on (instance, job) ${cpus}`;
    return `(${this.perHost(`max by (instance) (${shoji})`)}) or (${this.perHost(`max by (instance) (${node})`)})`;
  }

  /** Bytes/s over physical interfaces, `direction` receive or transmit: node_exporter's, else shoji's. */
  network(direction: 'receive' | 'transmit'): string {
    const device = `device!~${literal(VIRTUAL_DEVICES)}`;
    const rate = (metric: string) => this.perHost(this.rateSum(this.sel(metric, device)));
    return `(${rate(`node_network_${direction}_bytes_total`)}) or (${rate(`shoji_network_${direction}_bytes_total`)})`;
  }

  /** The fullest filesystem per host, with its `mountpoint`, whichever exporter reports it: df's used / (used + available). */
  fullestDisk(): string {
    const shojiUsed = this.sel('shoji_filesystem_used_bytes');
    const shoji = `${shojiUsed} / (${shojiUsed} + ${this.sel('shoji_filesystem_avail_bytes')})`;
    const fs = `fstype!~${literal(PSEUDO_FILESYSTEMS)}`;
    const size = this.sel('node_filesystem_size_bytes', fs);
    const used = `(${size} - ${this.sel('node_filesystem_free_bytes', fs)})`;
    const node = `${used} / (${used} + ${this.sel('node_filesystem_avail_bytes', fs)})`;
    // `>= 0` drops NaN (a filesystem of size 0). node_exporter's series carry device and fstype,
    // so `or` keeps both exporters' mountpoints; max merges a mountpoint both report; topk keeps
    // the fullest per host.
    return `topk by (host) (1, max by (host, mountpoint) (${withHost(`(${shoji}) >= 0 or (${node}) >= 0`)}))`;
  }

  /** Instances whose shoji estimate prices this EC2 instance (not a what-if, not an estimate off EC2). */
  private onEc2(lookback?: string): string {
    const info = this.sel('shoji_ec2_cost_info', 'mode="ec2"');
    return lookback ? `last_over_time(${info}[${lookback}])` : info;
  }

  /** shoji's estimate per host, summed over `metric`'s components, counted only in mode ec2. */
  private shojiCost(metric: string, lookback?: string): string {
    const sel = lookback ? `last_over_time(${this.sel(metric)}[${lookback}])` : this.sel(metric);
    return this.perHost(`sum by (instance) (${sel}) and on (instance) ${this.onEc2(lookback)}`);
  }

  /**
   * EC2 cost per hour: shoji's components summed (mode ec2 only), else OpenCost's
   * node_total_hourly_cost (host from its `node` label when set; an instance of shoji's, which
   * publishes that name too, never counted twice); for a host that is down, its last estimate
   * within DOWN_COST_LOOKBACK: EC2 bills an instance that runs whatever its exporter does.
   */
  costPerHour(): string {
    const opencost = `label_replace(${withHost(`${this.sel('node_total_hourly_cost')} unless on (instance) ${this.sel('shoji_ec2_cost_info')}`)}, "host", "$1", "node", "(.+)")`;
    const current = `(${this.shojiCost('shoji_ec2_hourly_cost_usd')}) or on (host) (max by (host) (${opencost}))`;
    const lastKnown = `${this.shojiCost('shoji_ec2_hourly_cost_usd', DOWN_COST_LOOKBACK)} and on (host) (${this.up()} == 0)`;
    return `${current} or on (host) (${lastKnown})`;
  }

  /** EC2 cost since boot, summed over shoji's components (mode ec2 only). */
  costSinceBoot(): string {
    return this.shojiCost('shoji_ec2_cost_since_boot_usd');
  }

  /** 1 per host and `exporter` (node, shoji) that answered its last scrape. */
  exporters(): string {
    const kind = (metric: string, name: string) => `label_replace(${withHost(this.sel(metric))}, "exporter", "${name}", "", "")`;
    return `count by (host, exporter) (${kind('node_exporter_build_info', 'node')} or ${kind('shoji_build_info', 'shoji')})`;
  }

  /**
   * Every figure of a refresh in one query, each series marked with its `figure` label. `instead`
   * replaces some figures' expressions (with their recorded series: src/fleet/rules.ts).
   */
  snapshot(instead: Partial<Record<SnapshotFigure, string>> = {}): string {
    const figures = { ...this.figures(), ...instead };
    return orTree(Object.entries(figures).map(([figure, expr]) => `label_replace(${expr}, "figure", "${figure}", "", "")`));
  }

  /** The figures snapshot() joins, by the name its `figure` label gets. */
  figures(): Record<SnapshotFigure, string> {
    return {
      up: this.up(),
      cpu: this.cpu(),
      memory: this.memory(),
      load: this.loadPerCore(),
      receive: this.network('receive'),
      transmit: this.network('transmit'),
      disk: this.fullestDisk(),
      cost_hour: this.costPerHour(),
      cost_boot: this.costSinceBoot(),
      exporter: this.exporters(),
    };
  }

  /**
   * When each down host last answered a scrape (any of its targets: a host is down when all of
   * them are): asked only when the snapshot found hosts down, for at most MAX_DOWN_LOOKUPS of
   * them, in one query. So a refresh is one request, or two while some host is down, whatever the
   * size of the fleet. The hosts are matched by name as `host=` matchers are (their instances with
   * any port), so the snapshot need not list the down targets: that part of it, `up == 0` with
   * its host label, cost Prometheus 13 ms of its ~70 ms at 1,000 hosts (measured).
   */
  lastUp(hosts: readonly string[]): string {
    const [only] = formatMatchers([{ name: 'host', op: '=~', value: hosts.map(regexEscape).join('|') }]);
    return `max by (host) (${withHost(`max_over_time(timestamp(${this.sel('up', only)} == 1)[${DOWN_LOOKBACK}])`)})`;
  }
}

/**
 * The figures joined by `or` in a balanced tree rather than a chain: Prometheus copies an `or`'s
 * left operand into its result, so a chain of the figures (eleven when it was measured) copied the
 * first ones ten times (at 1,000 hosts that was 8 % of what the snapshot allocated, measured with
 * go_memstats in docs/benchmarks.md). `on (figure)`: no two operands share a figure, so every
 * series is kept, and Prometheus matches them on that one label rather than on all of them.
 */
function orTree(exprs: readonly string[]): string {
  if (exprs.length === 1) return exprs[0];
  const half = Math.ceil(exprs.length / 2);
  return `(${orTree(exprs.slice(0, half))})\nor on (figure)\n(${orTree(exprs.slice(half))})`;
}

export type SnapshotFigure = 'up' | 'cpu' | 'memory' | 'load' | 'receive' | 'transmit' | 'disk' | 'cost_hour' | 'cost_boot' | 'exporter';

/** The history's figures: one range query each, values rounded to keep the answers small. */
export function historyQueries(q: FleetQueries): Record<'cpuRatio' | 'memoryRatio' | 'receiveBytesPerSecond' | 'transmitBytesPerSecond', string> {
  return {
    cpuRatio: `round(${q.cpu()}, 0.0001)`,
    memoryRatio: `round(${q.memory()}, 0.0001)`,
    receiveBytesPerSecond: `round(${q.network('receive')})`,
    transmitBytesPerSecond: `round(${q.network('transmit')})`,
  };
}
