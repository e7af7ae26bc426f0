/**
 * Rates from two cumulative kernel counters per item: a disk's sectors read and written
 * (diskio), an interface's bytes received and sent (network). Both publish the same shape (each
 * counter's rate summed over the items, the items, each counter's total, a row per item, the
 * sample length), judge a sample the same way and show themselves the same way ("rx 1.2M/s",
 * hidden while both directions are under the threshold). That is declared and done here once;
 * a module names its counters, its items and what its kernel counts, and keeps its own memo.
 */
import * as T from 'typebox';
import type { DetailLine, Reading } from './contract.js';

/** One of the two counters: its field name (also its label in the detail), its verb, its label on the line. */
export interface Counter<K extends string> {
  key: K;
  /** What it counted, in the past tense, as the docs start a description: "Read", "Received". */
  done: string;
  /** Its label on the status line: "r", "rx". */
  short: string;
}

/** The words that differ between modules counting two things per item. */
export interface CounterRatesWords<A extends string, B extends string, L extends string, R extends string> {
  /** The module's icon key. */
  icon: string;
  counters: readonly [Counter<A>, Counter<B>];
  /** The field listing the items counted, and what it holds. */
  items: { key: L; description: string };
  /** The field with a row per item, what one item is called ("device"), and what its name is. */
  rows: { key: R; item: string; name: string };
  /** Since when the kernel counts, for one item ("it came up") and for all of them ("each interface came up"). */
  since: { one: string; each: string };
  /** What the totals are read from, for the docs: "the kernel's counter". */
  source: string;
  /** Bytes in one count of the kernel's counters: 512 for /proc/diskstats' sectors, 1 for bytes. */
  bytesPerCount: number;
}

/** Each counter's rate (bytes/s) and total (bytes), named after the counter. */
type Figures<A extends string, B extends string, V> = { [K in A | B | `${A | B}TotalBytes`]: V };

/** The declared fields (TypeBox) of a module counting A and B per item. */
export type CounterRatesFields<A extends string, B extends string, L extends string, R extends string> = Figures<A, B, T.TNumber> & {
  [K in L]: T.TArray<T.TString>;
} & { [K in R]: T.TArray<T.TObject<{ name: T.TString } & Figures<A, B, T.TNumber>>> } & { sampleSeconds: T.TNumber };

/** The published data of a module counting A and B per item. */
export type CounterRatesData<A extends string, B extends string, L extends string, R extends string> = Figures<A, B, number> & {
  [K in L]: string[];
} & { [K in R]: ({ name: string } & Figures<A, B, number>)[] } & { sampleSeconds: number };

/** The two counters of each item at one moment (monotonic ms), as a module keeps them in its memo. */
export interface CounterSample {
  at: number;
  counters: Record<string, readonly [number, number]>;
}

/** How a module counting two things per item declares, measures and shows them. */
export interface CounterRates<A extends string, B extends string, L extends string, R extends string> {
  /** The data's fields, for declareData's function (built only when the schema is read). */
  fields(): CounterRatesFields<A, B, L, R>;
  /**
   * The rates between two samples of the same items (`names`, in the order to publish them),
   * or null while they cannot be trusted: no earlier sample, no time between the two, an item
   * that came or went, or a counter that went backwards (a reset).
   */
  between(names: readonly string[], earlier: CounterSample | undefined, later: CounterSample): CounterRatesData<A, B, L, R> | null;
  /** The reading until there are two samples to compare ("rx -- tx --"), with an optional detail. */
  pending(detail?: DetailLine[]): Reading<never>;
  /** The reading for measured rates, or null while both are under `threshold` (bytes/s). */
  reading(data: CounterRatesData<A, B, L, R>, threshold: number, format: (bytesPerSecond: number) => string): Reading<never> | null;
}

export function counterRates<const A extends string, const B extends string, const L extends string, const R extends string>(
  words: CounterRatesWords<A, B, L, R>,
): CounterRates<A, B, L, R> {
  const { counters, items, rows, since } = words;
  const totalKey = (c: Counter<string>) => `${c.key}TotalBytes`;
  return {
    fields() {
      const rowFields: Record<string, T.TSchema> = { name: T.String({ description: rows.name }) };
      for (const c of counters) rowFields[c.key] = T.Number({ unit: 'bytes/s', description: `${c.done} since the previous reading` });
      for (const c of counters) rowFields[totalKey(c)] = T.Number({ unit: 'bytes', description: `${c.done} since ${since.one} (${words.source})` });
      const fields: Record<string, T.TSchema> = {};
      const summed = `summed over \`${items.key}\``;
      for (const c of counters) fields[c.key] = T.Number({ unit: 'bytes/s', description: `${c.done} since the previous reading, ${summed}` });
      fields[items.key] = T.Array(T.String(), { description: items.description });
      for (const c of counters) fields[totalKey(c)] = T.Number({ unit: 'bytes', description: `${c.done} since ${since.each}, ${summed}` });
      fields[rows.key] = T.Array(T.Object(rowFields), { description: `Each ${rows.item}, in the order of \`${items.key}\`` });
      fields.sampleSeconds = T.Number({ unit: 'seconds', description: 'Time between the two samples the rates divide by' });
      return fields as CounterRatesFields<A, B, L, R>;
    },

    between(names, earlier, later) {
      const elapsed = earlier === undefined ? 0 : (later.at - earlier.at) / 1000;
      if (earlier === undefined || elapsed <= 0 || Object.keys(earlier.counters).length !== names.length) return null;
      const deltas: [number, number][] = [];
      for (const name of names) {
        const before = earlier.counters[name];
        const now = later.counters[name];
        if (before === undefined || now === undefined) return null;
        const delta: [number, number] = [now[0] - before[0], now[1] - before[1]];
        if (delta[0] < 0 || delta[1] < 0) return null;
        deltas.push(delta);
      }
      const perSecond = (counts: number) => (counts * words.bytesPerCount) / elapsed;
      const perItem = names.map((name, i) => {
        const row: Record<string, string | number> = { name };
        counters.forEach((c, side) => {
          row[c.key] = perSecond(deltas[i][side]);
        });
        counters.forEach((c, side) => {
          row[totalKey(c)] = later.counters[name][side] * words.bytesPerCount;
        });
        return row;
      });
      const data: Record<string, unknown> = {};
      counters.forEach((c, side) => {
        data[c.key] = perSecond(deltas.reduce((sum, d) => sum + d[side], 0));
      });
      data[items.key] = [...names];
      for (const c of counters) data[totalKey(c)] = perItem.reduce((sum, row) => sum + (row[totalKey(c)] as number), 0);
      data[rows.key] = perItem;
      data.sampleSeconds = elapsed;
      return data as CounterRatesData<A, B, L, R>;
    },

    pending(detail) {
      const text = counters.map((c) => `${c.short} --`).join(' ');
      return { text, state: 'idle', icon: words.icon, pending: true, ...(detail !== undefined && { detail }) };
    },

    reading(data, threshold, format) {
      const figures = data as unknown as Record<string, number>;
      const loud = counters.filter((c) => figures[c.key] >= threshold);
      if (loud.length === 0) return null;
      const perItem = data[rows.key] as unknown as ({ name: string } & Record<string, number>)[];
      const detail: DetailLine[] = perItem.map((row) => ({ label: row.name, value: counters.map((c) => `${c.key} ${format(row[c.key])}`).join(', ') }));
      detail.push({ label: 'Sampled over', value: `${data.sampleSeconds.toFixed(1)} s` });
      return { text: loud.map((c) => `${c.short} ${format(figures[c.key])}`).join(' '), state: 'info', icon: words.icon, detail };
    },
  };
}
