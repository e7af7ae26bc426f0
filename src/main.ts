/**
 * shoji's entry point (bundled to dist/shoji.cjs; bin/shoji and bin/ec2-cost load it).
 *
 * The commands a status line runs (`status`, `ec2-cost`, the daemons) are parsed with the
 * zero-cost parser; anything else, and every --help or completion request, goes to yargs,
 * which is only loaded then (see src/cli/spec.ts for why).
 */
import { COMMANDS, FAST_COMMANDS } from './cli/commands.js';
import { asciiOutputUnlessUtf8 } from './cli/output.js';
import { isUsageError, parseFast } from './cli/spec.js';
import { escapeControlLines } from './render/sanitize.js';
import { runtimeRefusals } from './core/paths.js';
import { escapeControl } from './render/sanitize.js';

const YARGS_ONLY = /^(--help|-h|--version|--get-yargs-completions|completion)$/;

export async function main(argv: string[]): Promise<number> {
  asciiOutputUnlessUtf8(process.env);
  const [name, ...rest] = argv;
  const spec = COMMANDS.find((c) => c.command.split(' ')[0] === name);
  if (spec && FAST_COMMANDS.has(name) && !rest.some((a) => YARGS_ONLY.test(a))) {
    return spec.run(parseFast(spec, rest));
  }
  const { runYargs } = await import('./cli/yargs.js');
  return runYargs(argv);
}

function finish(code: number): void {
  // A runtime folder refused on the way (another user's /tmp/shoji-UID): say so, once per run.
  for (const line of runtimeRefusals) process.stderr.write(`shoji: ${escapeControl(line)}\n`);
  // Exit now: a module's stray timer must never keep a one-shot call alive. Writes to
  // stdout and stderr are synchronous on Linux for files, pipes and terminals alike.
  process.exit(code);
}

main(process.argv.slice(2)).then(finish, (err: unknown) => {
  // A message may quote what it was given (an option, a file's content): escapes shown, not run.
  if (isUsageError(err)) {
    process.stderr.write(`shoji: ${escapeControlLines(err.message)}\n`);
    finish(2);
    return;
  }
  process.stderr.write(`shoji: ${escapeControlLines(err instanceof Error ? err.message : String(err))}\n`);
  if (process.env.SHOJI_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  finish(1);
});
