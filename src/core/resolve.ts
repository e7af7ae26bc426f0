/**
 * The config resolved against the registry, once per load (src/app/app.ts): for every module its
 * definition, effective options, interval, timeout, priority, whether it is enabled, its side of
 * the status line, and whether the one-shot path collects it in the background. The scheduler,
 * the one-shot path, the views, the CLI and the dashboard all read these; nothing else reads
 * the config's `modules:` block.
 *
 * `shoji status` resolves on every call, so this stays cheap: the options are a shallow copy,
 * and what may cost more (an interval that is a function of the options: a user plugin's is
 * asked of its worker; the settings as text) is worked out when first read.
 */
import type { AnyModule } from './contract.js';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './collect.js';
import { type HostSettings, moduleOptions, ownsHostKey, type ShojiConfig } from './config.js';
import { intervalOf, type ParsedInterval } from './interval.js';
import { CUSTOM_ALIAS, type ModuleSource, type RegisteredModule, type Registry } from './registry.js';

/** A module's priority when neither the user nor the module gives one. */
export const DEFAULT_PRIORITY = 50;

export type Side = 'left' | 'right';

export interface ResolvedModule {
  readonly id: string;
  readonly def: AnyModule;
  readonly source: ModuleSource;
  /** The plugin or script file, for user modules. */
  readonly file?: string;
  /** The module's defaults overlaid with the user's options (the host's keys left out). */
  readonly options: Readonly<Record<string, unknown>>;
  /** How often it runs: the user's `interval`, else the module's own given its options. */
  readonly interval: ParsedInterval;
  /** Whether the user's config sets its `interval` (a host that paces modules its own way keeps the user's). */
  readonly intervalGiven: boolean;
  /** How long one collect may take: the user's `timeout`, else the module's own, made sane. */
  readonly timeoutMs: number;
  /** Higher stays longer when the line is too wide: the user's, else the module's own. */
  readonly priority: number;
  /** False when the config says `enabled: false`: then it is on neither side. */
  readonly enabled: boolean;
  /** The side of the status line it is on (the left when the layout names it on both), if any. */
  readonly side?: Side;
  /**
   * Collected away from the status line's clock: the one-shot path hands it to a detached
   * `shoji collect` and shows its last reading meanwhile. The module's own `background` when it
   * declares one (updates: apt takes seconds), else every module allowed more than the default
   * 5 s for one collect (a script run every 6 s or less often; any module given a longer `timeout`).
   */
  readonly background: boolean;
  /** The user's settings for it, as text: when they change, the one-shot path collects it afresh. */
  readonly settingsKey: string;
  /** The user's `format`: the text shown, from the module's data (format-apply.ts); absent for a module that declares a `format` option itself. */
  readonly format?: string;
  /** The user's `format_short`, the narrow text, likewise. */
  readonly format_short?: string;
}

export interface ResolvedModules {
  /** Every module the registry holds, in its order, enabled or not. */
  all: Map<string, ResolvedModule>;
  /** Each side of the status line, in order: the layout with 'custom' expanded, unknown and disabled ids left out. */
  left: ResolvedModule[];
  right: ResolvedModule[];
}

/** Resolve every module of the registry, and the layout of both sides. */
export function resolveModules(config: ShojiConfig, registry: Registry): ResolvedModules {
  const all = new Map<string, Resolved>();
  for (const [id, reg] of registry.modules) all.set(id, new Resolved(reg, config.modules[reg.def.id]));
  const left = expandLayout(config.left, all);
  const right = expandLayout(config.right, all);
  for (const m of right) m.side = 'right';
  for (const m of left) m.side = 'left';
  return { all, left, right };
}

/** One module with the user's settings for it (its side is set by resolveModules). */
export function resolveModule(reg: RegisteredModule, config: ShojiConfig): ResolvedModule {
  return new Resolved(reg, config.modules[reg.def.id]);
}

/** A class rather than an object literal with getters: this runs for every module on every `shoji status`. */
class Resolved implements ResolvedModule {
  readonly id: string;
  readonly def: AnyModule;
  readonly source: ModuleSource;
  readonly file?: string;
  readonly options: Record<string, unknown>;
  readonly timeoutMs: number;
  readonly priority: number;
  readonly enabled: boolean;
  readonly background: boolean;
  readonly intervalGiven: boolean;
  readonly format?: string;
  readonly format_short?: string;
  side?: Side;
  private cachedInterval?: ParsedInterval;
  private cachedSettingsKey?: string;

  constructor(
    reg: RegisteredModule,
    private readonly user: (HostSettings & Record<string, unknown>) | undefined,
  ) {
    const { def } = reg;
    this.id = def.id;
    this.def = def;
    this.source = reg.source;
    this.file = reg.file;
    const own = def.options.schema.properties as object | undefined;
    this.options = moduleOptions(def.options.defaults as Record<string, unknown>, user, own);
    if (typeof user?.format === 'string' && !ownsHostKey(own, 'format')) this.format = user.format;
    if (typeof user?.format_short === 'string' && !ownsHostKey(own, 'format_short')) this.format_short = user.format_short;
    this.timeoutMs = timeoutOf(def, user?.timeout);
    this.priority = typeof user?.priority === 'number' ? user.priority : (def.priority ?? DEFAULT_PRIORITY);
    this.enabled = user?.enabled !== false;
    this.background = def.background ?? this.timeoutMs > DEFAULT_TIMEOUT_MS;
    this.intervalGiven = user?.interval !== undefined;
  }

  get interval(): ParsedInterval {
    this.cachedInterval ??= intervalOf(this.def, this.user?.interval, this.options);
    return this.cachedInterval;
  }

  get settingsKey(): string {
    this.cachedSettingsKey ??= JSON.stringify(this.user ?? {});
    return this.cachedSettingsKey;
  }
}

/**
 * The user's `timeout` (seconds; the schema checked it) or the module's own, in ms. A plugin's
 * own timeoutMs is not checked by the schema: NaN, 0 or 1e12 would make a timer fire at once or
 * overflow setTimeout into a busy loop.
 */
function timeoutOf(def: AnyModule, userSeconds: unknown): number {
  const ms = typeof userSeconds === 'number' ? userSeconds * 1000 : (def.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
}

/** The modules of one side: 'custom' expanded to every script in name order; unknown, repeated and disabled ids left out. */
export function expandLayout<M extends ResolvedModule>(ids: readonly string[], modules: Map<string, M>): M[] {
  const out: M[] = [];
  for (const id of ids) {
    const expanded =
      id === CUSTOM_ALIAS
        ? [...modules.values()].filter((m) => m.source === 'script').sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        : [modules.get(id)];
    for (const m of expanded) {
      if (m?.enabled && !out.includes(m)) out.push(m);
    }
  }
  return out;
}
