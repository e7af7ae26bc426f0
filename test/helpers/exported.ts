/**
 * The built-in modules run as the exporter runs them, on the fixture host (fixture-host.ts): each
 * resolved with a config, checked for availability and collected by src/core/collect.ts, its
 * outcome recorded in a ModuleStatus by the scheduler's recordOutcome. So a test has the
 * statuses a `shoji exporter` would serve, from real modules reading real files, without timers.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { checkAvailable, collectModule } from '../../src/core/collect.js';
import { DEFAULT_CONFIG, type ShojiConfig } from '../../src/core/config.js';
import type { AnyModule, LongLivedHost } from '../../src/core/contract.js';
import type { ModuleSource } from '../../src/core/registry.js';
import { type ResolvedModule, resolveModule } from '../../src/core/resolve.js';
import { type ModuleStatus, newStatus, recordOutcome } from '../../src/core/scheduler.js';
import { requireProgram } from './cli.js';
import { DOCKERD_20_10, DOCKERD_20_10_HEADERS } from './docker-answers.js';
import { type FixtureTree, fixtureTree } from './context.js';
import { FIXTURE_OPTIONS, fixtureHost } from './fixture-host.js';

/** What the exporter offers its modules (ModuleContext.longLived); its log is not read here. */
const LONG_LIVED: LongLivedHost = { log: () => {} };

/** A path configured for the disk module whose name has a quote, a backslash and a newline in it. */
export const ODD_MOUNT = '/srv/we"ird\\dir\nname';

/** An hwmon chip: its name and tempN_input (millidegrees) by N, with an optional label. */
export function hwmonChip(tree: FixtureTree, entry: string, name: string, temps: Record<number, { input: number; label?: string }>): void {
  tree.write(`sys/class/hwmon/${entry}/name`, `${name}\n`);
  for (const [n, t] of Object.entries(temps)) {
    tree.write(`sys/class/hwmon/${entry}/temp${n}_input`, `${t.input}\n`);
    if (t.label !== undefined) tree.write(`sys/class/hwmon/${entry}/temp${n}_label`, `${t.label}\n`);
  }
}

export interface ExporterHost {
  tree: FixtureTree;
  env: NodeJS.ProcessEnv;
  /** Every built-in module, resolved with the options that make it publish here. */
  modules: ResolvedModule[];
  statuses: Map<string, ModuleStatus>;
  /** Move the host's counters on (fixture-host.ts). */
  tick(step: number): void;
  /** One collect of each module (or of those named) that is available here, recorded in its status. */
  collect(ids?: readonly string[]): Promise<void>;
  /** Add a module (a user plugin's as the host sees it, a broken one), with a fresh status. */
  add(def: AnyModule, source: ModuleSource): ResolvedModule;
  cleanup(): void;
}

/**
 * A Docker engine on a unix socket at `path` answering GET /containers/json with a real dockerd
 * 20.10's answer (docker-answers.ts), filtered by the `status` filter as dockerd filters it.
 */
async function dockerEngine(path: string): Promise<Server> {
  mkdirSync(join(path, '..'), { recursive: true });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    if (url.pathname !== '/containers/json') {
      res.writeHead(404, DOCKERD_20_10_HEADERS).end('{"message":"page not found"}');
      return;
    }
    const wanted = (JSON.parse(url.searchParams.get('filters') ?? '{}') as { status?: string[] }).status;
    const list = (JSON.parse(DOCKERD_20_10) as { State: string }[]).filter((c) => !wanted || wanted.includes(c.State));
    res.writeHead(200, DOCKERD_20_10_HEADERS).end(JSON.stringify(list));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

/**
 * The fixture host with every built-in module, none collected yet. Beside fixture-host.ts's files:
 * two hwmon sensors, the disk module configured for `/` and ODD_MOUNT, and a Docker engine's
 * socket at var/run/docker.sock (a server in this process) for the containers module.
 */
export async function exporterHost(): Promise<ExporterHost> {
  const tree = fixtureTree();
  const { tick } = fixtureHost(tree);
  hwmonChip(tree, 'hwmon0', 'coretemp', { 1: { input: 51000, label: 'Package id 0' }, 2: { input: 47500, label: 'Core 0' } });
  mkdirSync(join(tree.root, ODD_MOUNT), { recursive: true });
  const engine = await dockerEngine(join(tree.root, 'var/run/docker.sock'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    SHOJI_ROOT: tree.root,
    // The mail and trash modules' (fixture-host.ts writes them): never the runner's own.
    MAIL: join(tree.root, 'var/mail/alice'),
    XDG_DATA_HOME: join(tree.root, 'home/alice/.local/share'),
    SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
    SHOJI_STATE_DIR: join(tree.dir, 'state'),
    SHOJI_CONFIG_DIR: join(tree.dir, 'config'),
    // Nothing listens there: a module that asked the metadata service would fail, visibly.
    AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
  };
  const config: ShojiConfig = { ...DEFAULT_CONFIG, modules: { ...FIXTURE_OPTIONS, disk: { mounts: ['/', ODD_MOUNT] } } };
  // Not the fleet module, which asks a Prometheus server: the exporter's tests have none to ask.
  const modules = BUILTIN_MODULES.filter((def) => def.id !== 'fleet').map((def) => resolveModule({ def, source: 'builtin' }, config));
  const statuses = new Map(modules.map((m) => [m.id, newStatus(m.id)]));

  return {
    tree,
    env,
    modules,
    statuses,
    tick,
    async collect(ids) {
      for (const mod of modules) {
        if (ids !== undefined && !ids.includes(mod.id)) continue;
        const status = statuses.get(mod.id)!;
        if (status.available === undefined) status.available = (await checkAvailable(mod, env, mod.timeoutMs)).available;
        if (!status.available) continue;
        // As the exporter collects: a long-lived process (ec2-cost works out the month to date there).
        recordOutcome(status, await collectModule(mod, env, status.memo, mod.timeoutMs, LONG_LIVED));
      }
    },
    add(def, source) {
      const mod = resolveModule({ def, source }, config);
      modules.push(mod);
      statuses.set(mod.id, newStatus(mod.id));
      return mod;
    },
    cleanup: () => {
      engine.closeAllConnections();
      engine.close();
      tree.cleanup();
    },
  };
}

/** The fixture host with every module collected twice, the counters moved on in between (rates are published). */
export async function collectedHost(): Promise<ExporterHost> {
  const host = await exporterHost();
  host.tick(0);
  await host.collect();
  host.tick(1);
  await host.collect();
  return host;
}

/**
 * What the real `promtool check metrics` (Debian's prometheus package) says of a Prometheus text
 * exposition: '' when it has nothing to say, else its lines and, for a failure, its exit status.
 */
export function promtoolSays(text: string): string {
  requireProgram('promtool');
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', env: { PATH: process.env.PATH, LANG: 'C' } });
  const said = `${run.stdout}${run.stderr}`;
  return run.status === 0 ? said : `${said}(exit status ${run.status ?? run.signal})`;
}
