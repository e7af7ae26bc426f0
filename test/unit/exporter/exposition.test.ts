/**
 * The exposition `shoji exporter` serves (src/exporter/exposition.ts), from real modules collected
 * on the fixture host (test/helpers/exported.ts) and a real user plugin run in its worker: the
 * families, their types and labels, escaping of label values from outside, no sample without
 * data, shoji_module_up and the collect error counter, the generic family, both text formats and
 * the choice between them.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyModule } from '../../../src/core/contract.js';
import { declareMetrics, type MetricFamily } from '../../../src/core/metrics.js';
import { stopAllPlugins } from '../../../src/core/plugin-host.js';
import { loadUserPlugins } from '../../../src/core/user-plugins.js';
import { contentTypeFor, exposition, formatFor } from '../../../src/exporter/exposition.js';
import { requireBuild } from '../../helpers/cli.js';
import { collectedHost, type ExporterHost, exporterHost } from '../../helpers/exported.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS_TEXT = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

let host: ExporterHost;
afterEach(() => host?.cleanup());
afterAll(() => stopAllPlugins());

const serve = async (format: 'prometheus' | 'openmetrics' = 'prometheus') =>
  (await exposition({ modules: host.modules, statuses: host.statuses }, format)).body;
/** The sample lines of one family (name followed by `{` or a space), as written. */
const linesOf = (body: string, name: string) => body.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
/** The names of the families with a `# TYPE` line, and their types. */
const typesOf = (body: string) => Object.fromEntries([...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
const shojiLines = (body: string) => body.split('\n').filter((l) => /^(shoji_|node_)/.test(l));

describe('from every built-in module, collected twice on the fixture host', () => {
  beforeEach(async () => {
    host = await collectedHost();
  });

  it("serves each module's declared families with their types, and build info, module_up and the error counter", async () => {
    const body = await serve();
    const types = typesOf(body);
    for (const mod of host.modules) {
      for (const f of (mod.def.metrics?.families ?? []) as MetricFamily[]) {
        if (f.name === 'shoji_cpu_quota_cores') continue; // host scope: no quota
        if (f.name === 'node_total_hourly_cost') continue; // not EC2: ec2-metrics.test.ts has it
        if (f.name === 'shoji_services_failed') continue; // systemd did not boot the fixture host: services-cli.test.ts has it
        expect(types[f.name], f.name).toBe(f.type);
      }
    }
    expect(types).toMatchObject({ shoji_build_info: 'gauge', shoji_module_up: 'gauge', shoji_module_collect_errors_total: 'counter' });
    // Exactly one HELP and one TYPE per family.
    const typeLines = [...body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    expect(typeLines.length).toBe(new Set(typeLines).size);
    expect([...body.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1])).toEqual(typeLines);

    const version = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')).version;
    expect(linesOf(body, 'shoji_build_info')).toEqual([`shoji_build_info{version="${version}",nodejs_version="${process.version}"} 1`]);
    const served = host.modules.filter((m) => host.statuses.get(m.id)?.available !== false);
    for (const m of served) expect(linesOf(body, 'shoji_module_up'), m.id).toContain(`shoji_module_up{module="${m.id}"} 1`);
    expect(linesOf(body, 'shoji_module_collect_errors_total')).toContain('shoji_module_collect_errors_total{module="memory"} 0');
    expect(linesOf(body, 'shoji_memory_total_bytes')).toEqual(['shoji_memory_total_bytes 8192000000']);
    expect(linesOf(body, 'shoji_network_receive_bytes_total')).toEqual(['shoji_network_receive_bytes_total{device="eth0"} 14000000']);
    expect(linesOf(body, 'shoji_reboot_required')).toEqual(['shoji_reboot_required 1']);
  });

  it('escapes label values from outside: a quote, a backslash and a newline in a mount path', async () => {
    const body = await serve();
    expect(linesOf(body, 'shoji_filesystem_size_bytes')).toEqual([
      expect.stringMatching(/^shoji_filesystem_size_bytes\{mountpoint="\/"\} \d+$/),
      expect.stringMatching(/^shoji_filesystem_size_bytes\{mountpoint="\/srv\/we\\"ird\\\\dir\\nname"\} \d+$/),
    ]);
    expect(body).not.toContain('we"ird');
    expect(body).not.toContain('dir\nname');
    expect(linesOf(body, 'shoji_temperature_celsius')).toEqual([
      'shoji_temperature_celsius{sensor="coretemp/Package id 0"} 51',
      'shoji_temperature_celsius{sensor="coretemp/Core 0"} 47.5',
    ]);
  });

  it("adds prom-client's process metrics, less the gauges whose names end in _total", async () => {
    const types = typesOf(await serve());
    expect(types).toMatchObject({ process_cpu_seconds_total: 'counter', process_resident_memory_bytes: 'gauge', nodejs_heap_size_used_bytes: 'gauge' });
    const gaugesNamedTotal = Object.entries(types).filter(([name, type]) => name.endsWith('_total') && type !== 'counter');
    expect(gaugesNamedTotal).toEqual([]);
  });

  it('OpenMetrics: counters typed under their name without _total, samples with it, # EOF last; Prometheus text unchanged after', async () => {
    const om = await serve('openmetrics');
    expect(om).toMatch(/# TYPE shoji_disk_read_bytes counter\nshoji_disk_read_bytes_total\{device="sda"\} 61440000\n/);
    expect(om).toMatch(/# TYPE process_cpu_seconds counter\nprocess_cpu_seconds_total /);
    expect(om.endsWith('\n# EOF\n')).toBe(true);
    expect(shojiLines(om)).toEqual(shojiLines(await serve()));
    // prom-client renames counters on the objects it renders as OpenMetrics: the next Prometheus text must not show it.
    const text = await serve();
    expect(text).toMatch(/# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total /);
    expect(text).toMatch(/# TYPE shoji_disk_read_bytes_total counter\n/);
    expect(text).not.toContain('# EOF');
  });

  it('a module whose collect fails: module_up 0, its errors counted, and none of its last figures', async () => {
    rmSync(join(host.tree.procRoot, 'meminfo'));
    await host.collect(['memory']);
    await host.collect(['memory']);
    let body = await serve();
    expect(linesOf(body, 'shoji_module_up')).toContain('shoji_module_up{module="memory"} 0');
    expect(linesOf(body, 'shoji_module_collect_errors_total')).toContain('shoji_module_collect_errors_total{module="memory"} 2');
    expect(body).not.toContain('shoji_memory_');
    // Back: up again, the count of errors kept (a counter never goes back).
    host.tree.write('proc/meminfo', 'MemTotal: 4000000 kB\nMemAvailable: 1000000 kB\n');
    await host.collect(['memory']);
    body = await serve();
    expect(linesOf(body, 'shoji_module_up')).toContain('shoji_module_up{module="memory"} 1');
    expect(linesOf(body, 'shoji_module_collect_errors_total')).toContain('shoji_module_collect_errors_total{module="memory"} 2');
    expect(linesOf(body, 'shoji_memory_used_bytes')).toEqual(['shoji_memory_used_bytes 3072000000']);
  });

  it('reboot-required: 0 once the flag is gone (a collect that found nothing to publish)', async () => {
    rmSync(join(host.tree.root, 'var/run/reboot-required'));
    await host.collect(['reboot-required']);
    expect(linesOf(await serve(), 'shoji_reboot_required')).toEqual(['shoji_reboot_required 0']);
  });

  it("a family without a help of its own has its data field's description as # HELP, in plain ASCII", async () => {
    const body = await serve();
    const help = (name: string) => body.match(new RegExp(`^# HELP ${name} (.*)$`, 'm'))?.[1];
    expect(help('shoji_load5')).toBe('Load average over 5 minutes');
    // disk's mounts[].used: "size − free blocks" with a minus sign in the data declaration.
    expect(help('shoji_filesystem_used_bytes')).toBe("Used: size - free blocks, as df's Used (root's reserve is neither used nor available)");
    expect(help('shoji_network_receive_bytes_total')).toBe("Received since it came up (the kernel's counter)");
    // A help of its own where it says more than the fields: what the components add up to.
    expect(help('shoji_ec2_cost_since_boot_usd')).toBe('Estimated cost since boot in US dollars, by component; their sum is the total');
  });

  it('one series once: of two samples with the same labels the first is served, for a gauge and a counter', async () => {
    const memory = host.modules.find((m) => m.id === 'memory')!.def;
    const twice = (type: 'gauge' | 'counter', name: string): MetricFamily => ({
      name,
      type,
      help: 'x',
      labels: ['device'],
      samples: () => [
        { labels: { device: 'a' }, value: 3 },
        { labels: { device: 'b' }, value: 1 },
        { labels: { device: 'a' }, value: 4 },
      ],
    });
    const families = [twice('gauge', 'shoji_twice'), twice('counter', 'shoji_twice_total')];
    host.add({ ...memory, id: 'twice', metrics: declareMetrics(() => families) } as AnyModule, 'builtin');
    host.statuses.get('twice')!.available = true;
    await host.collect(['twice']);
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const body = await serve(format);
      expect(linesOf(body, 'shoji_twice'), format).toEqual(['shoji_twice{device="a"} 3', 'shoji_twice{device="b"} 1']);
      expect(linesOf(body, 'shoji_twice_total'), format).toEqual(['shoji_twice_total{device="a"} 3', 'shoji_twice_total{device="b"} 1']);
    }
  });

  it("a broken declaration costs only its own family: a throwing read, wrong labels, another module's name, no help, an unknown type", async () => {
    const memory = host.modules.find((m) => m.id === 'memory')!.def;
    const broken: readonly MetricFamily[] = [
      {
        name: 'shoji_broken_throws',
        type: 'gauge',
        help: 'x',
        samples: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'x')");
        },
      },
      { name: 'shoji_broken_labels', type: 'gauge', help: 'x', labels: ['a'], samples: () => [{ labels: { b: '1' }, value: 1 }, { value: 2 }] },
      { name: 'shoji_memory_total_bytes', type: 'gauge', help: 'a second family of that name', samples: () => [{ value: 1 }] },
      { name: 'shoji_broken_counter_total', type: 'counter', help: 'x', samples: () => [{ value: -1 }, { value: Number.POSITIVE_INFINITY }] },
      { name: 'bad name', type: 'gauge', help: 'x', samples: () => [{ value: 1 }] },
      { name: 'shoji_broken_help', type: 'gauge', help: '', samples: () => [{ value: 1 }] },
      { name: 'shoji_broken_type', type: 'histogram' as 'gauge', help: 'x', samples: () => [{ value: 1 }] },
      { name: 'shoji_fine', type: 'gauge', help: 'x', samples: () => [{ value: 7 }] },
    ];
    host.add({ ...memory, id: 'broken', metrics: declareMetrics(() => broken) } as AnyModule, 'builtin');
    host.statuses.get('broken')!.available = true;
    await host.collect(['broken']);
    const body = await serve();
    expect(body).not.toMatch(/shoji_broken|bad name/);
    expect(linesOf(body, 'shoji_memory_total_bytes')).toEqual(['shoji_memory_total_bytes 8192000000']);
    expect(linesOf(body, 'shoji_fine')).toEqual(['shoji_fine 7']);
  });
});

describe('before there is data', () => {
  beforeEach(async () => {
    host = await exporterHost();
  });

  it('no module collected yet: module_up 0 for each, errors 0, and no sample of any module (never a made-up 0)', async () => {
    const body = await serve();
    expect(linesOf(body, 'shoji_module_up')).toContain('shoji_module_up{module="cpu"} 0');
    expect(linesOf(body, 'shoji_module_collect_errors_total')).toContain('shoji_module_collect_errors_total{module="cpu"} 0');
    expect(shojiLines(body).filter((l) => !/^shoji_(build_info|module_)/.test(l))).toEqual([]);
    expect(body).not.toMatch(/^# (HELP|TYPE) shoji_(cpu|memory|plugin)/m);
  });

  it('after one collect: the rate modules have no samples until their second, the others have theirs', async () => {
    host.tick(0);
    await host.collect();
    const body = await serve();
    expect(linesOf(body, 'shoji_module_up')).toContain('shoji_module_up{module="network"} 1');
    expect(body).not.toMatch(/shoji_(cpu_usage|network|disk_read)/);
    expect(linesOf(body, 'shoji_load1')).toEqual(['shoji_load1 0.5']);
  });

  it('a module that cannot work on this host (no battery) is left out entirely', async () => {
    rmSync(join(host.tree.sysRoot, 'class/power_supply'), { recursive: true });
    await host.collect();
    const body = await serve();
    expect(body).not.toContain('battery');
    expect(linesOf(body, 'shoji_module_up')).toContain('shoji_module_up{module="memory"} 1');
  });
});

describe("a user plugin's numbers", () => {
  beforeEach(async () => {
    host = await exporterHost();
  });

  it('are served as shoji_plugin_value{module,field}, one per top-level finite number; its own declaration stays in its worker', async () => {
    requireBuild();
    const plugins = join(host.tree.dir, 'config', 'plugins');
    mkdirSync(plugins, { recursive: true });
    chmodSync(join(host.tree.dir, 'config'), 0o755);
    chmodSync(plugins, 0o755);
    const file = join(plugins, 'queue.mjs');
    writeFileSync(
      file,
      `export default {
  id: 'queue', description: 'jobs waiting', interval: 10,
  options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} },
  metrics: [{ name: 'queue_jobs', type: 'gauge', help: 'jobs', samples: (d) => [{ value: d.jobs }] }],
  collect: () => ({ reading: { text: '3 jobs', state: 'info' }, data: { jobs: 3, 'oldest "job"': 1.5, name: 'q1', flags: [1, 2], nested: { depth: 4 }, ok: true } }),
};
`,
    );
    chmodSync(file, 0o644);
    const { modules, problems } = await loadUserPlugins(join(host.tree.dir, 'config'));
    expect(problems).toEqual([]);
    host.add(modules[0].def as AnyModule, 'plugin');
    await host.collect(['queue']);
    const body = await serve();
    expect(linesOf(body, 'shoji_plugin_value')).toEqual([
      'shoji_plugin_value{module="queue",field="jobs"} 3',
      'shoji_plugin_value{module="queue",field="oldest \\"job\\""} 1.5',
    ]);
    expect(body).toMatch(/# TYPE shoji_plugin_value gauge/);
    expect(body).not.toContain('queue_jobs');
    expect(linesOf(body, 'shoji_module_up')).toContain('shoji_module_up{module="queue"} 1');
  });
});

describe('the format a scraper gets', () => {
  it('OpenMetrics when asked for it as Prometheus asks; the Prometheus text otherwise', () => {
    const prometheus242 =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(formatFor(prometheus242)).toBe('openmetrics');
    expect(contentTypeFor(prometheus242)).toBe(OPENMETRICS_TEXT);
    expect(formatFor('application/openmetrics-text')).toBe('openmetrics');
    for (const accept of [
      undefined,
      '',
      '*/*',
      'text/plain;version=0.0.4',
      'text/plain, application/openmetrics-text;q=0.5',
      'application/openmetrics-text;q=0',
      'application/json',
    ]) {
      expect(formatFor(accept), String(accept)).toBe('prometheus');
      expect(contentTypeFor(accept)).toBe(PROMETHEUS_TEXT);
    }
  });
});
