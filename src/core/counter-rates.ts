/**
 * Rates from cumulative kernel counters kept per item: a disk's sectors read and written
 * (diskio), an interface's bytes received and sent (network). Both publish the same shape (each
 * counter's rate summed over the items, the items, each counter's total, a row per item, the
 * sample length), trust a pair of samples under the same conditions and show themselves the same
 * way ("rx 1.2M/s tx 30K/s", hidden while every rate is under the threshold). That is declared
 * and done here once; a module names its counters and items and says what its kernel counts.
 */
import * as T from 'typebox';
import type { DetailLine, Reading } from './contract.js';
import { type DataOf, type DeclaredData, declareData } from './data.js';
import { declareMetrics, type MetricSample, type MetricsDeclaration, oncePerSeries } from './metrics.js';

/** One counter: what it counted, in the past tense, as a description starts ("Read"), and its label on the line ("r"). */
export interface Counter {
  done: string;
  short: string;
}

/** The words that differ between modules; the counters' keys are their field names and their labels in the detail. */
export interface CounterRatesWords<C extends Record<string, Counter>, L extends string, R extends string, U extends string> {
  /** The counters, in the order they are published and shown. */
  counters: C;
  /** The field listing the items, the field with a row per item, what one item is called and what its name is. */
  items: { key: L; rows: R; one: string; name: string };
  /** What the list of items holds, for the docs. */
  listed: string;
  /**
   * What the kernel counts: in what (also the memo's key: 'sectors'), how many bytes one is, since when for one
   * item ("it came up") and for all of them (`sinceEach`, when it says more), and where the totals come from.
   */
  counts: { unit: U; bytes: number; since: string; sinceEach?: string; source: string };
  /** Another case in which nothing is published, for the docs: "without an interface to count". */
  alsoNothing?: string;
}

type Keys<C> = keyof C & string;
/** Each counter's rate (bytes/s) and total (bytes), named after the counter. */
type Figures<C, V> = { [K in Keys<C> | `${Keys<C>}TotalBytes`]: V };

/** The declared fields (TypeBox) of a module counting C per item. */
export type CounterRatesFields<C, L extends string, R extends string> = Figures<C, T.TNumber> & { [K in L]: T.TArray<T.TString> } & {
  [K in R]: T.TArray<T.TObject<{ name: T.TString } & Figures<C, T.TNumber>>>;
} & { sampleSeconds: T.TNumber };

/** The data such a module publishes: what its declaration's fields describe. */
export type CounterRatesData<C, L extends string, R extends string> = DataOf<DeclaredData<CounterRatesFields<C, L, R>>>;

/**
 * A module's memo: each item's counters as the kernel counts them, under the unit's name
 * ('sectors', 'bytes'), and when they were read (monotonic ms). Private to the module.
 */
export type CounterMemo<U extends string> = { at: number } & { [K in U]: Record<string, number[]> };

/** How a module counting per item declares, measures and shows its rates. */
export interface CounterRates<C extends Record<string, Counter>, L extends string, R extends string, U extends string> {
  /** The module's data declaration (built only when its schema is read). */
  data: DeclaredData<CounterRatesFields<C, L, R>>;
  /**
   * The rates between the previous collect's memo and this one's, for the items `names` (in the
   * order to publish them); null while they cannot be trusted: no previous memo, no time between
   * the two, an item that came or went, or a counter that went backwards (a reset).
   */
  between(names: readonly string[], previous: unknown, memo: CounterMemo<U>): CounterRatesData<C, L, R> | null;
  /** The reading until there are two samples to compare ("rx -- tx --"), with an optional detail. */
  pending(detail?: DetailLine[]): Reading<never>;
  /** The reading for measured rates, or null while every rate is under `threshold` (bytes/s). */
  reading(data: CounterRatesData<C, L, R>, threshold: number, format: (bytesPerSecond: number) => string): Reading<never> | null;
  /**
   * What the module exports: for each counter, a counter family (its name ends in
   * `_bytes_total`) of every item's byte total, labelled `label` with the item's name, each
   * series once. Counters, not the rates: Prometheus's rate() over them survives a missed
   * scrape and any step. Its help is the row's total field's description (what the kernel
   * counts, since when) unless `help` says more.
   */
  metrics(label: string, families: { [K in keyof C]: { name: string; help?: string } }): MetricsDeclaration<CounterRatesData<C, L, R>>;
}

/** Declares, measures and shows rates of `words.counters` per item; `icon` is the module's icon key. */
export function counterRates<const C extends Record<string, Counter>, const L extends string, const R extends string, const U extends string>(
  icon: string,
  words: CounterRatesWords<C, L, R, U>,
): CounterRates<C, L, R, U> {
  const { items, counts } = words;
  const counters = Object.entries(words.counters);
  const totalKey = (key: string) => `${key}TotalBytes`;
  type Row = { name: string } & Record<string, number>;

  const fields = () => {
    const summed = `summed over \`${items.key}\``;
    const row: Record<string, T.TSchema> = { name: T.String({ description: items.name }) };
    for (const [key, c] of counters) row[key] = T.Number({ unit: 'bytes/s', description: `${c.done} since the previous reading` });
    for (const [key, c] of counters) row[totalKey(key)] = T.Number({ unit: 'bytes', description: `${c.done} since ${counts.since} (${counts.source})` });
    const all: Record<string, T.TSchema> = {};
    for (const [key, c] of counters) all[key] = T.Number({ unit: 'bytes/s', description: `${c.done} since the previous reading, ${summed}` });
    all[items.key] = T.Array(T.String(), { description: words.listed });
    for (const [key, c] of counters) {
      all[totalKey(key)] = T.Number({ unit: 'bytes', description: `${c.done} since ${counts.sinceEach ?? counts.since}, ${summed}` });
    }
    all[items.rows] = T.Array(T.Object(row), { description: `Each ${items.one}, in the order of \`${items.key}\`` });
    all.sampleSeconds = T.Number({ unit: 'seconds', description: 'Time between the two samples the rates divide by' });
    return all as CounterRatesFields<C, L, R>;
  };
  const nothing = ['on the first collect', 'after a counter reset', `when one of the \`${items.key}\` comes or goes`];
  if (words.alsoNothing !== undefined) nothing.push(words.alsoNothing);
  const data = declareData(fields, {
    description: `Published once there are two samples, also while the module hides itself under its threshold; nothing ${nothing.slice(0, -1).join(', ')}, or ${nothing.at(-1)}.`,
  });

  const isMemo = (m: unknown): m is CounterMemo<U> =>
    typeof m === 'object' && m !== null && typeof (m as CounterMemo<U>).at === 'number' && typeof (m as CounterMemo<U>)[counts.unit] === 'object';

  return {
    data,

    between(names, previous, memo) {
      if (!isMemo(previous)) return null;
      const elapsed = (memo.at - previous.at) / 1000;
      const before = previous[counts.unit];
      const now = memo[counts.unit];
      if (elapsed <= 0 || Object.keys(before).length !== names.length) return null;
      const deltas: number[][] = [];
      for (const name of names) {
        if (before[name] === undefined || now[name] === undefined) return null;
        const delta = counters.map((_, side) => now[name][side] - before[name][side]);
        if (delta.some((d) => d < 0)) return null;
        deltas.push(delta);
      }
      const perSecond = (count: number) => (count * counts.bytes) / elapsed;
      const rows = names.map((name, i) => {
        const row: Row = { name } as Row;
        counters.forEach(([key], side) => {
          row[key] = perSecond(deltas[i][side]);
        });
        counters.forEach(([key], side) => {
          row[totalKey(key)] = now[name][side] * counts.bytes;
        });
        return row;
      });
      const out: Record<string, unknown> = {};
      counters.forEach(([key], side) => {
        out[key] = perSecond(deltas.reduce((sum, d) => sum + d[side], 0));
      });
      out[items.key] = [...names];
      for (const [key] of counters) out[totalKey(key)] = rows.reduce((sum, row) => sum + row[totalKey(key)], 0);
      out[items.rows] = rows;
      out.sampleSeconds = elapsed;
      return out as CounterRatesData<C, L, R>;
    },

    pending(detail) {
      const text = counters.map(([, c]) => `${c.short} --`).join(' ');
      return { text, state: 'idle', icon, pending: true, ...(detail !== undefined && { detail }) };
    },

    metrics(label, families) {
      return declareMetrics(() =>
        counters.map(([key]) => ({
          ...families[key],
          type: 'counter' as const,
          labels: [label],
          field: `${items.rows}[].${totalKey(key)}`,
          samples(data): MetricSample[] {
            const rows = (data as unknown as Record<string, Row[]>)[items.rows];
            return oncePerSeries(
              rows.map((row) => ({ labels: { [label]: row.name }, value: row[totalKey(key)] })),
              [label],
            );
          },
        })),
      );
    },

    reading(measured, threshold, format) {
      const figures = measured as unknown as Record<string, number>;
      const loud = counters.filter(([key]) => figures[key] >= threshold);
      if (loud.length === 0) return null;
      const rows = (measured as unknown as Record<string, Row[]>)[items.rows];
      const detail: DetailLine[] = rows.map((row) => ({ label: row.name, value: counters.map(([key]) => `${key} ${format(row[key])}`).join(', ') }));
      detail.push({ label: 'Sampled over', value: `${figures.sampleSeconds.toFixed(1)} s` });
      return { text: loud.map(([key, c]) => `${c.short} ${format(figures[key])}`).join(' '), state: 'info', icon, detail };
    },
  };
}
