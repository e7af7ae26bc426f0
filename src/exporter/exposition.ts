/**
 * The modules' latest readings as Prometheus metrics: what `shoji exporter` serves on /metrics
 * and writes for node_exporter's textfile collector. prom-client writes the text (escaping, the
 * `# HELP`/`# TYPE` lines, OpenMetrics' counter names and `# EOF`); this file says what goes in.
 *
 * - `shoji_build_info{version,nodejs_version}` 1.
 * - Per module the exporter runs: `shoji_module_up{module}` (1 when its last collect succeeded,
 *   0 when it failed or never has) and `shoji_module_collect_errors_total{module}`. A module that
 *   cannot work on this host (its availability check said no: battery on a server) is left out.
 * - Each module's declared families (ShojiModule.metrics, src/core/metrics.ts) read from what it
 *   published last (ModuleStatus.data); a user plugin's or script's top-level numbers as
 *   `shoji_plugin_value{module,field}`. A module that has published nothing has no samples, and
 *   neither has one whose last collect failed (as node_exporter drops a failed collector's).
 * - prom-client's default process metrics (process_cpu_seconds_total, ...), less the three
 *   gauges named `nodejs_active_*_total` that `promtool check metrics` rejects (gauges must not
 *   end in `_total`; the same counts stay as `nodejs_active_*`).
 *
 * Nothing here collects: a scrape reads the statuses the scheduler keeps, so it never waits on a
 * module. A fresh registry per call holds shoji's families, with their values set once: simpler
 * than collect callbacks, and OpenMetrics output renames counters on the metric objects it
 * renders, which a registry kept for both formats would then carry into the next Prometheus
 * scrape. The default metrics keep their own registry per format for the same reason. Measured:
 * every built-in module on the fixture host is 14.5 KB of text in ~0.7 ms (median of 500 calls,
 * ~1 ms of CPU with garbage collection, on a busy 2-core machine).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry, type RegistryContentType } from 'prom-client';
import { type MetricFamily, type MetricSample, type MetricsDeclaration, type MetricType, oncePerSeries } from '../core/metrics.js';
import { helpLine } from './family-help.js';
import type { ResolvedModule } from '../core/resolve.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { shojiVersion } from '../core/version.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface ExpositionInput {
  /**
   * Whether to add the exporter's own process metrics (default true). A textfile for
   * node_exporter leaves them out: node_exporter serves process_* families of its own, the same
   * name from a textfile breaks its whole scrape, and a cron run's process says nothing of the host.
   */
  processMetrics?: boolean;
  /** The modules the exporter runs. */
  modules: readonly ResolvedModule[];
  /** Their statuses, by module id (Scheduler.statuses()). */
  statuses: ReadonlyMap<string, ModuleStatus>;
}

const CONTENT_TYPES: Record<ExpositionFormat, RegistryContentType> = {
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

/** A family as the docs and the exposition name it, without its samples, with its help resolved. */
export type FamilyHeading = Pick<MetricFamily, 'name' | 'type' | 'labels'> & { readonly help: string };

/** shoji's own families, beside the modules' (docs/metrics.md lists them from here). */
export const BUILD_INFO: FamilyHeading = {
  name: 'shoji_build_info',
  type: 'gauge',
  help: "shoji's version and the Node.js running it; always 1",
  labels: ['version', 'nodejs_version'],
};
export const MODULE_UP: FamilyHeading = {
  name: 'shoji_module_up',
  type: 'gauge',
  help: "1 when the module's last collect succeeded, 0 when it failed or none has yet",
  labels: ['module'],
};
export const MODULE_ERRORS: FamilyHeading = {
  name: 'shoji_module_collect_errors_total',
  type: 'counter',
  help: 'Collects of the module that failed (an error or a timeout)',
  labels: ['module'],
};
/** The generic family of modules that declare none (user plugins, scripts). */
export const PLUGIN_VALUE: FamilyHeading = {
  name: 'shoji_plugin_value',
  type: 'gauge',
  help: 'Each top-level number a module without metric declarations (a user plugin, a script) published',
  labels: ['module', 'field'],
};
export const OWN_FAMILIES: readonly FamilyHeading[] = [BUILD_INFO, MODULE_UP, MODULE_ERRORS, PLUGIN_VALUE];

/**
 * The format a scraper asked for in its Accept header: OpenMetrics when it names
 * `application/openmetrics-text` with a weight at least that of plain text (Prometheus sends
 * `application/openmetrics-text;version=1.0.0,...;q=0.75,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`),
 * else the Prometheus text format, which every scraper reads.
 */
export function formatFor(accept: string | undefined): ExpositionFormat {
  let openMetrics = 0;
  let text = 0;
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(weight)) continue;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, weight);
    else if (type === 'text/plain' || type === '*/*' || type === 'text/*') text = Math.max(text, weight);
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}

/** The Content-Type to answer a scraper with, given its Accept header (formatFor). */
export function contentTypeFor(accept: string | undefined): string {
  return CONTENT_TYPES[formatFor(accept)];
}

/** The exposition of the modules' latest readings, in `format`, with its Content-Type. */
export async function exposition(input: ExpositionInput, format: ExpositionFormat): Promise<{ contentType: string; body: string }> {
  const contentType = CONTENT_TYPES[format];
  const own = registryFor(format);
  const add = familyAdder(own);

  add(BUILD_INFO, [{ labels: { version: shojiVersion(), nodejs_version: process.version }, value: 1 }]);
  const up: MetricSample[] = [];
  const errors: MetricSample[] = [];
  const served: { mod: ResolvedModule; status: ModuleStatus | undefined }[] = [];
  for (const mod of input.modules) {
    const status = input.statuses.get(mod.id);
    if (status?.available === false) continue;
    served.push({ mod, status });
    const labels = { module: mod.id };
    up.push({ labels, value: status?.hasValue && status.failures === 0 ? 1 : 0 });
    errors.push({ labels, value: status?.collectErrors ?? 0 });
  }
  add(MODULE_UP, up);
  add(MODULE_ERRORS, errors);

  const generic: MetricSample[] = [];
  for (const { mod, status } of served) {
    // Only from a module whose last collect succeeded: its data outlives a failure (the status
    // line keeps showing it), but a figure Prometheus stores must be current; shoji_module_up says why there is none.
    if (status === undefined || !status.hasValue || status.failures > 0) continue;
    const declared = (mod.def.metrics as MetricsDeclaration | undefined)?.families;
    if (declared === undefined) {
      generic.push(...topLevelNumbers(mod.id, status.data));
      continue;
    }
    // A family without a help of its own has its data field's description: the module's data
    // declaration builds its schema here, at the first scrape, never on the status line's path.
    for (const family of declared) add({ ...family, help: helpLine(family, mod.def.data) ?? '' }, samplesOf(family, status.data));
  }
  add(PLUGIN_VALUE, generic);

  // merge's types say Prometheus text only; it keeps the registries' own (equal) content type.
  const body = input.processMetrics === false ? await own.metrics() : await Registry.merge([own, defaultMetrics(format)] as Registry[]).metrics();
  return { contentType, body };
}

/** The samples of a declared family, or none when its module published nothing or its reading fails. */
function samplesOf(family: MetricFamily, data: unknown): readonly MetricSample[] {
  if (data === undefined) return family.whenNothingPublished === undefined ? [] : [{ value: family.whenNothingPublished }];
  try {
    return family.samples(data);
  } catch {
    // Data of another shape than the family reads (a module's bug): no samples, the rest still served.
    return [];
  }
}

function topLevelNumbers(module: string, data: unknown): MetricSample[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  return Object.entries(data)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]))
    .map(([field, value]) => ({ labels: { module, field }, value }));
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Adds a family's samples to the registry: once per name (a second family of the same name is
 * left out), never a sample that is not a finite number, a counter's never below 0, only labels
 * the family declares, each of them given, and each series once (the first of two samples with
 * the same labels: prom-client would keep a gauge's last and add up a counter's). A family
 * without a help is left out.
 */
function familyAdder(registry: Registry<RegistryContentType>): (family: FamilyHeading, samples: readonly MetricSample[]) => void {
  const taken = new Set<string>();
  return (family, samples) => {
    const labelNames = [...(family.labels ?? [])];
    if (taken.has(family.name) || family.help === '' || !METRIC_NAME.test(family.name) || !labelNames.every((l) => LABEL_NAME.test(l) && !l.startsWith('__')))
      return;
    taken.add(family.name);
    const valid = samples.filter((s) => Number.isFinite(s.value) && (family.type !== 'counter' || s.value >= 0) && hasLabels(s, labelNames));
    const kept = oncePerSeries(valid, labelNames);
    // No family without samples: prom-client would print an unlabelled gauge never set as 0.
    if (kept.length === 0) return;
    // Made apart, registered once whole: prom-client refuses what it cannot write (no help, a
    // type it lacks), and such a family is left out rather than failing the scrape.
    let metric: Counter | Gauge;
    try {
      metric = newMetric(family.type, { name: family.name, help: family.help, labelNames, registers: [] });
      for (const s of kept) {
        const labels = Object.fromEntries(labelNames.map((l) => [l, s.labels![l]]));
        if (metric instanceof Counter) metric.inc(labels, s.value);
        else metric.set(labels, s.value);
      }
    } catch {
      return;
    }
    registry.registerMetric(metric);
  };
}

function hasLabels(sample: MetricSample, names: readonly string[]): boolean {
  const given = Object.keys(sample.labels ?? {});
  return given.length === names.length && names.every((n) => typeof sample.labels?.[n] === 'string');
}

function newMetric(
  type: MetricType,
  config: { name: string; help: string; labelNames: string[]; registers: Registry<RegistryContentType>[] },
): Counter | Gauge {
  if (type === 'counter') return new Counter(config);
  if (type === 'gauge') return new Gauge(config);
  throw new TypeError(`no metric type ${String(type)}`);
}

/** An empty registry writing `format` (prom-client's types lack the constructor's content type argument). */
function registryFor(format: ExpositionFormat): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(CONTENT_TYPES[format]);
  return registry;
}

/** prom-client's gauges whose names end in `_total`, which promtool rejects; `nodejs_active_*` keep the counts. */
const NOT_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
const defaults = new Map<ExpositionFormat, Registry<RegistryContentType>>();
/**
 * How often prom-client's event-loop monitor samples (its histograms, nodejs_eventloop_lag_p99
 * and the like). Its own default, every 10 ms, cost an exporter scraped every 15 s about 6 ms of
 * CPU a second; once a second still woke the idle process more often than anything else in it.
 * Every 10 s is well under the exporter's collect pace (run.ts's EXPORTER_MIN_INTERVAL_MS);
 * nodejs_eventloop_lag_seconds is measured at each scrape whatever this is.
 */
export const EVENT_LOOP_PRECISION_MS = 10_000;

/** The process metrics, one registry per format, made on first use (they watch GC and the event loop from then on). */
function defaultMetrics(format: ExpositionFormat): Registry<RegistryContentType> {
  let registry = defaults.get(format);
  if (registry === undefined) {
    registry = registryFor(format);
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
    for (const name of NOT_COUNTERS) registry.removeSingleMetric(name);
    defaults.set(format, registry);
  }
  return registry;
}
