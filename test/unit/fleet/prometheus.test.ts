/**
 * The Prometheus client against real HTTP servers on loopback: what it sends (POST form,
 * credentials from files or the environment, never the URL's), and one clear, escaped line for
 * every way an answer can be wrong: no answer, an error JSON, an HTML page, garbage, a redirect,
 * an answer too large, JSON of the wrong shape, a cancelled request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES, PrometheusError, prometheusClient } from '../../../src/fleet/prometheus.js';
import { type FakePrometheus, fakePrometheus, json, vector } from './fake-prometheus.js';

let fake: FakePrometheus;
const held: ServerResponse[] = [];
beforeEach(async () => {
  fake = await fakePrometheus();
});
afterEach(async () => {
  for (const res of held.splice(0)) res.destroy();
  await fake.close();
});

const dir = mkdtempSync(join(tmpdir(), 'shoji-prom-client-'));
function secretFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The message a query fails with. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => {
      throw new Error('expected the query to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrometheusError);
  const message = (err as Error).message;
  expect(message).not.toMatch(/\n|\x1b/);
  return message;
}

describe('requests', () => {
  it('POSTs the query as a form to /api/v1/query under the base path, and reads the vector', async () => {
    fake.handle = (_a, res) =>
      json(
        res,
        vector([
          [{ host: 'web-1' }, 0.5],
          [{ host: 'web-2' }, Number.NaN],
        ]),
      );
    const client = prometheusClient({ url: `${fake.url}/prom/` });
    const samples = await client.query('up{job="x"}', 1700000000);
    expect(samples).toEqual([
      { metric: { host: 'web-1' }, value: 0.5 },
      { metric: { host: 'web-2' }, value: Number.NaN },
    ]);
    expect(fake.asked).toHaveLength(1);
    const [asked] = fake.asked;
    expect([asked.method, asked.path]).toEqual(['POST', '/prom/api/v1/query']);
    expect(asked.form.get('query')).toBe('up{job="x"}');
    expect(asked.form.get('time')).toBe('1700000000');
    expect(asked.headers.authorization).toBeUndefined();
    expect(client.requests).toBe(1);
    expect(client.url).toBe(`${fake.url}/prom`);
  });

  it('reads a range query as series of [time, value] points', async () => {
    fake.handle = (_a, res) =>
      json(
        res,
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: { host: 'a' },
                values: [
                  [10, '1'],
                  [20, '+Inf'],
                ],
              },
            ],
          },
        }),
      );
    const series = await prometheusClient({ url: fake.url }).queryRange('x', 10, 20, 10);
    expect(series).toEqual([
      {
        metric: { host: 'a' },
        values: [
          [10, 1],
          [20, Infinity],
        ],
      },
    ]);
    expect(fake.asked[0].path).toBe('/api/v1/query_range');
    expect(Object.fromEntries(fake.asked[0].form)).toEqual({ query: 'x', start: '10', end: '20', step: '10' });
  });
});

describe('credentials', () => {
  it('sends a bearer token read from its file, trimmed', async () => {
    await prometheusClient({ url: fake.url, bearerTokenFile: secretFile('token', 's3cret-token\n') }, { env: { SHOJI_PROMETHEUS_TOKEN: 'from-env' } }).query(
      'up',
    );
    expect(fake.asked[0].headers.authorization).toBe('Bearer s3cret-token');
  });

  it('takes the token from SHOJI_PROMETHEUS_TOKEN when no file is set', async () => {
    await prometheusClient({ url: fake.url }, { env: { SHOJI_PROMETHEUS_TOKEN: 'from-env' } }).query('up');
    expect(fake.asked[0].headers.authorization).toBe('Bearer from-env');
  });

  it('sends basic auth with the password from its file, else from SHOJI_PROMETHEUS_PASSWORD', async () => {
    await prometheusClient({ url: fake.url, username: 'ops', passwordFile: secretFile('pw', 'hunter2\n') }).query('up');
    await prometheusClient({ url: fake.url, username: 'ops' }, { env: { SHOJI_PROMETHEUS_PASSWORD: 'from-env' } }).query('up');
    const decoded = fake.asked.map((a) => Buffer.from(String(a.headers.authorization).replace(/^Basic /, ''), 'base64').toString());
    expect(decoded).toEqual(['ops:hunter2', 'ops:from-env']);
  });

  it('refuses credentials it cannot use, naming what to set and never the secret', () => {
    const make = (t: Parameters<typeof prometheusClient>[0], env = {}) => {
      try {
        prometheusClient(t, { env });
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(make({ url: fake.url, username: 'ops' })).toMatch(/username ops is set but no password: set password_file or SHOJI_PROMETHEUS_PASSWORD/);
    expect(make({ url: fake.url, username: 'ops', bearerTokenFile: '/x' })).toMatch(/both bearer_token_file and username are set/);
    expect(make({ url: fake.url, bearerTokenFile: join(dir, 'missing') })).toMatch(/cannot read the bearer token file .*missing \(ENOENT\)/);
    expect(make({ url: fake.url, bearerTokenFile: secretFile('empty', '\n') })).toMatch(/the bearer token file .*empty is empty/);
    expect(make({ url: fake.url, bearerTokenFile: secretFile('two', 'a\nb\n') })).toMatch(/holds more than one line/);
    const inUrl = make({ url: 'http://ops:hunter2@127.0.0.1:9/' });
    expect(inUrl).toMatch(/credentials in the URL: use bearer_token_file, or username and password_file/);
    expect(inUrl).not.toContain('hunter2');
    expect(make({ url: 'ftp://127.0.0.1/' })).toBe('Prometheus ftp://127.0.0.1: must start with http:// or https://');
    expect(make({ url: 'http://' })).toMatch(/not a URL/);
    expect(make({ url: 'not a url' })).toBe('Prometheus not a url: must start with http:// or https://');
    expect(make({ url: 'http://127.0.0.1:9/?x=1' })).toMatch(/must not carry a query/);
  });
});

describe('the URL', () => {
  it('without a scheme: says what is missing and what was probably meant', () => {
    const refusal = (url: string) => {
      try {
        prometheusClient({ url });
      } catch (err) {
        expect(err).toBeInstanceOf(PrometheusError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    // new URL() reads "localhost:" as the scheme here.
    expect(refusal('localhost:19090')).toBe('Prometheus localhost:19090: must start with http:// or https:// (did you mean http://localhost:19090?)');
    expect(refusal('prom.example/prometheus')).toBe(
      'Prometheus prom.example/prometheus: must start with http:// or https:// (did you mean http://prom.example/prometheus?)',
    );
    expect(refusal('HTTP://127.0.0.1:9')).toBe('accepted');
  });
});

describe('sample values, read as Prometheus writes them', () => {
  const answered = async (value: unknown) => {
    fake.handle = (_a, res) => json(res, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] } }));
    return prometheusClient({ url: fake.url })
      .query('x')
      .then(
        (samples) => samples[0].value,
        (err: Error) => err.message,
      );
  };

  it("reads Go's decimal forms, NaN and the infinities", async () => {
    const read: Record<string, unknown> = {};
    for (const v of ['1.5', '-5', '0', '1e-07', '1.5e+21', '.5', '+Inf', '-Inf', 'NaN']) read[v] = await answered(v);
    expect(read).toEqual({ '1.5': 1.5, '-5': -5, '0': 0, '1e-07': 1e-7, '1.5e+21': 1.5e21, '.5': 0.5, '+Inf': Infinity, '-Inf': -Infinity, NaN: Number.NaN });
  });

  it("refuses what JavaScript's Number() would read but Prometheus never writes", async () => {
    // Number('') is 0, Number('0x10') is 16, Number(' 1') is 1.
    for (const v of ['', '0x10', ' 1', '1_000', 'Infinity', '0b1', 'nan', 1]) {
      expect(await answered(v), JSON.stringify(v)).toMatch(/^Prometheus http:\/\/127\.0\.0\.1:\d+: an answer of the wrong shape: a sample, result\[0\]/);
    }
  });
});

describe('failures: one line naming the URL', () => {
  it('no answer: gives up after the timeout', async () => {
    fake.handle = (_a, res) => void held.push(res);
    const message = await failure(prometheusClient({ url: fake.url }, { timeoutMs: 300 }).query('up'));
    expect(message).toBe(`Prometheus ${fake.url}: no answer within 0.3 s`);
  });

  it("the caller's signal cancels a request in flight", async () => {
    fake.handle = (_a, res) => void held.push(res);
    const abort = new AbortController();
    const pending = prometheusClient({ url: fake.url }, { signal: abort.signal, timeoutMs: 60_000 }).query('up');
    while (fake.asked.length === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    expect(await failure(pending)).toBe(`Prometheus ${fake.url}: cancelled`);
  });

  it('connection refused', async () => {
    await fake.close();
    expect(await failure(prometheusClient({ url: fake.url }).query('up'))).toBe(`Prometheus ${fake.url}: connection refused (is Prometheus running there?)`);
  });

  it("Prometheus's error JSON, its text escaped", async () => {
    fake.handle = (_a, res) => json(res, JSON.stringify({ status: 'error', errorType: 'execution', error: 'query timed out\x1b[31m\nin expression' }), 503);
    expect(await failure(prometheusClient({ url: fake.url }).query('up'))).toBe(
      `Prometheus ${fake.url}: HTTP 503: execution: query timed out\\x1b[31m in expression`,
    );
  });

  it('an HTML page (a login proxy, the wrong port)', async () => {
    fake.handle = (_a, res) => res.writeHead(401, { 'content-type': 'text/html' }).end('<!doctype html><h1>Sign in</h1>');
    expect(await failure(prometheusClient({ url: fake.url }).query('up'))).toBe(
      `Prometheus ${fake.url}: HTTP 401: not Prometheus's JSON but an HTML page (check the credentials)`,
    );
  });

  it('garbage, quoted short with its control characters visible', async () => {
    fake.handle = (_a, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(`\x07\x1b]0;pwned\x07${'z'.repeat(500)}`);
    const message = await failure(prometheusClient({ url: fake.url }).query('up'));
    expect(message).toMatch(
      /^Prometheus http:\/\/127\.0\.0\.1:\d+: HTTP 200: not Prometheus's JSON but application\/octet-stream: "\\x07\\x1b\]0;pwned\\x07z+\.\.\."$/,
    );
    expect(message.length).toBeLessThan(320);
  });

  it("another server's URL (node_exporter's page, an exporter's 405, a 404): asks whether it is Prometheus's", async () => {
    const answers: [number, string, string][] = [
      [200, 'text/html', '<html><head><title>Node Exporter</title></head></html>'],
      [405, 'text/plain', 'Method Not Allowed\n'],
      [404, 'text/plain', '404 page not found\n'],
    ];
    const said: string[] = [];
    for (const [status, type, body] of answers) {
      fake.handle = (_a, res) => res.writeHead(status, { 'content-type': type }).end(body);
      said.push(await failure(prometheusClient({ url: fake.url }).query('up')));
    }
    expect(said).toEqual([
      `Prometheus ${fake.url}: HTTP 200: not Prometheus's JSON but an HTML page (is this the Prometheus URL?)`,
      `Prometheus ${fake.url}: HTTP 405: not Prometheus's JSON but text/plain: "Method Not Allowed" (is this the Prometheus URL?)`,
      `Prometheus ${fake.url}: HTTP 404: not Prometheus's JSON but text/plain: "404 page not found" (is this the Prometheus URL?)`,
    ]);
  });

  it('a value nested 200,000 arrays deep: still one line naming the URL, quoting the start of the answer', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    fake.handle = (_a, res) => json(res, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"host":"h"},"value":[1,${deep}]}]}}`);
    const message = await failure(prometheusClient({ url: fake.url }).query('up'));
    expect(message).toMatch(
      /^Prometheus http:\/\/127\.0\.0\.1:\d+: an answer of the wrong shape: a sample, result\[0\], that is not .*; it begins "\{"status":"success".*\[\[\[\.\.\."$/,
    );
    expect(message.length).toBeLessThan(500);
    fake.handle = (_a, res) => json(res, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,${deep}]]}]}}`);
    expect(await failure(prometheusClient({ url: fake.url }).queryRange('up', 1, 2, 1))).toMatch(/wrong shape: a series, result\[0\].*\[\[\[\.\.\."$/);
  });

  it('a server echoing the credentials back: the token, the password and any Bearer or Basic value taken out', async () => {
    const token = 'tok-Zm9vYmFyYmF6cXV4c2VjcmV0';
    fake.handle = (asked, res) =>
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`bad token: ${asked.headers.authorization} (you sent ${token}; try Bearer abcdefgh12345678)`);
    const bearer = await failure(prometheusClient({ url: fake.url }, { env: { SHOJI_PROMETHEUS_TOKEN: token } }).query('up'));
    expect(bearer).toBe(
      `Prometheus ${fake.url}: HTTP 401: not Prometheus's JSON but text/plain: "bad token: [redacted] (you sent [redacted]; try Bearer [redacted])" (check the credentials)`,
    );
    // In Prometheus's own error JSON, and basic auth: the password, user:password and its base64.
    fake.handle = (asked, res) =>
      json(
        res,
        JSON.stringify({ status: 'error', errorType: 'bad_data', error: `${asked.headers.authorization} ops:hunter2! hunter2! ${btoa('ops:hunter2!')}` }),
        400,
      );
    const basic = await failure(prometheusClient({ url: fake.url, username: 'ops' }, { env: { SHOJI_PROMETHEUS_PASSWORD: 'hunter2!' } }).query('up'));
    expect(basic).toBe(`Prometheus ${fake.url}: HTTP 400: bad_data: Basic [redacted] [redacted] [redacted] [redacted]`);
    // Taken out before the text is cut short: a token across the cut leaves no part of itself.
    const long = 'x'.repeat(60);
    fake.handle = (_a, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${'.'.repeat(190)}${long}`);
    const cut = await failure(prometheusClient({ url: fake.url }, { env: { SHOJI_PROMETHEUS_TOKEN: long } }).query('up'));
    expect(cut).not.toMatch(/xx/);
  });

  it('a redirect, with where it points', async () => {
    fake.handle = (_a, res) => res.writeHead(302, { location: 'https://sso.example/login' }).end();
    expect(await failure(prometheusClient({ url: fake.url }).query('up'))).toBe(
      `Prometheus ${fake.url}: HTTP 302: redirects to https://sso.example/login (give the URL Prometheus answers on)`,
    );
  });

  it('an answer larger than the cap is cut off, not read to its end', async () => {
    let written = 0;
    fake.handle = (_a, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const more = () => {
        while (written < 4 * MAX_RESPONSE_BYTES) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => {});
      more();
    };
    expect(await failure(prometheusClient({ url: fake.url }).query('up'))).toBe(
      `Prometheus ${fake.url}: answer larger than 4 MiB: refused (narrow the fleet with --match)`,
    );
    expect(written).toBeLessThan(4 * MAX_RESPONSE_BYTES);
  });

  it('JSON that is not an API answer, or of the wrong shape', async () => {
    const answers = [
      ['{"hello":"world"}', /JSON that is not a Prometheus API answer: "\{"hello":"world"\}"/],
      ['{"status":"success","data":{"resultType":"matrix","result":[]}}', /an answer of the wrong shape: resultType matrix, expected vector/],
      ['{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}}', /an answer of the wrong shape: a sample/],
      ['{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"two"]}]}}', /an answer of the wrong shape: a sample/],
      ['{"status":"success"}', /no data\.result list/],
    ] as const;
    for (const [body, expected] of answers) {
      fake.handle = (_a, res) => json(res, body);
      expect(await failure(prometheusClient({ url: fake.url }).query('up'))).toMatch(expected);
    }
  });
});
