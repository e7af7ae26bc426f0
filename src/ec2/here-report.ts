/**
 * "Here versus EC2": the comparison --detail shows and --json carries, from the estimate (the EC2
 * side), what it costs to keep the host where it is (here.ts) and where the two cross. Rendering
 * lives here, not in report.ts, which only calls it; money is rounded here for display only.
 */
import type { Estimate, Priced } from './estimate.js';
import { at, breakEvenHours, breakEvenTraffic, egressUsd, type Crossing, type HereCost, type Linear, type TrafficCrossing } from './here.js';
import { BYTES_PER_GB } from './model.js';
import { add, cmp, div, groupThousands, int, isZero, mul, sub, toFixed, toNumber, toPlain, usd, ZERO, type Q } from './money.js';
import { HOURS_PER_MONTH } from './rates.js';

/** What the EC2 side is priced as, and why that type. */
export interface Ec2Side {
  instanceType: string;
  region: string;
  /** The instance's hourly rate (on-demand, or the spot price the estimate used). */
  usdPerHour: Q;
  /** 'current': this instance's type; 'what-if': --instance-type; 'size': the cheapest type of this host's size; 'use': the fit sized to what the host used. */
  basis: 'current' | 'what-if' | 'size' | 'use';
  /** Said beside the type: why it is the one compared (e.g. why not sized to use). */
  note: string | null;
}

export interface HereComparison {
  here: HereCost;
  ec2: Ec2Side;
  /** EC2's month in the hours of use: the instance's rate x h; IPv4, EBS and egress fixed. */
  ec2Line: Linear;
  /** The parts of EC2's fixed cost, for the report. */
  ec2IpEbsUsd: Q;
  ec2TrafficGb: Q;
  ec2EgressUsd: Q;
  ec2MonthUsd: Q;
  hereLine: Linear;
  /** Where the two cross; null when here is not known well enough to say (breakEvenMissing says why). */
  hours: Crossing | null;
  traffic: TrafficCrossing | null;
  /** Why there is no break-even, and how to give what it lacks; null when there is one. */
  breakEvenMissing: string | null;
  /** Notes (a config problem, a flag given without its partner). */
  notes: string[];
}

const MONTH = int(HOURS_PER_MONTH);

/** Whether anything about here is counted: with nothing, here's total is not a figure (not $0). */
export function hereKnown(h: HereCost): boolean {
  return h.electricityUsd !== null || h.hardwareUsd !== null || h.bandwidthUsd !== null;
}

/** How to give what electricity lacks, as the report's lines say it. */
function electricityHow(h: HereCost): string {
  return h.electricityMissing.map((m) => (m === 'watts' ? 'the watts (--here-watts W; nothing was measured)' : 'the price (--kwh-price USD)')).join(' and ');
}

/**
 * Why no break-even can be given, or null. A side that is missing a part is cheaper by that part
 * at every hour of use, so a break-even (or a "never") drawn from it would be an artefact: with
 * nothing known about here it would always say here is cheaper, and with electricity left out
 * here's cost would not grow with the hours on at all.
 */
function breakEvenMissing(h: HereCost): string | null {
  if (!hereKnown(h)) {
    return 'nothing about here is counted: give --here-watts W and --kwh-price USD, --hardware-usd USD with --hardware-months N, or --bandwidth-usd-month USD (or set them under modules.ec2-cost.here)';
  }
  if (h.electricityUsd === null)
    return `electricity is left out, and the hours of use decide it: give ${electricityHow(h)}, or set them under modules.ec2-cost.here`;
  return null;
}

/** The month's traffic at this boot's rate: bytes sent since boot, scaled to HOURS_PER_MONTH. */
function monthlyGb(p: Priced): Q {
  if (cmp(p.input.uptimeSeconds, ZERO) <= 0) return ZERO;
  return div(mul(p.input.txBytes, MONTH, int(3600)), mul(p.input.uptimeSeconds, BYTES_PER_GB));
}

/**
 * The comparison. The EC2 side's rate is its type's; its traffic, public IPv4 and EBS are the
 * host's, as the estimate counted them (e.main), whichever type is compared.
 */
export function compareHere(e: Estimate, ec2: Ec2Side, here: HereCost, notes: string[] = []): HereComparison {
  const m = e.main;
  const unused = configWattsNote(here);
  if (unused) notes = [...notes, unused];
  // IPv4 and EBS accrue by the hour in hourlyAll, but AWS bills both while an instance is stopped.
  const ipEbs = mul(sub(m.hourlyAll, m.usdPerHour), MONTH);
  const gb = monthlyGb(m);
  const egress = egressUsd(gb, e.transfer, e.freeTier);
  const ec2Line: Linear = { perHour: ec2.usdPerHour, fixed: add(ipEbs, egress) };
  const hereLine: Linear = { perHour: here.electricityUsdPerHour ?? ZERO, fixed: here.fixedUsd };
  const missing = breakEvenMissing(here);
  return {
    here,
    ec2,
    ec2Line,
    ec2IpEbsUsd: ipEbs,
    ec2TrafficGb: gb,
    ec2EgressUsd: egress,
    ec2MonthUsd: at(ec2Line, MONTH),
    hereLine,
    hours: missing ? null : breakEvenHours(ec2Line, hereLine, MONTH),
    traffic: missing ? null : breakEvenTraffic(add(mul(ec2.usdPerHour, MONTH), ipEbs), here.totalUsd, e.transfer, e.freeTier),
    breakEvenMissing: missing,
    notes,
  };
}

/**
 * Measured first, configured otherwise: when both exist, say that the configured whole-box figure
 * was not used, why, and what here would cost with it.
 */
function configWattsNote(h: HereCost): string | null {
  const c = h.configWattsUnused;
  if (!c || !h.watts) return null;
  const floor = h.watts.from === 'rapl' ? ' (RAPL sees only the CPU package and DRAM: a floor)' : '';
  const total = c.totalUsd ? `; with it here would total ~${usd(c.totalUsd, 2)} a month` : '';
  return `modules.ec2-cost.here.watts (${toPlain(c.value, 3)} W) was not used: watts shoji measured come first${floor}${total}; --here-watts ${toPlain(c.value, 3)} uses it`;
}

const W = 13;
const row = (label: string, value: string) => `${label.padEnd(W)}${value}`;
const money = (q: Q) => usd(q, 2);
const exact = (q: Q) => usd(q, 6);
const hoursText = (q: Q) => `${groupThousands(toFixed(q, 1))} h`;
const gbText = (q: Q) => `${groupThousands(toFixed(q, 1))} GB`;

function wattsSource(h: HereCost): string {
  const w = h.watts!;
  const over = w.hours !== undefined ? `, the mean of ${w.hours} recorded hour${w.hours === 1 ? '' : 's'}` : '';
  switch (w.from) {
    case 'flag':
      return 'watts given with --here-watts';
    case 'config':
      return 'watts from modules.ec2-cost.here.watts';
    case 'battery':
      return `watts measured from the battery's discharge${over}`;
    case 'rapl':
      return `watts measured by RAPL${over}: it sees the CPU package and DRAM, not the whole box (disks, fans, PSU losses), so the figure is a floor`;
  }
}

function hereLines(h: HereCost): string[] {
  const out: string[] = [];
  if (h.electricityUsd && h.watts) {
    const kwh = div(mul(h.watts.value, MONTH), int(1000));
    out.push(
      row(
        'Electricity',
        `${toPlain(h.watts.value, 3)} W x ${HOURS_PER_MONTH} h = ${groupThousands(toPlain(kwh, 3))} kWh @ ${usd(h.kwhPriceUsd!)}/kWh = ${exact(h.electricityUsd)}`,
      ),
    );
    out.push(row('', `(${wattsSource(h)})`));
  } else {
    out.push(row('Electricity', `not counted: give ${electricityHow(h)}, or set them under modules.ec2-cost.here`));
    if (h.watts) out.push(row('', `(${wattsSource(h)}: ${toPlain(h.watts.value, 3)} W)`));
  }
  if (h.hardwareUsd) out.push(row('Hardware', `${usd(h.hardwarePrice!.usd)} over ${toPlain(h.hardwarePrice!.months)} months = ${exact(h.hardwareUsd)}`));
  else if (h.hardwareMissing) out.push(row('Hardware', `not counted: give --${h.hardwareMissing} too`));
  else out.push(row('Hardware', 'none counted (--hardware-usd USD --hardware-months N)'));
  out.push(h.bandwidthUsd ? row('Bandwidth', `${exact(h.bandwidthUsd)} a month`) : row('Bandwidth', 'none counted (--bandwidth-usd-month USD)'));
  const left = h.electricityUsd ? '' : ', leaving electricity out';
  out.push(row('Here total', hereKnown(h) ? `~${money(h.totalUsd)} a month${left}` : 'not known: nothing about here is counted'));
  return out;
}

function basisText(s: Ec2Side): string {
  switch (s.basis) {
    case 'current':
      return 'this instance';
    case 'what-if':
      return 'the type named with --instance-type';
    case 'size':
      return "the cheapest current type of this host's size";
    case 'use':
      return 'the cheapest type sized to what this host used';
  }
}

function ec2Lines(c: HereComparison): string[] {
  const s = c.ec2;
  const out: string[] = [];
  out.push(row('EC2', `${s.instanceType} ${s.region}, ${basisText(s)}${s.note ? ` (${s.note})` : ''}`));
  out.push(row('EC2 compute', `${HOURS_PER_MONTH} h @ ${usd(s.usdPerHour)}/h = ${exact(mul(s.usdPerHour, MONTH))}`));
  if (!isZero(c.ec2IpEbsUsd)) out.push(row('EC2 IPv4/EBS', `${exact(c.ec2IpEbsUsd)} a month (billed while stopped too)`));
  out.push(row('EC2 egress', `${gbText(c.ec2TrafficGb)} sent a month at this boot's rate = ${exact(c.ec2EgressUsd)}`));
  out.push(row('EC2 total', `~${money(c.ec2MonthUsd)} a month`));
  return out;
}

const sideName = (s: 'ec2' | 'here') => (s === 'ec2' ? 'EC2' : 'here');
const other = (s: 'ec2' | 'here') => (s === 'ec2' ? 'here' : 'EC2');

function hoursLine(x: Crossing): string {
  if (x.kind === 'at') return `${sideName(x.cheaperBelow)} is cheaper below ${hoursText(x.hours)} of use a month, ${other(x.cheaperBelow)} above`;
  if (x.cheaper === 'equal') return 'never: the two cost the same at any hours of use';
  return `never: ${sideName(x.cheaper)} is cheaper at any hours of use up to ${HOURS_PER_MONTH} h a month`;
}

function trafficLine(x: TrafficCrossing): string {
  if (x.kind === 'at') return `at ${HOURS_PER_MONTH} h, EC2 is cheaper below ${gbText(x.gb)} sent a month, here above`;
  return x.cheaper === 'here'
    ? `never: at ${HOURS_PER_MONTH} h here is cheaper at any traffic (EC2's compute alone costs at least as much)`
    : `never: at ${HOURS_PER_MONTH} h EC2 is cheaper at any traffic`;
}

/** The --detail section. */
export function renderHere(c: HereComparison): string[] {
  const out = ['', `Here versus EC2, per month of ${HOURS_PER_MONTH} h (USD only: no currency is converted)`];
  out.push(...hereLines(c.here), ...ec2Lines(c));
  if (c.hours && c.traffic) {
    out.push(row('Break-even', hoursLine(c.hours)));
    out.push(row('', trafficLine(c.traffic)));
  } else out.push(row('Break-even', `not given: ${c.breakEvenMissing}`));
  for (const n of c.notes) out.push(row('', `note: ${n}`));
  return out;
}

const num = (q: Q | null) => (q === null ? null : toNumber(q));

/** The --json fields: hereUsdPerMonth and its parts, the EC2 side and the break-even. */
export function hereJson(c: HereComparison | null): Record<string, unknown> {
  if (!c) return { hereUsdPerMonth: null, here: null };
  const h = c.here;
  return {
    hereUsdPerMonth: hereKnown(h) ? num(h.totalUsd) : null,
    here: {
      currency: 'USD',
      hoursPerMonth: HOURS_PER_MONTH,
      electricityUsd: num(h.electricityUsd),
      electricityLeftOut: h.electricityUsd === null,
      watts: h.watts ? num(h.watts.value) : null,
      wattsSource: h.watts?.from ?? null,
      wattsHours: h.watts?.hours ?? null,
      hardwareUsd: num(h.hardwareUsd),
      bandwidthUsd: num(h.bandwidthUsd),
      ec2: {
        instanceType: c.ec2.instanceType,
        region: c.ec2.region,
        basis: c.ec2.basis,
        note: c.ec2.note,
        computeUsd: num(mul(c.ec2.usdPerHour, MONTH)),
        ipv4EbsUsd: num(c.ec2IpEbsUsd),
        networkOutGb: num(c.ec2TrafficGb),
        networkOutUsd: num(c.ec2EgressUsd),
        usdPerMonth: num(c.ec2MonthUsd),
      },
      breakEvenHours: !c.hours
        ? null
        : c.hours.kind === 'at'
          ? { hours: num(c.hours.hours), cheaperBelow: c.hours.cheaperBelow }
          : { never: true, cheaper: c.hours.cheaper },
      breakEvenTrafficGb: !c.traffic ? null : c.traffic.kind === 'at' ? { gb: num(c.traffic.gb) } : { never: true, cheaper: c.traffic.cheaper },
      breakEvenMissing: c.breakEvenMissing,
      notes: c.notes,
    },
  };
}
