/**
 * Right-sizing (`ec2-cost --fit`): the cheapest current EC2 types that would have carried what
 * this host used — its p95 CPU and peak memory over a window, plus headroom — rather than its
 * size (the off-EC2 estimate's "cheapest fit", offhost.ts, which this reuses to search the
 * catalogue and price in the run's region).
 *
 * Which types count:
 * - current ones: the catalogue's current flag (not a family on AWS's previous-generation list,
 *   complete data, a price), without GPUs or other accelerators (the catalogue's
 *   acceleratedFamilies: nothing shoji records needs them);
 * - of the host's architecture by default, with the other one shown beside it (Graviton for an x86
 *   host and the reverse: the software must run there), or the cheapest of both (`--arch any`);
 * - a burstable type (t2, t3, t3a, t4g) only when the busiest day's mean CPU, with the same
 *   headroom, is within its baseline (its vCPUs × AWS's baseline share per vCPU): above it, it
 *   is throttled (standard mode) or billed extra (unlimited mode), and its list price is not
 *   what it would cost. A flex type (m7i-flex, c7i-flex...) likewise, with AWS's 40% per vCPU:
 *   it runs at full CPU only 95% of the time over 24 hours, and one held above its baseline for
 *   long sees its bursts reduced.
 * Pure: rows, the catalogue and prices in; advice or a refusal out. Money is exact (money.ts).
 */
import type { Arch, BaselineKind, Catalog, Row } from './catalog.js';
import { MIN_HOURS_OF_DATA, observe, type Observed } from './fit-observe.js';
import { cmp, div, int, isZero, mul, sub, toNumber, type Q } from './money.js';
import { cheapestFits } from './offhost.js';
import type { RefreshedPrices } from './price-cache.js';
import type { PriceQuote } from './prices.js';
import { HOURS_PER_MONTH } from './rates.js';
import type { HourUsage } from './usage/types.js';

export { MIN_HOURS_OF_DATA, type Observed };

export const DEFAULT_HEADROOM_PCT = 20;
/** Fits shown per architecture. */
export const FITS_PER_ARCH = 3;
const MIB = 2 ** 20;
const ARCHES: readonly Arch[] = ['x86_64', 'arm64'];

export interface FitAsk {
  /** Added to the observed p95 CPU, peak memory and busiest day's mean (20 = 20% more). */
  headroomPct: number;
  /** The architecture to fit: null = the host's; 'any' = the cheapest of both. */
  arch: Arch | 'any' | null;
}

export interface FitContext {
  catalog: Catalog;
  region: string;
  refreshed: RefreshedPrices | null;
  /** The host's architecture (null: unknown, then both are searched). */
  hostArch: Arch | null;
  /** The type to compare with: this instance on EC2, or the --instance-type asked about. */
  current: { type: string; quote: PriceQuote; onEc2: boolean } | null;
}

/** What a type must have: the observed figures with headroom. */
export interface Needed {
  vcpus: number;
  memoryBytes: number;
  /** What a burstable or flex type's baseline must sustain: the busiest day's mean with headroom. */
  sustainedVcpus: number;
}

export interface FitChoice {
  type: string;
  arch: Arch;
  vcpu: number;
  memoryMiB: number;
  /** A burstable or flex type's baseline in vCPUs (its vCPUs × its share per vCPU); null otherwise. */
  baselineVcpus: number | null;
  /** Whether that baseline is a burstable (T) type's or a flex type's; null for a fixed-performance type. */
  baselineKind: BaselineKind | null;
  quote: PriceQuote;
  usdPerHour: Q;
  usdPerMonth: Q;
  /** How far above the observed p95 CPU and peak memory the type is (150 = 2.5 times); null when nothing was used. */
  cpuHeadroomPct: number | null;
  memHeadroomPct: number | null;
}

/** A type left out because its baseline is below the busiest day's mean with headroom. */
export interface BaselineLeftOut {
  type: string;
  baselineVcpus: number;
}

export interface ArchFits {
  arch: Arch;
  /** 'host': the host's own; 'asked': the one --arch named; 'alternative': the other one, shown beside it; 'any': both searched alike. */
  role: 'host' | 'asked' | 'alternative' | 'any';
  fits: FitChoice[];
  /** The cheapest burstable type of this architecture that was big enough but whose baseline was too low, if one was. */
  burstableLeftOut: BaselineLeftOut | null;
  /** The same for flex types (m7i-flex...). */
  flexLeftOut: BaselineLeftOut | null;
}

export interface CurrentCompared {
  type: string;
  onEc2: boolean;
  quote: PriceQuote;
  usdPerHour: Q;
  usdPerMonth: Q;
  /** Whether it carries what was used (size, and baseline when burstable); why not when it does not. */
  carries: boolean;
  short: string | null;
  /** Its monthly cost less the best fit's (negative: the best fit costs more). */
  savingPerMonth: Q | null;
  savingPct: number | null;
}

export interface FitAdvice {
  kind: 'advice';
  observed: Observed;
  needed: Needed;
  headroomPct: number;
  region: string;
  /** Whether prices were refreshed for the region (else every price is the catalogue's, of its region). */
  pricesRefreshed: boolean;
  /** The architecture the best fit is of (null: any). */
  arch: Arch | null;
  byArch: ArchFits[];
  best: FitChoice | null;
  current: CurrentCompared | null;
  notes: string[];
}

export interface FitRefusal {
  kind: 'refused';
  /** What kept the fit from advising: nothing recorded, too few hours, or a store that could not be read. */
  cause: 'nothing-recorded' | 'too-little' | 'unreadable';
  why: string;
  observed: Observed | null;
  headroomPct: number;
  region: string;
}

export type FitResult = FitAdvice | FitRefusal;

/** The best fit in brief, for the report's "here versus there" figures. */
export interface BestFit {
  type: string;
  arch: Arch;
  usdPerHour: Q;
  usdPerMonth: Q;
}

export function bestFitOf(r: FitResult): BestFit | null {
  if (r.kind !== 'advice' || !r.best) return null;
  const b = r.best;
  return { type: b.type, arch: b.arch, usdPerHour: b.usdPerHour, usdPerMonth: b.usdPerMonth };
}

export function perMonth(usdPerHour: Q): Q {
  return mul(usdPerHour, int(HOURS_PER_MONTH));
}

export function neededFor(o: Observed, headroomPct: number): Needed {
  const k = 1 + headroomPct / 100;
  return { vcpus: o.cpuP95 * k, memoryBytes: o.memPeakBytes * k, sustainedVcpus: o.busiestDayMean * k };
}

/** Why a type of this size does not carry the need, or null when it does. */
function shortfall(catalog: Catalog, type: string, vcpu: number, memoryMiB: number, need: Needed): string | null {
  if (vcpu < need.vcpus) return `its ${vcpu} vCPUs are fewer than the ${need.vcpus.toFixed(2)} needed`;
  if (memoryMiB * MIB < need.memoryBytes)
    return `its ${(memoryMiB / 1024).toFixed(2)} GiB are less than the ${(need.memoryBytes / 2 ** 30).toFixed(2)} GiB needed`;
  const share = catalog.baselinePerVcpu(type);
  if (share !== null && share * vcpu < need.sustainedVcpus) {
    return `its baseline, ${(share * vcpu).toFixed(2)} vCPUs, is below the busiest day's ${need.sustainedVcpus.toFixed(2)} with headroom`;
  }
  return null;
}

export function rightSize(rows: readonly HourUsage[], ask: FitAsk, ctx: FitContext): FitResult {
  const observed = observe(rows);
  const refuse = (cause: FitRefusal['cause'], why: string): FitRefusal => ({
    kind: 'refused',
    cause,
    why,
    observed,
    headroomPct: ask.headroomPct,
    region: ctx.region,
  });
  if (!observed)
    return refuse(
      'nothing-recorded',
      'no usage has been recorded in the window (the long-lived processes record it: the tmux daemon, the screen stream, the exporter, the dashboard)',
    );
  if (observed.hoursOfData < MIN_HOURS_OF_DATA) {
    return refuse(
      'too-little',
      `only ${observed.hoursOfData.toFixed(1)} hours of data in the window: at least ${MIN_HOURS_OF_DATA} are needed (a whole day's cycle) before shoji advises a size`,
    );
  }
  const { catalog } = ctx;
  const needed = neededFor(observed, ask.headroomPct);
  const notes: string[] = [];

  // The cheapest burstable and flex type of each architecture left out for its baseline (set inside `accept`).
  const leftOut = new Map<`${Arch} ${BaselineKind}`, BaselineLeftOut & { approx: number }>();
  const accept = (row: Row): boolean => {
    if (catalog.isAccelerated(row[0])) return false;
    const share = catalog.baselinePerVcpu(row[0]);
    if (row[5] === 1 && share === null) return false; // a burstable type without a published baseline
    if (share !== null && share * row[1]! < needed.sustainedVcpus) {
      const approx = Number(row[7]);
      const key = `${row[3]!} ${catalog.baselineKind(row[0])!}` as const;
      const seen = leftOut.get(key);
      if (!seen || approx < seen.approx) leftOut.set(key, { type: row[0], baselineVcpus: share * row[1]!, approx });
      return false;
    }
    return true;
  };
  const leftOutOf = (arch: Arch, kind: BaselineKind): BaselineLeftOut | null => {
    const out = leftOut.get(`${arch} ${kind}`);
    return out ? { type: out.type, baselineVcpus: out.baselineVcpus } : null;
  };
  const choose = (arch: Arch): FitChoice[] =>
    cheapestFits(catalog, { vcpus: needed.vcpus, memoryMiB: needed.memoryBytes / MIB, arch }, ctx.region, ctx.refreshed, FITS_PER_ARCH, accept).map((c) => {
      const share = catalog.baselinePerVcpu(c.type.type);
      const vcpu = c.type.vcpu!;
      const memoryMiB = c.type.memoryMiB!;
      return {
        type: c.type.type,
        arch,
        vcpu,
        memoryMiB,
        baselineVcpus: share === null ? null : share * vcpu,
        baselineKind: catalog.baselineKind(c.type.type),
        quote: c.quote,
        usdPerHour: c.quote.usdPerHour,
        usdPerMonth: perMonth(c.quote.usdPerHour),
        cpuHeadroomPct: observed.cpuP95 > 0 ? (vcpu / observed.cpuP95 - 1) * 100 : null,
        memHeadroomPct: observed.memPeakBytes > 0 ? ((memoryMiB * MIB) / observed.memPeakBytes - 1) * 100 : null,
      };
    });

  const wanted = ask.arch === 'any' ? null : (ask.arch ?? ctx.hostArch);
  if (ask.arch === null && ctx.hostArch === null) notes.push("this host's architecture is not x86_64 or arm64: both are searched");
  const byArch: ArchFits[] = ARCHES.map((arch) => {
    const fits = choose(arch);
    return {
      arch,
      role: wanted === null ? 'any' : arch !== wanted ? 'alternative' : ask.arch === null ? 'host' : 'asked',
      fits,
      burstableLeftOut: leftOutOf(arch, 'burstable'),
      flexLeftOut: leftOutOf(arch, 'flex'),
    };
  });
  // The wanted architecture first, its alternative after.
  byArch.sort((a, b) => Number(a.role === 'alternative') - Number(b.role === 'alternative'));
  const pool = byArch.filter((a) => a.role !== 'alternative').flatMap((a) => a.fits);
  const best = pool.reduce<FitChoice | null>((m, c) => (m === null || cmp(c.usdPerHour, m.usdPerHour) < 0 ? c : m), null);

  if (observed.cpuP95 >= 0.9 * observed.vcpus) {
    notes.push(
      `this host was busy on ${pct(observed.cpuP95 / observed.vcpus)} of its ${observed.vcpus} vCPUs at the p95: it may have wanted more than it could show, so the fit is a lower bound`,
    );
  }
  notes.push(...new Set(pool.flatMap((c) => c.quote.notes)));

  return {
    kind: 'advice',
    observed,
    needed,
    headroomPct: ask.headroomPct,
    region: ctx.region,
    pricesRefreshed: ctx.refreshed !== null,
    arch: wanted,
    byArch,
    best,
    current: ctx.current ? compareCurrent(ctx, needed, best) : null,
    notes,
  };
}

function compareCurrent(ctx: FitContext, needed: Needed, best: FitChoice | null): CurrentCompared {
  const cur = ctx.current!;
  const info = ctx.catalog.get(cur.type);
  const short = info?.vcpu != null && info.memoryMiB != null ? shortfall(ctx.catalog, cur.type, info.vcpu, info.memoryMiB, needed) : 'its size is unknown';
  const usdPerMonth = perMonth(cur.quote.usdPerHour);
  const saving = best ? sub(usdPerMonth, best.usdPerMonth) : null;
  return {
    type: cur.type,
    onEc2: cur.onEc2,
    quote: cur.quote,
    usdPerHour: cur.quote.usdPerHour,
    usdPerMonth,
    carries: short === null,
    short,
    savingPerMonth: saving,
    savingPct: saving && !isZero(usdPerMonth) ? toNumber(div(mul(saving, int(100)), usdPerMonth), 1) : null,
  };
}

/** "12.5%" */
function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
