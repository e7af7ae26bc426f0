/** Running the ec2-cost command in-process against a fixture tree, capturing its output. */
import { ec2CostCommand } from '../../../src/cli/ec2-cost.js';
import { parseFast } from '../../../src/cli/spec.js';
import { runEc2Cost } from '../../../src/ec2/run.js';
import type { FixtureTree } from '../../helpers/context.js';

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export function envFor(tree: FixtureTree, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    SHOJI_CACHE_DIR: `${tree.dir}/cache`,
    // Runs that read the host record it in the ledger: the fixture's own, never the runner's.
    SHOJI_STATE_DIR: `${tree.dir}/state`,
    // Never the real network: anything that slips through hits a closed loopback port.
    AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
    // A UTF-8 terminal unless a test says otherwise (under LANG=C the output is ASCII).
    LANG: 'C.UTF-8',
    ...extra,
  };
}

export async function run(tree: FixtureTree, argv: string[], extra: NodeJS.ProcessEnv = {}): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await runEc2Cost(parseFast(ec2CostCommand, argv), {
    env: envFor(tree, extra),
    out: (t) => (out += t),
    err: (t) => (err += t),
    stderrIsTTY: false,
  });
  return { code, out, err };
}

/** The inputs of case A, docs/ec2-cost.md's worked example. */
export const EXAMPLE_A = [
  '--instance-type',
  'm7i.large',
  '--region',
  'us-east-1',
  '--uptime',
  '1090800',
  '--tx-bytes',
  '7.918646GiB',
  '--rx-bytes',
  '68.17GiB',
];
