/**
 * One refresh of the fleet: which figures Prometheus has recorded (the probe, src/fleet/rules.ts;
 * a long-lived reader remembers its answer), the snapshot query (one request), and, only while
 * some host is down, when its targets last answered. Prometheus's answer becomes the rows of
 * src/fleet/model.ts, judged against the thresholds and sorted worst first.
 *
 * The snapshot reads each figure's recorded series where Prometheus has it, and the raw
 * expression elsewhere (a partial set of rules is used as far as it goes); with a matcher on any
 * label but `host` it reads every figure raw, as recorded series carry no other target label.
 */
import {
  DEFAULT_FLEET_THRESHOLDS,
  DEFAULT_MAX_ROWS,
  type FleetHost,
  type FleetHistory,
  type FleetHistoryOptions,
  type FleetReadOptions,
  type FleetSeries,
  type FleetSnapshot,
  compareHosts,
  hostWithoutFigures,
  judgeHost,
  MATCH_KEY,
  totalOf,
} from './model.js';
import { type PrometheusClient, prometheusClient, type VectorSample } from './prometheus.js';
import { FleetQueries, historyQueries, hostMatcher, MAX_DOWN_LOOKUPS, type Matcher, parseSelector, type SnapshotFigure } from './queries.js';
import { RECORDED_FIGURES, type RecordedFigure, RecordedRulesProbe, REMEMBER_PROBE_MS, recordedApplies, recordedExpr } from './rules.js';

/** A figure as shoji shows it: a finite number, else null (NaN from 0/0, ±Inf). */
function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** A ratio far outside 0–1 is no share of anything: a broken exporter, not a host at 10,000 %. */
const MAX_RATIO = 100;
const ratio = (v: number) => v >= 0 && v <= MAX_RATIO;
const notNegative = (v: number) => v >= 0;

/** What each figure can be; anything else (a negative cost, a ratio of -3) is absent, not shown. */
const PLAUSIBLE: Record<'cpu' | 'memory' | 'load' | 'receive' | 'transmit' | 'disk' | 'cost_hour' | 'cost_boot', (v: number) => boolean> = {
  cpu: ratio,
  memory: ratio,
  disk: ratio,
  load: notNegative,
  receive: notNegative,
  transmit: notNegative,
  cost_hour: notNegative,
  cost_boot: notNegative,
};

/** A figure's value as shown: finite and plausible, else null. */
function plausible(figure: keyof typeof PLAUSIBLE, v: number): number | null {
  return Number.isFinite(v) && PLAUSIBLE[figure](v) ? v : null;
}

const SCALAR: Partial<Record<SnapshotFigure, keyof FleetHost>> = {
  cpu: 'cpuRatio',
  memory: 'memoryRatio',
  load: 'loadPerCore',
  receive: 'receiveBytesPerSecond',
  transmit: 'transmitBytesPerSecond',
  cost_hour: 'costPerHourUsd',
  cost_boot: 'costSinceBootUsd',
};

/** The hosts of a snapshot answer (not yet judged), and the figures it had any series of. */
export function hostsFromSamples(samples: readonly VectorSample[]): { hosts: Map<string, FleetHost>; figures: Set<string> } {
  const hosts = new Map<string, FleetHost>();
  const figures = new Set<string>();
  // `up` names the fleet: a figure of a host Prometheus has no target for (federated data) is left out.
  for (const s of samples) {
    if (s.metric.figure !== 'up' || !s.metric.host) continue;
    const h = hostWithoutFigures(s.metric.host);
    h.up = s.value >= 1;
    hosts.set(h.host, h);
  }
  for (const { metric, value } of samples) {
    figures.add(metric.figure);
    const h = metric.host === undefined ? undefined : hosts.get(metric.host);
    if (!h) continue;
    const figure = metric.figure as SnapshotFigure;
    const field = SCALAR[figure];
    if (field) (h as unknown as Record<string, number | null>)[field] = plausible(figure as keyof typeof PLAUSIBLE, value);
    else if (figure === 'disk' && plausible('disk', value) !== null) {
      const mountpoint = metric.mountpoint ?? '';
      // topk keeps ties: the first mountpoint in name order wins, so the row is stable.
      const d = h.fullestDisk;
      if (!d || value > d.ratio || (value === d.ratio && mountpoint < d.mountpoint)) h.fullestDisk = { mountpoint, ratio: value };
    } else if (figure === 'exporter' && (metric.exporter === 'node' || metric.exporter === 'shoji')) {
      if (!h.exporters.includes(metric.exporter)) h.exporters.push(metric.exporter);
    }
  }
  for (const h of hosts.values()) {
    if (h.exporters.length > 1) h.exporters.sort();
    // A down host's figures are from before it went down (irate looks back 5 minutes): not shown.
    // Its cost is kept: the last estimate of the past hour (queries.ts), as EC2 still bills it.
    if (!h.up) Object.assign(h, { ...hostWithoutFigures(h.host), costPerHourUsd: h.costPerHourUsd });
  }
  return { hosts, figures };
}

function matchersOf(o: FleetReadOptions): Matcher[] {
  return o.match ? parseSelector(o.match, o.matchName ?? MATCH_KEY) : [];
}

function clientFor(o: FleetReadOptions): PrometheusClient {
  return prometheusClient(o.target, { timeoutMs: o.timeoutMs, signal: o.signal, env: o.env });
}

/** A probe for a long-lived reader: it asks Prometheus which figures are recorded every few minutes, not every refresh. */
export function rememberingProbe(): RecordedRulesProbe {
  return new RecordedRulesProbe(REMEMBER_PROBE_MS);
}

export interface FleetRefreshOptions extends FleetReadOptions {
  /**
   * How recorded series are found: a long-lived reader's probe that remembers (the fleet module,
   * the dashboard); by default a new one, which asks every time; false reads every figure raw.
   */
  recorded?: RecordedRulesProbe | false;
}

/**
 * The snapshot with Prometheus's answer to which figures are recorded: the remembered answer when
 * the probe has one; else the probe and, at the same time, the snapshot as if every figure were
 * recorded (where rules are loaded, the probe cost Prometheus 22-47 ms at 1,000 hosts before the
 * snapshot could start, measured), asked again with what the probe found when that was not all.
 */
async function snapshotSamples(
  client: PrometheusClient,
  queries: FleetQueries,
  matchers: readonly Matcher[],
  probe: RecordedRulesProbe | undefined,
  at: number,
): Promise<{ samples: VectorSample[]; recorded: ReadonlySet<RecordedFigure> }> {
  const snapshotReading = (recorded: Iterable<RecordedFigure>) => {
    const instead: Partial<Record<SnapshotFigure, string>> = {};
    for (const figure of recorded) instead[figure] = recordedExpr(figure, matchers);
    return client.query(queries.snapshot(instead), at);
  };
  if (!probe) return { samples: await snapshotReading([]), recorded: new Set() };
  const remembered = probe.remembered(client);
  if (remembered) return { samples: await snapshotReading(remembered), recorded: remembered };
  const [recorded, guess] = await Promise.all([probe.figures(client, at), snapshotReading(RECORDED_FIGURES)]);
  return { samples: recorded.size === RECORDED_FIGURES.length ? guess : await snapshotReading(recorded), recorded };
}

/**
 * Read the fleet: the probe (none with a matcher on a label but `host`, or with a remembered
 * answer) beside the snapshot, the snapshot again when the probe found some figure not
 * recorded, and one more request while a host is down. Rejects with PrometheusError or
 * SelectorError.
 */
export async function readFleet(o: FleetRefreshOptions): Promise<FleetSnapshot> {
  const matchers = matchersOf(o);
  const queries = new FleetQueries(matchers);
  const client = clientFor(o);
  const at = Date.now() / 1000;
  const probe = o.recorded === false || !recordedApplies(matchers) ? undefined : (o.recorded ?? new RecordedRulesProbe());
  const { samples, recorded } = await snapshotSamples(client, queries, matchers, probe, at);
  const { hosts, figures } = hostsFromSamples(samples);
  // Not one recorded figure in the answer while hosts are up: the rules were unloaded since the
  // probe, whose remembered answer is wrong, so the next refresh asks again. (One figure alone may
  // be missing for every host matched, a fleet without node_exporter's filesystems: no sign.)
  const gone = recorded.size > 0 && [...recorded].every((f) => !figures.has(f));
  if (probe && gone && [...hosts.values()].some((h) => h.up)) probe.forget();
  const down = [...hosts.values()].filter((h) => !h.up);
  if (down.length > 0) {
    const names = down.map((h) => h.host).sort();
    for (const s of await client.query(queries.lastUp(names.slice(0, MAX_DOWN_LOOKUPS)), at)) {
      const h = s.metric.host === undefined ? undefined : hosts.get(s.metric.host);
      if (h && !h.up) h.downSince = finite(s.value);
    }
  }
  const thresholds = o.thresholds ?? DEFAULT_FLEET_THRESHOLDS;
  const judged = [...hosts.values()].map((h) => judgeHost(h, thresholds)).sort(compareHosts);
  const maxRows = o.maxRows ?? DEFAULT_MAX_ROWS;
  return {
    prometheus: client.url,
    at,
    match: o.match || null,
    rows: judged.slice(0, maxRows),
    omitted: Math.max(0, judged.length - maxRows),
    total: totalOf(judged),
    requests: client.requests,
  };
}

/** What a history figure can be, as the snapshot's same figure. */
const HISTORY_FIGURE = { cpuRatio: 'cpu', memoryRatio: 'memory', receiveBytesPerSecond: 'receive', transmitBytesPerSecond: 'transmit' } as const;

/** Points of a range answer by host, aligned with `times` (null where Prometheus had none, or had what the figure cannot be). */
function seriesByHost(
  result: { metric: Record<string, string>; values: [number, number][] }[],
  times: number[],
  figure: keyof typeof HISTORY_FIGURE,
): FleetSeries {
  const plausibleAt = (v: number) => plausible(HISTORY_FIGURE[figure], v);
  const index = new Map(times.map((t, i) => [t, i]));
  const out: FleetSeries = {};
  for (const { metric, values } of result) {
    if (!metric.host) continue;
    out[metric.host] ??= times.map(() => null);
    const points = out[metric.host];
    for (const [t, v] of values) {
      const i = index.get(t);
      if (i !== undefined) points[i] = plausibleAt(v);
    }
  }
  return out;
}

/** CPU, memory and network of every host (or of one: `host`) over a range: four range queries. */
export async function readFleetHistory(o: FleetHistoryOptions): Promise<FleetHistory> {
  const matchers = matchersOf(o);
  if (o.host) matchers.push(hostMatcher(o.host));
  const queries = historyQueries(new FleetQueries(matchers));
  const client = clientFor(o);
  const range = o.rangeSeconds ?? 15 * 60;
  const step = o.stepSeconds ?? Math.max(1, Math.round(range / 60));
  // Aligned to the step, so the points of successive refreshes fall on the same times.
  const end = Math.floor(Date.now() / 1000 / step) * step;
  const start = end - range;
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  const names = Object.keys(queries) as (keyof typeof queries)[];
  const answers = await Promise.all(names.map((name) => client.queryRange(queries[name], start, end, step)));
  const history = { times, stepSeconds: step, requests: client.requests } as FleetHistory;
  names.forEach((name, i) => {
    history[name] = seriesByHost(answers[i], times, name);
  });
  return history;
}
