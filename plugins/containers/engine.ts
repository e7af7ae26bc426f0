/**
 * The Docker or Podman Engine API over its unix socket, for the containers module: which socket
 * to ask, one `GET /containers/json?all=true` with a size cap, and its answer read defensively.
 * No CLI process: HTTP over the socket with node:http, loaded on first use (the status line's
 * start-up does not pay for it when the module is not on the line).
 *
 * The request has no version prefix. A pinned one fits no range of engines now: Docker 29 refuses
 * anything below API 1.44 ("client version 1.41 is too old", moby's MinAPIVersion since Engine
 * 29.0), and Docker 24 and older (Debian 12's docker.io is 20.10, API 1.41) refuse anything
 * above their own. Without a prefix, Docker answers at its own current version (moby registers
 * every route with and without `/v{version}`), and Podman's compat API registers
 * `/containers/json` unversioned "to support docker non versioned paths"
 * (pkg/api/server/register_containers.go), while it ignores the version in a prefixed path. The
 * fields read here (Names, State, Status, Image, Id, and Health since API 1.52) mean the same in
 * every version. The `api_version` option pins a prefix for an engine that wants one.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { withoutControl } from '../../src/core/outside-text.js';

/** Text from outside in a message: printable ASCII, the rest as \xNN or \u{N}, cut to `max` characters. */
export function visible(value: string, max = 60): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return cut.replace(/[^\x20-\x7e]/g, (c) => {
    const n = c.codePointAt(0) ?? 0;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

/** A socket to ask, and where its path came from (shown in the detail and in `why`). */
export interface Socket {
  path: string;
  from: 'option' | 'DOCKER_HOST' | 'docker' | 'docker (rootless)' | 'podman (rootless)' | 'podman';
}

/**
 * A socket to ask; or one there that refuses this user, with why; or none, with why (`tell`:
 * worth saying in `shoji modules`, where the user pointed at one: the option or a tcp:// host).
 */
export type Found = { socket: Socket } | { denied: Socket; why: string } | { none: string; tell: boolean };

/** The sockets to try, in order, for a context's root, environment and the `socket` option. */
export function candidates(root: string, env: NodeJS.ProcessEnv, option: string | undefined, uid: number): { list: Socket[]; remote?: string } {
  if (option) return { list: [{ path: option, from: 'option' }] };
  const list: Socket[] = [];
  let remote: string | undefined;
  const host = env.DOCKER_HOST?.trim();
  if (host?.startsWith('unix://')) list.push({ path: host.slice('unix://'.length), from: 'DOCKER_HOST' });
  else if (host) remote = host;
  const runtime = env.XDG_RUNTIME_DIR?.startsWith('/') ? env.XDG_RUNTIME_DIR : join(root, 'run/user', String(uid));
  list.push(
    { path: join(root, 'var/run/docker.sock'), from: 'docker' },
    { path: join(runtime, 'docker.sock'), from: 'docker (rootless)' },
    { path: join(runtime, 'podman/podman.sock'), from: 'podman (rootless)' },
    { path: join(root, 'run/podman/podman.sock'), from: 'podman' },
  );
  return { list, ...(remote !== undefined ? { remote } : {}) };
}

const NOT_IN_GROUP =
  'permission denied: connecting needs write access to the socket (for Docker, membership of the docker group, which is root-equivalent; or use rootless Docker or Podman)';

/**
 * The first socket this user can connect to; else the first that exists but refuses this user
 * (EACCES: not in the docker group), with why; else why there is none. A few stat and access
 * calls, no connection: `available` asks this once, each collect again (a daemon started later).
 */
export function findSocket(root: string, env: NodeJS.ProcessEnv, option: string | undefined, uid: number): Found {
  const { list, remote } = candidates(root, env, option, uid);
  let denied: { denied: Socket; why: string } | undefined;
  for (const socket of list) {
    let isSocket: boolean;
    try {
      isSocket = statSync(socket.path).isSocket();
    } catch (err) {
      // A folder this user may not enter (/run/podman is root's): there, but not for this user.
      if ((err as NodeJS.ErrnoException).code === 'EACCES') denied ??= { denied: socket, why: `${socket.path}: ${NOT_IN_GROUP}` };
      continue;
    }
    if (!isSocket) continue;
    try {
      accessSync(socket.path, constants.R_OK | constants.W_OK);
      return { socket };
    } catch {
      denied ??= { denied: socket, why: `${socket.path}: ${NOT_IN_GROUP}` };
    }
  }
  if (denied) return denied;
  if (option) return { none: `no socket at ${option} (modules.containers.socket)`, tell: true };
  const tried = list.map((s) => s.path).join(', ');
  if (remote !== undefined) {
    return {
      none: `DOCKER_HOST is ${visible(remote, 100)}, a network address, which this module does not call (it reads a local unix socket only); and no socket at ${tried}`,
      tell: true,
    };
  }
  return { none: `no Docker or Podman socket (${tried})`, tell: false };
}

/** The largest answer read: ~2.5 KB a container (compose labels, mounts), so thousands of them. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface Answer {
  status: number;
  body: string;
  /** The Server header: "Docker/29.0.0 (linux)", "Libpod/5.2.0 (linux)". */
  server?: string;
  /** The Api-Version header: the version the engine answered at. */
  apiVersion?: string;
}

/** Thrown when nothing listens on the socket (ENOENT, ECONNREFUSED): the module is then quiet. */
export class NoDaemon extends Error {}

/** One GET of `path` on the socket, its answer whole unless over MAX_ANSWER_BYTES (refused, not buffered). */
export async function get(socketPath: string, path: string, signal: AbortSignal, maxBytes = MAX_ANSWER_BYTES): Promise<Answer> {
  const { request } = await import('node:http');
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { host: 'localhost', accept: 'application/json' }, agent: false, signal }, (res) => {
      const tooBig = () => {
        res.destroy();
        reject(new Error(`${socketPath} sent more than ${maxBytes / 1024 / 1024} MiB for ${path}: refused`));
      };
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) return tooBig();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return tooBig();
        chunks.push(chunk);
      });
      res.on('end', () => {
        const header = (name: string) => {
          const v = res.headers[name];
          return typeof v === 'string' ? v : undefined;
        };
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), server: header('server'), apiVersion: header('api-version') });
      });
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (signal.aborted) reject(signal.reason instanceof Error ? signal.reason : new Error(`no answer from ${socketPath}`));
      else if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new NoDaemon(`nothing listens on ${socketPath} (${err.code})`));
      else if (err.code === 'EACCES') reject(new Error(`${socketPath}: ${NOT_IN_GROUP}`));
      else reject(new Error(`${socketPath}: ${err.message}`));
    });
    req.end();
  });
}

export const STATES = ['running', 'restarting', 'paused', 'exited', 'created', 'removing', 'dead'] as const;
export type ContainerState = (typeof STATES)[number] | 'other';
export type Health = 'healthy' | 'unhealthy' | 'starting';

/** One container as read from the answer: every field checked, text from it sanitized. */
export interface Container {
  name: string;
  id: string;
  image: string;
  state: ContainerState;
  health?: Health;
  status: string;
}

/** The longest name or status kept: Docker's own are far shorter; the answer is outside text. */
const MAX_TEXT = 80;
/** Control characters and the bidirectional overrides that would reorder what a terminal shows. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

function text(value: unknown, fallback = ''): string {
  if (typeof value !== 'string') return fallback;
  const clean = withoutControl(value).replace(BIDI, '').trim();
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 3)}...` : clean;
}

/** State from `State` ("running"; "Exited" in the API docs' own example), else from `Status` (engines before API 1.23). */
function stateOf(state: unknown, status: string): ContainerState {
  const s = typeof state === 'string' ? state.toLowerCase() : '';
  if ((STATES as readonly string[]).includes(s)) return s as ContainerState;
  if (s !== '') return 'other';
  if (/^Up .*\(Paused\)$/.test(status)) return 'paused';
  if (/^Up\b/.test(status)) return 'running';
  if (/^Restarting\b/.test(status)) return 'restarting';
  if (/^Exit(ed)?\b/.test(status)) return 'exited';
  if (/^Created\b/.test(status)) return 'created';
  if (/^Removal In Progress\b/.test(status)) return 'removing';
  if (/^Dead\b/.test(status)) return 'dead';
  return 'other';
}

/**
 * Health from `Health.Status` (API 1.52 and later), else from what Docker appends to `Status`:
 * "Up 2 hours (unhealthy)", "(healthy)", "(health: starting)" (moby's container/state.go).
 */
function healthOf(health: unknown, status: string): Health | undefined {
  const h = typeof health === 'object' && health !== null ? (health as { Status?: unknown }).Status : undefined;
  if (h === 'healthy' || h === 'unhealthy' || h === 'starting') return h;
  if (h === 'none') return undefined;
  if (/\(unhealthy\)/.test(status)) return 'unhealthy';
  if (/\(health: starting\)/.test(status)) return 'starting';
  if (/\(healthy\)/.test(status)) return 'healthy';
  return undefined;
}

/** The answer's text as containers, or why it is not a list of them. */
export function parseContainers(body: string): Container[] | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { problem: `the answer is not JSON: "${visible(body)}"` };
  }
  if (!Array.isArray(value)) return { problem: `the answer is not a list of containers: "${visible(JSON.stringify(value) ?? String(value))}"` };
  const out: Container[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const c = item as Record<string, unknown>;
    const id = text(c.Id).slice(0, 12);
    const names = Array.isArray(c.Names) ? c.Names : typeof c.Names === 'string' ? [c.Names] : [];
    const first = names.find((n): n is string => typeof n === 'string' && n !== '');
    const name = text(first?.replace(/^\//, ''));
    const status = text(c.Status);
    const state = stateOf(c.State, status);
    const health = state === 'running' ? healthOf(c.Health, status) : undefined;
    out.push({ name: name || id || '?', id, image: text(c.Image), state, ...(health ? { health } : {}), status });
  }
  return out;
}

/** Which engine answered, from its Server header. */
export function engineOf(server: string | undefined): 'docker' | 'podman' | undefined {
  if (server === undefined) return undefined;
  if (/^Libpod\//i.test(server)) return 'podman';
  if (/^Docker\//i.test(server)) return 'docker';
  return undefined;
}
