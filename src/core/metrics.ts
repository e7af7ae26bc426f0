/**
 * What a module exports to Prometheus, declared once beside its data (ShojiModule.metrics):
 * metric families, each a name, a type, its labels and how its samples are read from the data
 * the module published, and a help line only where the data field's own description
 * (ShojiModule.data) does not say it: otherwise the help is that description
 * (src/exporter/family-help.ts reads it), so each fact is written once. `shoji exporter`
 * (src/exporter/exposition.ts) turns them into the exposition text; docs/metrics.md is generated
 * from them (src/exporter/metrics-doc.ts).
 *
 * On the start-up path of every command (the plugins import it), so the families are declared
 * as a function, run the first time something reads `families` (the exporter, the docs, the
 * tests), as data declarations are (data.ts): `shoji status` never builds them. Built as each
 * module loaded, the ~40 families and their help made `shoji status` run ~2% more instructions
 * (callgrind of dist/shoji.cjs without the code cache, median of 5: 211.8 M against 208.0 M);
 * declared lazily, the difference is lost in the noise (206.7 M).
 */

/** A Prometheus metric type: a gauge goes up and down; a counter only grows (its name ends in `_total`). */
export type MetricType = 'gauge' | 'counter';

/** One sample: its labels (the family's, every one given) and its value. */
export interface MetricSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * One metric family a module exports. `samples` reads them from what the module published last
 * (Collected.data), and is only called when there is such data: a module that has published
 * nothing yet has no samples, never a made-up 0. A sample whose value is not a finite number is
 * left out.
 */
export interface MetricFamily<D = unknown> {
  /** `shoji_<thing>_<unit>[_total]` in base units (docs/metrics.md); OpenCost's own names keep theirs. */
  readonly name: string;
  readonly type: MetricType;
  /**
   * One line saying what it measures (the exposition's `# HELP`), given only where it says what
   * the description of its `field` does not (OpenCost's name, the parts of a by-component
   * family, a unit other than the field's); without it, the help is the field's description.
   */
  readonly help?: string;
  /** The label names its samples carry, in order: objects are labels, never part of the name. */
  readonly labels?: readonly string[];
  /**
   * The data field it is read from, as docs/modules.md names it (`used`, `mounts[].total`): the
   * docs show it, its description is the help when the family has none of its own, and a test
   * checks the name's unit suffix against the field's declared unit.
   */
  readonly field?: string;
  /**
   * The value of its one sample when the module's last collect succeeded but published nothing
   * (reboot-required: 0, no reboot needed). Without it, such a module has no samples.
   */
  readonly whenNothingPublished?: number;
  samples(data: D): readonly MetricSample[];
}

/** A module's metric families, built on first read (declareMetrics). */
export interface MetricsDeclaration<D = unknown> {
  readonly families: readonly MetricFamily<D>[];
}

class DeclaredMetrics<D> implements MetricsDeclaration<D> {
  #make: () => readonly MetricFamily<D>[];
  #families: readonly MetricFamily<D>[] | undefined;

  constructor(make: () => readonly MetricFamily<D>[]) {
    this.#make = make;
  }

  get families(): readonly MetricFamily<D>[] {
    this.#families ??= this.#make();
    return this.#families;
  }
}

/** Declares a module's metric families: `declareMetrics(() => [gauge(...), ...])`, built when first read. */
export function declareMetrics<D>(families: () => readonly MetricFamily<D>[]): MetricsDeclaration<D> {
  return new DeclaredMetrics(families);
}

/** What a module that exports nothing declares (its numbers are no measurement, or come from Prometheus itself). */
export const NO_METRICS: MetricsDeclaration<never> = { families: [] };

/** The keys of D whose values are numbers (or null or absent: then there is no sample). */
export type NumberField<D> = { [K in keyof D]-?: NonNullable<D[K]> extends number ? K : never }[keyof D] & string;

/** The keys of D that hold a list (of rows, or of values such as cpu's `cores`). */
export type RowsField<D> = { [K in keyof D]-?: NonNullable<D[K]> extends readonly unknown[] ? K : never }[keyof D] & string;

type RowOf<D, R extends keyof D> = NonNullable<D[R]> extends readonly (infer Row)[] ? Row : never;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * How a family reads its one sample: the field (for the docs and the unit check), the value, and
 * its labels, each read from the data too (`instance_type` from `instanceType`).
 */
export interface OneSample<D> {
  field?: string;
  read(data: D): unknown;
  labels?: Readonly<Record<string, (data: D) => string>>;
}

/** A one-sample family read from a declared field: it may go without a help of its own (the field's description is its help). */
export type FieldSample<D> = NumberField<D> | (OneSample<D> & { field: string });

/** A family with one sample: the data field `from`, or what `from.read` makes of the data. */
function single<D>(type: MetricType, name: string, help: string | undefined, from: NumberField<D> | OneSample<D>): MetricFamily<D> {
  const how: OneSample<D> = typeof from === 'string' ? { field: from, read: (data) => data[from] } : from;
  const labels = Object.entries(how.labels ?? {});
  return {
    name,
    type,
    ...(help !== undefined && { help }),
    ...(labels.length > 0 && { labels: labels.map(([label]) => label) }),
    ...(how.field !== undefined && { field: how.field }),
    samples(data) {
      const value = how.read(data);
      if (!finite(value)) return [];
      return [labels.length > 0 ? { labels: Object.fromEntries(labels.map(([label, read]) => [label, read(data)])), value } : { value }];
    },
  };
}

/**
 * A gauge of one value: `gauge('shoji_load1', 'one')` (its help: the description of `one`), or
 * with a help of its own where it says more than the field's: `gauge('shoji_x', 'help', 'one')`.
 */
export function gauge<D>(name: string, from: FieldSample<D>): MetricFamily<D>;
export function gauge<D>(name: string, help: string, from: NumberField<D> | OneSample<D>): MetricFamily<D>;
export function gauge<D>(name: string, helpOrFrom: string | OneSample<D>, from?: NumberField<D> | OneSample<D>): MetricFamily<D> {
  return from === undefined ? single('gauge', name, undefined, helpOrFrom as FieldSample<D>) : single('gauge', name, helpOrFrom as string, from);
}

/** A counter of one value (a cumulative count the module publishes); its name ends in `_total`. As gauge for the help. */
export function counter<D>(name: string, from: FieldSample<D>): MetricFamily<D>;
export function counter<D>(name: string, help: string, from: NumberField<D> | OneSample<D>): MetricFamily<D>;
export function counter<D>(name: string, helpOrFrom: string | OneSample<D>, from?: NumberField<D> | OneSample<D>): MetricFamily<D> {
  return from === undefined ? single('counter', name, undefined, helpOrFrom as FieldSample<D>) : single('counter', name, helpOrFrom as string, from);
}

/**
 * A family with a sample per data field, labelled by what each is a part of:
 * `byField('gauge', 'shoji_ec2_cost_since_boot_usd', '...', 'component', { compute: 'computeUsd', egress: 'egressUsd' })`.
 * Its help is its own: no one field's description says what the parts make together.
 */
export function byField<D>(type: MetricType, name: string, help: string, label: string, fields: Readonly<Record<string, NumberField<D>>>): MetricFamily<D> {
  const parts = Object.entries(fields);
  return {
    name,
    type,
    help,
    labels: [label],
    field: parts.map(([, field]) => field).join(', '),
    samples(data) {
      const out: MetricSample[] = [];
      for (const [part, field] of parts) {
        const value = data[field];
        if (finite(value)) out.push({ labels: { [label]: part }, value });
      }
      return out;
    },
  };
}

/** How a family reads one sample per row of a list in the data. */
export interface PerRow<D, R extends RowsField<D>> {
  /** The data field holding the rows (`mounts`). */
  rows: R;
  /**
   * The label naming each row's object, and the row field its value is read from
   * (`['mountpoint', 'mount']`), or how it is made from the row, its place in the list and the data.
   */
  label: [name: string, from: (keyof RowOf<D, R> & string) | ((row: RowOf<D, R>, index: number, data: D) => string)];
  /**
   * The row's field holding the value (`total`), or how the value is read from the row and its
   * place in the list, with the field as docs/modules.md names it (`batteries[].percent`).
   */
  value: (keyof RowOf<D, R> & string) | { field: string; read(row: RowOf<D, R>, index: number): unknown };
}

/**
 * A family with a sample per row of a list in the data, labelled by the row's object:
 * `perRow('gauge', 'shoji_filesystem_size_bytes', { rows: 'mounts', label: ['mountpoint', 'mount'], value: 'total' })`
 * (its help: the description of `mounts[].total`), or with a help of its own before `how`.
 * Two rows with the same label value would be one series twice: the first is kept (oncePerSeries).
 */
export function perRow<D, R extends RowsField<D>>(type: MetricType, name: string, how: PerRow<D, R>): MetricFamily<D>;
export function perRow<D, R extends RowsField<D>>(type: MetricType, name: string, help: string, how: PerRow<D, R>): MetricFamily<D>;
export function perRow<D, R extends RowsField<D>>(type: MetricType, name: string, helpOrHow: string | PerRow<D, R>, maybeHow?: PerRow<D, R>): MetricFamily<D> {
  const help = typeof helpOrHow === 'string' ? helpOrHow : undefined;
  const how = typeof helpOrHow === 'string' ? maybeHow! : helpOrHow;
  const [labelName, labelFrom] = how.label;
  const labelOf = typeof labelFrom === 'function' ? labelFrom : (row: RowOf<D, R>) => String(row[labelFrom]);
  const field = typeof how.value === 'string' ? `${how.rows}[].${how.value}` : how.value.field;
  const read = typeof how.value === 'string' ? (row: RowOf<D, R>) => row[how.value as keyof RowOf<D, R>] : how.value.read;
  const labels = [labelName];
  return {
    name,
    type,
    ...(help !== undefined && { help }),
    labels,
    field,
    samples(data) {
      const rows = data[how.rows];
      if (!Array.isArray(rows)) return [];
      const out: MetricSample[] = [];
      rows.forEach((row: RowOf<D, R>, i) => {
        const value = read(row, i);
        if (finite(value)) out.push({ labels: { [labelName]: labelOf(row, i, data) }, value });
      });
      return oncePerSeries(out, labels);
    },
  };
}

/**
 * The samples less any whose labels repeat an earlier one's: each series once, its first
 * reading kept. Written twice, a series would be the last value for a gauge and the sum of
 * both for a counter (prom-client's set and inc), neither of them a reading.
 */
export function oncePerSeries(samples: readonly MetricSample[], labelNames: readonly string[]): MetricSample[] {
  const seen = new Set<string>();
  return samples.filter((s) => {
    const key = JSON.stringify(labelNames.map((l) => s.labels?.[l]));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
