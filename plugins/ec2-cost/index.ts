/**
 * ec2-cost — what this machine has cost on Amazon EC2 since boot: "~$31.26".
 *
 * Options: docs/modules.md, generated from `options` below (npm run docs:modules).
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
import type { Ec2CostData, Ec2CostMemo, Ec2CostOptions } from '../../src/ec2/status-reading.js';

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
