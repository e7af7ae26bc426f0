/**
 * Prometheus recording rules for the fleet's expensive figures (`shoji fleet --recording-rules`
 * prints them; docs/fleet.md says how to load them).
 *
 * At 1,000 hosts the snapshot query selects about 76,000 series, most of them node_exporter's CPU
 * modes per core, and Prometheus takes some 400 ms to evaluate it on every refresh. Recorded, each
 * of those figures is one series per host, evaluated by Prometheus in the background at its rule
 * interval, and a refresh selects those instead (src/fleet/read.ts).
 *
 * Each rule's expr is the very expression the snapshot would run (FleetQueries, no matchers), so
 * a recorded figure is the raw one as Prometheus worked it out at its last rule evaluation: the
 * same host keys, the same value for the same samples, at most one evaluation interval older.
 * Names follow Prometheus's `level:metric:operations` convention. The costs and the exporters are
 * recorded too: few series, but their `last_over_time` over an hour and their `label_replace` of
 * every target were most of what the snapshot still cost Prometheus with the other figures
 * recorded (at 1,000 hosts, 259 ms of a snapshot against 80 without them; docs/benchmarks.md).
 * Up stays raw, as does the last scrape of a host that is down: the rows and the "down since" are
 * read live.
 */
import type { PrometheusClient } from './prometheus.js';
import { FleetQueries, type Matcher, RATE_WINDOW, type SnapshotFigure } from './queries.js';

/** The rule group's name in the printed file. */
export const RULE_GROUP = 'shoji-fleet';

/** The recorded series of each figure that has one: one declaration, for the rules and the reader. */
export const RECORDED = {
  cpu: 'host:shoji_fleet_cpu_busy:ratio',
  memory: 'host:shoji_fleet_memory_used:ratio',
  load: 'host:shoji_fleet_load1_per_cpu:ratio',
  receive: `host:shoji_fleet_network_receive_bytes:irate${RATE_WINDOW}`,
  transmit: `host:shoji_fleet_network_transmit_bytes:irate${RATE_WINDOW}`,
  disk: 'host:shoji_fleet_filesystem_fullest_used:ratio',
  cost_hour: 'host:shoji_fleet_ec2_hourly_cost_usd:sum',
  cost_boot: 'host:shoji_fleet_ec2_cost_since_boot_usd:sum',
  exporter: 'host:shoji_fleet_exporters:count',
} as const satisfies Partial<Record<SnapshotFigure, string>>;

export type RecordedFigure = keyof typeof RECORDED;

/** Every figure that has a recorded series, in RECORDED's order. */
export const RECORDED_FIGURES = Object.keys(RECORDED) as RecordedFigure[];

/** Every recorded series' name matches this, and nothing else of the fleet's does: the probe's selector. */
export const RECORDED_NAME_PATTERN = 'host:shoji_fleet_.+';

/** The labels a recorded series keeps besides `host`: the fullest disk's mountpoint, the exporter's kind. */
export const RECORDED_LABELS: Partial<Record<RecordedFigure, readonly string[]>> = { disk: ['mountpoint'], exporter: ['exporter'] };

export interface RecordingRule {
  record: string;
  expr: string;
}

/** The rule group, from the snapshot's own expressions (no matchers: every target Prometheus has). */
export function recordingRules(): { groups: { name: string; rules: RecordingRule[] }[] } {
  const figures = new FleetQueries().figures();
  const rules = RECORDED_FIGURES.map((figure) => ({ record: RECORDED[figure], expr: figures[figure] }));
  return { groups: [{ name: RULE_GROUP, rules }] };
}

/**
 * The rules file as Prometheus reads it. No `interval`: the group is evaluated at Prometheus's
 * global evaluation_interval (1m by default, 15s in its example config), which is how far a
 * recorded figure may lag behind the raw one.
 */
export async function recordingRulesYaml(): Promise<string> {
  // The YAML library loads only for this command.
  const { stringify } = await import('yaml');
  const header = [
    '# shoji fleet recording rules (shoji fleet --recording-rules): load them with a rule_files entry in',
    '# prometheus.yml, check them with `promtool check rules FILE`. shoji fleet, the fleet module and the',
    '# dashboard read these series when Prometheus has them; they lag by one evaluation_interval at most.',
  ];
  return `${header.join('\n')}\n${stringify(recordingRules(), { lineWidth: 0 })}`;
}

/** Which figures a probe's answer (the names of the recorded series Prometheus has) can be read recorded. */
export function recordedFiguresOf(names: Iterable<string>): Set<RecordedFigure> {
  const have = new Set(names);
  return new Set(RECORDED_FIGURES.filter((f) => have.has(RECORDED[f])));
}

/** The probe: one series per recorded name Prometheus holds, whatever the size of the fleet. */
export const RECORDED_PROBE = `count by (__name__) ({__name__=~${JSON.stringify(RECORDED_NAME_PATTERN)}})`;

/**
 * A recorded figure as the snapshot reads it: its series for the hosts a `host` matcher names
 * (recorded series carry `host` and no other target label, so only host matchers apply), with
 * the metric name dropped, as the raw expression's answer has none.
 */
export function recordedExpr(figure: RecordedFigure, hostMatchers: readonly Matcher[]): string {
  const match = hostMatchers.map(({ name, op, value }) => {
    if (name !== 'host') throw new Error(`a recorded series has no ${name} label`);
    return `host${op}${JSON.stringify(value)}`;
  });
  const by = ['host', ...(RECORDED_LABELS[figure] ?? [])].join(', ');
  return `max by (${by}) (${RECORDED[figure]}${match.length ? `{${match.join(', ')}}` : ''})`;
}

/** Whether recorded series can stand for the raw figures under these matchers: none on a label but `host`. */
export function recordedApplies(matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => m.name === 'host');
}

/** How long a long-lived reader (the fleet module, the dashboard) trusts a probe's answer. */
export const REMEMBER_PROBE_MS = 5 * 60_000;

/**
 * Which figures Prometheus has recorded: one small query (RECORDED_PROBE). A one-shot reader asks
 * every time (rememberMs 0); a long-lived one keeps the answer for rememberMs per Prometheus URL,
 * and forgets it at once when a recorded figure it relied on came back empty (rules unloaded).
 */
export class RecordedRulesProbe {
  private known: { url: string; at: number; figures: Set<RecordedFigure> } | undefined;

  constructor(
    private readonly rememberMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer remembered for this client's Prometheus, while it is trusted; else undefined. */
  remembered(client: PrometheusClient): Set<RecordedFigure> | undefined {
    const k = this.known;
    return k && k.url === client.url && this.now() - k.at < this.rememberMs ? k.figures : undefined;
  }

  async figures(client: PrometheusClient, time?: number): Promise<Set<RecordedFigure>> {
    const remembered = this.remembered(client);
    if (remembered) return remembered;
    const t = this.now();
    const names = (await client.query(RECORDED_PROBE, time)).map((s) => s.metric.__name__ ?? '');
    const figures = recordedFiguresOf(names);
    this.known = { url: client.url, at: t, figures };
    return figures;
  }

  /** The next read probes again. */
  forget(): void {
    this.known = undefined;
  }
}
