/**
 * The ec2-cost module's options (plugins/ec2-cost), declared here in the domain folder because
 * its collect (status-reading.ts) reads them too, and nothing under src/ imports plugins/.
 */
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../core/options.js';
import { HERE_BOUNDS } from './here-limits.js';
import type { EbsType } from './rates.js';

// rates.ts's EBS_TYPES, written out: importing rates.ts would put its prices in the status bundle.
// `satisfies` refuses a type it does not price; test/unit/module-options.test.ts, one it leaves out.
const EBS_TYPE_NAMES = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'] as const satisfies readonly EbsType[];

/** A here key's bounds, as its flag's (here-limits.ts). */
const bounds = (flag: keyof typeof HERE_BOUNDS) => ({ minimum: HERE_BOUNDS[flag].min, maximum: HERE_BOUNDS[flag].max });

export const ec2CostOptions = declareOptions({
  estimate_off_ec2: T.Boolean({ default: false, description: 'off EC2, show what this host would cost there (cheapest fit)' }),
  instance_type: T.Optional(T.String({ minLength: 1, description: 'price as this type instead (a what-if, on or off EC2)' })),
  region: T.Optional(T.String({ minLength: 1, description: "price in this region (unset: the instance's, else us-east-1)" })),
  free_tier: T.Boolean({ default: false, description: 'apply the account-wide 100 GB monthly free egress to this host' }),
  public_ipv4: T.Optional(T.Boolean({ description: 'count a public IPv4 address (unset: on EC2, whether it has one)' })),
  ebs_gb: T.Number({ minimum: 0, maximum: 1000000, default: 0, description: 'GB of EBS volumes to count' }),
  ebs_type: T.Enum(EBS_TYPE_NAMES, { default: 'gp3', description: "the EBS volumes' type" }),
  interfaces: T.Array(T.String({ minLength: 1 }), { default: [], description: "interfaces to count; empty = the default route's" }),
  show: T.Enum(['boot', 'month'], {
    default: 'boot',
    description: 'what the segment shows: the cost since boot (~$31.26), or the UTC month to date from what shoji recorded across boots (~$41.20 Nov)',
  }),
  refresh_prices: T.Optional(
    T.String({
      pattern: '^[1-9][0-9]{0,3}[hdw]$',
      description: "on EC2, download the region's prices in the background when older than this (12h, 30d, 4w); unset: never",
    }),
  ),
  here: T.Optional(
    T.Object(
      {
        watts: T.Optional(
          T.Number({ ...bounds('here-watts'), description: "the host's average draw in watts, used when shoji measured none (RAPL, battery)" }),
        ),
        kwh_price_usd: T.Optional(T.Number({ ...bounds('kwh-price'), description: 'what a kWh of electricity costs here, USD' })),
        hardware_usd: T.Optional(T.Number({ ...bounds('hardware-usd'), description: "the host's purchase price, USD, amortised over hardware_months" })),
        hardware_months: T.Optional(T.Integer({ ...bounds('hardware-months'), description: 'months to spread the hardware price over' })),
        bandwidth_usd_month: T.Optional(T.Number({ ...bounds('bandwidth-usd-month'), description: 'a monthly bandwidth or hosting bill, USD' })),
      },
      {
        additionalProperties: false,
        description:
          'what keeping this host where it is costs, in USD, for ec2-cost --detail and --json: watts, kwh_price_usd, hardware_usd, hardware_months, bandwidth_usd_month (each flag of the same name overrides its key)',
      },
    ),
  ),
});

export type Ec2CostOptions = OptionsOf<typeof ec2CostOptions>;
