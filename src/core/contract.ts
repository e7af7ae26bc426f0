/**
 * The shoji module contract.
 *
 * Every status module — the built-in ones in plugins/ and a user's own in
 * $XDG_CONFIG_HOME/shoji/plugins/ — is a plain object of type ShojiModule.
 * A module returns data and a semantic state, never colours: themes turn states
 * into colours and renderers turn colours into tmux, screen, ANSI or blessed markup.
 *
 * This file is the public API: types and three tiny helpers, so importing it costs nothing.
 * docs/plugins.md explains it with examples.
 */
import type { MetricsDeclaration } from './metrics.js';

/** Semantic state of a reading. Themes map each state to colours. */
export type State = 'idle' | 'info' | 'good' | 'warning' | 'critical';

export const STATES: readonly State[] = ['idle', 'info', 'good', 'warning', 'critical'];

/** One detail line for `--detail` views and the dashboard: a label and its value. */
export interface DetailLine {
  label: string;
  value: string;
}

/**
 * Values tmux knows better than any module, for each client it draws: `session_name`, the
 * session the client shows (one daemon serves every session of a server, so no module can know
 * it). A fixed list: the tmux renderer writes its own format for each, escaped so that the value
 * is drawn as text; a module never hands tmux a format of its own.
 */
export const TMUX_VALUES = ['session_name'] as const;
export type TmuxValue = (typeof TMUX_VALUES)[number];

/** What a module shows. Plain text only: renderers escape it for their back end. */
export interface Reading<D = unknown> {
  /** The text for the status line, without icon. Plain text: never markup, never escapes. */
  text: string;
  /** A narrower variant used when the line is too wide (optional). */
  short?: string;
  /** Semantic state; the theme decides the colours. */
  state: State;
  /** Key into the icon set (themes/icons/*.json), e.g. 'cpu'. The renderer prepends the glyph. */
  icon?: string;
  /**
   * Drawn by tmux in place of `text` (TMUX_VALUES): `text` is then what the other back ends show
   * and what the line's width is reckoned with.
   */
  tmux?: TmuxValue;
  /**
   * True when the module has no value yet (the first reading of a rate, before there is
   * a previous sample). The text should then be a placeholder such as "--".
   */
  pending?: boolean;
  /**
   * Where plugins written before `Collected.data` put their data. The host still reads it as the
   * module's published data when `Collected.data` is absent; new modules set `Collected.data`.
   */
  data?: D;
  /** Optional detail lines for `--detail` reports and dashboard panels. */
  detail?: DetailLine[];
}

/**
 * What a module's `available` answers: yes or no, or a no with the reason, which `shoji modules`
 * shows ("RAPL counters are readable by root only..."): for a module that could work here but is
 * kept from it, where a bare false would read as "this host has none".
 */
export type Availability = boolean | Unavailable;

/** A no with its reason: one line of plain text, shown with its escapes visible. */
export interface Unavailable {
  available: false;
  why: string;
}

/** The result of one collect. */
export interface Collected<D = unknown, M = unknown> {
  /** What to show, or null when the module has nothing to say (no battery, traffic under threshold). */
  reading: Reading<D> | null;
  /**
   * The module's published measurement: numbers (not formatted strings) with their units in
   * the field names or declared with the field. What the dashboard, JSON output and exporters
   * read, and the only part of a module other code may rely on; the module declares its shape
   * (ShojiModule.data), and docs/modules.md shows each built-in module's. Present whenever
   * something was measured, even when `reading` is null (network traffic under its threshold
   * still publishes its rates). Must be JSON-serialisable.
   */
  data?: D;
  /**
   * What the module needs next time (previous counters and their monotonic timestamp).
   * Private to the module: nothing else reads it, and its shape may change in any release.
   * Must be JSON-serialisable: the one-shot `shoji status` persists it between runs.
   */
  memo?: M;
}

/** What a module gets when it runs. */
export interface ModuleContext<O = Record<string, unknown>> {
  /** The module's options: its defaults overlaid with the user's validated config. */
  options: O;
  /** Root of the proc filesystem: SHOJI_PROC_ROOT or "/proc". */
  procRoot: string;
  /** Root of the sys filesystem: SHOJI_SYS_ROOT or "/sys". */
  sysRoot: string;
  /** Root for other host files such as /etc/hostname, /var/run/reboot-required: SHOJI_ROOT or "/". */
  root: string;
  /** Monotonic clock in milliseconds (CLOCK_MONOTONIC; comparable across processes on one boot). */
  now(): number;
  /** Wall-clock time in milliseconds since the epoch. */
  wallNow(): number;
  /** Aborted when the collect times out or the host stops; pass it to child processes and requests. */
  signal: AbortSignal;
  /** The environment the module may read (process.env, or a test's). */
  env: NodeJS.ProcessEnv;
  /** shoji's per-user state directory (for caches a module keeps across boots). */
  stateDir: string;
  /** shoji's configuration directory ($XDG_CONFIG_HOME/shoji). */
  configDir: string;
  /**
   * Set when a long-lived process collects or asks `available` (the tmux daemon, the screen stream, the dashboard,
   * `shoji exporter`'s server), absent on the one-shot path (`shoji status`, `shoji collect`):
   * work that may take minutes in the background (ec2-cost's price refresh) is started only
   * here, never on the status line's clock. `log` writes a line to shoji's log.
   */
  longLived?: LongLivedHost;
}

/** What a long-lived process offers its modules (ModuleContext.longLived). */
export interface LongLivedHost {
  log(message: string): void;
}

/** A JSON Schema (draft-07 subset understood by ajv) describing a module's options. */
export type OptionsSchema = Record<string, unknown>;

/**
 * One option, declared once: a JSON Schema of its value (type and constraints: enum, minimum,
 * minLength, items...) with its `default` (none: absent until the user sets it) and a one-line
 * `description` (docs/modules.md shows it).
 */
export interface OptionDeclaration {
  default?: unknown;
  description?: string;
  [keyword: string]: unknown;
}

/** A module's options, one declaration each, by name. */
export type OptionDeclarations = Record<string, OptionDeclaration>;

/**
 * A module's options as the host reads them: the schema of its own keys (an object schema with
 * `additionalProperties: false`) and their defaults. src/core/options.ts's declareOptions makes
 * both from the declarations.
 */
export interface ModuleOptions<O> {
  schema: OptionsSchema;
  defaults: O;
}

/**
 * A module's published data, declared once (src/core/data.ts's declareData, which also gives the
 * data's TypeScript type). `schema` is the JSON Schema of the object the module publishes: its
 * `description` says when it is published, each of its `properties` is a field's JSON Schema with
 * a `description` and, where it has one, a `unit` ('bytes/s'), and every object in it is closed
 * to undeclared fields. docs/modules.md's "Data" tables are made from it, and the tests check
 * what each built-in module publishes against it.
 */
export interface DataDeclaration {
  readonly schema: { type: 'object'; description?: string; properties: Record<string, object> };
}

/**
 * How often a module runs: seconds (a number), a cron expression for slow work
 * ("0 *\/6 * * *"), or 'once' for static facts such as the hostname.
 */
export type Interval = number | string;

export interface ShojiModule<O = Record<string, unknown>, D = unknown, M = unknown> {
  /** Unique id, lower-case with dashes: the name used in the config file. */
  id: string;
  /** One line saying what the module shows. */
  description: string;
  /**
   * Options: the schema of the module-specific keys and their defaults, made from one
   * declaration per option by declareOptions (src/core/options.ts). The host validates the
   * user's config against it and rejects unknown keys, naming file, line and key.
   * The keys interval, timeout, priority and enabled are the host's and are added to
   * every module's schema; do not declare them.
   */
  options: ModuleOptions<O>;
  /**
   * What the module publishes as `data`, declared once (declareData, src/core/data.ts). Every
   * built-in module declares it; the host itself never reads it (user plugins may leave it out).
   */
  data?: DataDeclaration;
  /**
   * What `shoji exporter` serves to Prometheus from the module's data, declared once
   * (declareMetrics in src/core/metrics.ts, built on first read): metric families, each with its
   * name, type, help, labels and how its samples are read from `data` (gauge, counter, perRow and
   * byField build them); docs/metrics.md lists them. A module without it exports its top-level
   * numbers as `shoji_plugin_value{module,field}`; a user plugin always does, since its module
   * lives in a worker thread whose functions shoji cannot call.
   */
  metrics?: MetricsDeclaration<D>;
  /**
   * Default refresh: seconds, a cron expression, or 'once' — or a function of the options, for a
   * module whose needs depend on them (a clock showing seconds needs 1 s, one without 60 s).
   * The user may override it with the `interval` key.
   */
  interval: Interval | ((options: O) => Interval);
  /** Run on wall-clock multiples of the interval, so a clock changes on the minute. */
  align?: boolean;
  /** Milliseconds a collect may take before it counts as failed (default 5000). */
  timeoutMs?: number;
  /** Higher stays longer when the line is too wide (default 50). */
  priority?: number;
  /**
   * Collect away from the status line's clock: a one-shot `shoji status` hands the module to a
   * detached `shoji collect` and shows its last reading meanwhile (apt's simulation, a network
   * call). Default: when one collect may take longer than the default timeout (5 s), by the
   * module's `timeoutMs` or the user's `timeout`, since the status line cannot wait that long.
   */
  background?: boolean;
  /**
   * Text for each icon key the module's readings name, drawn when the user's icon set has no
   * glyph for it: { temperature: 'temp ' }. So a new module shows a word until the icon sets
   * learn its glyph, and an icon set that has the key wins. Printable ASCII, at most 12
   * characters (it is drawn as it is under any locale and in GNU screen); anything else is
   * ignored.
   */
  icons?: Record<string, string>;
  /**
   * Whether the module can work on this host at all (e.g. battery: a power_supply exists).
   * Checked once at start; false hides the module and `shoji modules` says so. Answer
   * `{ available: false, why }` instead of false when the host has what the module reads but
   * the user cannot use it (a file readable by root only): `shoji modules` then gives the reason.
   */
  available?(ctx: ModuleContext<O>): Availability | Promise<Availability>;
  /**
   * Collect one reading. Must not sleep to sample: rates are computed from the counters
   * in `memo` (the previous call's) and the monotonic time elapsed since then.
   * Throwing marks the module failed; the host retries it with back-off.
   */
  collect(ctx: ModuleContext<O>, memo: M | undefined): Collected<D, M> | Promise<Collected<D, M>>;
}

/**
 * What a user's plugin file exports: a module whose `options` are its declarations, one per
 * option (the host turns them into schema and defaults), or the older `{ schema, defaults }`.
 */
export type PluginModule<O = Record<string, unknown>, D = unknown, M = unknown> = Omit<ShojiModule<O, D, M>, 'options'> & {
  options: OptionDeclarations | ModuleOptions<O>;
};

/**
 * A module of any option, data and memo types: what the host holds in its lists. Options are
 * validated against the module's own schema before it runs, so the host never needs their types.
 */
// biome-ignore lint/suspicious/noExplicitAny: a list of modules holds every option type; `unknown` would reject them (collect takes options contravariantly).
export type AnyModule = ShojiModule<any, any, any>;

/** The longest reason for not being available that is kept (it is one cell of a table). */
const MAX_WHY_CHARS = 500;

/**
 * A module's answer to `available` (an Availability, or whatever a plugin returned) as a yes, or
 * a no with its reason when it gave one. An object is a yes unless its `available` is false, as
 * any object was before a no could carry a reason.
 */
export function availabilityOf(value: unknown): { available: boolean; why?: string } {
  if (typeof value !== 'object' || value === null) return { available: Boolean(value) };
  const { available, why } = value as { available?: unknown; why?: unknown };
  if (available !== false) return { available: true };
  return typeof why === 'string' && why.trim() !== '' ? { available: false, why: why.trim().split('\n')[0].slice(0, MAX_WHY_CHARS) } : { available: false };
}

/** Helper for writing a module with full type inference. */
export function defineModule<O, D = unknown, M = unknown>(m: ShojiModule<O, D, M>): ShojiModule<O, D, M> {
  return m;
}
