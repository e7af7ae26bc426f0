/**
 * `shoji status`: print the status line once. Collects with the counters saved by the previous
 * call (never sleeps to sample), so it is cheap enough for a `#(shoji status ...)` job, though the
 * streaming set-up from `shoji tmux-conf` is cheaper still.
 */
import { fstatSync, writeSync } from 'node:fs';
import { loadApp } from '../app/app.js';
import { formatProblem } from '../core/config.js';
import { forLocale } from '../core/locale.js';
import { collectOneShot } from '../core/oneshot.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { FORMATS, joinSides, prepareFormat, renderOptions, renderSide, sideIds, sideSegments, type Format, type Side } from '../host/render-sides.js';
import { colourLevel } from '../render/colour-level.js';
import type { JsonSegment } from '../render/json.js';
import { fitSegments } from '../render/segments.js';
import { escapeControl } from '../render/sanitize.js';
import { jsonForLocale } from './output.js';
import { UsageError, type CommandSpec, type ParsedArgs } from './spec.js';

/** The widest side `--width` accepts: far wider than any terminal, small enough to be a width. */
const MAX_WIDTH = 10_000;

export const statusCommand: CommandSpec = {
  command: 'status',
  describe: 'Print the status line once',
  options: {
    format: {
      type: 'string',
      choices: FORMATS,
      describe: 'Output format (default: ansi on a terminal, plain otherwise)',
    },
    side: { type: 'string', choices: ['left', 'right', 'both'], default: 'both', describe: 'Which side of the line' },
    width: { type: 'number', describe: `Maximum width of each side in cells, 1-${MAX_WIDTH} (overrides max_width; 0: no limit)` },
    explain: { type: 'boolean', default: false, describe: 'Say on stderr why modules are missing from the line' },
    detail: { type: 'boolean', default: false, describe: 'Print every module’s detail lines instead of the line' },
  },
  run: runStatus,
};

/** --width as a number of cells, or a usage error naming what was given. */
export function widthOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = value as number;
  if (!Number.isInteger(n) || n < 0 || n > MAX_WIDTH) {
    throw new UsageError(`--width must be a whole number of cells from 0 (no limit) to ${MAX_WIDTH} (got ${String(value)})`);
  }
  return n;
}

async function runStatus(args: ParsedArgs): Promise<number> {
  const env = process.env;
  const width = widthOption(args.width);
  const app = await loadApp(env);
  const format = (args.format as Format | undefined) ?? (stdoutIsTerminal() ? 'ansi' : 'plain');
  const which = args.side as Side | 'both';
  const sides: Side[] = which === 'both' ? ['left', 'right'] : [which];
  const modules = [...new Set(sides.flatMap((s) => app.modules[s]))];
  const ids = modules.map((m) => m.id);
  const { statuses, saveError } = await collectOneShot(modules, env);
  if (saveError) process.stderr.write(`shoji: ${escapeControl(saveError)}\n`);
  if (app.configError) {
    const problems = app.configError.problems.map((p) => escapeControl(formatProblem(p)));
    process.stderr.write(`shoji: config problem (defaults in use):\n${problems.join('\n')}\n`);
  }

  if (args.detail) {
    out(detailReport(ids, statuses));
    return 0;
  }
  if (format === 'json') {
    const json: Record<string, unknown> = {};
    for (const side of sides) json[side] = jsonSide(sideIds(app, side), statuses);
    out(`${jsonForLocale(json, env)}\n`);
    return 0;
  }
  await prepareFormat(format);
  const level = format === 'ansi' ? colourLevel(env) : 0;
  const rendered = sides.map((side) => renderSide(format, sideSegments(app, side, statuses), app, { width, colourLevel: level }));
  const line = rendered.length === 2 ? joinSides(format, rendered[0], rendered[1]) : rendered[0];
  out(`${line}\n`);
  if (args.explain) process.stderr.write(explain(app, sides, statuses, width));
  return 0;
}

/**
 * Output straight to fd 1: touching process.stdout would load the stream machinery (and
 * node:tty on a terminal), a few ms that a status line pays on every refresh. ASCII only under
 * a locale that is not UTF-8 (src/cli/output.ts covers process.stdout, not this).
 */
function out(text: string): void {
  writeSync(1, forLocale(text));
}

function stdoutIsTerminal(): boolean {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return false;
  }
}

function jsonSide(ids: string[], statuses: Map<string, ModuleStatus>): JsonSegment[] {
  return ids.flatMap((id): JsonSegment[] => {
    const st = statuses.get(id);
    if (!st || st.available === false) return [];
    if (st.error && st.failures > 0) return [{ id, state: 'failed', error: st.error, text: st.reading?.text ?? '' }];
    if (!st.reading) return [];
    const { text, short, state, icon, pending } = st.reading;
    return [{ id, text, short, state, icon, pending, data: st.data }];
  });
}

/** Every module's reading and detail lines; what modules said is shown with its escapes visible. */
function detailReport(ids: string[], statuses: Map<string, ModuleStatus>): string {
  const lines: string[] = [];
  for (const id of ids) {
    const st = statuses.get(id);
    if (!st) continue;
    const value = st.error ? `FAILED (${st.error})` : st.available === false ? 'not available here' : st.reading ? st.reading.text : '(nothing to show)';
    lines.push(`${escapeControl(id)}: ${escapeControl(value)}`);
    for (const d of st.reading?.detail ?? []) lines.push(`  ${escapeControl(String(d.label))}: ${escapeControl(String(d.value))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Why modules are missing from the line; text from outside (ids, errors) with its escapes visible. */
function explain(app: Awaited<ReturnType<typeof loadApp>>, sides: Side[], statuses: Map<string, ModuleStatus>, width?: number): string {
  const lines: string[] = [];
  if (app.configError) for (const p of app.configError.problems) lines.push(`config: ${formatProblem(p)}`);
  // One problem a line, as the config's: a theme file with several problems has several lines.
  for (const line of app.themeError?.split('\n') ?? []) lines.push(`theme: ${line}`);
  for (const side of sides) {
    for (const id of app.config[side]) {
      if (id !== 'custom' && !app.modules.all.has(id)) lines.push(`${side}: ${id}: unknown module`);
      else if (app.modules.all.get(id)?.enabled === false) lines.push(`${side}: ${id}: disabled in the config`);
    }
    for (const id of sideIds(app, side)) {
      const st = statuses.get(id);
      if (!st) continue;
      if (st.available === false) lines.push(`${side}: ${id}: not available on this host${st.unavailableWhy ? `: ${st.unavailableWhy}` : ''}`);
      else if (st.error) lines.push(`${side}: ${id}: failed: ${st.error}`);
      else if (!st.reading) lines.push(`${side}: ${id}: nothing to show (hidden until it has)`);
    }
    for (const d of fitSegments(sideSegments(app, side, statuses), renderOptions(app, width)).dropped) {
      lines.push(`${side}: ${d.id}: dropped: ${d.why}`);
    }
  }
  return lines.length ? `${lines.map(escapeControl).join('\n')}\n` : 'shoji: every module is on the line\n';
}
