/**
 * The three ways an estimate is shown, as pure functions of it: the one-line default, the
 * --detail report (every line "quantity @ rate = cost", the price source and date, the
 * assumptions) and --json. Money is rounded here and only here.
 */
import type { Estimate, Priced } from './estimate.js';
import { UPTIME_FROM_WORDS } from './host.js';
import { BYTES_PER_GB, type TierLine } from './model.js';
import { cmp, div, groupThousands, int, isZero, toFixed, toNumber, toPlain, usd, ZERO, type Q } from './money.js';
import { PUBLIC_IPV4_USD_PER_HOUR } from './rates.js';
import { SPOT_PRODUCT } from './spot-cache.js';
import type { SpotLookup } from './spot.js';

/** "~$31.26"; "<$0.01" for a few seconds of a small instance, never a misleading "$0.00". */
export function approxUsd(q: Q): string {
  if (!isZero(q) && cmp(q, { n: 1n, d: 200n }) < 0) return '<$0.01';
  return `~${usd(q, 2)}`;
}

export function hours(seconds: Q, digits: number): string {
  return groupThousands(toFixed(div(seconds, int(3600)), digits));
}

export function gb(q: Q): string {
  return `${groupThousands(toFixed(q, 6))} GB`;
}

/** "m7i.large us-east-1", with "spot" when it is one. */
export function what(p: Priced): string {
  return `${p.instanceType}${p.spot ? ' spot' : ''} ${p.region}`;
}

/**
 * "~$31.26 since boot · m7i.large us-east-1 · 303.0 h". For a region shoji does not model,
 * what the figure is at stands beside it and why at the end, so the line is never read as
 * that region's cost: "~$31.26 at us-east-1 rates since boot · … · cn-north-1 not modelled: …".
 */
export function renderOneLine(e: Estimate): string {
  const m = e.main;
  const up = `${hours(m.cost.uptimeSeconds, 1)} h`;
  const total = `${approxUsd(m.cost.totalUsd)}${e.notModelled ? ` at ${e.notModelled.basis}` : ''}`;
  const tail = e.notModelled ? ` · ${e.region} not modelled: ${e.notModelled.why}` : '';
  if (e.mode === 'ec2') return `${total} since boot · ${what(m)} · ${up}${tail}`;
  if (e.mode === 'what-if') return `${total} since boot as ${what(m)} (not EC2) · ${up}${tail}`;
  const whose = e.identity.onEc2 ? 'cheapest fit; the instance type is unknown' : 'cheapest fit, not EC2';
  return `${total} since boot as ${what(m)} (${whose}) · ${up}${tail}`;
}

const W = 13;
export const row = (label: string, value: string) => `${label.padEnd(W)}${value}`;

/** "2026-11-30 23:05 UTC" from an ISO 8601 time. */
function minuteUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "spot price $0.0312/h in us-east-1a, as of 2026-11-30 23:05 UTC"; null when no spot price was looked up. */
export function spotPriceLabel(l: SpotLookup | null): string | null {
  if (!l?.price || !l.key || !l.checkedAt) return null;
  return `spot price $${l.price.usdPerHour}/h in ${l.key.availabilityZone}, as of ${minuteUtc(l.checkedAt)}`;
}

/** Where the instance's hourly rate came from: the spot price given or looked up, else the price list. */
export function rateSource(p: Priced): string {
  if (p.spotPriceGiven) return 'spot price given with --spot-price';
  return spotPriceLabel(p.spotLookup) ?? `${p.quote.source}, ${p.quote.pricedRegion}, as of ${p.quote.asOf}`;
}

/** Where the egress tiers came from: shoji's shipped ones or a refreshed price list, with its date. */
export function egressSource(e: Estimate): string {
  const f = e.transfer.from;
  const what =
    f.kind === 'shipped' ? `${e.transfer.region} internet egress tiers shipped with shoji` : `${e.transfer.region} internet egress tiers from the ${f.source}`;
  return `${what}, as of ${f.asOf}`;
}

/** "first 10,240 GB:", "over 153,600 GB:": the band, ended by a colon so it never runs into the figure after it. */
function tierLabel(t: TierLine): string {
  const size = t.toGb === null ? null : t.toGb - t.fromGb;
  if (size === null) return t.fromGb === 0 ? 'all volume:' : `over ${groupThousands(String(t.fromGb))} GB:`;
  return t.fromGb === 0 ? `first ${groupThousands(String(size))} GB:` : `next ${groupThousands(String(size))} GB:`;
}

/** The line items of one priced estimate. */
export function breakdown(e: Estimate, p: Priced): string[] {
  const c = p.cost;
  const lines: string[] = [];
  lines.push(row('Compute', `${hours(int(c.billedSeconds), 6)} h @ ${usd(p.usdPerHour)}/h = ${usd(c.computeUsd, 6)}`));
  const eg = c.egress;
  const parts: { label: string; gb: Q; rate: Q; usd: Q }[] = [];
  if (e.freeTier) parts.push({ label: 'free allowance:', gb: eg.freeGb, rate: ZERO, usd: ZERO });
  for (const t of eg.tiers) parts.push({ label: tierLabel(t), gb: t.gb, rate: t.usdPerGb, usd: t.usd });
  if (parts.length === 0) {
    const rate = e.transfer.tiers[0].usdPerGb;
    lines.push(row('Network out', `${gb(eg.outGb)} @ ${usd(rate)}/GB = ${usd(ZERO, 6)}`));
  } else if (parts.length === 1 && !e.freeTier) {
    lines.push(row('Network out', `${gb(parts[0].gb)} @ ${usd(parts[0].rate)}/GB = ${usd(parts[0].usd, 6)}`));
  } else {
    lines.push(row('Network out', `${gb(eg.outGb)} = ${usd(eg.usd, 6)}`));
    // Labels and quantities in columns of their own, at least two spaces apart.
    const width = Math.max(...parts.map((p) => p.label.length)) + 2;
    const gbWidth = Math.max(...parts.map((p) => gb(p.gb).length));
    for (const part of parts) lines.push(`  ${part.label.padEnd(width)}${gb(part.gb).padStart(gbWidth)} @ ${usd(part.rate)}/GB = ${usd(part.usd, 6)}`);
  }
  lines.push(row('Network in', `${gb(c.inGb)} @ $0/GB = ${usd(c.networkInUsd, 6)} (inbound is free)`));
  lines.push(
    p.input.publicIpv4
      ? row('Public IPv4', `${groupThousands(toFixed(c.ipv4Hours, 6))} h @ ${usd(PUBLIC_IPV4_USD_PER_HOUR)}/h = ${usd(c.publicIpv4Usd, 6)}`)
      : row('Public IPv4', 'none counted (--public-ipv4 to count one)'),
  );
  lines.push(
    p.input.ebs
      ? row(
          'EBS',
          `${toPlain(p.input.ebs.gb)} GB ${p.input.ebs.type} for ${hours(c.uptimeSeconds, 6)} h = ${groupThousands(toFixed(c.ebsGbMonths, 6))} GB-months @ ${usd(c.ebsUsdPerGbMonth!)}/GB-month = ${usd(c.ebsUsd, 6)}`,
        )
      : row('EBS', 'none counted (--ebs-gb N --ebs-type gp3 to count volumes)'),
  );
  lines.push(row('Total', `${approxUsd(c.totalUsd)} (${usd(c.totalUsd)}${e.freeTier ? '' : '; an upper bound, see assumptions'})`));
  lines.push(row('Rate', `${usd(p.usdPerHour)}/h for the instance; ${approxUsd(p.per30Days)} per 30 days at this traffic rate`));
  return lines;
}

export function identityLine(e: Estimate): string {
  const id = e.identity;
  if (id.onEc2) {
    const bits = [id.detection.platform === 'nitro' ? 'EC2 (Nitro)' : id.detection.platform === 'xen' ? 'EC2 (Xen)' : 'EC2'];
    if (id.instanceId) bits.push(id.instanceId);
    if (id.availabilityZone) bits.push(id.availabilityZone);
    if (id.lifecycle) bits.push(id.lifecycle);
    bits.push(`from ${id.source}`);
    return bits.join(', ');
  }
  return `not EC2 (${id.detection.reason}${id.imdsNote ? `; metadata service: ${id.imdsNote}` : ''})`;
}

/**
 * `here`: the here-versus-EC2 section's lines (here-report.ts, loaded only when asked for); `fit`:
 * the right-sizing section's (fit-report.ts, likewise).
 */
export function renderDetail(e: Estimate, here: readonly string[] = [], fit: readonly string[] = []): string {
  const m = e.main;
  const out: string[] = ['Estimated cost on Amazon EC2 since boot (an estimate: see the assumptions)'];
  if (e.notModelled) out.push(row('Region', `${e.region} is not modelled (${e.notModelled.why}): the figures are at ${e.notModelled.basis}`));
  out.push(row('This host', identityLine(e)));
  if (e.mode === 'ec2') out.push(row('Instance', `${what(m)}${m.spot ? '' : ' on-demand'}, Linux`));
  else if (e.mode === 'what-if') out.push(row('Instance', `${what(m)}${m.spot ? '' : ' on-demand'}, Linux (what if this host were one)`));
  out.push(row('Prices', rateSource(m)));
  if (m.spotLookup?.price) {
    out.push(
      row(
        '',
        `(EC2 DescribeSpotPriceHistory, ${SPOT_PRODUCT}; AWS set it at ${minuteUtc(m.spotLookup.price.setAt)}${m.spotLookup.cached ? '; cached for an hour' : ''}; on-demand ${usd(m.quote.usdPerHour)}/h)`,
      ),
    );
  }
  out.push(row('Egress', egressSource(e)));
  const up = m.cost.uptimeSeconds;
  out.push(
    row(
      'Uptime',
      `${hours(up, 1)} h since boot (${groupThousands(toPlain(up, 2))} s ${UPTIME_FROM_WORDS[e.uptimeFrom]}; billed ${groupThousands(String(m.cost.billedSeconds))} s)`,
    ),
  );
  const from = e.trafficFrom === 'option' ? 'as given' : e.interfaces.length > 0 ? `on ${e.interfaces.join(', ')}` : 'no interface';
  out.push(row('Traffic', `sent ${gb(div(m.input.txBytes, BYTES_PER_GB))}, received ${gb(div(m.input.rxBytes, BYTES_PER_GB))} since boot (${from})`));

  if (e.mode === 'off-ec2' && e.fit) {
    const mem = toFixed(div(int(e.fit.memoryMiB), int(1024)), 1);
    out.push('');
    out.push(
      `Cheapest current types with at least ${e.fit.vcpus} vCPUs and ${mem} GiB${e.fit.arch ? ` (${e.fit.arch})` : ' (any architecture)'} in ${e.region}:`,
    );
    const width = Math.max(...e.candidates.map((c) => c.instanceType.length));
    for (const c of e.candidates) {
      const size = `${c.vcpu} vCPU ${toPlain(div(int(c.memoryMiB ?? 0), int(1024)), 2)} GiB${c.burstable ? ' burstable' : ''}`;
      out.push(
        `  ${c.instanceType.padEnd(width)}  ${size.padEnd(28)} ${`${usd(c.usdPerHour)}/h`.padEnd(12)} ${approxUsd(c.cost.totalUsd)} since boot, ${approxUsd(c.per30Days)} per 30 days`,
      );
    }
    out.push('');
    out.push(`Line items for ${m.instanceType}:`);
  }
  out.push(...breakdown(e, m));
  // One blank line before and after each section, whether or not its lines bring their own.
  for (const section of [fit, here]) {
    const start = section.findIndex((line) => line !== '');
    if (start < 0) continue;
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push(...section.slice(start, section.findLastIndex((line) => line !== '') + 1), '');
  }
  if (e.notes.length > 0) {
    out.push('Notes');
    for (const n of e.notes) out.push(`  - ${n}`);
  }
  out.push('Assumptions');
  for (const a of e.assumptions) out.push(`  - ${a}`);
  return `${out.join('\n')}\n`;
}

const num = (q: Q) => toNumber(q);

export function pricedJson(_e: Estimate, p: Priced): Record<string, unknown> {
  const c = p.cost;
  return {
    instanceType: p.instanceType,
    vcpu: p.vcpu,
    memoryMiB: p.memoryMiB,
    burstable: p.burstable,
    region: p.region,
    spot: p.spot,
    uptimeSeconds: num(c.uptimeSeconds),
    billedSeconds: Number(c.billedSeconds),
    hourlyRateUsd: num(p.usdPerHour),
    hourlyTotalUsd: num(p.hourlyAll),
    computeUsd: num(c.computeUsd),
    txBytes: num(p.input.txBytes),
    rxBytes: num(p.input.rxBytes),
    networkOutGb: num(c.egress.outGb),
    networkInGb: num(c.inGb),
    freeAllowanceGb: num(c.egress.freeGb),
    networkOutTiers: c.egress.tiers.map((t) => ({ fromGb: t.fromGb, toGb: t.toGb, gb: num(t.gb), usdPerGb: num(t.usdPerGb), usd: num(t.usd) })),
    networkOutUsd: num(c.egress.usd),
    networkInUsd: num(c.networkInUsd),
    publicIpv4: p.input.publicIpv4,
    publicIpv4Usd: num(c.publicIpv4Usd),
    ebs: p.input.ebs ? { gb: num(p.input.ebs.gb), type: p.input.ebs.type, usdPerGbMonth: num(c.ebsUsdPerGbMonth!), gbMonths: num(c.ebsGbMonths) } : null,
    ebsUsd: num(c.ebsUsd),
    totalUsd: num(c.totalUsd),
    per30DaysUsd: num(p.per30Days),
    priceSource: p.spotPriceGiven ? 'spot price given with --spot-price' : p.spotLookup?.price ? SPOT_API_SOURCE : p.quote.source,
    pricesAsOf: p.spotPriceGiven ? null : p.spotLookup?.price && p.spotLookup.checkedAt ? p.spotLookup.checkedAt.slice(0, 10) : p.quote.asOf,
    pricedType: p.quote.pricedType,
    pricedRegion: p.quote.pricedRegion,
    ...spotJson(p),
  };
}

/** The --json document as an object (the month report adds its own keys to it). */
export function jsonDoc(e: Estimate, here?: Record<string, unknown>): Record<string, unknown> {
  const id = e.identity;
  const doc: Record<string, unknown> = {
    mode: e.mode,
    onEc2: id.onEc2,
    estimate: true,
    ...pricedJson(e, e.main),
    egressRates: { kind: e.transfer.from.kind, source: e.transfer.from.source, region: e.transfer.region, asOf: e.transfer.from.asOf },
    lifecycle: id.lifecycle,
    availabilityZone: id.availabilityZone,
    instanceId: id.instanceId,
    detection: { verdict: id.detection.verdict, platform: id.detection.platform, reason: id.detection.reason, source: id.source, imds: id.imdsNote ?? null },
    interfaces: e.interfaces,
    freeTier: e.freeTier,
    regionModelled: e.notModelled === null,
    notModelled: e.notModelled,
    gbBytes: 2 ** 30,
    notes: e.notes,
    assumptions: e.assumptions,
  };
  if (e.mode === 'off-ec2') {
    doc.fit = e.fit;
    doc.candidates = e.candidates.map((c) => pricedJson(e, c));
  }
  // Here versus EC2 (here-report.ts's hereJson): the since-boot report passes it, the month report does not.
  if (here) Object.assign(doc, here);
  return doc;
}

/** priceSource of a spot price looked up with DescribeSpotPriceHistory. */
export const SPOT_API_SOURCE = 'EC2 DescribeSpotPriceHistory';

/**
 * Where a spot instance's rate came from: spotPriceSource is null on an on-demand instance,
 * else "given" (--spot-price), "DescribeSpotPriceHistory" or "on-demand upper bound" (with
 * spotPriceProblem saying why); spotPrice is the looked-up price and what it is the price of.
 */
function spotJson(p: Priced): Record<string, unknown> {
  const l = p.spotLookup;
  const source = !p.spot ? null : p.spotPriceGiven ? 'given' : l?.price ? 'DescribeSpotPriceHistory' : 'on-demand upper bound';
  return {
    spotPriceSource: source,
    spotPrice:
      l?.price && l.key
        ? {
            usdPerHour: num(p.usdPerHour),
            region: l.key.region,
            availabilityZone: l.key.availabilityZone,
            instanceType: l.key.instanceType,
            productDescription: SPOT_PRODUCT,
            setAt: l.price.setAt,
            checkedAt: l.checkedAt,
            cached: l.cached,
          }
        : null,
    spotPriceProblem: source === 'on-demand upper bound' ? (l?.problem ?? null) : null,
    onDemandRateUsd: num(p.quote.usdPerHour),
  };
}

export function renderJson(e: Estimate, here?: Record<string, unknown>): string {
  return `${JSON.stringify(jsonDoc(e, here), null, 2)}\n`;
}
