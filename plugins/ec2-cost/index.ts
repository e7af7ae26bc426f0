/**
 * ec2-cost — what this machine has cost on Amazon EC2 since boot: "~$31.26".
 *
 * | option           | default | meaning                                                         |
 * |------------------|---------|-----------------------------------------------------------------|
 * | estimate_off_ec2 | false   | off EC2, show what this host would cost there (cheapest fit)    |
 * | instance_type    | (none)  | price as this type instead (a what-if, on or off EC2)           |
 * | region           | (none)  | price in this region (default: the instance's, else us-east-1)  |
 * | free_tier        | false   | apply the account-wide 100 GB monthly free egress to this host  |
 * | public_ipv4      | (auto)  | count a public IPv4 address (default: on EC2, whether it has one)|
 * | ebs_gb           | 0       | GB of EBS volumes to count                                      |
 * | ebs_type         | gp3     | their type (gp3, gp2, io1, io2, st1, sc1, standard)             |
 * | interfaces       | []      | interfaces to count; empty = the default route's                |
 * | priority         | 30      | kept longer than lower ones on a narrow line                    |
 *
 * Hidden off EC2 unless estimate_off_ec2 is set. Whether this is EC2 is decided from DMI files;
 * the metadata service is asked at most once per boot (its answer is cached by boot id and
 * kept in the memo), so a collect never does network I/O after the first. The estimate code
 * is loaded on the first collect only. `ec2-cost --detail` explains every number.
 * data: { totalUsd, hourlyRateUsd, hourlyTotalUsd, per30DaysUsd, instanceType, region, onEc2,
 * mode, spot, uptimeSeconds, priceSource, pricesAsOf, regionModelled, estimate: true }.
 */
import { defineModule } from '../../src/core/contract.js';
import { detect } from '../../src/ec2/detect.js';
import type { Identity } from '../../src/ec2/identify.js';

export interface Ec2CostOptions {
  estimate_off_ec2: boolean;
  instance_type?: string;
  region?: string;
  free_tier: boolean;
  public_ipv4?: boolean;
  ebs_gb: number;
  ebs_type: 'gp3' | 'gp2' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';
  interfaces: string[];
}

export interface Ec2CostData {
  totalUsd: number;
  hourlyRateUsd: number;
  hourlyTotalUsd: number;
  per30DaysUsd: number;
  instanceType: string;
  region: string;
  onEc2: boolean;
  mode: 'ec2' | 'what-if' | 'off-ec2';
  spot: boolean;
  uptimeSeconds: number;
  priceSource: string;
  pricesAsOf: string | null;
  /** false for China, GovCloud without refreshed prices, or a region shoji has no data for. */
  regionModelled: boolean;
  estimate: true;
}

/** Who this instance is, learnt once (files, then at most one IMDS lookup per boot). */
export interface Ec2CostMemo {
  identity: Identity;
}

export default defineModule<Ec2CostOptions, Ec2CostData, Ec2CostMemo>({
  id: 'ec2-cost',
  description: 'estimated Amazon EC2 cost since boot (hidden off EC2 unless asked)',
  options: {
    schema: {
      type: 'object',
      properties: {
        estimate_off_ec2: { type: 'boolean' },
        instance_type: { type: 'string', minLength: 1 },
        region: { type: 'string', minLength: 1 },
        free_tier: { type: 'boolean' },
        public_ipv4: { type: 'boolean' },
        ebs_gb: { type: 'number', minimum: 0, maximum: 1000000 },
        ebs_type: { enum: ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'] },
        interfaces: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
      additionalProperties: false,
    },
    defaults: { estimate_off_ec2: false, free_tier: false, ebs_gb: 0, ebs_type: 'gp3', interfaces: [] },
  },
  interval: 60,
  timeoutMs: 5000,
  priority: 30,
  // Files only: a host whose DMI rules EC2 out never loads the estimator.
  available: (ctx) => ctx.options.estimate_off_ec2 || ctx.options.instance_type !== undefined || detect(ctx.sysRoot).verdict !== 'no',
  async collect(ctx, memo) {
    // One lazily loaded bundle: the estimator costs nothing until this module first runs.
    const { collectEc2Cost } = await import('../../src/ec2/status-reading.js');
    return collectEc2Cost(ctx, memo);
  },
});
