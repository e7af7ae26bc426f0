/**
 * The external-ip module through the real, built shoji, asking a real HTTP server on loopback
 * that stands in for checkip.amazonaws.com: off by default (nothing asked), its address on the
 * line once `shoji collect` (what a one-shot `shoji status` starts, detached) has found it, and
 * a server that never answers never holding `shoji status` up.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
let server: Server;
let base: string;
let requests: number;
let answer: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(() => requireBuild());
beforeEach(async () => {
  sb = sandbox();
  requests = 0;
  answer = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('203.0.113.7\n');
  };
  server = createServer((req, res) => {
    requests++;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  sb.cleanup();
});

const config = (lookup: boolean, requestTimeout = 5) =>
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    `icons: ascii\nleft: []\nright: [external-ip]\nmodules:\n  external-ip:\n    lookup: ${lookup}\n    url: "${base}"\n    request_timeout: ${requestTimeout}\n`,
  );
const status = () => runShoji(['status', '--format', 'plain', '--side', 'right'], sb.env);

describe('the external-ip segment of shoji status', () => {
  it('is off by default: nothing on the line and no request, even from `shoji collect`', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), `icons: ascii\nleft: []\nright: [external-ip]\nmodules:\n  external-ip:\n    url: "${base}"\n`);
    expect((await runShoji(['collect', 'external-ip'], sb.env)).code).toBe(0);
    expect((await status()).stdout).toBe('\n');
    expect(requests).toBe(0);
  });

  it('shows the address once collected, and the next calls use the saved one', async () => {
    config(true);
    expect((await runShoji(['collect', 'external-ip'], sb.env)).stderr).toBe('');
    expect((await status()).stdout).toBe('ext 203.0.113.7\n');
    expect(requests).toBe(1);
    expect((await runShoji(['collect', 'external-ip'], sb.env)).code).toBe(0);
    expect(requests).toBe(1);
  });

  it('a server that never answers does not hold the status line up', async () => {
    let closed = false;
    let asked: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      asked = resolve;
    });
    answer = (req) => {
      // Never answers; the request ends only when whoever sent it gives up or exits.
      req.socket.on('close', () => {
        closed = true;
      });
      asked();
    };
    config(true, 20);
    const r = await status();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\n');
    // The one asking is the background `shoji collect` that `shoji status` started: its request
    // is still open after `shoji status` has printed its line and exited.
    await reached;
    expect(closed).toBe(false);
  });
});
