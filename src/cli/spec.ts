/**
 * Commands are declared once, as data, and parsed two ways:
 *
 * - the hot paths (`shoji status`, `ec2-cost`) parse with node:util parseArgs, which costs nothing;
 * - everything else, and any `--help` or completion request, goes through yargs.
 *
 * Why: measured here, importing and running yargs adds about 120 ms to a Node start of ~20-50 ms,
 * and `shoji status` must stay within 1.5x `node -e 0`. One spec feeds both parsers, so the
 * options, their types and their help text cannot drift apart.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean' | 'number';
  describe: string;
  choices?: readonly string[];
  default?: string | boolean | number;
  alias?: string;
  /** May be given several times; the value is then an array. */
  array?: boolean;
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

/** Parse argv (after the command name) against a spec without loading yargs. */
export function parseFast(spec: CommandSpec, argv: string[]): ParsedArgs {
  const negated = new Set<string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // parseArgs in Node 20 has no --no-flag support: strip and remember them.
    const m = /^--no-(.+)$/.exec(arg);
    if (m && spec.options[m[1]]?.type === 'boolean') {
      negated.add(m[1]);
      continue;
    }
    // parseArgs calls "--uptime -5" ambiguous: a negative number is the value, so that the
    // option's own check can say what is wrong with it.
    const option = /^--[^=]+$/.test(arg) ? spec.options[arg.slice(2)] : undefined;
    if (option && option.type !== 'boolean' && /^-\.?\d/.test(argv[i + 1] ?? '')) {
      rest.push(`${arg}=${argv[++i]}`);
      continue;
    }
    rest.push(arg);
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
    if (o.array) options[name].multiple = true;
    if (o.alias && o.alias.length === 1) options[name].short = o.alias;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const out: ParsedArgs = { _: parsed.positionals };
  for (const [name, o] of Object.entries(spec.options)) {
    let value: unknown = (parsed.values as Record<string, unknown>)[name];
    if (negated.has(name)) value = false;
    if (value === undefined) value = o.default;
    if (value !== undefined && o.type === 'number') value = toNumber(name, value);
    if (typeof value === 'string' && o.choices && !o.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${o.choices.join(', ')} (got "${value}")`);
    }
    out[name] = value as ParsedArgs[string];
  }
  (spec.positionals ?? []).forEach((name, i) => {
    if (parsed.positionals[i] !== undefined) out[name] = parsed.positionals[i];
  });
  return out;
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
