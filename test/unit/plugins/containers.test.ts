/**
 * containers against a real HTTP server on a unix socket in a fixture tree, speaking the Engine
 * API's JSON: a real dockerd 20.10's answer with a container in every state, the API docs' own
 * example, a dead container from a user's report, and API 1.52's Health field
 * (test/helpers/docker-answers.ts says where each came from). Also what a status line must survive: no
 * socket, a socket nobody listens on, a daemon that never answers, garbage, an endless answer,
 * an HTTP error, and hostile container names. Which socket is asked: DOCKER_HOST (unix:// only),
 * Docker's, Podman's rootless and rootful ones, the `socket` option.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../../src/core/metrics.js';
import containers from '../../../plugins/containers/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';
import { DEAD_CONTAINER, DOCKERD_20_10, DOCKERD_20_10_HEADERS, DOCS_EXAMPLE, WITH_HEALTH_FIELD } from '../../helpers/docker-answers.js';

let tree: FixtureTree;
let servers: Server[];
/** What the servers answer next, and the requests they got (method and path). */
let answer: (req: IncomingMessage, res: ServerResponse) => void;
let requests: string[];

/** The status filter of a request's `filters`, as dockerd reads it: the states to list, or null for all. */
function statusFilter(url: string | undefined): string[] | null {
  const filters = new URL(url ?? '/', 'http://localhost').searchParams.get('filters');
  return filters === null ? null : ((JSON.parse(filters) as { status?: string[] }).status ?? null);
}

/** An answer as an engine gives it: the containers the request's status filter keeps. */
const json =
  (body: string, headers: Record<string, string> = DOCKERD_20_10_HEADERS, status = 200) =>
  (req: IncomingMessage, res: ServerResponse) => {
    const keep = statusFilter(req.url);
    let list: unknown;
    try {
      list = JSON.parse(body);
    } catch {
      list = undefined;
    }
    const kept = keep && Array.isArray(list) ? JSON.stringify(list.filter((c: { State?: unknown } | null) => keep.includes(String(c?.State)))) : body;
    res.writeHead(status, headers);
    res.end(kept);
  };

/** What the module asks by default: every container but the stopped ones. */
const LIVE = `GET /containers/json?all=true&filters=${encodeURIComponent('{"status":["running","restarting","paused"]}')}`;

/** A server on a unix socket at `relative` under the tree (var/run/docker.sock: Docker's). */
async function serve(relative = 'root/var/run/docker.sock'): Promise<string> {
  const path = join(tree.dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  servers.push(server);
  return path;
}

const ctxWith = (options: Parameters<typeof moduleContext<typeof containers.options.defaults>>[2] = {}, env: NodeJS.ProcessEnv = {}) =>
  moduleContext(containers, tree, options, env);

beforeEach(() => {
  tree = fixtureTree();
  servers = [];
  requests = [];
  answer = json(DOCKERD_20_10);
});
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  tree.cleanup();
});

describe('containers, on a real dockerd 20.10 answer', () => {
  it('shows the running ones and counts the unhealthy and restarting after them: critical, named in the detail', async () => {
    const socket = await serve();
    const ctx = ctxWith();
    expect(await containers.available!(ctx)).toBe(true);
    const got = await containers.collect(ctx, undefined);
    expect(requests).toEqual([LIVE]);
    expect(got.reading).toMatchObject({ text: '4 2!', state: 'critical', icon: 'containers' });
    expect(got.reading?.detail).toEqual([
      { label: 'Socket', value: `${socket} (Docker, API 1.41)` },
      { label: 'Running', value: '4 (1 healthy, 1 unhealthy, 1 starting)' },
      { label: 'Restarting', value: '1' },
      { label: 'Paused', value: '1' },
      { label: 'api', value: 'unhealthy: Up 10 seconds (unhealthy), image mini:1' },
      { label: 'flapper', value: 'restarting: Restarting (1) 2 seconds ago, image mini:1' },
    ]);
    expect(got.data).toEqual({
      socket,
      engine: 'docker',
      apiVersion: '1.41',
      running: 4,
      restarting: 1,
      paused: 1,
      other: 0,
      healthy: 1,
      unhealthy: 1,
      starting: 1,
      troubled: [
        { name: 'api', id: 'cb2184cb288b', image: 'mini:1', problem: 'unhealthy', status: 'Up 10 seconds (unhealthy)' },
        { name: 'flapper', id: 'a76714d29a45', image: 'mini:1', problem: 'restarting', status: 'Restarting (1) 2 seconds ago' },
      ],
    });
    expectDataAsDeclared(containers, got.data);
  });

  it('with stopped: true, lists every container and counts the exited and created ones too', async () => {
    await serve();
    const got = await containers.collect(ctxWith({ stopped: true }), undefined);
    expect(requests).toEqual(['GET /containers/json?all=true']);
    expect(got.reading?.text).toBe('4 2!');
    expect(got.data).toMatchObject({ running: 4, restarting: 1, paused: 1, exited: 2, created: 1, removing: 0, dead: 0, other: 0 });
    expect(got.reading?.detail).toContainEqual({ label: 'Exited', value: '2' });
    expectDataAsDeclared(containers, got.data);
  });

  it('restarting alone is a warning; all well is "N" and idle', async () => {
    await serve();
    const all = JSON.parse(DOCKERD_20_10) as { Names: string[]; State: string }[];
    answer = json(JSON.stringify(all.filter((c) => c.Names[0] !== '/api')));
    expect((await containers.collect(ctxWith(), undefined)).reading).toMatchObject({ text: '3 1!', state: 'warning' });
    answer = json(JSON.stringify(all.filter((c) => c.Names[0] !== '/api' && c.Names[0] !== '/flapper')));
    const well = await containers.collect(ctxWith(), undefined);
    expect(well.reading).toMatchObject({ text: '3', state: 'idle' });
    expect(well.data).toMatchObject({ troubled: [] });
  });

  it('exports the counts by state and the unhealthy count', async () => {
    await serve();
    const live = await containers.collect(ctxWith(), undefined);
    const liveStates = (containers.metrics!.families as readonly MetricFamily[]).find((f) => f.name === 'shoji_containers')!.samples(live.data);
    expect(liveStates.map((sample) => sample.labels?.state)).toEqual(['running', 'restarting', 'paused', 'other']);
    const { data } = await containers.collect(ctxWith({ stopped: true }), undefined);
    const samples = Object.fromEntries((containers.metrics!.families as readonly MetricFamily[]).map((f) => [f.name, f.samples(data)]));
    expect(samples.shoji_containers).toEqual(
      ['running', 'restarting', 'paused', 'exited', 'created', 'removing', 'dead', 'other'].map((state) => ({
        labels: { state },
        value: { running: 4, restarting: 1, paused: 1, exited: 2, created: 1 }[state] ?? 0,
      })),
    );
    expect(samples.shoji_containers_unhealthy).toEqual([{ value: 1 }]);
  });

  it('asks at a pinned API version when told to', async () => {
    await serve();
    await containers.collect(ctxWith({ api_version: '1.44' }), undefined);
    expect(requests).toEqual([LIVE.replace('/containers', '/v1.44/containers')]);
  });
});

describe('containers, other answers', () => {
  it("takes API 1.52's Health field over the Status text, and knows Podman by its Server header", async () => {
    await serve();
    answer = json(WITH_HEALTH_FIELD, { 'content-type': 'application/json', server: 'Libpod/5.2.0 (linux)', 'api-version': '1.41' });
    const got = await containers.collect(ctxWith(), undefined);
    expect(got.reading).toMatchObject({ text: '1 1!', state: 'critical' });
    expect(got.data).toMatchObject({
      engine: 'podman',
      running: 1,
      healthy: 0,
      unhealthy: 1,
      troubled: [{ name: 'shop-web-1', id: '3f1c0a9d2b7e' }],
    });
    expectDataAsDeclared(containers, got.data);
  });

  it('is quiet while none runs, publishing the counts; show_zero shows "0"', async () => {
    await serve();
    answer = json(`${DOCS_EXAMPLE.slice(0, -1)},${DEAD_CONTAINER.slice(1)}`, { 'content-type': 'application/json' });
    const quiet = await containers.collect(ctxWith({ stopped: true }), undefined);
    expect(quiet.reading).toBeNull();
    // The docs' "Exited" is an exited container; a dead one is counted, not an alarm.
    expect(quiet.data).toMatchObject({ running: 0, exited: 1, dead: 1, troubled: [] });
    expect(quiet.data).not.toHaveProperty('engine');
    expectDataAsDeclared(containers, quiet.data);
    const zero = await containers.collect(ctxWith({ stopped: true, show_zero: true }), undefined);
    expect(zero.reading).toMatchObject({ text: '0', state: 'idle' });
    expect(zero.reading?.detail).toContainEqual({ label: 'Dead', value: '1' });

    // By default stopped containers are neither asked for nor counted.
    const live = await containers.collect(ctxWith(), undefined);
    expect(live).toMatchObject({ reading: null, data: { running: 0, restarting: 0, paused: 0 } });
    expect(live.data).not.toHaveProperty('exited');
  });

  it('reads State from Status for engines before API 1.23, and skips entries that are not containers', async () => {
    await serve();
    const old = [
      { Id: 'aaaaaaaaaaaa1', Names: ['/a'], Status: 'Up 2 hours (unhealthy)' },
      { Id: 'bbbbbbbbbbbb2', Names: ['/b'], Status: 'Up 5 seconds (health: starting)' },
      { Id: 'cccccccccccc3', Names: ['/c'], Status: 'Up 1 minute (Paused)' },
      { Id: 'dddddddddddd4', Names: ['/d'], Status: 'Restarting (2) 1 second ago' },
      { Id: 'eeeeeeeeeeee5', Names: ['/e'], Status: 'Removal In Progress' },
      { Id: 'ffffffffffff6', Status: 'Exited (137) 3 days ago' },
      { Id: 'gggggggggggg7', Names: ['/g'], State: 'frobnicating', Status: '?' },
      null,
      'web',
      [1],
    ];
    answer = json(JSON.stringify(old));
    const { data } = await containers.collect(ctxWith({ stopped: true }), undefined);
    expect(data).toMatchObject({ running: 2, unhealthy: 1, starting: 1, paused: 1, restarting: 1, removing: 1, exited: 1, other: 1 });
    expect(data?.troubled.map((t) => t.name)).toEqual(['a', 'd']);
  });

  it('removes control characters and bidirectional overrides from names and cuts long ones', async () => {
    await serve();
    const hostile = [
      { Id: 'abc', Names: ['/evil\x1b]0;pwned\x07#[fg=red]\u202Egnp.exe'], Image: 'x\x1b[31m', State: 'running', Status: 'Up 1 second (unhealthy)\r\n' },
      { Id: 'def', Names: [`/${'n'.repeat(300)}`], State: 'restarting', Status: 'Restarting (1) 1 second ago' },
    ];
    answer = json(JSON.stringify(hostile));
    const { data, reading } = await containers.collect(ctxWith(), undefined);
    expect(data?.troubled[0]).toMatchObject({ name: 'evil]0;pwned#[fg=red]gnp.exe', image: 'x[31m', status: 'Up 1 second (unhealthy)' });
    expect(data?.troubled[1].name).toBe(`${'n'.repeat(77)}...`);
    for (const line of reading?.detail ?? []) expect(`${line.label}${line.value}`).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e]/);
  });
});

describe('containers, when the engine does not give an answer to read', () => {
  it('fails with what came back, escaped, for garbage, a non-list, and an HTTP error', async () => {
    await serve();
    answer = json('\x1b[2J<html>gateway</html>', { 'content-type': 'text/html' });
    await expect(containers.collect(ctxWith(), undefined)).rejects.toThrow(
      /GET \/containers\/json\?all=true&filters=\S+: the answer is not JSON: "\\x1b\[2J<html>gateway<\/html>"$/,
    );
    answer = json('{"message":"page not found"}');
    await expect(containers.collect(ctxWith(), undefined)).rejects.toThrow(/the answer is not a list of containers: "\{"message":"page not found"\}"$/);
    answer = json('{"message":"client version 1.41 is too old. Minimum supported API version is 1.44"}', { 'content-type': 'application/json' }, 400);
    await expect(containers.collect(ctxWith({ api_version: '1.41', stopped: true }), undefined)).rejects.toThrow(
      /answered HTTP 400 to GET \/v1\.41\/containers\/json\?all=true: client version 1\.41 is too old\. Minimum supported API version is 1\.44$/,
    );
  });

  it('refuses an answer over 8 MiB, declared or streamed without end, and closes the connection', async () => {
    await serve();
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(9 * 1024 * 1024) });
      res.write('[');
    };
    await expect(containers.collect(ctxWith({ stopped: true }), undefined)).rejects.toThrow(/sent more than 8 MiB for \/containers\/json\?all=true: refused/);

    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const item = `${JSON.stringify(JSON.parse(DOCKERD_20_10)[0])},`;
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const more = () => {
        while (res.write(item.repeat(100))) {
          // until the socket's buffer is full
        }
      };
      res.on('drain', more);
      res.on('close', closed);
      more();
    };
    await expect(containers.collect(ctxWith(), undefined)).rejects.toThrow(/sent more than 8 MiB/);
    await connectionClosed;
  });

  it('a daemon that never answers: the collect ends when its signal is aborted (the module timeout), the connection closed', async () => {
    await serve();
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const controller = new AbortController();
    answer = (req) => {
      req.socket.on('close', closed);
      controller.abort(new Error('timed out'));
    };
    const ctx = { ...ctxWith(), signal: controller.signal };
    await expect(containers.collect(ctx, undefined)).rejects.toThrow('timed out');
    await connectionClosed;
    expect(containers.timeoutMs).toBe(2000);
  });
});

describe('containers, which socket', () => {
  it('no socket: not available, and quiet; a file that is not a socket does not count', async () => {
    expect(await containers.available!(ctxWith())).toBe(false);
    expect(await containers.collect(ctxWith(), undefined)).toEqual({ reading: null });
    tree.write('root/var/run/docker.sock', '');
    expect(await containers.available!(ctxWith())).toBe(false);
    expect(requests).toEqual([]);
  });

  it('a socket left behind by a daemon that died: quiet, not a failure every refresh', async () => {
    const path = join(tree.dir, 'root/var/run/docker.sock');
    mkdirSync(dirname(path), { recursive: true });
    // A process that listens and is killed leaves its socket file: nothing listens there now.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await containers.available!(ctxWith())).toBe(true);
    expect(await containers.collect(ctxWith(), undefined)).toEqual({ reading: null });
  });

  it('DOCKER_HOST=unix://PATH is asked first; a tcp:// host is never called, and says so when there is no local socket', async () => {
    const elsewhere = await serve('elsewhere/engine.sock');
    const got = await containers.collect(ctxWith({}, { DOCKER_HOST: `unix://${elsewhere}` }), undefined);
    expect(got.data?.socket).toBe(elsewhere);

    const tcp = { DOCKER_HOST: 'tcp://203.0.113.9:2376' };
    expect(await containers.available!(ctxWith({}, tcp))).toEqual({
      available: false,
      why: expect.stringMatching(
        /^DOCKER_HOST is tcp:\/\/203\.0\.113\.9:2376, a network address, which this module does not call \(it reads a local unix socket only\); and no socket at /,
      ),
    });
    const local = await serve();
    expect((await containers.collect(ctxWith({}, tcp), undefined)).data?.socket).toBe(local);
  });

  it("finds Podman's rootless socket under XDG_RUNTIME_DIR, and its rootful one", async () => {
    const runtime = join(tree.dir, 'run-user');
    const rootless = await serve('run-user/podman/podman.sock');
    const env = { XDG_RUNTIME_DIR: runtime };
    expect(await containers.available!(ctxWith({}, env))).toBe(true);
    expect((await containers.collect(ctxWith({}, env), undefined)).data?.socket).toBe(rootless);
    const rootful = await serve('root/run/podman/podman.sock');
    expect((await containers.collect(ctxWith(), undefined)).data?.socket).toBe(rootful);
    // Docker's socket comes first where both are there.
    const docker = await serve();
    expect((await containers.collect(ctxWith({}, env), undefined)).data?.socket).toBe(docker);
  });

  it('the socket option overrides the rest; one that is not there says so', async () => {
    await serve();
    const mine = await serve('mine/api.sock');
    expect((await containers.collect(ctxWith({ socket: mine }), undefined)).data?.socket).toBe(mine);
    rmSync(mine);
    const missing = ctxWith({ socket: mine });
    expect(await containers.available!(missing)).toEqual({ available: false, why: `no socket at ${mine} (modules.containers.socket)` });
  });
});
