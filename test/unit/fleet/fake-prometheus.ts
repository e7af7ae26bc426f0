/**
 * A loopback HTTP server standing in for Prometheus in the unit tests: each request is recorded
 * (path, form, headers) and answered by the test's handler, which may also never answer.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Asked {
  method: string;
  path: string;
  form: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export type Handler = (asked: Asked, res: ServerResponse) => void;

export interface FakePrometheus {
  url: string;
  asked: Asked[];
  handle: Handler;
  close(): Promise<void>;
}

/** Prometheus's success envelope around a vector of [labels, value] samples. */
export function vector(samples: [Record<string, string>, number][]): string {
  return JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: samples.map(([metric, value]) => ({ metric, value: [1700000000, String(value)] })) },
  });
}

export function json(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

export async function fakePrometheus(handle: Handler = (_a, res) => json(res, vector([]))): Promise<FakePrometheus> {
  const fake: FakePrometheus = { url: '', asked: [], handle, close: async () => {} };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      const asked = { method: req.method ?? '', path: req.url ?? '', form: new URLSearchParams(body), headers: req.headers };
      fake.asked.push(asked);
      fake.handle(asked, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
