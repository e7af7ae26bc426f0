/**
 * Bytes used of a total that a control group may narrow to its own, smaller limit: memory and
 * swap. Both take the same options (compact, % used thresholds), publish the same figures
 * (total, used, ratio, cgroup) and show them the same way ("2.1G/7.8G 27%", the host's figures in
 * the detail when a group's limit applies), so all three are declared here once; each module
 * gives its defaults, says what its total and used are, where its limit comes from, and when it
 * has nothing to show.
 */
import * as T from 'typebox';
import type { DetailLine, Reading } from './contract.js';
import { type DeclaredData, declareData } from './data.js';
import { declareMetrics, gauge, type MetricsDeclaration } from './metrics.js';
import { stateFor, type Thresholds, thresholdOptions } from './thresholds.js';
import { formatBytes, formatPercent } from './units.js';

/** The options both take: `compact`, with an example of it, and the % used thresholds. */
export function usedOfTotalOptions<const D extends { compact: string; warning: number; critical: number }>(d: D) {
  return {
    compact: T.Boolean({ default: false, description: `show only the percentage: "${d.compact}"` }),
    ...thresholdOptions({ of: '% used', warning: d.warning, critical: d.critical }),
  };
}

/** What `total` and `used` are for this module; `available: true` also publishes total − used. */
export interface UsedOfTotalWords {
  total: string;
  used: string;
  available?: boolean;
}

type UsedOfTotalFields = {
  total: T.TNumber;
  used: T.TNumber;
  ratio: T.TNumber;
  cgroup: T.TBoolean;
};
type FieldsFor<W> = UsedOfTotalFields & (W extends { available: true } ? { available: T.TNumber } : unknown);

/**
 * A used-of-total module's data declaration, its fields in the docs' order: total, used,
 * (available,) ratio, cgroup; `about.description` says when it is published.
 */
export function usedOfTotalData<const W extends UsedOfTotalWords>(words: W, about: { description: string }): DeclaredData<FieldsFor<W>> {
  const fields = () =>
    ({
      total: T.Number({ unit: 'bytes', description: words.total }),
      used: T.Number({ unit: 'bytes', description: words.used }),
      ...(words.available === true ? { available: T.Number({ unit: 'bytes', description: 'total − used' }) } : {}),
      ratio: T.Number({ unit: 'ratio (0–1)', description: 'used / total' }),
      cgroup: T.Boolean({ description: "Whether the figures are a cgroup limit's rather than the host's" }),
    }) as FieldsFor<W>;
  return declareData(fields, about);
}

/**
 * What a used-of-total module exports: `<prefix>_total_bytes` and `<prefix>_used_bytes` (and
 * `<prefix>_available_bytes` with `available: true`), read from the fields of the same names,
 * whose descriptions (usedOfTotalData and the module's words) are their help.
 */
export function usedOfTotalMetrics<D extends { total: number; used: number; available?: number }>(
  prefix: string,
  words: { available?: boolean } = {},
): MetricsDeclaration<D> {
  return declareMetrics(() => [
    gauge<D>(`${prefix}_total_bytes`, { field: 'total', read: (d) => d.total }),
    gauge<D>(`${prefix}_used_bytes`, { field: 'used', read: (d) => d.used }),
    ...(words.available === true ? [gauge<D>(`${prefix}_available_bytes`, { field: 'available', read: (d) => d.available })] : []),
  ]);
}

/** A control group's limit that is smaller than the host's total, and the group's use of it. */
export interface GroupLimit {
  limit: number;
  used: number;
  /** The cgroup directory that sets the limit. */
  dir: string;
  /** Where the limit was read, for the detail: "cgroup v2 memory.max". */
  source: string;
}

/** The figures both modules publish (memory adds `available`). */
export interface UsedOfTotal {
  total: number;
  used: number;
  ratio: number;
  cgroup: boolean;
}

/** How the module shows itself: its icon, the `compact` option and the % thresholds. */
export interface UsedOfTotalLook extends Thresholds {
  icon: string;
  compact: boolean;
}

/**
 * The reading and figures for the host's use, or, when `group` is given, for the group's use
 * of its smaller limit (the host's figures then go to the detail).
 */
export function usedOfTotalReading(
  host: { total: number; used: number },
  group: GroupLimit | null,
  look: UsedOfTotalLook,
): { reading: Reading<never>; figures: UsedOfTotal } {
  let { total, used } = host;
  const detail: DetailLine[] = [];
  if (group !== null) {
    detail.push({ label: 'Host', value: `${formatBytes(used)} used of ${formatBytes(total)}` });
    total = group.limit;
    used = Math.min(group.used, group.limit);
    detail.push({ label: 'Limit', value: `${formatBytes(total)} (${group.source})` });
    detail.push({ label: 'Group', value: group.dir });
  }
  const ratio = used / total;
  const sizes = `${formatBytes(used)}/${formatBytes(total)}`;
  detail.unshift({ label: 'Used', value: `${sizes} (${formatPercent(ratio, 1)})${group !== null ? ' of the cgroup limit' : ''}` });
  return {
    reading: {
      text: look.compact ? formatPercent(ratio) : `${sizes} ${formatPercent(ratio)}`,
      short: formatPercent(ratio),
      state: stateFor(ratio * 100, { info: look.info, warning: look.warning, critical: look.critical }),
      icon: look.icon,
      detail,
    },
    figures: { total, used, ratio, cgroup: group !== null },
  };
}
