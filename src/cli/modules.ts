/**
 * `shoji modules`: every module shoji knows here — where it comes from, whether it is on the
 * line, its interval, what it reads the host with (src/platform: the direct Linux readers,
 * systeminformation, or statfs on every platform), whether it can run on this host, and its
 * last value or why it failed.
 * Values come from a running tmux daemon when there is one, else from a one-shot collection
 * (which runs every module now, slow ones included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadApp, type App } from '../app/app.js';
import { formatProblem } from '../core/config.js';
import type { ParsedInterval } from '../core/interval.js';
import { collectOneShot } from '../core/oneshot.js';
import { hostRoots, runtimeDir } from '../core/paths.js';
import { listDir, readLine } from '../core/read.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { backendOfModule } from '../platform/backend.js';
import { escapeControl } from '../render/sanitize.js';
import { jsonForLocale } from './output.js';
import type { CommandSpec } from './spec.js';

/** One problem that keeps something off the line: a plugin that did not load, the config, the theme. */
export interface Problem {
  kind: 'plugin' | 'config' | 'theme';
  file?: string;
  message: string;
}

/** Every problem the app carries, for the text and the JSON output alike. */
export function appProblems(app: App): Problem[] {
  const problems: Problem[] = app.registry.problems.map((p) => ({ kind: 'plugin', file: p.file, message: p.message }));
  for (const p of app.configError?.problems ?? []) problems.push({ kind: 'config', file: p.file, message: formatProblem(p) });
  for (const line of app.themeError?.split('\n') ?? []) problems.push({ kind: 'theme', message: line });
  return problems;
}

function problemLine(p: Problem): string {
  if (p.kind === 'plugin') return `plugin problem: ${p.file}: ${p.message}`;
  return p.kind === 'config' ? `config problem (defaults in use): ${p.message}` : `theme problem (default theme in use): ${p.message}`;
}

/** Ask a running tmux daemon for its modules' statuses (it writes them on SIGUSR2). */
async function liveSnapshot(env: NodeJS.ProcessEnv): Promise<{ from: string; modules: Record<string, ModuleStatus> } | null> {
  let dir: string;
  try {
    dir = runtimeDir(env);
  } catch {
    return null; // no runtime folder that passes the trust check: no daemon to ask either
  }
  for (const entry of listDir(dir).filter((e) => e.startsWith('tmux-'))) {
    const pid = Number(readLine(join(dir, entry, 'daemon.pid')));
    if (!(pid > 0)) continue;
    const asked = Date.now();
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      continue; // not running any more
    }
    for (let i = 0; i < 50; i++) {
      try {
        const snap = JSON.parse(readFileSync(join(dir, entry, 'snapshot.json'), 'utf8'));
        if (snap.pid === pid && snap.at >= asked) return { from: `tmux daemon ${pid}`, modules: snap.modules };
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return null;
}

/** What the module reads the host with ('linux', 'systeminformation', 'statfs'), or null for one that reads it otherwise. */
function readsWith(id: string, env: NodeJS.ProcessEnv): string | null {
  try {
    return backendOfModule(id, env, hostRoots(env).procRoot);
  } catch {
    return 'SHOJI_BACKEND?'; // the module's own failure names the value
  }
}

function describeInterval(i: ParsedInterval): string {
  return i.kind === 'every' ? `${i.ms / 1000}s` : i.kind === 'once' ? 'once' : i.expr;
}

export const modulesCommand: CommandSpec = {
  command: 'modules',
  describe: 'List every module: enabled, interval, available here, last value or failure',
  options: {
    json: { type: 'boolean', default: false, describe: 'Print JSON' },
  },
  async run(args) {
    const env = process.env;
    const app = await loadApp(env);
    const modules = [...app.modules.all.keys()].sort().map((id) => app.modules.all.get(id)!);
    const snap = await liveSnapshot(env);
    const statuses = snap ? new Map(Object.entries(snap.modules)) : (await collectOneShot(modules, env, { inline: true })).statuses;
    const rows = modules.map((m) => {
      const { id } = m;
      const st = statuses.get(id);
      const value = !st
        ? '(not collected)'
        : st.error && st.failures > 0
          ? `FAILED: ${st.error}`
          : st.available === false
            ? st.unavailableWhy
              ? `(not available here: ${st.unavailableWhy})`
              : '(not available here)'
            : st.reading
              ? st.reading.text
              : '(nothing to show)';
      return {
        id,
        source: m.source,
        file: m.file,
        // On the line: enabled, and named by a side of the layout.
        enabled: m.side !== undefined,
        side: m.side ?? '-',
        interval: describeInterval(m.interval),
        // The host reader it uses here (docs/platforms.md); null for a module that reads no host facts through one.
        backend: readsWith(id, env),
        available: st?.available !== false,
        // The module's reason for not being available here, when it gave one.
        ...(st?.unavailableWhy !== undefined && st.available === false ? { unavailableWhy: st.unavailableWhy } : {}),
        value,
        description: m.def.description,
        error: st?.error,
        // What the module last published, there even while it shows nothing (--json only).
        data: st?.data,
      };
    });
    const problems = appProblems(app);
    if (args.json) {
      process.stdout.write(`${jsonForLocale({ source: snap?.from ?? 'one-shot', modules: rows, problems }, env)}\n`);
      return 0;
    }
    const head = ['MODULE', 'SOURCE', 'ON', 'INTERVAL', 'READS', 'HERE', 'LAST VALUE'];
    // Ids come from script file names and values from scripts: escapes shown, never run.
    const table = rows.map((r) =>
      [r.id, r.source, r.enabled ? r.side : 'off', r.interval, r.backend ?? '-', r.available ? 'yes' : 'no', r.value].map(escapeControl),
    );
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    const out = [fmt(head), ...table.map(fmt)];
    out.push('', `values from: ${snap?.from ?? 'a one-shot collection'}`);
    for (const p of problems) out.push(escapeControl(problemLine(p)));
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
