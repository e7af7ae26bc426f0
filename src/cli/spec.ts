/**
 * Commands are declared once, as data, and parsed two ways:
 *
 * - the hot paths (`shoji status`, `ec2-cost`, the daemons) with parseFast below;
 * - everything else, and any `--help` or completion request, goes through yargs.
 *
 * Why: measured here, importing and running yargs adds about 120 ms to a Node start of ~20-50 ms,
 * and `shoji status` must stay within 1.5x `node -e 0`. node:util's parseArgs is no cheaper than
 * this file's few lines either: its first call loads its modules, ~0.5 ms (measured), a tenth of
 * all a one-shot report adds to Node's start. One spec feeds both parsers, so the options, their
 * types and their help text cannot drift apart.
 */

export interface OptionSpec {
  type: 'string' | 'boolean' | 'number';
  describe: string;
  choices?: readonly string[];
  default?: string | boolean | number;
  alias?: string;
  /** May be given several times; the value is then an array. */
  array?: boolean;
  /** A string option that may be given without a value: it is then '' (as yargs gives it). */
  optionalValue?: boolean;
}

export interface CommandSpec {
  /** yargs command string, e.g. "status" or "check [file]". */
  command: string;
  describe: string;
  options: Record<string, OptionSpec>;
  /** Names of positional arguments, in order (optional ones too). */
  positionals?: string[];
  /** Runs the command; resolves to the exit code. */
  run(args: ParsedArgs): Promise<number>;
}

export type ParsedArgs = Record<string, string | boolean | number | string[] | number[] | undefined> & {
  _: string[];
};

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** By name, not instanceof: lazily loaded bundles (yargs, ec2) carry their own copy of the class. */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}

/** A negative number ("-5", "-.5") is a value or a positional, never an option. */
const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * Parse argv (after the command name) against a spec without loading yargs. Strict, in the
 * usual GNU style: `--name value`, `--name=value`, `--flag`, `--no-flag`, `-a value` for a
 * one-letter alias, `--` before positionals that start with a dash. Anything else is a usage
 * error naming the option.
 */
export function parseFast(spec: CommandSpec, argv: string[]): ParsedArgs {
  const given: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || NEGATIVE_NUMBER.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const name = written.startsWith('--') ? written.slice(2) : aliasOf(spec, written.slice(1));
    const option = name === undefined ? undefined : spec.options[name];
    if (name === undefined || !option) {
      const negated = written.startsWith('--no-') ? spec.options[written.slice(5)] : undefined;
      if (negated?.type === 'boolean' && inline === undefined) {
        given[written.slice(5)] = false;
        continue;
      }
      throw new UsageError(`unknown option ${written}`);
    }
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`${written} takes no value (--no-${name} turns it off)`);
      given[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next))) {
        if (!option.optionalValue) throw new UsageError(`${written} needs a value`);
        value = '';
      } else {
        value = next;
        i++;
      }
    }
    if (option.array) given[name] = [...((given[name] as string[] | undefined) ?? []), value];
    else given[name] = value;
  }
  const out: ParsedArgs = { _: positionals };
  for (const [name, o] of Object.entries(spec.options)) {
    let value = given[name];
    if (value === undefined) value = o.default;
    if (value !== undefined && o.type === 'number') value = toNumber(name, value);
    if (typeof value === 'string' && o.choices && !o.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${o.choices.join(', ')} (got "${value}")`);
    }
    out[name] = value as ParsedArgs[string];
  }
  (spec.positionals ?? []).forEach((name, i) => {
    if (positionals[i] !== undefined) out[name] = positionals[i];
  });
  return out;
}

/** The option a one-letter alias names ("-d" -> "detail"), if any. */
function aliasOf(spec: CommandSpec, letter: string): string | undefined {
  for (const [name, o] of Object.entries(spec.options)) if (o.alias === letter) return name;
  return undefined;
}

function toNumber(name: string, value: unknown): number | number[] {
  const one = (v: unknown) => {
    const n = typeof v === 'number' ? v : Number(String(v).trim());
    if (String(v).trim() === '' || !Number.isFinite(n)) {
      throw new UsageError(`--${name} must be a number (got "${String(v)}")`);
    }
    return n;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}
