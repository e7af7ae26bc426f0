/**
 * containers — running containers, and those in trouble, from the Docker or Podman Engine API
 * over its unix socket (engine.ts: which socket, the one request, reading its answer).
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "ctr 12": the running containers. Containers in trouble are counted after them with a
 * "!": "ctr 12 2!". In trouble means unhealthy (a health check failing: critical, the container
 * runs but its service does not answer) or restarting (a restart policy starting it again after
 * it died: warning, a crash loop is often already under way). The detail names each of them.
 * Paused containers are counted in the data and the detail, not on the line; so are exited,
 * created and dead ones with `stopped: true` (an exited job or a leftover dead container is no
 * alarm). Quiet when none runs and none is in trouble, unless `show_zero`; not available where there is no socket, or where the socket
 * refuses this user (not in the docker group), with that reason in `shoji modules`.
 *
 * The socket: the `socket` option, else DOCKER_HOST when it is unix://PATH (a tcp:// or ssh://
 * host is a network call, never made here), else /var/run/docker.sock, rootless Docker's
 * $XDG_RUNTIME_DIR/docker.sock, rootless Podman's $XDG_RUNTIME_DIR/podman/podman.sock and
 * rootful Podman's /run/podman/podman.sock (under SHOJI_ROOT, for tests). One
 * `GET /containers/json?all=true&filters={"status":["running","restarting","paused"]}` per
 * collect (without the filter with `stopped: true`), cut off at the module's timeout (2 s), an
 * answer over 8 MiB refused. The icon is the word "ctr": the usual square glyphs (▣) are East Asian
 * ambiguous width, which the unicode icon set avoids.
 *
 * Cost, measured against a real dockerd 20.10 (200 requests each, on a busy 2-core machine): with
 * nine containers a request took 1.9 ms (median), 1.0 ms of shoji's CPU and 1.8 ms of dockerd's.
 * dockerd's part grows with every container it lists, stopped ones too: with 100 more created
 * containers, 13 ms of its CPU for the whole list against 3 ms with the status filter. Hence the
 * filter by default: a CI host's thousands of exited containers would otherwise cost dockerd
 * more than a tenth of a second at every collect. With it, the 5 s interval costs dockerd well
 * under 0.1% of a core.
 */
import * as T from 'typebox';
import { type DetailLine, defineModule, type ModuleContext, type State } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { byField, declareMetrics, gauge } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type Container, engineOf, findSocket, get, NoDaemon, parseContainers, type Socket, visible } from './engine.js';

const options = declareOptions({
  socket: T.Optional(
    T.String({
      minLength: 1,
      pattern: '^/',
      description: 'the Engine API socket to ask (an absolute path); default: DOCKER_HOST, then the usual Docker and Podman sockets',
    }),
  ),
  stopped: T.Boolean({
    default: false,
    description: 'also count exited, created and dead containers (all of them listed: dockerd spends ~0.1 ms of CPU on each, every collect)',
  }),
  show_zero: T.Boolean({ default: false, description: 'show "ctr 0" while no container runs, rather than nothing' }),
  api_version: T.Optional(
    T.String({
      pattern: '^1\\.[0-9]{1,3}$',
      description: 'ask at this API version (`/v1.44/containers/json`); default: no prefix, the version the engine speaks',
    }),
  ),
});
export type ContainersOptions = OptionsOf<typeof options>;

const count = (description: string) => T.Integer({ minimum: 0, unit: 'containers', description });

/** What the containers module publishes. */
const data = declareData(
  () => ({
    socket: T.String({ description: 'The socket asked' }),
    engine: T.Optional(T.Enum(['docker', 'podman'], { description: "Which engine answered, from its Server header (Podman's is Libpod)" })),
    apiVersion: T.Optional(T.String({ description: 'The API version it answered at, from its Api-Version header' })),
    running: count('Containers running (State `running`), healthy or not'),
    restarting: count('Containers being restarted by their restart policy'),
    paused: count('Containers paused'),
    exited: T.Optional(count('Containers stopped (State `exited`); with `stopped` only')),
    created: T.Optional(count('Containers created and never started; with `stopped` only')),
    removing: T.Optional(count('Containers being removed; with `stopped` only')),
    dead: T.Optional(count('Containers the engine failed to stop or remove (State `dead`); with `stopped` only')),
    other: count('Containers in a state not listed here'),
    healthy: count('Running containers whose health check passes'),
    unhealthy: count('Running containers whose health check fails'),
    starting: count('Running containers whose health check has not passed yet (`health: starting`)'),
    troubled: T.Array(
      T.Object({
        name: T.String({ description: 'Its name, without the leading `/`' }),
        id: T.String({ description: 'Its id, 12 hex digits' }),
        image: T.String({ description: 'Its image, as the engine names it' }),
        problem: T.Enum(['unhealthy', 'restarting'], { description: 'What is wrong' }),
        status: T.String({ description: 'The engine\'s own words: "Up 2 hours (unhealthy)", "Restarting (1) 5 seconds ago"' }),
      }),
      { description: 'The unhealthy and restarting containers (the first 20), unhealthy first' },
    ),
  }),
  {
    description: 'Published at every collect that read an answer from the socket (all zero when no container runs); nothing while no engine answers.',
  },
);
export type ContainersData = DataOf<typeof data>;
type Troubled = ContainersData['troubled'][number];

/** The filter that leaves stopped containers out of the list: dockerd then builds no summary of them. */
const LIVE_ONLY = `&filters=${encodeURIComponent(JSON.stringify({ status: ['running', 'restarting', 'paused'] }))}`;

/** The most containers named in the data and the detail. */
const MAX_NAMED = 20;

/** The counts and the troubled containers of an answer. */
export function summarize(containers: Container[], stopped: boolean): Omit<ContainersData, 'socket' | 'engine' | 'apiVersion'> {
  const counts = { running: 0, restarting: 0, paused: 0, exited: 0, created: 0, removing: 0, dead: 0, other: 0, healthy: 0, unhealthy: 0, starting: 0 };
  const unhealthy: Troubled[] = [];
  const restarting: Troubled[] = [];
  for (const c of containers) {
    counts[c.state]++;
    if (c.health) counts[c.health]++;
    const row = { name: c.name, id: c.id, image: c.image, status: c.status };
    if (c.health === 'unhealthy') unhealthy.push({ ...row, problem: 'unhealthy' });
    else if (c.state === 'restarting') restarting.push({ ...row, problem: 'restarting' });
  }
  const byName = (a: Troubled, b: Troubled) => a.name.localeCompare(b.name);
  const troubled = [...unhealthy.sort(byName), ...restarting.sort(byName)].slice(0, MAX_NAMED);
  const { exited: _exited, created: _created, removing: _removing, dead: _dead, ...live } = counts;
  // Stopped containers were not asked for: an engine that sent some anyway is not counted.
  return stopped ? { ...counts, troubled } : { ...live, troubled };
}

function detailOf(d: ContainersData, socket: Socket): DetailLine[] {
  const engine = d.engine === 'podman' ? 'Podman' : d.engine === 'docker' ? 'Docker' : 'engine';
  const detail: DetailLine[] = [{ label: 'Socket', value: `${socket.path} (${engine}${d.apiVersion ? `, API ${d.apiVersion}` : ''})` }];
  const health = [d.healthy && `${d.healthy} healthy`, d.unhealthy && `${d.unhealthy} unhealthy`, d.starting && `${d.starting} starting`].filter(Boolean);
  detail.push({ label: 'Running', value: `${d.running}${health.length > 0 ? ` (${health.join(', ')})` : ''}` });
  for (const [label, n = 0] of [
    ['Restarting', d.restarting],
    ['Paused', d.paused],
    ['Exited', d.exited],
    ['Created', d.created],
    ['Removing', d.removing],
    ['Dead', d.dead],
    ['Other', d.other],
  ] as const) {
    if (n > 0) detail.push({ label, value: String(n) });
  }
  for (const t of d.troubled) detail.push({ label: t.name, value: `${t.problem}: ${t.status}${t.image ? `, image ${t.image}` : ''}` });
  const named = d.troubled.length;
  const all = d.unhealthy + d.restarting;
  if (all > named) detail.push({ label: 'Not named', value: `${all - named} more in trouble` });
  return detail;
}

async function collect(ctx: ModuleContext<ContainersOptions>) {
  const o = ctx.options;
  const found = findSocket(ctx.root, ctx.env, o.socket, process.getuid?.() ?? 0);
  if ('none' in found) return { reading: null };
  if ('denied' in found) throw new Error(found.why);
  const { socket } = found;
  const path = `${o.api_version ? `/v${o.api_version}` : ''}/containers/json?all=true${o.stopped ? '' : LIVE_ONLY}`;
  let answer: Awaited<ReturnType<typeof get>>;
  try {
    answer = await get(socket.path, path, ctx.signal);
  } catch (err) {
    // A socket file left behind by a daemon that is not running: nothing to say, as with no socket.
    if (err instanceof NoDaemon) return { reading: null };
    throw err;
  }
  if (answer.status !== 200) {
    let message = answer.body;
    try {
      const m = (JSON.parse(answer.body) as { message?: unknown }).message;
      if (typeof m === 'string') message = m;
    } catch {
      // Not the engine's JSON error: its text as it came.
    }
    throw new Error(`${socket.path} answered HTTP ${answer.status} to GET ${path}: ${visible(message.trim(), 200)}`);
  }
  const containers = parseContainers(answer.body);
  if ('problem' in containers) throw new Error(`${socket.path}, GET ${path}: ${containers.problem}`);
  const engine = engineOf(answer.server);
  const apiVersion = answer.apiVersion !== undefined && /^\d+\.\d+$/.test(answer.apiVersion) ? answer.apiVersion : undefined;
  const d: ContainersData = { socket: socket.path, ...(engine ? { engine } : {}), ...(apiVersion ? { apiVersion } : {}), ...summarize(containers, o.stopped) };
  const troubled = d.unhealthy + d.restarting;
  if (d.running === 0 && troubled === 0 && !o.show_zero) return { reading: null, data: d };
  const state: State = d.unhealthy > 0 ? 'critical' : d.restarting > 0 ? 'warning' : 'idle';
  const text = troubled > 0 ? `${d.running} ${troubled}!` : String(d.running);
  return { reading: { text, state, icon: 'containers', detail: detailOf(d, socket) }, data: d };
}

export default defineModule<ContainersOptions, ContainersData>({
  id: 'containers',
  description: 'running containers, and the unhealthy and restarting ones, from the Docker or Podman socket',
  options,
  data,
  metrics: declareMetrics(() => [
    byField('gauge', 'shoji_containers', 'Containers on the local Docker or Podman engine, by state', 'state', {
      running: 'running',
      restarting: 'restarting',
      paused: 'paused',
      exited: 'exited',
      created: 'created',
      removing: 'removing',
      dead: 'dead',
      other: 'other',
    }),
    gauge('shoji_containers_unhealthy', 'unhealthy'),
  ]),
  interval: 5,
  // One local request: a daemon that has not answered in 2 s is stuck, and the line moves on.
  timeoutMs: 2000,
  priority: 45,
  icons: { containers: 'ctr ' },
  available(ctx) {
    const found = findSocket(ctx.root, ctx.env, ctx.options.socket, process.getuid?.() ?? 0);
    if ('socket' in found) return true;
    if ('denied' in found) return { available: false, why: found.why };
    return found.tell ? { available: false, why: found.none } : false;
  },
  collect,
});
