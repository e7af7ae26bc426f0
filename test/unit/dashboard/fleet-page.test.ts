/**
 * The fleet page's settings and reads: where Prometheus is comes from the fleet module's
 * options as the app resolves them (a real config in a temporary folder), and the page reads
 * a real HTTP server on loopback standing in for Prometheus: a fixed number of requests per
 * refresh, never a read started while one is in flight, nothing read while the page is hidden
 * or the dashboard paused, the last good rows kept under the error when Prometheus fails.
 */
import type { ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadApp } from '../../../src/app/app.js';
import { checkAvailable } from '../../../src/core/collect.js';
import { loadTheme } from '../../../src/core/theme.js';
import { type FleetSettings, FleetPage, fleetSettings } from '../../../src/dashboard/fleet-page.js';
import { dashboardModules } from '../../../src/dashboard/index.js';
import { sandbox, type Sandbox, waitFor } from '../../helpers/cli.js';
import { type Asked, type FakePrometheus, fakePrometheus, json, vector } from '../fleet/fake-prometheus.js';

const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');
const ctx = { theme: loadTheme('monochrome', '/nonexistent', {}), charset: 'ascii' as const, width: 100, height: 12 };

describe('the page reads the Prometheus the fleet module is given', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = sandbox();
  });
  afterAll(() => sb.cleanup());
  const withConfig = async (yaml: string) => {
    writeFileSync(join(sb.configDir, 'config.yaml'), yaml);
    return loadApp(sb.env);
  };

  it('none given: the page says how to configure it, and the module is not available, so nothing runs it', async () => {
    for (const yaml of ['theme: default\n', 'right: [fleet, cpu]\n']) {
      const app = await withConfig(yaml);
      expect(fleetSettings(app).unconfigured).toBe('unset');
      const fleet = app.modules.all.get('fleet')!;
      expect(await checkAvailable(fleet, sb.env, 1000)).toMatchObject({ available: false });
    }
    const given = await withConfig('modules:\n  fleet: { prometheus: "http://p:9090" }\n');
    expect(await checkAvailable(given.modules.all.get('fleet')!, sb.env, 1000)).toMatchObject({ available: true });
  });

  it("the module's prometheus, credentials, match, thresholds, interval and timeout", async () => {
    const app = await withConfig(
      [
        'modules:',
        '  fleet:',
        '    prometheus: http://prom.example:9090/prefix',
        '    bearer_token_file: token',
        '    match: \'{env="prod"}\'',
        '    warning: 70',
        '    interval: 5',
        '    timeout: 2',
        '',
      ].join('\n'),
    );
    const s = fleetSettings(app);
    expect(s.unconfigured).toBeNull();
    expect(s.target).toEqual({
      url: 'http://prom.example:9090/prefix',
      bearerTokenFile: join(sb.configDir, 'token'),
      username: undefined,
      passwordFile: undefined,
    });
    expect(s.match).toBe('{env="prod"}');
    expect(s.thresholds).toMatchObject({ warning: 70, critical: 95 });
    expect(s.intervalMs).toBe(5000);
    expect(s.timeoutMs).toBe(2000);
    expect(dashboardModules(app).map((m) => m.id)).toContain('fleet');
  });

  it('the module on the status line with its Prometheus; turned off, the page says so', async () => {
    const onLine = fleetSettings(await withConfig('right: [fleet, cpu]\nmodules:\n  fleet: { prometheus: "http://p:9090" }\n'));
    expect(onLine.unconfigured).toBeNull();
    expect(onLine.target.url).toBe('http://p:9090');
    expect(onLine.intervalMs).toBe(15_000);
    const off = await withConfig('modules:\n  fleet: { enabled: false, prometheus: "http://p:9090" }\n');
    expect(fleetSettings(off).unconfigured).toBe('disabled');
    expect(dashboardModules(off).map((m) => m.id)).not.toContain('fleet');
  });
});

describe('reads', () => {
  let prom: FakePrometheus;
  /** Requests held unanswered until release(). */
  const held: ServerResponse[] = [];
  let hold = false;
  let failWith: number | null = null;
  const pages: FleetPage[] = [];

  /** web-1 up at 42 % CPU, db-1 up at 90 %; each history series a single point. */
  const answer = (asked: Asked, res: ServerResponse) => {
    if (failWith !== null) return json(res, JSON.stringify({ status: 'error', errorType: 'internal', error: 'storage on fire' }), failWith);
    if (asked.path.startsWith('/api/v1/query_range')) {
      const t = Number(asked.form.get('end'));
      return json(res, JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { host: 'web-1' }, values: [[t, '0.5']] }] } }));
    }
    json(
      res,
      vector([
        [{ figure: 'up', host: 'web-1' }, 1],
        [{ figure: 'cpu', host: 'web-1' }, 0.42],
        [{ figure: 'up', host: 'db-1' }, 1],
        [{ figure: 'cpu', host: 'db-1' }, 0.9],
      ]),
    );
  };

  beforeAll(async () => {
    prom = await fakePrometheus((asked, res) => (hold ? held.push(res) : answer(asked, res)));
  });
  afterEach(() => {
    for (const p of pages.splice(0)) p.stop();
    for (const res of held.splice(0)) res.destroy();
    hold = false;
    failWith = null;
    prom.asked.length = 0;
  });
  afterAll(() => prom.close());

  function page(over: Partial<FleetSettings> = {}, paused = () => false) {
    let changes = 0;
    const settings: FleetSettings = {
      unconfigured: null,
      target: { url: prom.url },
      thresholds: { warning: 85, critical: 95 },
      intervalMs: 60_000,
      timeoutMs: 5000,
      key: prom.url,
      ...over,
    };
    const p = new FleetPage({ env: {}, settings: () => settings, changed: () => changes++, paused, ascii: true });
    pages.push(p);
    return { page: p, settings, changes: () => changes };
  }
  const text = (p: FleetPage) => p.content(ctx).lines.map((l) => plain(l).trimEnd());

  it('one refresh: the snapshot and four range queries, whatever the number of hosts; never twice at once', async () => {
    hold = true;
    const { page: p } = page();
    p.show();
    // The probe, the snapshot guessed beside it, the four range queries.
    await waitFor('the first read', () => prom.asked.length === 6);
    expect(prom.asked.filter((a) => a.path.startsWith('/api/v1/query_range'))).toHaveLength(4);
    // In flight: showing again and refreshing start nothing.
    p.refresh();
    p.show();
    p.refresh();
    expect(p.readsStarted).toBe(1);
    expect(text(p)).toEqual([`reading the fleet from ${prom.url}...`]);
    for (const res of held.splice(0)) res.destroy();
    await waitFor('the failed read to end', () => /^! Prometheus/.test(text(p)[0]));
    hold = false;
    p.refresh();
    await waitFor('the rows', () => text(p).some((l) => l.startsWith('db-1 ')));
    expect(p.readsStarted).toBe(2);
    // Each read asked which figures Prometheus has recorded (the first got no answer) and guessed the
    // snapshot beside it; the second asked the snapshot again with none recorded; each the history.
    const probes = () => prom.asked.filter((a) => a.form.get('query')!.startsWith('count by (__name__)')).length;
    expect([prom.asked.length, probes()]).toEqual([13, 2]);
    const lines = text(p);
    expect(lines[0]).toMatch(/^HOST +STATE\*/);
    expect(lines.slice(1, 3).map((l) => l.split(' ')[0])).toEqual(['db-1', 'web-1']);
    // The probe's answer is remembered: the next read is the snapshot and the history only.
    p.refresh();
    await waitFor('the third read', () => prom.asked.length === 18);
    expect(probes()).toBe(2);
  });

  it('a failing Prometheus: the error on one line over the last good rows', async () => {
    const { page: p } = page();
    p.show();
    await waitFor('the rows', () => text(p).some((l) => l.startsWith('web-1 ')));
    failWith = 500;
    p.refresh();
    await waitFor('the error', () => /^! /.test(text(p)[0]));
    const lines = text(p);
    expect(lines[0]).toMatch(new RegExp(`^! Prometheus ${prom.url.replace(/\./g, '\\.')}: .*500.*storage on fire`));
    expect(lines.filter((l) => /^(web-1|db-1) /.test(l))).toHaveLength(2);
    failWith = null;
    p.refresh();
    await waitFor('the error gone', () => /^HOST/.test(text(p)[0]));
  });

  it('reads on its interval only while shown, and not while paused', async () => {
    let paused = false;
    const { page: p, settings } = page({ intervalMs: 20 }, () => paused);
    p.show();
    await waitFor('three reads on the interval', () => p.readsStarted >= 3);
    p.hide();
    // Five requests a read, and the probe for recorded figures and its guess once (remembered for minutes).
    await waitFor('the read in flight to end', () => prom.asked.length === p.readsStarted * 5 + 2);
    const after = p.readsStarted;
    await new Promise((r) => setTimeout(r, 200));
    expect(p.readsStarted).toBe(after);
    paused = true;
    p.show();
    p.refresh();
    await new Promise((r) => setTimeout(r, 200));
    expect(p.readsStarted).toBe(after);
    expect(settings.intervalMs).toBe(20);
  });

  it("Enter opens the selected host's detail: its history read narrowed to it; Esc goes back, and Esc again leaves", async () => {
    const { page: p } = page();
    p.show();
    await waitFor('the rows', () => text(p).some((l) => l.startsWith('web-1 ')));
    prom.asked.length = 0;
    expect(p.onKey('j', 'j')).toBe('handled');
    expect(p.onKey('\r', 'return')).toBe('handled');
    expect(p.detail).toBe('web-1');
    await waitFor("the host's history", () => prom.asked.length === 4);
    for (const a of prom.asked) {
      expect(a.path).toMatch(/^\/api\/v1\/query_range/);
      expect(a.form.get('query')).toContain('web-1');
      expect(Number(a.form.get('end')) - Number(a.form.get('start'))).toBe(3600);
    }
    await waitFor('the detail', () => text(p).some((l) => l.startsWith('State up')));
    // The list's keys do nothing in the detail; q, f and the others are the dashboard's.
    expect(p.onKey('s', 's')).toBe('handled');
    expect(p.sort).toBe('worst');
    expect(p.onKey('q', 'q')).toBeUndefined();
    expect(p.onKey('', 'escape')).toBe('handled');
    expect(p.detail).toBeNull();
    expect(p.onKey('', 'escape')).toBe('back');
  });

  it('s cycles the sort, and the selection stays on the same host', async () => {
    const { page: p } = page();
    p.show();
    await waitFor('the rows', () => text(p).some((l) => l.startsWith('web-1 ')));
    p.onKey('j', 'j'); // web-1, second when worst first
    const sorts: string[] = [];
    for (let i = 0; i < 5; i++) {
      p.content(ctx);
      sorts.push(p.sort);
      p.onKey('s', 's');
    }
    expect(sorts).toEqual(['worst', 'name', 'cpu', 'memory', 'cost']);
    expect(p.sort).toBe('worst');
    p.onKey('\r', 'return');
    expect(p.detail).toBe('web-1');
  });

  it('another Prometheus in the config: the rows read from the old one go', async () => {
    const { page: p, settings } = page();
    p.show();
    await waitFor('the rows', () => text(p).some((l) => l.startsWith('web-1 ')));
    settings.key = 'another';
    settings.target = { url: 'http://127.0.0.1:1' };
    expect(text(p)).toEqual(['reading the fleet from http://127.0.0.1:1...']);
  });

  it('not configured: no reads, and the page says how', () => {
    const { page: p } = page({ unconfigured: 'unset' });
    p.show();
    p.refresh();
    expect(p.readsStarted).toBe(0);
    expect(text(p).join('\n')).toContain('prometheus: http://prometheus.example:9090');
  });
});
