/**
 * Whether this run shows right-sizing, decided without loading its code: `--fit` always; `--detail`
 * (the since-boot report) only once shoji has recorded usage on this host (one stat of the usage
 * folder), so a host that never ran a long-lived process gets the report as before, as fast. And
 * the options `--fit` has no use for, refused rather than silently ignored.
 */
import { existsSync } from 'node:fs';
import { EstimateError } from './errors.js';
import { HERE_FLAGS } from './here-wanted.js';
import { usageDir } from './usage/dir.js';

/** The command's parsed options (src/cli/spec.ts's ParsedArgs, which only run.ts may name). */
type Args = Readonly<Record<string, unknown>>;

export function fitWanted(args: Args, env: NodeJS.ProcessEnv): boolean {
  if (args.fit) return true;
  return args.detail === true && args.month === undefined && existsSync(usageDir(env));
}

const SINCE_BOOT = 'the since-boot estimate, not --fit (which prices instance types only, on demand, for a month)';
const BY_SIZE = "the off-EC2 estimate's cheapest types by size, not --fit (which sizes to what this host used: --headroom adds to it)";
const HERE = '--detail or --json (here versus EC2), not --fit';

/** What each option --fit makes no use of goes with instead. */
const NOT_WITH_FIT: Readonly<Record<string, string>> = {
  'spot-price': 'the since-boot estimate, not --fit (which compares on-demand prices)',
  vcpus: BY_SIZE,
  'memory-gib': BY_SIZE,
  'ebs-gb': SINCE_BOOT,
  'free-tier': SINCE_BOOT,
  'public-ipv4': SINCE_BOOT,
  uptime: SINCE_BOOT,
  'tx-bytes': SINCE_BOOT,
  'rx-bytes': SINCE_BOOT,
  interfaces: SINCE_BOOT,
  ...Object.fromEntries(HERE_FLAGS.map((f) => [f, HERE])),
};

/**
 * An option given with --fit that the fit does not use is a usage error naming what it goes with.
 * `--free-tier` counts when on (--no-free-tier is the default anyway); `--ebs-type` when it is
 * not its default, gp3 (the parsed options cannot tell `--ebs-type gp3` from nothing).
 */
export function checkFitFlags(args: Args): void {
  for (const [name, goesWith] of Object.entries(NOT_WITH_FIT)) {
    const value = args[name];
    const given = name === 'free-tier' ? value === true : value !== undefined;
    if (given) throw new EstimateError(`--${name} goes with ${goesWith}`, 'usage');
  }
  if (args['ebs-type'] !== undefined && args['ebs-type'] !== 'gp3') throw new EstimateError(`--ebs-type goes with ${SINCE_BOOT}`, 'usage');
}
