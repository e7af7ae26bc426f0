/**
 * The exposition passes the real `promtool check metrics` (Debian's prometheus package) without a
 * word: every family of every built-in module, the generic family and shoji's own, from real
 * modules on the fixture host, with a CPU quota so that cpu's quota family is there too.
 * promtool reads the Prometheus text format only; test/integration/exposition-scrape.test.ts has a
 * real Prometheus scrape the OpenMetrics one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyModule } from '../../../src/core/contract.js';
import type { MetricFamily } from '../../../src/core/metrics.js';
import { exposition } from '../../../src/exporter/exposition.js';
import { type ExporterHost, exporterHost, promtoolSays } from '../../helpers/exported.js';

let host: ExporterHost;
let text: string;

beforeAll(async () => {
  host = await exporterHost();
  // A cgroup v2 container allowed half a CPU of the host's two.
  host.tree.write('proc/self/cgroup', '0::/docker/box\n');
  host.tree.write('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory pids\n');
  host.tree.write('sys/fs/cgroup/docker/box/cpu.max', '50000 100000\n');
  host.tree.write('sys/fs/cgroup/docker/box/cpu.stat', 'usage_usec 1000000\n');
  // A module without declarations, as a user plugin is to the host: its numbers go to shoji_plugin_value.
  const memory = host.modules.find((m) => m.id === 'memory')!.def;
  host.add({ ...memory, id: 'queue', metrics: undefined } as AnyModule, 'plugin');
  host.tick(0);
  await host.collect();
  host.tree.write('sys/fs/cgroup/docker/box/cpu.stat', 'usage_usec 1100000\n');
  host.tick(1);
  await host.collect();
  text = (await exposition({ modules: host.modules, statuses: host.statuses }, 'prometheus')).body;
});
afterAll(() => host.cleanup());

describe('promtool check metrics', () => {
  it('has every declared family, the generic one and shoji_module_* to check', () => {
    // All but OpenCost's hourly cost, which only an EC2 instance's estimate has (ec2-metrics.test.ts
    // checks it there), and failed services: systemd did not boot the fixture host, so the module is
    // not available (services-cli.test.ts runs it against a stand-in systemctl).
    const declared = host.modules
      .flatMap((m) => ((m.def.metrics?.families ?? []) as MetricFamily[]).map((f) => f.name))
      .filter((name) => name !== 'node_total_hourly_cost' && name !== 'shoji_services_failed');
    const typed = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
    expect(declared.filter((name) => !typed.has(name))).toEqual([]);
    for (const name of ['shoji_build_info', 'shoji_module_up', 'shoji_module_collect_errors_total', 'shoji_plugin_value', 'process_cpu_seconds_total']) {
      expect(typed.has(name), name).toBe(true);
    }
  });

  it('says nothing of the exposition: no warning, no error', () => {
    expect(promtoolSays(text)).toBe('');
  });

  it('would say so: a gauge named _total, and a text that does not parse', () => {
    expect(promtoolSays('# HELP x_total X\n# TYPE x_total gauge\nx_total 1\n')).toContain('non-counter metrics should not have "_total" suffix');
    expect(promtoolSays('x{a="1} 1\n')).toMatch(/exit status 1/);
  });
});
