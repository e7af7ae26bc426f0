/**
 * The full command line: every command with --help, and shell completion
 * (`shoji completion >> ~/.bashrc`). Loaded only when needed: yargs is slow to start.
 */
import yargs from 'yargs';
import { COMMANDS } from './commands.js';
import { UsageError, type CommandSpec, type ParsedArgs } from './spec.js';
import { shojiVersion } from '../core/version.js';

const COMPLETION_HELP = `shoji completion

Print a bash/zsh completion script for shoji. Install it with
  shoji completion >> ~/.bashrc     (or ~/.zshrc)

Options:
  -h, --help  Show help
`;

function register(y: ReturnType<typeof yargs>, spec: CommandSpec, setCode: (code: number) => void) {
  const positionals = (spec.positionals ?? []).map((p) => `[${p}]`).join(' ');
  const command = positionals ? `${spec.command.split(' ')[0]} ${positionals}` : spec.command;
  return y.command(
    command,
    spec.describe,
    (cmd) => {
      for (const [name, o] of Object.entries(spec.options)) {
        cmd.option(name, {
          type: o.type,
          describe: o.describe,
          choices: o.choices as string[] | undefined,
          default: o.default,
          alias: o.alias,
          array: o.array,
        });
      }
      return cmd;
    },
    async (argv) => {
      const args = { ...argv, _: argv._.map(String).slice(1) } as unknown as ParsedArgs;
      for (const [name, o] of Object.entries(spec.options)) {
        const v = args[name];
        if (o.type === 'number' && v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
          throw new UsageError(`--${name} must be a number`);
        }
      }
      setCode(await spec.run(args));
    },
  );
}

export async function runYargs(argv: string[]): Promise<number> {
  // yargs answers `completion --help` with the script itself: say what the command does instead.
  if (argv[0] === 'completion' && argv.slice(1).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(COMPLETION_HELP);
    return 0;
  }
  // `shoji` alone: the list of commands, rather than an error that refers to it.
  if (argv.length === 0) argv = ['--help'];
  let code = 0;
  let y = yargs(argv)
    .scriptName('shoji')
    .usage('shoji — a status bar and dashboard for tmux, screen and the terminal\n\nUsage: $0 <command> [options]')
    .strict()
    .demandCommand(1, 'Name a command (shoji --help lists them).')
    .completion('completion', 'Print a bash/zsh completion script')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // From shoji's own package.json: yargs would look for one from the current folder up.
    .version(shojiVersion())
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .wrap(Math.min(100, process.stdout.columns || 100));
  for (const spec of COMMANDS) y = register(y, spec, (c) => (code = c));
  await y.parseAsync();
  return code;
}
