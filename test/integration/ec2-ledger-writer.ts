/**
 * A ledger writer for test/integration/ec2-ledger.test.ts, bundled by it into a scratch folder and
 * run as a real process: records the samples a plan file lists, one after another and as fast as
 * it can, and prints "<index> <status>" once each recordSample has returned (so a line printed is
 * a sample the store must hold, whenever the process is killed after it).
 *
 *   node writer.cjs <state dir> <plan.json>   where plan.json is [{ bootId, bootTime, at, tx }]
 */
import { readFileSync, writeSync } from 'node:fs';
import { recordSample } from '../../src/ec2/ledger/store.js';

interface Planned {
  bootId: string;
  bootTime: number;
  at: number;
  tx: string;
}

const [stateDir, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Planned[];
const env = { SHOJI_STATE_DIR: stateDir };
plan.forEach((p, i) => {
  const tx = BigInt(p.tx);
  const outcome = recordSample(env, { bootId: p.bootId, bootTime: p.bootTime, at: p.at, counters: new Map([['eth0', { rx: tx * 2n, tx }]]) });
  writeSync(1, `${i} ${outcome.status}${outcome.status === 'failed' ? ` ${outcome.reason}` : ''}\n`);
});
