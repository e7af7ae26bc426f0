/**
 * How right-sizing (fit.ts) is shown: `ec2-cost --fit` (a report of its own), its `--json`, and
 * the section `--detail` ends with. Pure functions of the result; money is rounded here only.
 */
import { approxUsd } from './report.js';
import type { ArchFits, FitAdvice, FitChoice, FitRefusal, FitResult } from './fit.js';
import type { Observed } from './fit-observe.js';
import { groupThousands, toFixed, toNumber, usd } from './money.js';
import { HOURS_PER_MONTH } from './rates.js';
import { isKnownRegion } from './regions.js';

/** What was asked and read, beside the result. */
export interface FitMeta {
  /** The window as asked: "14d", "12w", "all". */
  window: string;
  /** Problems reading the usage store, one line each. */
  problems: string[];
}

const GIB = 2 ** 30;
const W = 15;
const row = (label: string, value: string) => `${label.padEnd(W)}${value}`;
const vcpus = (n: number) => n.toFixed(2);
const gib = (bytes: number) => `${(bytes / GIB).toFixed(2)} GiB`;

/** "2026-11-17 00:00 UTC" */
function utc(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function windowWords(window: string): string {
  if (window === 'all') return 'everything recorded';
  const n = Number(window.slice(0, -1));
  const unit = window.endsWith('w') ? 'week' : 'day';
  return `the last ${n} ${unit}${n === 1 ? '' : 's'}`;
}

function dataLine(o: Observed | null, meta: FitMeta): string {
  if (!o) return row('Window', `${windowWords(meta.window)}: no hours of data`);
  const records = `${groupThousands(String(o.rows))} hourly record${o.rows === 1 ? '' : 's'}`;
  return row('Window', `${windowWords(meta.window)}: ${groupThousands(o.hoursOfData.toFixed(1))} hours of data in ${records}, ${utc(o.from)} to ${utc(o.to)}`);
}

function observedLines(o: Observed): string[] {
  return [
    row(
      'CPU',
      `p95 ${vcpus(o.cpuP95)} vCPUs (${((o.cpuP95 / o.vcpus) * 100).toFixed(1)}% of ${o.vcpus}), mean ${vcpus(o.cpuMean)}, busiest day's mean ${vcpus(o.busiestDayMean)}, max ${vcpus(o.cpuMax)}`,
    ),
    row('Memory', `peak ${gib(o.memPeakBytes)} in use (of ${gib(o.memTotalBytes)})`),
  ];
}

/**
 * Whose prices a list is at: "in eu-west-1" when every type has the region's own; else, as the
 * since-boot report labels a region it has no prices for, the catalogue's region and how to get
 * the region's (ec2-cost --refresh-prices), or which types its refreshed prices lacked.
 */
function pricedWhere(fits: readonly FitChoice[], r: FitAdvice): string {
  const elsewhere = fits.filter((c) => c.quote.pricedRegion !== r.region);
  if (elsewhere.length === 0) return `in ${r.region}`;
  const from = elsewhere[0].quote.pricedRegion;
  if (!r.pricesRefreshed) {
    const how = isKnownRegion(r.region) ? `run ec2-cost --refresh-prices --region ${r.region} for ${r.region}'s` : `shoji has no prices for ${r.region}`;
    return `priced at ${from}'s shipped prices (${how})`;
  }
  const names = elsewhere.map((c) => c.type).join(', ');
  return `in ${r.region} (${names} at ${from}'s shipped price${elsewhere.length === 1 ? '' : 's'}: not in ${r.region}'s refreshed prices)`;
}

function archTitle(a: ArchFits, r: FitAdvice): string {
  const name = a.arch === 'arm64' ? 'arm64 (Graviton)' : 'x86_64';
  const why =
    a.role === 'host'
      ? "this host's architecture"
      : a.role === 'asked'
        ? 'as asked'
        : a.role === 'alternative'
          ? `the alternative: the software must run on ${a.arch}`
          : 'either architecture';
  return `${name}, ${why}, ${pricedWhere(a.fits, r)}:`;
}

function headroom(pct: number | null, what: string): string {
  return pct === null ? `${what} unused` : `${Math.floor(pct)}% ${what}`;
}

function choiceLines(fits: FitChoice[]): string[] {
  const width = Math.max(...fits.map((c) => c.type.length));
  const sizes = fits.map((c) => `${c.vcpu} vCPU ${toFixed({ n: BigInt(c.memoryMiB), d: 1024n }, 2).replace(/\.?0+$/, '')} GiB`);
  const sizeWidth = Math.max(...sizes.map((s) => s.length));
  const kinds = fits.map((c) => (c.baselineVcpus === null ? '' : `${c.baselineKind ?? 'burstable'}, baseline ${vcpus(c.baselineVcpus)} vCPU`));
  const kindWidth = Math.max(...kinds.map((s) => s.length));
  return fits.map((c, i) => {
    const price = `${usd(c.usdPerHour)}/h`.padEnd(11);
    const month = `${approxUsd(c.usdPerMonth)}/month`.padEnd(16);
    const cells = [c.type.padEnd(width), sizes[i].padEnd(sizeWidth), ...(kindWidth > 0 ? [kinds[i].padEnd(kindWidth)] : []), price, month];
    return `  ${cells.join('  ')}leaves ${headroom(c.cpuHeadroomPct, 'CPU')}, ${headroom(c.memHeadroomPct, 'memory')} headroom`;
  });
}

function archLines(a: ArchFits, r: FitAdvice): string[] {
  const out = [archTitle(a, r)];
  if (a.fits.length === 0) out.push('  no current type carries it');
  else out.push(...choiceLines(a.fits));
  for (const [kind, l] of [
    ['burstable', a.burstableLeftOut],
    ['flex', a.flexLeftOut],
  ] as const) {
    if (!l) continue;
    out.push(
      `  (${l.type} and the other ${kind} types left out: their baselines are below the busiest day's ${vcpus(r.needed.sustainedVcpus)} vCPUs with headroom; ${l.type}'s is ${vcpus(l.baselineVcpus)})`,
    );
  }
  return out;
}

function verdictLines(r: FitAdvice): string[] {
  const out: string[] = [];
  const b = r.best;
  out.push(
    row(
      'Best fit',
      b
        ? `${b.type} (${b.arch}) at ${approxUsd(b.usdPerMonth)} per month (${usd(b.usdPerHour)}/h for ${HOURS_PER_MONTH} h)`
        : 'none: no current type carries it',
    ),
  );
  const c = r.current;
  if (c) {
    const label = c.onEc2 ? 'This instance' : 'As given';
    const carries = c.carries ? 'carries it' : `does not carry it: ${c.short}`;
    let verdict = '';
    if (c.savingPerMonth && c.savingPct !== null) {
      const n = toNumber(c.savingPerMonth, 2);
      verdict =
        n > 0
          ? `; the best fit saves ${approxUsd(c.savingPerMonth)} per month (${c.savingPct.toFixed(1)}%)`
          : n < 0
            ? `; the best fit costs ${approxUsd({ n: -c.savingPerMonth.n, d: c.savingPerMonth.d })} more per month`
            : '; the best fit costs the same';
    }
    out.push(row(label, `${c.type} at ${approxUsd(c.usdPerMonth)} per month (${usd(c.usdPerHour)}/h on demand); it ${carries}${verdict}`));
  }
  return out;
}

function priceLine(r: FitAdvice): string | null {
  // With no type that fits, the type compared with (on EC2, or --instance-type) is still priced.
  const q = r.best?.quote ?? r.byArch.flatMap((a) => a.fits)[0]?.quote ?? r.current?.quote;
  return q ? row('Prices', `${q.source}, ${q.pricedRegion}, as of ${q.asOf}; Linux on demand; a month is ${HOURS_PER_MONTH} hours`) : null;
}

/** The lines shared by the report and the --detail section. */
function body(r: FitResult, meta: FitMeta): string[] {
  const out = [dataLine(r.observed, meta)];
  if (r.kind === 'refused') {
    if (r.observed) out.push(...observedLines(r.observed));
    out.push(row('No advice', r.why));
    return out;
  }
  out.push(...observedLines(r.observed));
  const n = r.needed;
  out.push(
    row(
      'Needed',
      `${vcpus(n.vcpus)} vCPUs and ${gib(n.memoryBytes)} (p95 CPU and peak memory + ${r.headroomPct}% headroom); a burstable or flex type's baseline must cover ${vcpus(n.sustainedVcpus)} vCPUs (the busiest day's mean + ${r.headroomPct}%)`,
    ),
  );
  const prices = priceLine(r);
  if (prices) out.push(prices);
  for (const a of r.byArch) out.push('', ...archLines(a, r));
  out.push('', ...verdictLines(r));
  return out;
}

function notes(r: FitResult, meta: FitMeta): string[] {
  return [
    'Sized to what this host used (its p95 CPU and peak memory over the window); the estimate\'s "cheapest types that fit this host" is sized to its vCPUs and memory instead.',
    "p95 CPU is the 95th percentile of the hours' own p95s, weighted by the minutes each hour saw; CPU is counted in vCPU-equivalents, without steal time.",
    'Current types only: not a previous-generation family, and no GPU or other accelerator. An instance has a little less usable memory than its size (the kernel keeps some).',
    "Burstable types (t2, t3, t3a, t4g) count only where their baseline (AWS's published share per vCPU × vCPUs) covers the busiest day's mean with headroom: above it they are throttled or billed extra.",
    "Flex types (m7i-flex, c7i-flex...) likewise, with AWS's baseline of 40% per vCPU: they run at full CPU 95% of the time over 24 hours, and above their baseline for long their bursts are reduced.",
    'USD; on-demand Linux prices; storage, traffic and IPv4 are not in these monthly figures (see ec2-cost --detail).',
    ...(r.kind === 'advice' ? r.notes : []),
    ...meta.problems.map((p) => `usage store: ${p}`),
  ];
}

/** The refusal's cause, in the report's first line. */
const REFUSAL_HEADING: Record<FitRefusal['cause'], string> = {
  'nothing-recorded': 'no usage recorded in the window',
  'too-little': 'not enough data',
  unreadable: 'the usage store could not be read',
};

/** `ec2-cost --fit`. */
export function renderFitReport(r: FitResult, meta: FitMeta): string {
  const out = [
    r.kind === 'advice'
      ? 'Right-sizing for EC2: the cheapest current types that would have carried what this host used'
      : `Right-sizing for EC2: no advice (${REFUSAL_HEADING[r.cause]})`,
    ...body(r, meta),
    'Notes',
    ...notes(r, meta).map((n) => `  - ${n}`),
  ];
  return `${out.join('\n')}\n`;
}

/** The section `ec2-cost --detail` ends with (before its notes). */
export function renderFitSection(r: FitResult, meta: FitMeta): string[] {
  const lines = ['', 'Right-sizing: sized to what this host used, not to its size (ec2-cost --fit for the whole report)', ...body(r, meta)];
  if (meta.problems.length > 0) lines.push(...meta.problems.map((p) => `  (usage store: ${p})`));
  return lines;
}

const num = (q: { n: bigint; d: bigint }) => toNumber(q);
const round = (n: number, digits = 4) => Number(n.toFixed(digits));

function choiceJson(c: FitChoice): Record<string, unknown> {
  return {
    instanceType: c.type,
    arch: c.arch,
    vcpu: c.vcpu,
    memoryMiB: c.memoryMiB,
    burstable: c.baselineKind === 'burstable',
    flex: c.baselineKind === 'flex',
    baselineVcpus: c.baselineVcpus === null ? null : round(c.baselineVcpus),
    hourlyUsd: num(c.usdPerHour),
    monthlyUsd: num(c.usdPerMonth),
    cpuHeadroomPct: c.cpuHeadroomPct === null ? null : round(c.cpuHeadroomPct, 1),
    memoryHeadroomPct: c.memHeadroomPct === null ? null : round(c.memHeadroomPct, 1),
    priceSource: c.quote.source,
    pricedRegion: c.quote.pricedRegion,
    pricesAsOf: c.quote.asOf,
  };
}

/** `ec2-cost --fit --json`. */
export function fitJson(r: FitResult, meta: FitMeta): Record<string, unknown> {
  const o = r.observed;
  const doc: Record<string, unknown> = {
    report: 'fit',
    advice: r.kind === 'advice',
    refused: r.kind === 'refused' ? r.why : null,
    region: r.region,
    window: meta.window,
    from: o ? new Date(o.from * 1000).toISOString() : null,
    to: o ? new Date(o.to * 1000).toISOString() : null,
    hourlyRecords: o?.rows ?? 0,
    hoursOfData: o ? round(o.hoursOfData, 2) : 0,
    headroomPct: r.headroomPct,
    hoursPerMonth: HOURS_PER_MONTH,
    observed: o
      ? {
          vcpus: o.vcpus,
          cpuP95Vcpus: round(o.cpuP95),
          cpuP95Pct: round((o.cpuP95 / o.vcpus) * 100, 2),
          cpuMeanVcpus: round(o.cpuMean),
          busiestDayMeanVcpus: round(o.busiestDayMean),
          cpuMaxVcpus: round(o.cpuMax),
          memPeakBytes: o.memPeakBytes,
          memTotalBytes: o.memTotalBytes,
        }
      : null,
  };
  if (r.kind === 'advice') {
    doc.needed = { vcpus: round(r.needed.vcpus), memoryBytes: Math.ceil(r.needed.memoryBytes), burstableBaselineVcpus: round(r.needed.sustainedVcpus) };
    doc.arch = r.arch ?? 'any';
    doc.fits = r.byArch.map((a) => ({
      arch: a.arch,
      role: a.role,
      types: a.fits.map(choiceJson),
      burstableLeftOut: a.burstableLeftOut ? { instanceType: a.burstableLeftOut.type, baselineVcpus: round(a.burstableLeftOut.baselineVcpus) } : null,
      flexLeftOut: a.flexLeftOut ? { instanceType: a.flexLeftOut.type, baselineVcpus: round(a.flexLeftOut.baselineVcpus) } : null,
    }));
    doc.best = r.best ? choiceJson(r.best) : null;
    const c = r.current;
    doc.current = c
      ? {
          instanceType: c.type,
          onEc2: c.onEc2,
          hourlyUsd: num(c.usdPerHour),
          monthlyUsd: num(c.usdPerMonth),
          carries: c.carries,
          shortfall: c.short,
          savingPerMonthUsd: c.savingPerMonth ? num(c.savingPerMonth) : null,
          savingPct: c.savingPct,
        }
      : null;
  }
  doc.notes = notes(r, meta);
  return doc;
}
