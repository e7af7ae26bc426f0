/**
 * The ec2-cost status module's collect (plugins/ec2-cost), kept here so that the module's own
 * file stays a table of options and the estimator is loaded only when the module runs; and the
 * module's memo type, which the plugin imports as a type only (erased from the bundle), so that
 * the dependency points one way: plugins/ec2-cost -> src/ec2. Its options and data are declared
 * in options.ts and data.ts, which the plugin loads at start-up.
 */
import type { Collected, DetailLine, ModuleContext } from '../core/contract.js';
import { estimate } from './estimate.js';
import { checkIdentity, type Identity } from './identify.js';
import { loadCatalog } from './catalog.js';
import { readyForRecording, recordFromCollect } from './ledger/collect.js';
import { hourlyTotal } from './model.js';
import { dec, toNumber, ZERO, type Q } from './money.js';
import type { Ec2CostData } from './data.js';
import type { Ec2CostOptions } from './options.js';
import { escapeControl } from '../render/sanitize.js';
import { approxUsd, SPOT_API_SOURCE, spotPriceLabel } from './report.js';
import { monthData, monthDetail, monthSegment, monthToDate, type MonthToDate } from './month-to-date.js';
import { forLocale } from '../core/locale.js';

/** Private to the module: who this instance is, learnt once (files, then at most one IMDS lookup per boot). */
export interface Ec2CostMemo {
  identity: Identity;
}

/**
 * Where this instance is, for the exporter's labels: its zone and id (checked by names.ts when
 * they were read) and the two as Kubernetes' and OpenCost's provider id; none off EC2.
 */
function where(identity: Identity | null): Pick<Ec2CostData, 'availabilityZone' | 'instanceId' | 'providerId'> {
  const availabilityZone = identity?.availabilityZone ?? null;
  const instanceId = identity?.instanceId ?? null;
  const providerId = availabilityZone !== null && instanceId !== null ? `aws:///${availabilityZone}/${instanceId}` : '';
  return { availabilityZone, instanceId, providerId };
}

/**
 * The segment's figure: the cost since boot ("~$31.26"), or with `show: month` the month to date
 * ("~$41.20 Nov"); a month the ledger could not give shows the cost since boot marked as such
 * ("~$31.26 boot"), never as the month's.
 */
function segmentFigure(show: Ec2CostOptions['show'], sinceBoot: Q, month: MonthToDate | null): string {
  if (show !== 'month') return approxUsd(sinceBoot);
  return month?.bill ? monthSegment(month.bill) : `${approxUsd(sinceBoot)} boot`;
}

export async function collectEc2Cost(ctx: ModuleContext<Ec2CostOptions>, memo: Ec2CostMemo | undefined): Promise<Collected<Ec2CostData, Ec2CostMemo>> {
  const o = ctx.options;
  // Every collect records what it sees for the month bill (`ec2-cost --month`): a few small file
  // reads and one small write, at least once a minute in a long-lived process; a failure to
  // record never costs the reading.
  if (process.platform !== 'linux') await readyForRecording(ctx); // off Linux: the byte counters first (ledger/record.ts)
  recordFromCollect(ctx);
  const e = await estimate({
    procRoot: ctx.procRoot,
    sysRoot: ctx.sysRoot,
    env: ctx.env,
    signal: ctx.signal,
    // Known from an earlier collect: no file or network lookup again (if it still checks out:
    // the one-shot `shoji status` keeps it in a file between runs).
    identity: checkIdentity(memo?.identity) ?? undefined,
    instanceType: o.instance_type,
    region: o.region,
    freeTier: o.free_tier,
    publicIpv4: o.public_ipv4,
    ebs: o.ebs_gb > 0 ? { gb: dec(o.ebs_gb), type: o.ebs_type } : null,
    interfaces: o.interfaces,
    // Never the network on the status line's clock: the cached spot price, refreshed below.
    spotLookup: 'cache',
  });
  const spot = e.main.spotLookup;
  if (spot?.refreshDue && spot.key) {
    const { refreshSpotInBackground } = await import('./spot.js');
    // The real clock, as the one-shot `ec2-cost` that shares the cache keeps it.
    await refreshSpotInBackground(ctx.env, spot.key, new Date());
  }
  // A metadata lookup that failed for now (an HTTP error, an invalid answer) is tried again at
  // the next collect rather than remembered for the life of the daemon.
  const next: Ec2CostMemo | undefined = e.identity.imdsTransient ? undefined : { identity: e.identity };
  if (e.mode === 'off-ec2' && !o.estimate_off_ec2) return { reading: null, memo: next };

  const m = e.main;
  // The month to date: read and priced where it is shown (show: month) and in the long-lived
  // processes, whose data the exporter and the dashboard publish; a one-shot `shoji status`
  // showing the cost since boot does not read the ledger for it.
  const month: MonthToDate | null =
    o.show === 'month' || ctx.longLived ? monthToDate({ ...ctx.env, SHOJI_STATE_DIR: ctx.stateDir }, e, ctx.wallNow() / 1000) : null;
  const source = m.spotPriceGiven ? 'spot price' : m.spotLookup?.price ? SPOT_API_SOURCE : m.quote.source;
  const detail: DetailLine[] = [
    { label: 'Since boot', value: `${approxUsd(m.cost.totalUsd)} over ${toNumber(m.cost.uptimeSeconds, 0)} s` },
    {
      label: e.mode === 'ec2' ? 'Instance' : 'Priced as',
      value: `${m.instanceType}${m.spot ? ' spot' : ''} in ${m.region}${e.mode === 'ec2' ? '' : e.mode === 'off-ec2' ? ' (cheapest fit, not EC2)' : ' (not EC2)'}`,
    },
    { label: 'Rate', value: `$${toNumber(m.usdPerHour)}/h; ${approxUsd(m.per30Days)} per 30 days at this traffic rate` },
    { label: 'Prices', value: spotPriceLabel(m.spotLookup) ?? `${source}, as of ${m.quote.asOf}` },
    ...e.notes.map((n) => ({ label: 'Note', value: escapeControl(n) })),
  ];
  // Shown: the month first, as the segment is; else after the cost since boot.
  if (month) detail.splice(o.show === 'month' ? 0 : 1, 0, monthDetail(month));
  if (e.notModelled)
    detail.unshift({ label: 'Region', value: `${e.region} is not modelled (${e.notModelled.why}): the figures are at ${e.notModelled.basis}` });
  return {
    reading: {
      // Never a bare figure for a region it is not the cost of.
      text: forLocale(`${segmentFigure(o.show, m.cost.totalUsd, month)}${e.notModelled ? ` (${e.notModelled.basis})` : ''}`, ctx.env),
      state: o.show === 'month' && month?.bill === null ? 'warning' : 'info',
      icon: 'ec2-cost',
      detail,
    },
    data: {
      totalUsd: toNumber(m.cost.totalUsd),
      hourlyRateUsd: toNumber(m.usdPerHour),
      hourlyTotalUsd: toNumber(m.hourlyAll),
      per30DaysUsd: toNumber(m.per30Days),
      instanceType: m.instanceType,
      region: m.region,
      onEc2: e.identity.onEc2,
      mode: e.mode,
      spot: m.spot,
      uptimeSeconds: toNumber(m.cost.uptimeSeconds),
      priceSource: source,
      pricesAsOf: m.spotPriceGiven ? null : m.spotLookup?.price && m.spotLookup.checkedAt ? m.spotLookup.checkedAt.slice(0, 10) : m.quote.asOf,
      regionModelled: e.notModelled === null,
      estimate: true,
      computeUsd: toNumber(m.cost.computeUsd),
      egressUsd: toNumber(m.cost.egress.usd),
      publicIpv4Usd: toNumber(m.cost.publicIpv4Usd),
      ebsUsd: toNumber(m.cost.ebsUsd),
      // The model's hourly total with the other parts zeroed: each part as the total counts it.
      hourlyPublicIpv4Usd: toNumber(hourlyTotal({ ...m.input, usdPerHour: ZERO, ebs: null })),
      hourlyEbsUsd: toNumber(hourlyTotal({ ...m.input, usdPerHour: ZERO, publicIpv4: false })),
      arch: loadCatalog().get(m.instanceType)?.arch ?? null,
      ...where(e.mode === 'ec2' ? e.identity : null),
      ...monthData(month),
    },
    memo: next,
  };
}
