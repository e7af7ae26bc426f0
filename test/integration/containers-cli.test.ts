/**
 * The containers module through the real, built shoji, with SHOJI_ROOT pointing at a fixture tree
 * whose var/run/docker.sock is a real HTTP server in this test speaking a real dockerd's answer
 * (test/helpers/docker-answers.ts): its segment on the one-shot status line, the line
 * after the daemon stops answering (the failure marker once the collect times out, never the old
 * count as if it were current), Podman's rootless socket, and the line of a user who is not in
 * the docker group, who gets the reason (--explain) rather than an error at every refresh.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, SHOJI, type Sandbox, sandbox } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';
import { NO_SECOND_USER, runAs, testUser } from '../helpers/users.js';
import { DOCKERD_20_10, DOCKERD_20_10_HEADERS } from '../helpers/docker-answers.js';

let sb: Sandbox;
let tree: FixtureTree;
let servers: Server[];
let answer: (req: IncomingMessage, res: ServerResponse) => void;

async function serve(relative: string): Promise<string> {
  const path = join(tree.dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  const server = createServer((req, res) => answer(req, res));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  servers.push(server);
  return path;
}

beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  tree = fixtureTree();
  servers = [];
  answer = (_req, res) => {
    res.writeHead(200, DOCKERD_20_10_HEADERS);
    res.end(DOCKERD_20_10);
  };
  // Due again a quarter of a second after a collect, so a second call asks again.
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [containers]\nmodules:\n  containers:\n    interval: 0.25\n');
});
afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  sb.cleanup();
  tree.cleanup();
});

const status = (format: string, extra: NodeJS.ProcessEnv = {}) =>
  runShoji(['status', '--format', format, '--side', 'right'], { ...sb.env, SHOJI_ROOT: tree.root, ...extra });

describe('the containers segment of shoji status', () => {
  it("shows Docker's running containers and the troubled ones; then, the daemon hung, the failure marker", async () => {
    await serve('root/var/run/docker.sock');
    const r = await status('plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ctr 4 2!\n');

    let askedAgain = false;
    answer = () => {
      askedAgain = true; // and never answers
    };
    await new Promise((resolve) => setTimeout(resolve, 300)); // the interval (0.25 s): due again
    const after = await status('plain');
    expect(askedAgain).toBe(true);
    // The collect timed out (2 s): the line shows the failure marker, not the last count as if current.
    expect(after.stdout).toBe('!containers\n');
  });

  it("finds Podman's rootless socket under XDG_RUNTIME_DIR", async () => {
    await serve('run-user/podman/podman.sock');
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', server: 'Libpod/5.2.0 (linux)', 'api-version': '1.41' });
      res.end(DOCKERD_20_10);
    };
    const seg = JSON.parse((await status('json', { XDG_RUNTIME_DIR: join(tree.dir, 'run-user') })).stdout).right[0];
    expect(seg).toMatchObject({ text: '4 2!', state: 'critical', data: { engine: 'podman', socket: join(tree.dir, 'run-user/podman/podman.sock') } });
  });

  it('is not available without a socket, and says DOCKER_HOST=tcp:// is not called', async () => {
    const explain = (extra: NodeJS.ProcessEnv = {}) =>
      runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], {
        ...sb.env,
        SHOJI_ROOT: tree.root,
        XDG_RUNTIME_DIR: join(tree.dir, 'run-user'),
        ...extra,
      });
    expect((await explain()).stderr).toBe('right: containers: not available on this host\n');
    rmSync(sb.env.SHOJI_RUNTIME_DIR!, { recursive: true, force: true }); // asked again at once
    const tcp = await explain({ DOCKER_HOST: 'tcp://203.0.113.9:2376' });
    expect(tcp.stderr).toMatch(
      /^right: containers: not available on this host: DOCKER_HOST is tcp:\/\/203\.0\.113\.9:2376, a network address, which this module does not call/,
    );
  });
});

describe.skipIf(NO_SECOND_USER)('shoji status as a user who is not in the docker group', () => {
  it('says why containers is not available; root, who may connect, gets the count', async () => {
    const victim = testUser('shoji-victim');
    const socket = await serve('root/var/run/docker.sock');
    // As dockerd leaves it: srw-rw---- root:docker, and this user is not in the group.
    chmodSync(socket, 0o660);
    chmodSync(tree.dir, 0o755);
    const dir = mkdtempSync(join(tmpdir(), 'shoji-containers-user-'));
    try {
      chownSync(dir, victim.uid, victim.gid);
      const env = {
        SHOJI_CONFIG_DIR: join(dir, 'config'),
        SHOJI_STATE_DIR: join(dir, 'state'),
        SHOJI_CACHE_DIR: join(dir, 'cache'),
        SHOJI_RUNTIME_DIR: join(dir, 'run'),
        SHOJI_ROOT: tree.root,
        HOME: dir,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      // On the line, --explain gives the reason (runAs is synchronous: this user's call never connects).
      mkdirSync(env.SHOJI_CONFIG_DIR);
      writeFileSync(join(env.SHOJI_CONFIG_DIR, 'config.yaml'), 'icons: ascii\nleft: []\nright: [containers]\n');
      for (const path of [env.SHOJI_CONFIG_DIR, join(env.SHOJI_CONFIG_DIR, 'config.yaml')]) chownSync(path, victim.uid, victim.gid);
      const explained = runAs(victim, process.execPath, [SHOJI, 'status', '--format', 'plain', '--side', 'right', '--explain'], { env });
      expect(explained.stdout).toBe('\n');
      expect(explained.stderr).toMatch(
        /^right: containers: not available on this host: \S+\/var\/run\/docker\.sock: permission denied: connecting needs write access to the socket \(for Docker, membership of the docker group, which is root-equivalent; or use rootless Docker or Podman\)\n$/,
      );

      // Root, who may connect, gets the count.
      const asRoot = await runShoji(['status', '--format', 'plain', '--side', 'right'], {
        ...env,
        SHOJI_RUNTIME_DIR: join(dir, 'run-root'),
        SHOJI_STATE_DIR: join(dir, 'state-root'),
      });
      expect(asRoot.stdout).toBe('ctr 4 2!\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
