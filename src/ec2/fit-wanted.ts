/**
 * Whether this run shows right-sizing, decided without loading its code: `--fit` always; `--detail`
 * (the since-boot report) only once shoji has recorded usage on this host (one stat of the usage
 * folder), so a host that never ran a long-lived process gets the report as before, as fast.
 */
import { existsSync } from 'node:fs';
import { usageDir } from './usage/dir.js';

/** The command's parsed options (src/cli/spec.ts's ParsedArgs, which only run.ts may name). */
type Args = Readonly<Record<string, unknown>>;

export function fitWanted(args: Args, env: NodeJS.ProcessEnv): boolean {
  if (args.fit) return true;
  return args.detail === true && args.month === undefined && existsSync(usageDir(env));
}
