/**
 * A real Prometheus (Debian's) scrapes the exposition of the built-in modules on the fixture host,
 * served by a loopback HTTP server as the exporter serves it: in the format the Accept header asks
 * for (Prometheus asks for OpenMetrics, which promtool cannot read) and, from a second path, in the
 * Prometheus text format whatever it asks. Both are parsed by Prometheus's own parsers: the
 * targets are up, and what it stored is what was served, labels from outside included.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposition, formatFor } from '../../src/exporter/exposition.js';
import { collectedHost, type ExporterHost, ODD_MOUNT } from '../helpers/exported.js';
import { parseExposition, type RunningPrometheus, startPrometheus, stopAll } from '../helpers/prometheus.js';

let host: ExporterHost;
let server: Server;
let prometheus: RunningPrometheus;
/** What was served last on each path: its Content-Type and text. */
const served = new Map<string, { contentType: string; body: string }>();

beforeAll(async () => {
  host = await collectedHost();
  server = createServer((req, res) => {
    const format = req.url === '/text' ? 'prometheus' : formatFor(req.headers.accept);
    void exposition({ modules: host.modules, statuses: host.statuses }, format).then((out) => {
      served.set(req.url ?? '', out);
      res.writeHead(200, { 'Content-Type': out.contentType }).end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  prometheus = await startPrometheus({
    jobs: [
      { job: 'negotiated', targets: [{ address }], metricsPath: '/metrics' },
      { job: 'text', targets: [{ address }], metricsPath: '/text' },
    ],
  });
  await prometheus.waitForTargetsUp(2);
});
afterAll(async () => {
  await stopAll();
  await new Promise((r) => server?.close(r));
  host?.cleanup();
});

/** One series per sample of `name` in Prometheus for a job, as [labels without instance and job, value]. */
async function stored(name: string, job: string): Promise<[Record<string, string>, number][]> {
  const samples = await prometheus.waitForQuery(`${name}{job="${job}"}`);
  return samples
    .map(({ metric, value }): [Record<string, string>, number] => {
      const { __name__: _n, instance: _i, job: _j, ...labels } = metric;
      return [labels, Number(value[1])];
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('a real Prometheus scraping the exposition', () => {
  it('asks for OpenMetrics and gets it; both targets are up, no scrape error', async () => {
    expect(served.get('/metrics')?.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(served.get('/text')?.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const targets = await prometheus.targets();
    expect(targets.map((t) => [t.labels.job, t.health, t.lastError]).sort()).toEqual([
      ['negotiated', 'up', ''],
      ['text', 'up', ''],
    ]);
  });

  it('stores every shoji family it was served, from both formats', async () => {
    const text = served.get('/text')!.body;
    const families = [...text.matchAll(/^# TYPE ((?:shoji|node)_\S+)/gm)].map((m) => m[1]).sort();
    expect(families.length).toBeGreaterThan(30);
    for (const job of ['negotiated', 'text']) {
      const names = await prometheus.waitForQuery(`count by (__name__) ({__name__=~"shoji_.+|node_total_hourly_cost", job="${job}"})`, families.length);
      expect(names.map((s) => s.metric.__name__).sort(), job).toEqual(families);
    }
  });

  it('stores the values and labels served: a counter, a mount path with a quote, backslash and newline, what the estimate prices', async () => {
    const text = served.get('/text')!.body;
    for (const job of ['negotiated', 'text']) {
      expect(await stored('shoji_disk_read_bytes_total', job)).toEqual([[{ device: 'sda' }, 61_440_000]]);
      const mounts = (await stored('shoji_filesystem_size_bytes', job)).map(([labels]) => labels.mountpoint);
      expect(mounts.sort()).toEqual(['/', ODD_MOUNT].sort());
      // Off EC2 the estimate is no instance's: shoji's own series only, none under OpenCost's name.
      expect(parseExposition(text, 'node_total_hourly_cost')).toEqual([]);
      const info = parseExposition(text, 'shoji_ec2_cost_info');
      expect(info.map((c) => c.labels)).toEqual([expect.objectContaining({ mode: 'off-ec2', price_source: 'shoji catalogue' })]);
      expect(await stored('shoji_ec2_cost_info', job)).toEqual([[info[0].labels, 1]]);
      expect(await stored('shoji_temperature_celsius', job)).toEqual([
        [{ sensor: 'coretemp/Core 0' }, 47.5],
        [{ sensor: 'coretemp/Package id 0' }, 51],
      ]);
    }
  });
});
