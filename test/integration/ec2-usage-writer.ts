/**
 * A usage recorder for test/integration/ec2-usage.test.ts, bundled by it into a scratch folder and
 * run as a real process: records `count` minute samples of one host whose counters grow at
 * constant rates (0.75 of 2 vCPUs busy, 1000 bytes sent a second), sample i at
 * t0 + 60 i + offset, as fast as it can, printing "<i> <status>" after each. A sample that finds
 * the lock held is tried again (up to 10,000 times): a real process's next sample comes a minute
 * later, when the holder is long done; skipping at this speed would leave gaps of several
 * "minutes" that a real host never has.
 *
 *   node writer.cjs <state dir> <t0> <offset> <count>
 */
import { writeSync } from 'node:fs';
import { recordUsage } from '../../src/ec2/usage/store.js';

const BOOT_OFFSET_S = 86_400;
/** As the test expects: ec2-usage.test.ts. */
const TX_PER_S = 1000;

const [stateDir, t0Text, offsetText, countText] = process.argv.slice(2);
const env = { SHOJI_STATE_DIR: stateDir };
const t0 = Number(t0Text);
const boot = t0 - BOOT_OFFSET_S;
for (let i = 0; i < Number(countText); i++) {
  const at = t0 + 60 * i + Number(offsetText);
  const up = at - boot;
  const record = () =>
    recordUsage(
      env,
      { bootId: 'boot-it', bootTime: boot, at, counters: new Map([['eth0', { rx: 0n, tx: BigInt(TX_PER_S * up), ifindex: 2 }]]) },
      { busyTicks: 75 * up, totalTicks: 200 * up, vcpus: 2, memUsedBytes: 2 ** 30 + i * 2 ** 20, memTotalBytes: 8 * 2 ** 30, rapl: null, batteryWatts: null },
    );
  let outcome = record();
  for (let tries = 0; outcome.status === 'busy' && tries < 10_000; tries++) outcome = record();
  writeSync(1, `${i} ${outcome.status}${outcome.status === 'failed' ? ` ${outcome.reason}` : ''}\n`);
}
