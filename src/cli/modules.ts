/**
 * `shoji modules`: every module shoji knows here — where it comes from, whether it is on the
 * line, its interval, whether it can run on this host, and its last value or why it failed.
 * Values come from a running tmux daemon when there is one, else from a one-shot collection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadApp } from '../core/app.js';
import { collectOneShot } from '../core/oneshot.js';
import { runtimeDir } from '../core/paths.js';
import { listDir } from '../core/read.js';
import type { ModuleStatus } from '../core/scheduler.js';
import { sideIds } from '../host/render-sides.js';
import { stripControl } from '../render/sanitize.js';
import type { CommandSpec } from './spec.js';

function liveSnapshot(env: NodeJS.ProcessEnv): { from: string; modules: Record<string, ModuleStatus> } | null {
  const dir = runtimeDir(env);
  for (const entry of listDir(dir).filter((e) => e.startsWith('tmux-'))) {
    try {
      const snap = JSON.parse(readFileSync(join(dir, entry, 'snapshot.json'), 'utf8'));
      process.kill(snap.pid, 0);
      return { from: `tmux daemon ${snap.pid}`, modules: snap.modules };
    } catch {
      // not a live daemon
    }
  }
  return null;
}

function intervalText(v: unknown): string {
  return typeof v === 'number' ? `${v}s` : String(v);
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
    const left = sideIds(app, 'left');
    const right = sideIds(app, 'right');
    const ids = [...app.registry.modules.keys()].sort();
    const snap = liveSnapshot(env);
    const statuses = snap
      ? new Map(Object.entries(snap.modules))
      : (await collectOneShot(ids, app.registry, app.config, env, { inline: true })).statuses;
    const rows = ids.map((id) => {
      const reg = app.registry.modules.get(id)!;
      const st = statuses.get(id);
      const where = left.includes(id) ? 'left' : right.includes(id) ? 'right' : '-';
      const enabled = app.config.modules[id]?.enabled !== false && where !== '-';
      const value = !st
        ? '(not collected)'
        : st.error && st.failures > 0
          ? `FAILED: ${st.error}`
          : st.available === false
            ? '(not available here)'
            : st.reading
              ? stripControl(st.reading.text)
              : '(nothing to show)';
      return {
        id,
        source: reg.source,
        file: reg.file,
        enabled,
        side: where,
        interval: app.config.modules[id]?.interval ?? reg.def.interval,
        available: st?.available !== false,
        value,
        description: reg.def.description,
        error: st?.error,
      };
    });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ source: snap?.from ?? 'one-shot', modules: rows, problems: app.registry.problems })}\n`);
      return 0;
    }
    const head = ['MODULE', 'SOURCE', 'ON', 'INTERVAL', 'HERE', 'LAST VALUE'];
    const table = rows.map((r) => [r.id, r.source, r.enabled ? r.side : 'off', intervalText(r.interval), r.available ? 'yes' : 'no', r.value]);
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
    const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
    const out = [fmt(head), ...table.map(fmt)];
    out.push('', `values from: ${snap?.from ?? 'a one-shot collection'}`);
    for (const p of app.registry.problems) out.push(`plugin problem: ${p.file}: ${p.message}`);
    if (app.configError) out.push(`config problem (defaults in use):\n${app.configError.message}`);
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
