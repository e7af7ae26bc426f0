/**
 * Which modules the exporter runs: every enabled module that declares metrics and every user
 * plugin, whatever the status line's layout; never `fleet`, nor a disabled or metric-less module.
 * The registry is the real one, with the built-in modules and a user plugin file.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApp } from '../../../src/app/app.js';
import { EXPORTER_MIN_INTERVAL_MS, exportedModules } from '../../../src/exporter/run.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-exported-'));
  chmodSync(dir, 0o755);
  const config = join(dir, 'config');
  mkdirSync(join(config, 'plugins'), { recursive: true, mode: 0o755 });
  writeFileSync(
    join(config, 'plugins', 'queue.mjs'),
    "export default { id: 'queue', description: 'jobs waiting', options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} }, interval: 10, collect() { return { reading: null, data: { jobs: 3 } }; } };\n",
    { mode: 0o644 },
  );
  env = { HOME: dir, SHOJI_CONFIG_DIR: config, SHOJI_STATE_DIR: join(dir, 'state'), SHOJI_CACHE_DIR: join(dir, 'cache'), SHOJI_RUNTIME_DIR: join(dir, 'run') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the modules the exporter runs', () => {
  it('every enabled module with metrics and every user plugin, whatever the layout; never fleet, nor modules without metrics', async () => {
    writeFileSync(join(env.SHOJI_CONFIG_DIR!, 'config.yaml'), 'left: [fleet, hostname]\nright: []\nmodules:\n  swap: { enabled: false }\n');
    const app = await loadApp(env);
    const ids = exportedModules(app).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['cpu', 'load', 'memory', 'disk', 'network', 'uptime', 'queue']));
    for (const never of ['fleet', 'swap', 'hostname', 'datetime', 'ip']) expect(ids, never).not.toContain(never);
    // Every module it runs has something to export.
    for (const m of exportedModules(app)) expect(m.source === 'plugin' || (m.def.metrics?.families.length ?? 0) > 0, m.id).toBe(true);
  });

  it('leaves fleet out even if it declared metrics', async () => {
    const app = await loadApp(env);
    const fleet = app.modules.all.get('fleet');
    if (!fleet) return; // a build without the fleet module
    app.modules.all.set('fleet', {
      ...fleet,
      enabled: true,
      def: { ...fleet.def, metrics: { families: [{ name: 'shoji_x', type: 'gauge', help: 'x', samples: () => [] }] } },
    });
    expect(exportedModules(app).map((m) => m.id)).not.toContain('fleet');
  });

  it('collects no module more often than every 15 s, and each on a multiple of 15 s, unless the config sets its interval', async () => {
    writeFileSync(join(env.SHOJI_CONFIG_DIR!, 'config.yaml'), 'modules:\n  memory: { interval: 1 }\n  updates: { interval: "0 */6 * * *" }\n');
    const app = await loadApp(env);
    const pace = new Map(exportedModules(app).map((m) => [m.id, m.interval]));
    expect(EXPORTER_MIN_INTERVAL_MS).toBe(15_000);
    // cpu's own 2 s and network's 3 s are a status line's: the exporter takes the floor.
    expect(app.modules.all.get('cpu')!.interval).toEqual({ kind: 'every', ms: 2000 });
    expect(pace.get('cpu')).toEqual({ kind: 'every', ms: EXPORTER_MIN_INTERVAL_MS });
    expect(pace.get('network')).toEqual({ kind: 'every', ms: EXPORTER_MIN_INTERVAL_MS });
    // A slower module's on the multiple nearest its own: reboot-required's 17 s on 15 s; disk's 30 s as it is.
    expect(app.modules.all.get('reboot-required')!.interval).toEqual({ kind: 'every', ms: 17_000 });
    expect(pace.get('reboot-required')).toEqual({ kind: 'every', ms: EXPORTER_MIN_INTERVAL_MS });
    expect(pace.get('disk')).toEqual({ kind: 'every', ms: 30_000 });
    expect(pace.get('disk')).toEqual(app.modules.all.get('disk')!.interval);
    for (const [id, interval] of pace) if (interval.kind === 'every' && id !== 'memory') expect(interval.ms % EXPORTER_MIN_INTERVAL_MS, id).toBe(0);
    // The user's own interval stands, as does a cron and 'once'.
    expect(pace.get('memory')).toEqual({ kind: 'every', ms: 1000 });
    expect(pace.get('updates')).toEqual({ kind: 'cron', expr: '0 */6 * * *' });
    // Everything else about the module is as resolved.
    const cpu = exportedModules(app).find((m) => m.id === 'cpu')!;
    expect([cpu.id, cpu.timeoutMs, cpu.settingsKey, cpu.options]).toEqual([
      'cpu',
      app.modules.all.get('cpu')!.timeoutMs,
      app.modules.all.get('cpu')!.settingsKey,
      app.modules.all.get('cpu')!.options,
    ]);
  });
});
