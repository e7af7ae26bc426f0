/**
 * ec2-cost — what this machine has cost on Amazon EC2 since boot: "~$31.26"; with `show: month`,
 * in the UTC month to date from what shoji recorded across boots: "~$41.20 Nov" ("≥$41.20 Nov"
 * when the time between boots may have been billed too, a reboot rather than a stop).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Hidden off EC2 unless estimate_off_ec2 is set. Whether this is EC2 is decided from DMI files;
 * the metadata service is asked at most once per boot (its answer is cached by boot id and
 * kept in the memo), so a collect never does network I/O after the first. The estimate code
 * is loaded on the first collect only. `ec2-cost --detail` explains every number.
 *
 * The month to date (ledger/, month.ts) is read and priced with `show: month` and in the
 * long-lived processes, whose data the exporter publishes (shoji_ec2_cost_month_to_date_usd); a
 * one-shot `shoji status` showing the cost since boot does not read the ledger for it.
 *
 * With `refresh_prices` set, the long-lived processes (tmux daemon, dashboard, exporter) also
 * download the instance's region's prices in the background when the cached ones are older
 * than that (src/ec2/refresh/background.ts; docs/ec2-cost.md); a one-shot `shoji status` never does.
 */
import { defineModule } from '../../src/core/contract.js';
import { detect } from '../../src/ec2/detect.js';
import { type Ec2CostOptions, ec2CostOptions } from '../../src/ec2/options.js';
import { type Ec2CostData, ec2CostData, ec2CostMetrics } from '../../src/ec2/data.js';
import type { Ec2CostMemo } from '../../src/ec2/status-reading.js';

export default defineModule<Ec2CostOptions, Ec2CostData, Ec2CostMemo>({
  id: 'ec2-cost',
  description: 'estimated Amazon EC2 cost since boot or this month (hidden off EC2 unless asked)',
  options: ec2CostOptions,
  data: ec2CostData,
  metrics: ec2CostMetrics,
  interval: 60,
  timeoutMs: 5000,
  priority: 30,
  // Files only: a host whose DMI rules EC2 out never loads the estimator.
  async available(ctx) {
    const shown = ctx.options.estimate_off_ec2 || ctx.options.instance_type !== undefined || detect(ctx.sysRoot).verdict !== 'no';
    // Off EC2 the module shows nothing, but a long-lived process still records what the host
    // does each minute (src/ec2/ledger/collect.ts): `ec2-cost --fit` and the here-versus-EC2
    // comparison size an instance from that record, on any host. The one-shot path records nothing.
    if (!shown && ctx.longLived) (await import('../../src/ec2/ledger/collect.js')).keepRecording(ctx);
    return shown;
  },
  async collect(ctx, memo) {
    // One lazily loaded bundle: the estimator costs nothing until this module first runs.
    const { collectEc2Cost } = await import('../../src/ec2/status-reading.js');
    const collected = await collectEc2Cost(ctx, memo);
    // refresh_prices: in a long-lived process only, never on `shoji status`'s path, which
    // therefore never loads the refresh code either.
    if (ctx.longLived && ctx.options.refresh_prices !== undefined) {
      const { refreshInBackground } = await import('../../src/ec2/refresh/background.js');
      refreshInBackground(ctx, collected.memo?.identity);
    }
    return collected;
  },
});
