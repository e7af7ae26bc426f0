/**
 * services — systemd units that failed, or, with `units`, the named units that are not running.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "2 failed" (state critical), short form "2!", and names the units in the detail; hidden
 * when nothing failed, and on a host that systemd did not boot (a container: no
 * <root>/run/systemd/system, as sd_booted() checks) or without systemctl.
 * byobu's `services` watches named services instead: list them in `units` ("nginx.service",
 * "postgresql@*"), and the module shows those not active ("nginx.service inactive"): critical
 * when one failed or is not there at all, warning when one is inactive, starting or stopping.
 *
 * systemd keeps unit states in its own memory (/run/systemd/units/ holds only invocation ids),
 * and its D-Bus API needs a D-Bus client shoji does not carry. So the module runs one
 * `systemctl list-units --plain --no-legend --no-pager` (with --failed, or with --all and the
 * watched units), once a minute by default, away from the status line's clock: a one-shot
 * `shoji status` hands it to a background `shoji collect` and shows the last answer meanwhile,
 * and the long-lived processes run it on its own timer. A systemctl that has not answered
 * within 10 s is killed, and the module shows as failed until a later try succeeds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '../../src/core/find-program.js';
import { promisify } from 'node:util';
import * as T from 'typebox';
import { type DetailLine, defineModule, type ModuleContext, type State } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';

const SYSTEMCTL = 'systemctl';
const TIMEOUT_MS = 10_000;
/** The most units named in the detail, so one broken host cannot fill a dashboard. */
const LISTED = 20;

const options = declareOptions({
  units: T.Array(T.String({ minLength: 1, pattern: '^[^\\s-][^\\s]*$' }), {
    default: [],
    description: 'units to watch, as systemctl takes them (a glob such as "postgresql@*" too): shown when not active; empty: every failed unit',
  }),
});
export type ServicesOptions = OptionsOf<typeof options>;

const data = declareData(
  () => ({
    failed: T.Integer({ unit: 'units', description: 'Units in the failed state (of those watched, with `units`)' }),
    down: T.Integer({ unit: 'units', description: 'Units shown: failed ones, and with `units` the watched ones not active or not there' }),
    units: T.Array(
      T.Object({
        unit: T.String({ description: 'Its name (`nginx.service`), or the pattern `units` gave when nothing matched it' }),
        load: T.String({ description: "systemd's load state (`loaded`, `not-found`, `masked`), or `absent` when nothing matched" }),
        active: T.String({ description: "systemd's active state (`failed`, `inactive`, `activating`...)" }),
        sub: T.String({ description: "systemd's finer state (`failed`, `dead`, `auto-restart`...)" }),
        description: T.String({ description: "The unit's description, as systemctl lists it" }),
      }),
      { description: 'The units shown, as systemctl listed them' },
    ),
  }),
  { description: 'Published at every collect that got an answer from systemctl, also while the module hides itself (failed 0).' },
);
export type ServicesData = DataOf<typeof data>;
export type UnitRow = ServicesData['units'][number];

/**
 * The lines of `systemctl list-units --plain --no-legend`: "UNIT LOAD ACTIVE SUB DESCRIPTION",
 * the columns padded with spaces. Some versions mark a failed or not-found unit with "●" (or
 * "*" outside UTF-8) even with --plain; the mark is dropped.
 */
export function parseListUnits(stdout: string): UnitRow[] {
  const rows: UnitRow[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(?:[●*]\s+)?(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/.exec(line);
    if (m) rows.push({ unit: m[1], load: m[2], active: m[3], sub: m[4], description: m[5] ?? '' });
  }
  return rows;
}

/** Whether a unit name matches a pattern as systemctl's globs do (*, ?, [...]). */
function matches(pattern: string, unit: string): boolean {
  // A name without a suffix means its .service, as systemctl reads it.
  const full = /\.[a-z]+$/.test(pattern) || /[*?[]/.test(pattern) ? pattern : `${pattern}.service`;
  const re = full
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(unit);
}

/**
 * With `units`: the watched units not active, and for each pattern nothing matched an "absent"
 * row (systemctl lists only the units it has loaded).
 */
export function watchedDown(rows: UnitRow[], watched: string[]): UnitRow[] {
  const down = rows.filter((r) => r.active !== 'active' && watched.some((p) => matches(p, r.unit)));
  for (const p of watched) {
    if (!rows.some((r) => matches(p, r.unit))) down.push({ unit: p, load: 'absent', active: 'inactive', sub: 'dead', description: '' });
  }
  return down;
}

const isFailed = (r: UnitRow) => r.active === 'failed' || r.load === 'not-found' || r.load === 'absent' || r.load === 'error';

/** Whether systemd is this host's init, as sd_booted() tells: a container has no such folder. */
const systemdBooted = (root: string) => existsSync(join(root, 'run', 'systemd', 'system'));

/** systemctl's argument list for the options. */
export function systemctlArgs(watched: string[]): string[] {
  const common = ['list-units', '--plain', '--no-legend', '--no-pager', '--full'];
  return watched.length === 0 ? [...common, '--failed'] : [...common, '--all', '--', ...watched];
}

async function listUnits(ctx: ModuleContext<ServicesOptions>, args: string[]): Promise<string> {
  // Loaded here: node:child_process costs milliseconds that no other module on the line pays.
  const run = promisify((await import('node:child_process')).execFile);
  try {
    const { stdout } = await run(SYSTEMCTL, args, {
      signal: ctx.signal,
      timeout: TIMEOUT_MS,
      // A systemctl stuck on a busy bus may ignore SIGTERM.
      killSignal: 'SIGKILL',
      // Column order and state names are systemd's own; no colours, no pager, C locale.
      env: { ...ctx.env, LC_ALL: 'C', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' },
      encoding: 'utf8',
      maxBuffer: 4 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const e = err as Error & { stderr?: string; code?: unknown; killed?: boolean };
    if (e.killed) throw new Error(`systemctl ${args[0]} gave no answer within ${TIMEOUT_MS / 1000} s`);
    const why = (e.stderr ?? '').trim().split('\n').pop() || e.message;
    throw new Error(`systemctl ${args[0]} failed (${String(e.code)}): ${why}`);
  }
}

function stateOf(down: UnitRow[]): State {
  return down.some(isFailed) ? 'critical' : 'warning';
}

function describe(r: UnitRow): string {
  const state = r.load === 'absent' ? 'no such unit' : r.load !== 'loaded' ? `${r.load}, ${r.active}` : `${r.active} (${r.sub})`;
  return r.description ? `${state}: ${r.description}` : state;
}

export default defineModule<ServicesOptions, ServicesData>({
  id: 'services',
  description: 'failed systemd units, or the watched ones not running',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_services_failed', 'failed')]),
  interval: 60,
  priority: 40,
  timeoutMs: TIMEOUT_MS + 2000,
  // systemctl is a process: never on the status line's clock.
  background: true,
  icons: { services: 'svc ' },
  available(ctx) {
    if (!systemdBooted(ctx.root)) return { available: false, why: `systemd is not this host's init (no ${join(ctx.root, 'run', 'systemd', 'system')})` };
    return findExecutable(SYSTEMCTL, ctx.env.PATH) !== null || { available: false, why: 'no systemctl on PATH' };
  },
  async collect(ctx) {
    // Asked again here: a host rebooted into another init, or a container's copy of a config.
    if (!systemdBooted(ctx.root)) return { reading: null };
    const watched = ctx.options.units;
    const rows = parseListUnits(await listUnits(ctx, systemctlArgs(watched)));
    const down = watched.length === 0 ? rows : watchedDown(rows, watched);
    const published: ServicesData = { failed: down.filter((r) => r.active === 'failed').length, down: down.length, units: down };
    if (down.length === 0) return { reading: null, data: published };
    const detail: DetailLine[] = down.slice(0, LISTED).map((r) => ({ label: r.unit, value: describe(r) }));
    if (down.length > LISTED) detail.push({ label: 'And', value: `${down.length - LISTED} more` });
    const one = down.length === 1 ? down[0] : null;
    const text =
      watched.length === 0
        ? `${down.length} failed`
        : one
          ? `${one.unit.replace(/\.service$/, '')} ${one.load === 'absent' ? 'absent' : one.active}`
          : `${down.length} down`;
    return {
      reading: { text, short: `${down.length}!`, state: stateOf(down), icon: 'services', detail },
      data: published,
    };
  },
});
