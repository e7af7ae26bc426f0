/**
 * What the ec2-cost module (plugins/ec2-cost) publishes, declared here in the domain folder
 * because its collect (status-reading.ts) builds it, and nothing under src/ imports plugins/.
 * Light on purpose: the plugin imports it at start-up, the estimator only when it first runs.
 */
import * as T from 'typebox';
import { type DataOf, declareData } from '../core/data.js';

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
  }),
  {
    description:
      'Published with every reading: on EC2, or off it with `estimate_off_ec2` or `instance_type`. Every amount is an estimate in US dollars, not a bill.',
  },
);
export type Ec2CostData = DataOf<typeof ec2CostData>;
