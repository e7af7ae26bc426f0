/**
 * The month to date (`ec2-cost --month`), shown three ways like the since-boot estimate: one
 * line, --detail and --json. The line items are report.ts's own, fed the month's figures; this
 * file adds what only a month has: the boots counted, the time between them, what shoji did not
 * see, and the two bounds. Money is rounded here, for display only.
 */
import type { Estimate, Priced } from './estimate.js';
import { BYTES_PER_GB, projectThirtyDays } from './model.js';
import { priceMonth, type MonthBill, type MonthFigure, type Unseen } from './month.js';
import { dec, div, groupThousands, int, sub, toFixed, toNumber, usd, type Q } from './money.js';
import { approxUsd, breakdown, gb, hours, identityLine, jsonDoc, rateSource, row, what } from './report.js';

/** The estimate's priced type with the month's quantities and cost in place of the since-boot ones. */
export function monthPriced(p: Priced, figure: MonthFigure): Priced {
  return { ...p, input: figure.input, cost: figure.cost, per30Days: projectThirtyDays(figure.input) };
}

/** Another priced type (off EC2, the other cheapest fits) over the same month: its own rate, the month's seconds and bytes. */
function repriced(p: Priced, bill: MonthBill): Priced {
  const { transfer, freeTier, publicIpv4, ebs } = p.input;
  return monthPriced(p, priceMonth(bill.lower.seconds, bill.txBytes, bill.rxBytes, { usdPerHour: p.usdPerHour, transfer, freeTier, publicIpv4, ebs }));
}

/** "2026-11-03 09:00:00 UTC". */
export function utc(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const bytesGb = (b: bigint) => gb(div(int(b), BYTES_PER_GB));
const span = (u: Unseen): Q => sub(dec(u.to), dec(u.from));

function period(bill: MonthBill): string {
  if (bill.when === 'past') return `in ${bill.month}`;
  if (bill.when === 'future') return `in ${bill.month} (not begun)`;
  return `in ${bill.month} to date`;
}

/** The since-boot assumptions that do not hold for a month, by how they begin (estimate.ts writes them). */
const SINCE_BOOT_ONLY = ['Since boot (', 'Bytes since boot', 'EBS storage:'];

export function monthAssumptions(sinceBoot: readonly string[]): string[] {
  return [
    "The month is the UTC calendar month, as AWS bills it: instance time is each boot from its start to shoji's latest sample of it, clipped to the month and to now.",
    "Between one boot's latest sample and the next boot the instance was rebooting (billed) or stopped (not billed), and shoji cannot tell which: the figure counts that time as stopped (the lower bound); the upper bound bills it as running.",
    'Time in the month shoji has no record of (before its first sample, after its latest) is in neither bound; whenever part of the month was not seen, the traffic counted is a lower bound of what the host sent.',
    "Every boot is priced at today's prices for this type and region: a type changed while the instance was stopped, or a price that changed during the month, is not seen.",
    "The egress tiers and the free allowance are counted over this host's traffic in the month alone: other instances and services on the account share them.",
    "EBS storage and the public IPv4 address are counted for the instance time counted, GB-months over a 730-hour month; AWS bills both while an instance is stopped too, prorates by the month's own hours, and bills snapshots, which the host cannot see.",
    ...sinceBoot.filter((a) => !SINCE_BOOT_ONLY.some((prefix) => a.startsWith(prefix))),
  ];
}

/** What the month adds to the estimate's notes. */
export function monthNotes(e: Estimate, bill: MonthBill): string[] {
  const notes = [...e.notes];
  if (bill.when === 'future') notes.push(`${bill.month} has not begun at ${utc(bill.now)}: nothing to count`);
  else if (bill.boots.length === 0) notes.push(`shoji has no record of this host running in ${bill.month}`);
  for (const b of bill.boots) {
    if (b.counterResets > 0)
      notes.push(
        `boot ${b.bootId}: an interface counter went backwards ${b.counterResets} time(s) (reset, wrap or re-created): never counted negative or twice`,
      );
  }
  if (bill.splitGaps.length > 0)
    notes.push(
      `shoji took no sample from ${bill.splitGaps.map((g) => `${utc(g.from)} to ${utc(g.to)}`).join(', ')}, across the month's edge: that traffic was split between the months by time`,
    );
  if (bill.seenAfterNow) notes.push(`a boot was seen after ${utc(bill.now)} (--now): its traffic in ${bill.month} is counted whole`);
  return notes;
}

function monthEstimate(e: Estimate, bill: MonthBill): Estimate {
  return {
    ...e,
    main: monthPriced(e.main, bill.lower),
    candidates: e.candidates.map((c) => (c === e.main ? monthPriced(c, bill.lower) : repriced(c, bill))),
    notes: monthNotes(e, bill),
    assumptions: monthAssumptions(e.assumptions),
  };
}

/** "~$10.98 in 2026-11 to date (up to ~$15.82 if the time between boots was billed) · m7i.large us-east-1 · 96.0 h". */
export function renderMonthOneLine(e: Estimate, bill: MonthBill): string {
  const m = e.main;
  const upper = bill.boundsDiffer ? ` (up to ${approxUsd(bill.upper.cost.totalUsd)} if the time between boots was billed)` : '';
  const total = `${approxUsd(bill.lower.cost.totalUsd)}${e.notModelled ? ` at ${e.notModelled.basis}` : ''} ${period(bill)}${upper}`;
  const up = `${hours(bill.lower.seconds, 1)} h`;
  const tail = e.notModelled ? ` · ${e.region} not modelled: ${e.notModelled.why}` : '';
  if (e.mode === 'ec2') return `${total} · ${what(m)} · ${up}${tail}`;
  if (e.mode === 'what-if') return `${total} as ${what(m)} (not EC2) · ${up}${tail}`;
  const whose = e.identity.onEc2 ? 'cheapest fit; the instance type is unknown' : 'cheapest fit, not EC2';
  return `${total} as ${what(m)} (${whose}) · ${up}${tail}`;
}

function unseenLine(u: Unseen): string {
  const what = u.kind === 'between-boots' ? 'between two boots' : 'no record: shoji was not running, or the instance was stopped';
  return `  ${utc(u.from)} to ${utc(u.to)} (${hours(span(u), 1)} h), ${what}`;
}

/** The line items that change when the time between boots is billed. */
function upperLines(bill: MonthBill, p: Priced): string[] {
  const c = bill.upper.cost;
  const lines = [
    row('Upper bound', `with the ${hours(sub(bill.upper.seconds, bill.lower.seconds), 1)} h between boots billed as running (reboots):`),
    `  Compute      ${hours(int(c.billedSeconds), 6)} h @ ${usd(p.usdPerHour)}/h = ${usd(c.computeUsd, 6)}`,
  ];
  if (bill.upper.input.publicIpv4) lines.push(`  Public IPv4  ${groupThousands(toFixed(c.ipv4Hours, 6))} h = ${usd(c.publicIpv4Usd, 6)}`);
  if (bill.upper.input.ebs) lines.push(`  EBS          ${groupThousands(toFixed(c.ebsGbMonths, 6))} GB-months = ${usd(c.ebsUsd, 6)}`);
  lines.push(`  Total        ${approxUsd(c.totalUsd)} (${usd(c.totalUsd)})`);
  return lines;
}

export function renderMonthDetail(e: Estimate, bill: MonthBill): string {
  const me = monthEstimate(e, bill);
  const m = me.main;
  const out: string[] = [`Estimated cost on Amazon EC2 ${period(bill)}, as the bill counts it (an estimate: see the assumptions)`];
  if (e.notModelled) out.push(row('Region', `${e.region} is not modelled (${e.notModelled.why}): the figures are at ${e.notModelled.basis}`));
  out.push(row('This host', identityLine(e)));
  if (e.mode === 'ec2') out.push(row('Instance', `${what(m)}${m.spot ? '' : ' on-demand'}, Linux`));
  else if (e.mode === 'what-if') out.push(row('Instance', `${what(m)}${m.spot ? '' : ' on-demand'}, Linux (what if this host were one)`));
  else out.push(row('Instance', `${what(m)}, the cheapest fit for this host`));
  out.push(row('Prices', rateSource(m)));
  const to = bill.when === 'current' ? `${utc(bill.until)} (now)` : utc(bill.until);
  out.push(row('Month', `${bill.month}: ${utc(bill.start)} to ${to}`));

  out.push(row('Boots', bill.boots.length === 0 ? 'none recorded in the month' : `${bill.boots.length} counted (time and traffic within the month)`));
  bill.boots.forEach((b, i) => {
    const began = b.beganBefore ? ', began before the month' : '';
    out.push(`  ${i + 1}. ${b.bootId}: booted ${utc(b.bootTime)}${began}, last seen ${utc(b.lastSeen)}`);
    const on = b.interfaces.length > 0 ? ` on ${b.interfaces.join(', ')}` : '';
    out.push(`     ${hours(b.seconds, 6)} h in the month; sent ${bytesGb(b.txBytes)}, received ${bytesGb(b.rxBytes)}${on}`);
  });
  const between = bill.unseen.filter((u) => u.kind === 'between-boots');
  const unrecorded = bill.unseen.filter((u) => u.kind === 'unrecorded');
  out.push(
    row(
      'Reboot/stop',
      between.length === 0
        ? 'no time between boots in the month'
        : 'between boots a reboot keeps billing, a stop does not, and shoji cannot tell them apart: counted as stopped (the lower bound)',
    ),
  );
  for (const u of between) out.push(unseenLine(u));
  if (unrecorded.length > 0) {
    out.push(row('Not seen', 'shoji has no record of these stretches (in neither bound):'));
    for (const u of unrecorded) out.push(unseenLine(u));
  }
  out.push(
    row(
      'Traffic',
      `sent ${bytesGb(bill.txBytes)}, received ${bytesGb(bill.rxBytes)} in the month${bill.trafficLowerBound ? ': a lower bound, as part of the month was not seen' : ''}`,
    ),
  );
  out.push(...breakdown(me, m));
  if (bill.boundsDiffer) out.push(...upperLines(bill, m));
  if (me.notes.length > 0) {
    out.push('Notes');
    for (const n of me.notes) out.push(`  - ${n}`);
  }
  out.push('Assumptions');
  for (const a of me.assumptions) out.push(`  - ${a}`);
  return `${out.join('\n')}\n`;
}

const num = (x: Q) => toNumber(x);

function boundJson(f: MonthFigure): Record<string, unknown> {
  const c = f.cost;
  return {
    seconds: num(f.seconds),
    billedSeconds: Number(c.billedSeconds),
    computeUsd: num(c.computeUsd),
    networkOutUsd: num(c.egress.usd),
    publicIpv4Usd: num(c.publicIpv4Usd),
    ebsUsd: num(c.ebsUsd),
    totalUsd: num(c.totalUsd),
  };
}

/** The estimate's JSON keys, with the month's lower-bound figures, plus the month's own. */
export function renderMonthJson(e: Estimate, bill: MonthBill): string {
  const doc = jsonDoc(monthEstimate(e, bill));
  Object.assign(doc, {
    month: bill.month,
    monthStart: iso(bill.start),
    monthEnd: iso(bill.end),
    now: iso(bill.now),
    countedUntil: iso(bill.until),
    monthState: bill.when,
    betweenBoots: 'stopped',
    bounds: { lower: boundJson(bill.lower), upper: boundJson(bill.upper), differ: bill.boundsDiffer },
    trafficLowerBound: bill.trafficLowerBound,
    boots: bill.boots.map((b) => ({
      bootId: b.bootId,
      bootTime: iso(b.bootTime),
      lastSeen: iso(b.lastSeen),
      beganBeforeMonth: b.beganBefore,
      secondsInMonth: num(b.seconds),
      txBytes: Number(b.txBytes),
      rxBytes: Number(b.rxBytes),
      interfaces: b.interfaces,
      counterResets: b.counterResets,
    })),
    unseen: bill.unseen.map((u) => ({ from: iso(u.from), to: iso(u.to), seconds: num(span(u)), kind: u.kind })),
    splitGaps: bill.splitGaps.map((g) => ({ from: iso(g.from), to: iso(g.to) })),
  });
  return `${JSON.stringify(doc, null, 2)}\n`;
}
