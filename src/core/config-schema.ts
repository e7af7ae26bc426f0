/**
 * What a shoji config is, declared once: its keys with their defaults, descriptions and schema
 * parts (from which come the ShojiConfig type, DEFAULT_CONFIG and the validator's schema), the
 * host's keys every module takes, and the located problems a broken config gives.
 * Loading a config (the file, its cache, the validator) is config.ts; validating it is
 * config-validate.ts. Both take the declarations from here, so neither imports the other's
 * file back.
 */
import type { DataDeclaration, Interval } from './contract.js';
import { MAX_TEMPLATE_CHARS } from './format.js';

/** The icon sets shoji ships (themes/icons/NAME.json). */
export const ICON_SETS = ['ascii', 'unicode', 'nerd'] as const;
export type IconSetName = (typeof ICON_SETS)[number];

/** A JSON Schema (the draft-07 subset ajv reads), as config-validate.ts hands it to ajv. */
export type JsonSchema = Record<string, unknown>;

/** What the schema of some keys depends on: the modules installed here (see config-validate.ts). */
export interface SchemaParts {
  /** A layout side: a list of module ids and aliases. */
  layout: JsonSchema;
  /** The modules mapping: each module's own options and the host's keys. */
  modules: JsonSchema;
  /** The icon set names, besides 'auto'. */
  iconSets: readonly string[];
}

/**
 * One key of config.yaml, declared once: from these come the ShojiConfig type, DEFAULT_CONFIG,
 * the key's part of the JSON Schema and the list of known keys in an "unknown key" message.
 */
export interface KeyDeclaration<T> {
  /** What the key means (also the schema's description). */
  description: string;
  default: T;
  /** Its JSON Schema, or a function of what the installed modules allow. */
  schema: JsonSchema | ((parts: SchemaParts) => JsonSchema);
}

/** Declares a key, inferring its value type from its default (or given, for a union). */
function key<T>(declaration: KeyDeclaration<T>): KeyDeclaration<T> {
  return declaration;
}

type KeyDeclarations = Record<string, KeyDeclaration<unknown>>;
/** The values a set of declared keys holds. */
type ValuesOf<K extends KeyDeclarations> = { [P in keyof K]: K[P]['default'] };

function defaultsOf<K extends KeyDeclarations>(keys: K): ValuesOf<K> {
  return Object.fromEntries(Object.entries(keys).map(([name, k]) => [name, k.default])) as ValuesOf<K>;
}

/** The JSON Schema of a mapping of declared keys: those keys and no others. */
export function objectSchema(keys: KeyDeclarations, parts: SchemaParts): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, k] of Object.entries(keys)) {
    properties[name] = { ...(typeof k.schema === 'function' ? k.schema(parts) : k.schema), description: k.description };
  }
  return { type: 'object', properties, additionalProperties: false };
}

/** The keys under `dashboard:`. */
export const DASHBOARD_KEYS = {
  // The range the dashboard's --refresh and its + and - keys step through.
  refresh: key({ description: 'Seconds between dashboard frames.', default: 1, schema: { type: 'number', minimum: 0.25, maximum: 30 } }),
  process_interval: key({
    description: 'Seconds between process-table samples (expensive).',
    default: 3,
    schema: { type: 'number', minimum: 0.5, maximum: 600 },
  }),
};

export type DashboardConfig = ValuesOf<typeof DASHBOARD_KEYS>;

/** The top-level keys of config.yaml. The defaults are byobu-like: the everyday numbers on the right, quiet modules hidden until they matter. */
export const CONFIG_KEYS = {
  theme: key({
    description: 'The colour theme: a built-in one, or the name of a file (without .json) in the themes folder.',
    default: 'default',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
  }),
  icons: key<'auto' | IconSetName>({
    description: 'The icon set: auto (unicode when the locale is UTF-8, else ascii), ascii, unicode or nerd.',
    default: 'auto',
    schema: (parts) => ({ type: 'string', enum: ['auto', ...parts.iconSets] }),
  }),
  left: key<string[]>({
    description: "Module ids on the left of the status line, in order. 'custom' = every script.",
    default: ['hostname'],
    schema: (parts) => parts.layout,
  }),
  right: key<string[]>({
    description: "Module ids on the right of the status line, in order. 'custom' = every script.",
    default: ['custom', 'reboot-required', 'updates', 'uptime', 'load', 'cpu', 'memory', 'swap', 'disk', 'network', 'battery', 'ec2-cost', 'datetime'],
    schema: (parts) => parts.layout,
  }),
  max_width: key({
    description: "Width limit of each side in cells; 0 = no limit (tmux's status-*-length still applies).",
    default: 0,
    schema: { type: 'integer', minimum: 0 },
  }),
  byobu_scripts: key({ description: "Also run scripts from ~/.byobu/bin (byobu's N_name convention).", default: true, schema: { type: 'boolean' } }),
  modules: key<Record<string, Record<string, unknown>>>({
    description: "Per-module options, and the host's keys every module takes (HOST_KEYS).",
    default: {},
    schema: (parts) => parts.modules,
  }),
  dashboard: key<DashboardConfig>({
    description: 'The full-screen dashboard (shoji dashboard).',
    default: defaultsOf(DASHBOARD_KEYS),
    schema: (parts) => objectSchema(DASHBOARD_KEYS, parts),
  }),
};

export type ShojiConfig = ValuesOf<typeof CONFIG_KEYS>;

export const DEFAULT_CONFIG: ShojiConfig = defaultsOf(CONFIG_KEYS);

/** A timeout longer than an hour is a mistake, and setTimeout could not wait it out anyway. */
export const MAX_TIMEOUT_S = 3600;

/** A key the host takes for every module, beside the module's own options. */
interface HostKey<T> {
  schema: JsonSchema;
  /** Never set: carries the value's type to HostSettings. */
  type?: T;
}
function hostKey<T>(schema: JsonSchema): HostKey<T> {
  return { schema };
}

/** The states an alert may be set to start at. */
export const ALERT_LEVELS = ['warning', 'critical'] as const;
/** Where an alert is shown: auto picks tmux's clients in tmux, else a desktop notification where there is one. */
export const ALERT_VIA = ['auto', 'tmux', 'desktop'] as const;
/** The longest an alert can be set to wait: a day (longer is a report, not an alert). */
export const MAX_ALERT_AFTER_S = 86_400;
/** A module's `alert` key: true for the defaults, or any of them set. */
export type AlertSetting = boolean | { level?: (typeof ALERT_LEVELS)[number]; after?: number; via?: (typeof ALERT_VIA)[number] };

/** The host's own per-module keys, accepted for every module: how often, how long, how important, whether at all. */
export const HOST_KEYS = {
  // Checked by intervalProblem (config-validate's own pass): one clear message for every bad form.
  interval: hostKey<Interval>({ description: 'seconds (0.25 to a year), a cron expression, or "once"' }),
  timeout: hostKey<number>({ type: 'number', exclusiveMinimum: 0, maximum: MAX_TIMEOUT_S, description: 'seconds' }),
  priority: hostKey<number>({ type: 'number', description: 'higher stays longer when the line is too wide' }),
  enabled: hostKey<boolean>({ type: 'boolean', description: 'false hides the module without editing the layout' }),
  alert: hostKey<AlertSetting>({
    anyOf: [
      { type: 'boolean' },
      {
        type: 'object',
        properties: {
          level: { type: 'string', enum: ALERT_LEVELS, description: 'the state that starts an episode (or worse); default warning' },
          after: { type: 'number', minimum: 0, maximum: MAX_ALERT_AFTER_S, description: 'seconds the state must last first; default 60' },
          via: { type: 'string', enum: ALERT_VIA, description: 'auto (tmux in tmux, else the desktop), tmux or desktop' },
        },
        additionalProperties: false,
      },
    ],
    description: 'tell you once when the module stays at warning (or critical) for a while: true, or { level, after, via }',
  }),
  // Checked by formatProblems (config-validate's own pass): each placeholder against the module's data.
  format: hostKey<string>({
    type: 'string',
    maxLength: MAX_TEMPLATE_CHARS,
    description: 'the text shown, with placeholders for its data: "M {used}/{total}" (docs/format.md)',
  }),
  format_short: hostKey<string>({
    type: 'string',
    maxLength: MAX_TEMPLATE_CHARS,
    description: 'the narrow text shown when the line is too wide, as `format`',
  }),
};

/**
 * Host keys a module may declare as options of its own: then the key is the module's (datetime's
 * and time-utc's `format` is a strftime format), validated and passed to it as its option, and
 * the host's meaning does not apply to that module.
 */
export const OWNABLE_HOST_KEYS: readonly string[] = ['format', 'format_short'];

/** Whether a module whose own options are `own` (its schema's properties) keeps `key` for itself. */
export function ownsHostKey(own: object | undefined, key: string): boolean {
  return own !== undefined && OWNABLE_HOST_KEYS.includes(key) && Object.hasOwn(own, key);
}

/** What a module's block in the config may set of the host's keys (validated). */
export type HostSettings = { [P in keyof typeof HOST_KEYS]?: NonNullable<(typeof HOST_KEYS)[P]['type']> };

export const HOST_MODULE_KEYS = Object.keys(HOST_KEYS) as (keyof typeof HOST_KEYS)[];

/** One problem in a config file, located for a human: file, line and key. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. "modules.cpu.per_cor". */
  key?: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/**
 * Whether an error is a ConfigError. Checked by name, not instanceof: the validator is built
 * into its own lazily loaded bundle (scripts/build.mjs), which has its own copy of the class.
 */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError' && Array.isArray((err as ConfigError).problems);
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : p.file;
  return `${where}: ${p.key ? `${p.key}: ` : ''}${p.message}`;
}

/** What the validator needs to know about modules: their option schemas, and the data their formats may name. */
export interface ModuleSchemas {
  /** id -> JSON Schema of the module's own options. */
  schemas: Map<string, Record<string, unknown>>;
  /** id -> the module's data declaration, where it has one (a user's plugin may not: its placeholders are not checked). */
  data?: Map<string, DataDeclaration>;
  /** Ids a layout may name besides the modules themselves (e.g. 'custom'). */
  layoutAliases: string[];
}
