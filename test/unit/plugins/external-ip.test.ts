/**
 * external-ip against a real HTTP server on loopback standing in for checkip.amazonaws.com
 * (which answers "203.0.113.7\n", text/plain), and for the EC2 metadata service: one that
 * answers, one that never does, and hostile ones (control characters, a tmux format, an HTML
 * page, an endless answer). The address kept in the state folder is a real file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import externalIp, { DEFAULT_URL, SAVED_ANSWER } from '../../../plugins/external-ip/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

let tree: FixtureTree;
let server: Server;
let base: string;
/** What the server answers next, and the requests it got (method and path). */
let answer: (req: IncomingMessage, res: ServerResponse) => void;
let requests: string[];

// No metadata service is ever asked unless a test points at one.
const ENV = { AWS_EC2_METADATA_DISABLED: 'true' };
const on = (extra: object = {}, env: NodeJS.ProcessEnv = ENV) => moduleContext(externalIp, tree, { lookup: true, url: `${base}/`, ...extra }, env);
const plain =
  (body: string, status = 200) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  };

beforeEach(async () => {
  tree = fixtureTree();
  mkdirSync(join(tree.dir, 'state'), { mode: 0o700 });
  requests = [];
  answer = plain('203.0.113.7\n');
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  tree.cleanup();
});

describe('external-ip', () => {
  it('is off by default: not available, with the reason, and never asks anyone', async () => {
    expect(externalIp.options.defaults).toMatchObject({ lookup: false, url: DEFAULT_URL });
    const ctx = moduleContext(externalIp, tree, { url: `${base}/` }, ENV);
    expect(await externalIp.available!(ctx)).toEqual({
      available: false,
      why: 'off until modules.external-ip.lookup is true (it asks a server on the internet)',
    });
    expect(await externalIp.collect(ctx, undefined)).toEqual({ reading: null });
    expect(requests).toEqual([]);
    expect(await externalIp.available!(on())).toBe(true);
  });

  it('shows the address the URL gives, and keeps it in the state folder with when it was found', async () => {
    const ctx = on();
    const collected = await externalIp.collect(ctx, undefined);
    const found = { address: '203.0.113.7', family: 4, source: `${base}/`, checkedAt: ctx.wallNow() };
    expect(collected.data).toEqual(found);
    expectDataAsDeclared(externalIp, collected.data);
    expect(collected.reading).toMatchObject({ text: '203.0.113.7', state: 'info', icon: 'external-ip' });
    expect(requests).toEqual(['GET /']);
    expect(JSON.parse(readFileSync(join(tree.dir, 'state', SAVED_ANSWER), 'utf8'))).toEqual(found);
  });

  it('uses the saved address until it is max_age old, then asks again', async () => {
    const ctx = on({ max_age: 3600 });
    await externalIp.collect(ctx, undefined);
    answer = plain('198.51.100.9\n');
    ctx.clock.advance(3599_000);
    expect((await externalIp.collect(ctx, undefined)).reading?.text).toBe('203.0.113.7');
    expect(requests).toHaveLength(1);
    ctx.clock.advance(1000);
    expect((await externalIp.collect(ctx, undefined)).reading?.text).toBe('198.51.100.9');
    expect(requests).toHaveLength(2);
  });

  it('takes an IPv6 address, in lower case', async () => {
    answer = plain('2001:DB8::1\n');
    expect((await externalIp.collect(on(), undefined)).data).toMatchObject({ address: '2001:db8::1', family: 6 });
  });

  it.each([
    ['control characters', '\x1b]0;owned\x07203.0.113.7\n', '"\\x1b]0;owned\\x07203.0.113.7\\x0a"'],
    ['a tmux format', '#(touch /tmp/owned)\n', '"#(touch /tmp/owned)\\x0a"'],
    ['an HTML page', '<html><body>203.0.113.7</body></html>', '"<html><body>203.0.113.7</body></html>"'],
    ['two addresses', '203.0.113.7\n198.51.100.9\n', '"203.0.113.7\\x0a198.51.100.9\\x0a"'],
    ['an address with a zone', 'fe80::1%eth0\n', '"fe80::1%eth0\\x0a"'],
  ])('refuses an answer that is not one address (%s), saying what came, escaped', async (_what, body, shownAs) => {
    answer = plain(body);
    const failed = Promise.resolve(externalIp.collect(on(), undefined));
    await expect(failed).rejects.toThrow(`${base}/: the answer is not an IP address: ${shownAs}`);
    const message = await failed.catch((e: Error) => e.message);
    expect(message).toMatch(/^[\x20-\x7e]+$/);
  });

  it('refuses an answer that goes on and on', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('1'.repeat(100_000));
    };
    await expect(externalIp.collect(on(), undefined)).rejects.toThrow(`${base}/ sent more than 1024 bytes: not an address`);
  });

  it('gives up on a server that never answers, after request_timeout', async () => {
    answer = () => {
      // never answers
    };
    await expect(externalIp.collect(on({ request_timeout: 0.5 }), undefined)).rejects.toThrow(`${base}/ gave no answer within 0.5 s`);
  });

  it('says so when the server answers with an error', async () => {
    answer = plain('Too Many Requests', 429);
    await expect(externalIp.collect(on(), undefined)).rejects.toThrow(`${base}/ answered HTTP 429`);
  });

  it('keeps showing the saved address when asking again fails, with the failure in the detail', async () => {
    const ctx = on({ max_age: 60, request_timeout: 0.5 });
    await externalIp.collect(ctx, undefined);
    answer = plain('<html>Service Unavailable</html>', 200);
    ctx.clock.advance(61_000);
    const collected = await externalIp.collect(ctx, undefined);
    expect(collected.reading?.text).toBe('203.0.113.7');
    expect(collected.data).toMatchObject({
      address: '203.0.113.7',
      lastError: `${base}/: the answer is not an IP address: "<html>Service Unavailable</html>"`,
    });
    expectDataAsDeclared(externalIp, collected.data);
    expect(collected.reading?.detail).toContainEqual({ label: 'Asking again failed', value: (collected.data as { lastError: string }).lastError });
  });

  it('asks again when the saved file is damaged or holds something that is not an address', async () => {
    const saved = join(tree.dir, 'state', SAVED_ANSWER);
    for (const bad of ['{not json', JSON.stringify({ address: '\x1b[31mred', family: 4, source: `${base}/`, checkedAt: Date.now() })]) {
      writeFileSync(saved, bad);
      requests = [];
      expect((await externalIp.collect(on(), undefined)).reading?.text).toBe('203.0.113.7');
      expect(requests).toEqual(['GET /']);
    }
  });

  it("on EC2: the metadata service's public-ipv4, and the URL is not asked", async () => {
    // What an EC2 instance's DMI says (a t3.micro, Nitro), and a metadata service on loopback.
    tree.write('sys/devices/virtual/dmi/id/sys_vendor', 'Amazon EC2\n');
    tree.write('sys/devices/virtual/dmi/id/product_name', 't3.micro\n');
    const imds: Record<string, string> = {
      '/latest/meta-data/instance-type': 't3.micro',
      '/latest/meta-data/placement/region': 'eu-west-1',
      '/latest/meta-data/public-ipv4': '54.216.1.2',
    };
    answer = (req, res) => {
      if (req.method === 'PUT') return plain('AQAEAtoken==')(req, res);
      const body = imds[req.url ?? ''];
      return body ? plain(body)(req, res) : plain('Not Found', 404)(req, res);
    };
    const ctx = on({ url: 'http://127.0.0.1:9/' }, { AWS_EC2_METADATA_SERVICE_ENDPOINT: base });
    const collected = await externalIp.collect(ctx, undefined);
    expect(collected.data).toMatchObject({ address: '54.216.1.2', family: 4, source: 'imds' });
    expectDataAsDeclared(externalIp, collected.data);
    expect(requests).toContain('GET /latest/meta-data/public-ipv4');
    // With no public address of its own (behind a NAT gateway), the URL is asked.
    delete imds['/latest/meta-data/public-ipv4'];
    writeFileSync(join(tree.dir, 'state', SAVED_ANSWER), '');
    answer = (
      (imdsAnswer) => (req: IncomingMessage, res: ServerResponse) =>
        req.url === '/checkip' ? plain('203.0.113.7\n')(req, res) : imdsAnswer(req, res)
    )(answer);
    const behindNat = await externalIp.collect(on({ url: `${base}/checkip` }, { AWS_EC2_METADATA_SERVICE_ENDPOINT: base }), undefined);
    expect(behindNat.data).toMatchObject({ address: '203.0.113.7', source: `${base}/checkip` });
  });
});
