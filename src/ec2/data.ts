/**
 * What the ec2-cost module (plugins/ec2-cost) publishes, declared here in the domain folder
 * because its collect (status-reading.ts) builds it, and nothing under src/ imports plugins/.
 * Light on purpose: the plugin imports it at start-up, the estimator only when it first runs.
 */
import * as T from 'typebox';
import { type DataOf, declareData } from '../core/data.js';
import { byField, declareMetrics, gauge, type MetricsDeclaration } from '../core/metrics.js';

/** When the month fields are worked out, said once in the docs (modules.md) beside `month`. */
const MONTH_WHEN =
  'The month fields are worked out in the long-lived processes (tmux daemon, dashboard, exporter) and with `show: month`; null otherwise (a one-shot `shoji status` without `show: month` does not read the ledger) and when the ledger cannot be read';

export const ec2CostData = declareData(
  () => ({
    totalUsd: T.Number({ unit: 'US dollars', description: 'Cost since boot: instance, traffic, public IPv4, EBS' }),
    hourlyRateUsd: T.Number({ unit: 'US dollars/hour', description: 'The instance alone (the spot price when given)' }),
    hourlyTotalUsd: T.Number({ unit: 'US dollars/hour', description: 'Everything billed by the hour: instance, public IPv4, EBS' }),
    per30DaysUsd: T.Number({ unit: 'US dollars', description: '30 days at the same rates and the since-boot traffic rate' }),
    instanceType: T.String({ description: 'The instance type priced' }),
    region: T.String({ description: 'The region priced' }),
    onEc2: T.Boolean({ description: 'Whether this machine is an EC2 instance' }),
    mode: T.Enum(['ec2', 'what-if', 'off-ec2'], {
      description: 'This instance; priced as `instance_type`; or the cheapest type that fits this host',
    }),
    spot: T.Boolean({ description: 'Priced as a spot instance' }),
    uptimeSeconds: T.Number({ unit: 'seconds', description: 'Uptime the total covers' }),
    priceSource: T.String({ description: 'Where the instance price came from (`shoji catalogue`, `spot price`...)' }),
    pricesAsOf: T.Union([T.String(), T.Null()], { unit: 'date (YYYY-MM-DD)', description: 'Date of the prices; null for a given spot price' }),
    regionModelled: T.Boolean({
      description:
        "false for a region shoji has no prices for, such as China or GovCloud without refreshed prices (the figures are then at another region's prices)",
    }),
    estimate: T.Literal(true, { description: 'Always true: these are estimates, not a bill' }),
    computeUsd: T.Number({ unit: 'US dollars', description: 'The instance since boot: per second, 60 s at least' }),
    egressUsd: T.Number({ unit: 'US dollars', description: 'Internet egress since boot (every byte sent, tiered)' }),
    publicIpv4Usd: T.Number({ unit: 'US dollars', description: 'The public IPv4 address since boot; 0 without one' }),
    ebsUsd: T.Number({ unit: 'US dollars', description: 'EBS storage (`ebs_gb`) since boot; 0 without' }),
    hourlyPublicIpv4Usd: T.Number({ unit: 'US dollars/hour', description: 'The public IPv4 address; 0 without one' }),
    hourlyEbsUsd: T.Number({ unit: 'US dollars/hour', description: 'EBS storage (`ebs_gb`); 0 without' }),
    arch: T.Union([T.Enum(['x86_64', 'arm64']), T.Null()], { description: "The priced instance type's architecture; null when the catalogue does not say" }),
    availabilityZone: T.Union([T.String(), T.Null()], {
      description: "This instance's availability zone (`us-east-1a`), from the metadata service; null when unknown or not on EC2",
    }),
    instanceId: T.Union([T.String(), T.Null()], {
      description: "This instance's id (`i-0abc...`), from DMI or the metadata service; null when unknown or not on EC2",
    }),
    providerId: T.String({
      description: 'The instance as Kubernetes and OpenCost name it, `aws:///<availabilityZone>/<instanceId>`; empty unless on EC2 with both known',
    }),
    month: T.Union([T.String(), T.Null()], {
      unit: 'month (YYYY-MM)',
      description: `The UTC month the month-to-date fields count (as \`ec2-cost --month\`). ${MONTH_WHEN}`,
    }),
    monthToDateUsd: T.Union([T.Number(), T.Null()], {
      unit: 'US dollars',
      description: 'The month to date as shoji saw it running (the lower bound: time between boots counted as stopped); the sum of the four month components',
    }),
    monthToDateUpperUsd: T.Union([T.Number(), T.Null()], {
      unit: 'US dollars',
      description:
        'The month to date with the time between boots billed as running (a reboot, not a stop): the upper bound; equal to `monthToDateUsd` when there was none',
    }),
    monthComputeUsd: T.Union([T.Number(), T.Null()], { unit: 'US dollars', description: 'The instance in the month to date (lower bound)' }),
    monthEgressUsd: T.Union([T.Number(), T.Null()], {
      unit: 'US dollars',
      description: 'Internet egress in the month to date, tiered per month (the free allowance with `free_tier`)',
    }),
    monthPublicIpv4Usd: T.Union([T.Number(), T.Null()], {
      unit: 'US dollars',
      description: 'The public IPv4 address in the month to date (lower bound); 0 without one',
    }),
    monthEbsUsd: T.Union([T.Number(), T.Null()], { unit: 'US dollars', description: 'EBS storage (`ebs_gb`) in the month to date (lower bound); 0 without' }),
  }),
  {
    description:
      'Published with every reading: on EC2, or off it with `estimate_off_ec2` or `instance_type`. Every amount is an estimate in US dollars, not a bill.',
  },
);
export type Ec2CostData = DataOf<typeof ec2CostData>;

/** Kubernetes' (and so OpenCost's) names for the architectures: its `arch` label. */
const KUBERNETES_ARCH = { x86_64: 'amd64', arm64: 'arm64' } as const;

/** Midnight UTC of a YYYY-MM-DD date, in seconds since the epoch; null for anything else. */
function dateSeconds(date: string | null): number | null {
  if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/**
 * What the ec2-cost module exports: the instance's hourly price under OpenCost's name and labels
 * (so OpenCost's dashboards read it unchanged), then shoji's own series: the hourly rates and the
 * cost since boot by component (summed over `component`, the cost since boot is `totalUsd`), the
 * UTC month to date by component (its lower bound, what shoji saw running), the month's upper
 * bound and the month's start (none while the month is not worked out: the data's `month` says
 * when it is), what was priced, and the date of the prices.
 *
 * OpenCost's series only when the estimate is this instance's (mode `ec2`): OpenCost's dashboards
 * add node_total_hourly_cost up into a real bill, and a what-if (`instance_type` off EC2) or the
 * cheapest fit of a machine that is not on EC2 would count there as an instance that runs. Those
 * estimates keep shoji's own series, whose shoji_ec2_cost_info says which `mode` they are.
 */
export const ec2CostMetrics: MetricsDeclaration<Ec2CostData> = declareMetrics(() => [
  gauge(
    'node_total_hourly_cost',
    "OpenCost's name: this EC2 instance's own hourly price in US dollars (shoji's estimate; the spot price when given); none for a what-if or off EC2",
    {
      field: 'hourlyRateUsd',
      read: (d) => (d.mode === 'ec2' ? d.hourlyRateUsd : null),
      labels: {
        instance_type: (d) => d.instanceType,
        region: (d) => d.region,
        arch: (d) => (d.arch === null ? '' : KUBERNETES_ARCH[d.arch]),
        provider_id: (d) => d.providerId,
      },
    },
  ),
  byField('gauge', 'shoji_ec2_hourly_cost_usd', 'What accrues by the hour, in US dollars per hour, by component', 'component', {
    compute: 'hourlyRateUsd',
    public_ipv4: 'hourlyPublicIpv4Usd',
    ebs: 'hourlyEbsUsd',
  }),
  byField('gauge', 'shoji_ec2_cost_since_boot_usd', 'Estimated cost since boot in US dollars, by component; their sum is the total', 'component', {
    compute: 'computeUsd',
    egress: 'egressUsd',
    public_ipv4: 'publicIpv4Usd',
    ebs: 'ebsUsd',
  }),
  byField(
    'gauge',
    'shoji_ec2_cost_month_to_date_usd',
    'Estimated cost in the UTC month to date in US dollars, by component, as shoji saw the instance running (the lower bound); their sum is the total',
    'component',
    { compute: 'monthComputeUsd', egress: 'monthEgressUsd', public_ipv4: 'monthPublicIpv4Usd', ebs: 'monthEbsUsd' },
  ),
  gauge(
    'shoji_ec2_cost_month_to_date_upper_bound_usd',
    'Estimated cost in the UTC month to date in US dollars with the time between boots billed as running (a reboot rather than a stop); equal to the sum of shoji_ec2_cost_month_to_date_usd when there was none',
    'monthToDateUpperUsd',
  ),
  gauge('shoji_ec2_cost_month_start_timestamp_seconds', 'The first second of the UTC month the month-to-date series count', {
    field: 'month',
    read: (d) => (d.month === null ? null : dateSeconds(`${d.month}-01`)),
  }),
  gauge('shoji_ec2_cost_info', 'What the estimate prices: the instance type, region, mode (ec2, what-if, off-ec2), spot, where the price came from; always 1', {
    read: () => 1,
    labels: {
      instance_type: (d) => d.instanceType,
      region: (d) => d.region,
      mode: (d) => d.mode,
      spot: (d) => String(d.spot),
      price_source: (d) => d.priceSource,
    },
  }),
  gauge('shoji_ec2_prices_as_of_timestamp_seconds', 'The date of the prices used (midnight UTC); none for a given spot price', {
    field: 'pricesAsOf',
    read: (d) => dateSeconds(d.pricesAsOf),
  }),
]);
