/**
 * What each built-in module declares it exports (ShojiModule.metrics, src/core/metrics.ts): the
 * names, types and labels the fleet view and the docs rely on (the contract between them), the
 * naming rules (prefix, `_total` on counters and only there, unit suffixes that match the data
 * field's declared unit), and the samples each family reads from what the real modules publish
 * on the fixture host.
 */
import * as T from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../../src/app/builtins.js';
import type { AnyModule } from '../../../src/core/contract.js';
import { declareData } from '../../../src/core/data.js';
import { byField, counter, declareMetrics, gauge, type MetricFamily, type MetricSample, NO_METRICS, perRow } from '../../../src/core/metrics.js';
import { familyHelp, fieldSchema, helpLine } from '../../../src/exporter/family-help.js';
import { collectedHost, type ExporterHost, ODD_MOUNT } from '../../helpers/exported.js';

/** The modules that read Prometheus back (the fleet): exporting what they read would feed Prometheus its own answers. */
const READ_FROM_PROMETHEUS = new Set(['fleet']);
const BUILTINS = BUILTIN_MODULES.filter((m) => !READ_FROM_PROMETHEUS.has(m.id));

const familiesOf = (m: AnyModule) => (m.metrics?.families ?? []) as readonly MetricFamily[];
const declared = BUILTINS.flatMap((m) => familiesOf(m).map((family) => ({ module: m, family })));

/** The exporter's metric names as agreed with the fleet view and the docs: module, type, labels. */
const CONTRACT: Record<string, [module: string, type: 'gauge' | 'counter', labels: string[]]> = {
  shoji_cpu_usage_ratio: ['cpu', 'gauge', []],
  shoji_cpu_core_usage_ratio: ['cpu', 'gauge', ['cpu']],
  shoji_cpu_quota_cores: ['cpu', 'gauge', []],
  shoji_cpu_seconds_total: ['cpu', 'counter', ['mode']],
  shoji_load1: ['load', 'gauge', []],
  shoji_load5: ['load', 'gauge', []],
  shoji_load15: ['load', 'gauge', []],
  shoji_online_cpus: ['load', 'gauge', []],
  shoji_memory_total_bytes: ['memory', 'gauge', []],
  shoji_memory_used_bytes: ['memory', 'gauge', []],
  shoji_memory_available_bytes: ['memory', 'gauge', []],
  shoji_swap_total_bytes: ['swap', 'gauge', []],
  shoji_swap_used_bytes: ['swap', 'gauge', []],
  shoji_filesystem_size_bytes: ['disk', 'gauge', ['mountpoint']],
  shoji_filesystem_used_bytes: ['disk', 'gauge', ['mountpoint']],
  shoji_filesystem_avail_bytes: ['disk', 'gauge', ['mountpoint']],
  shoji_disk_read_bytes_total: ['diskio', 'counter', ['device']],
  shoji_disk_written_bytes_total: ['diskio', 'counter', ['device']],
  shoji_network_receive_bytes_total: ['network', 'counter', ['device']],
  shoji_network_transmit_bytes_total: ['network', 'counter', ['device']],
  shoji_uptime_seconds: ['uptime', 'gauge', []],
  shoji_battery_charge_ratio: ['battery', 'gauge', ['battery']],
  shoji_battery_time_left_seconds: ['battery', 'gauge', []],
  shoji_battery_power_watts: ['battery', 'gauge', ['battery']],
  shoji_temperature_celsius: ['temperature', 'gauge', ['sensor']],
  shoji_power_watts: ['power', 'gauge', ['source']],
  shoji_energy_joules_total: ['power', 'counter', ['zone']],
  shoji_processes: ['processes', 'gauge', []],
  shoji_tasks: ['processes', 'gauge', []],
  shoji_tasks_running: ['processes', 'gauge', []],
  shoji_user_sessions: ['users', 'gauge', []],
  shoji_updates_pending: ['updates', 'gauge', []],
  shoji_updates_pending_security: ['updates', 'gauge', []],
  shoji_reboot_required: ['reboot-required', 'gauge', []],
  shoji_services_failed: ['services', 'gauge', []],
  shoji_crash_reports: ['apport', 'gauge', []],
  shoji_trash_items: ['trash', 'gauge', []],
  shoji_trash_size_bytes: ['trash', 'gauge', []],
  shoji_mail_new_messages: ['mail', 'gauge', []],
  shoji_cpu_frequency_hertz: ['cpu-freq', 'gauge', ['cpu']],
  shoji_cpu_frequency_max_hertz: ['cpu-freq', 'gauge', ['cpu']],
  shoji_fan_rpm: ['fan', 'gauge', ['fan']],
  shoji_wifi_link_quality_ratio: ['wifi', 'gauge', ['device']],
  shoji_wifi_signal_dbm: ['wifi', 'gauge', ['device']],
  shoji_entropy_available_bytes: ['entropy', 'gauge', []],
  shoji_entropy_pool_size_bytes: ['entropy', 'gauge', []],
  shoji_md_disks_required: ['raid', 'gauge', ['device']],
  shoji_md_disks_active: ['raid', 'gauge', ['device']],
  shoji_md_degraded: ['raid', 'gauge', ['device']],
  shoji_md_sync_progress_ratio: ['raid', 'gauge', ['device']],
  shoji_md_sync_time_left_seconds: ['raid', 'gauge', ['device']],
  shoji_containers: ['containers', 'gauge', ['state']],
  shoji_containers_unhealthy: ['containers', 'gauge', []],
  shoji_gpu_utilization_ratio: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  shoji_gpu_memory_used_bytes: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  shoji_gpu_memory_total_bytes: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  shoji_gpu_temperature_celsius: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  shoji_gpu_power_watts: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  shoji_gpu_power_limit_watts: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  shoji_gpu_asleep: ['gpu', 'gauge', ['gpu', 'name', 'uuid']],
  node_total_hourly_cost: ['ec2-cost', 'gauge', ['instance_type', 'region', 'arch', 'provider_id']],
  shoji_ec2_hourly_cost_usd: ['ec2-cost', 'gauge', ['component']],
  shoji_ec2_cost_since_boot_usd: ['ec2-cost', 'gauge', ['component']],
  shoji_ec2_cost_month_to_date_usd: ['ec2-cost', 'gauge', ['component']],
  shoji_ec2_cost_month_to_date_upper_bound_usd: ['ec2-cost', 'gauge', []],
  shoji_ec2_cost_month_start_timestamp_seconds: ['ec2-cost', 'gauge', []],
  shoji_ec2_cost_info: ['ec2-cost', 'gauge', ['instance_type', 'region', 'mode', 'spot', 'price_source']],
  shoji_ec2_prices_as_of_timestamp_seconds: ['ec2-cost', 'gauge', []],
};

/** Names other tools already use, kept as they are so their dashboards work: not `shoji_`. */
const FOREIGN_NAMES = new Set(['node_total_hourly_cost']);

/**
 * The name suffix each declared data unit asks for (Prometheus's base units); units of things
 * counted (tasks, sessions, packages) have none. A rate (bytes/s) is never exported: its counter is.
 */
const UNIT_SUFFIX: Record<string, RegExp> = {
  bytes: /_bytes(_total)?$/,
  seconds: /_seconds(_total)?$/,
  'ratio (0–1)': /_ratio$/,
  '% (0–100)': /_ratio$/,
  '°C': /_celsius$/,
  watts: /_watts$/,
  joules: /_joules(_total)?$/,
  'US dollars': /_usd$/,
  'US dollars/hour': /^shoji_.*hourly.*_usd$|^node_.*_hourly_cost$/,
  'date (YYYY-MM-DD)': /_timestamp_seconds$/,
  'month (YYYY-MM)': /_timestamp_seconds$/,
  CPUs: /_(cpus|cores)$/,
  hertz: /_hertz$/,
  rpm: /_rpm$/,
  dBm: /_dbm$/,
  bits: /_bits$/,
  'bytes/s': /(?!)/,
};

/** Every way a family breaks the naming rules; [] when it keeps them. */
function namingProblems(module: AnyModule, f: MetricFamily): string[] {
  const out: string[] = [];
  const at = `${module.id}: ${f.name}`;
  if (!/^[a-z][a-z0-9_]*$/.test(f.name)) out.push(`${at} is not a lower-case Prometheus name`);
  if (!f.name.startsWith('shoji_') && !FOREIGN_NAMES.has(f.name)) out.push(`${at} does not start with shoji_`);
  if (f.type === 'counter' && !f.name.endsWith('_total')) out.push(`${at} is a counter without _total`);
  if (f.type !== 'counter' && f.name.endsWith('_total')) out.push(`${at} ends in _total but is a ${f.type}`);
  for (const label of f.labels ?? []) if (!/^[a-z][a-z0-9_]*$/.test(label)) out.push(`${at} has the label "${label}"`);
  const help = helpLine(f, module.data);
  if (help === undefined || !/^[\x20-\x7e]+$/.test(help)) out.push(`${at} has no help, or help that is not one line of ASCII`);
  for (const field of f.field?.split(', ') ?? []) {
    const schema = fieldSchema(module.data, field);
    if (schema === undefined) {
      out.push(`${at} reads ${field}, which ${module.id} does not declare`);
      continue;
    }
    const unit = schema.unit ?? schema.items?.unit;
    const suffix = unit === undefined ? undefined : UNIT_SUFFIX[unit];
    if (suffix !== undefined && !suffix.test(f.name)) out.push(`${at} reads ${field} in ${unit}, and its name says otherwise`);
  }
  return out;
}

describe('the declarations', () => {
  it('every built-in module declares what it exports (an empty list when nothing)', () => {
    expect(BUILTINS.filter((m) => m.metrics === undefined).map((m) => m.id)).toEqual([]);
  });

  it('are the names, types and labels agreed with the fleet view and the docs, each once', () => {
    const names = declared.map((d) => d.family.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const found = Object.fromEntries(declared.map(({ module, family: f }) => [f.name, [module.id, f.type, [...(f.labels ?? [])]]]));
    expect(found).toEqual(CONTRACT);
  });

  it('keep the naming rules: prefix, _total on counters only, lower-case labels, help, unit suffixes as the data declares them', () => {
    expect(declared.flatMap(({ module, family }) => namingProblems(module, family))).toEqual([]);
  });

  it("each has a help, its own or its data field's description, and no help of its own that only repeats the field's", () => {
    const without = declared.filter(({ module, family }) => familyHelp(family, module.data) === undefined).map(({ family }) => family.name);
    expect(without).toEqual([]);
    /** Lower-case words only, so that a repeat with other punctuation or a unit added in brackets is still one. */
    const words = (text: string) =>
      text
        .toLowerCase()
        .replace(/\(0-1\)/g, '')
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
    const repeats = declared.flatMap(({ module, family }) => {
      if (family.help === undefined || family.field === undefined || family.field.includes(', ')) return [];
      const own = words(family.help);
      const field = words(String(fieldSchema(module.data, family.field)?.description));
      return own === field || field.includes(own) || own.includes(field) ? [`${family.name}: "${family.help}" repeats ${family.field}`] : [];
    });
    expect(repeats).toEqual([]);
  });

  it('the naming check finds each rule broken', () => {
    const memory = BUILTINS.find((m) => m.id === 'memory')!;
    const disk = BUILTINS.find((m) => m.id === 'disk')!;
    const check = (m: AnyModule, f: MetricFamily<never>) => namingProblems(m, f as MetricFamily);
    expect(check(memory, gauge('memory_used_bytes', 'x', { field: 'used', read: () => 1 }))).toEqual(['memory: memory_used_bytes does not start with shoji_']);
    expect(check(memory, counter('shoji_memory_used_bytes', 'x', { read: () => 1 }))).toEqual(['memory: shoji_memory_used_bytes is a counter without _total']);
    expect(check(memory, gauge('shoji_memory_used_bytes_total', 'x', { read: () => 1 }))).toEqual([
      'memory: shoji_memory_used_bytes_total ends in _total but is a gauge',
    ]);
    expect(check(memory, gauge('shoji_memory_used', 'x', { field: 'used', read: () => 1 }))).toEqual([
      'memory: shoji_memory_used reads used in bytes, and its name says otherwise',
    ]);
    expect(check(memory, gauge('shoji_memory_used_ratio', 'x', { field: 'ratio', read: () => 1 }))).toEqual([]);
    expect(check(memory, gauge('shoji_memory_used_bytes', 'x', { field: 'usedd', read: () => 1 }))).toEqual([
      'memory: shoji_memory_used_bytes reads usedd, which memory does not declare',
    ]);
    expect(check(disk, perRow('gauge', 'shoji_filesystem_size', 'x', { rows: 'mounts', label: ['mountpoint', 'mount'], value: 'total' } as never))).toEqual([
      'disk: shoji_filesystem_size reads mounts[].total in bytes, and its name says otherwise',
    ]);
    expect(
      check(disk, perRow('gauge', 'shoji_filesystem_size_bytes', 'two\nlines', { rows: 'mounts', label: ['Mount', 'mount'], value: 'total' } as never)),
    ).toEqual([
      'disk: shoji_filesystem_size_bytes has the label "Mount"',
      'disk: shoji_filesystem_size_bytes has no help, or help that is not one line of ASCII',
    ]);
  });
});

describe('the samples, from what the modules publish on the fixture host', () => {
  let host: ExporterHost;
  /** Each family's samples, read from its module's latest data. */
  const samples = new Map<string, readonly MetricSample[]>();
  const data = (id: string) => host.statuses.get(id)!.data as never;

  beforeAll(async () => {
    host = await collectedHost();
    for (const { module, family } of declared) {
      const published = host.statuses.get(module.id)?.data;
      if (published !== undefined) samples.set(family.name, family.samples(published));
    }
  });
  afterAll(() => host.cleanup());

  const one = (value: number) => [{ value }];

  it('cpu, load, memory, swap, uptime, processes, users, updates, reboot-required: one value each', () => {
    const cpu = data('cpu') as { total: number; cores: number[] };
    expect(samples.get('shoji_cpu_usage_ratio')).toEqual(one(cpu.total));
    expect(cpu.total).toBeGreaterThan(0);
    expect(samples.get('shoji_cpu_core_usage_ratio')).toEqual([
      { labels: { cpu: '0' }, value: cpu.cores[0] },
      { labels: { cpu: '1' }, value: cpu.cores[1] },
    ]);
    // Host scope: no quota, so no sample (never a made-up 0).
    expect(samples.get('shoji_cpu_quota_cores')).toEqual([]);
    // fixture-host.ts at tick 1: the cpu line has 2,200 user, 1,100 system and 1 softirq ticks, 11,000 idle and 5 iowait; USER_HZ 100.
    expect(samples.get('shoji_cpu_seconds_total')).toEqual([
      { labels: { mode: 'busy' }, value: 33.01 },
      { labels: { mode: 'idle' }, value: 110.05 },
    ]);
    expect(samples.get('shoji_load1')).toEqual(one(0.5));
    expect(samples.get('shoji_load5')).toEqual(one(0.4));
    expect(samples.get('shoji_load15')).toEqual(one(0.3));
    expect(samples.get('shoji_online_cpus')).toEqual(one(2));
    expect(samples.get('shoji_memory_total_bytes')).toEqual(one(8_000_000 * 1024));
    expect(samples.get('shoji_memory_used_bytes')).toEqual(one(3_000_000 * 1024));
    expect(samples.get('shoji_memory_available_bytes')).toEqual(one(5_000_000 * 1024));
    expect(samples.get('shoji_swap_total_bytes')).toEqual(one(2_000_000 * 1024));
    expect(samples.get('shoji_swap_used_bytes')).toEqual(one(500_000 * 1024));
    expect(samples.get('shoji_uptime_seconds')).toEqual(one(277230.57));
    expect(samples.get('shoji_processes')).toEqual(one(3));
    expect(samples.get('shoji_tasks')).toEqual(one(150));
    expect(samples.get('shoji_tasks_running')).toEqual(one(2));
    expect(samples.get('shoji_user_sessions')).toEqual(one(2));
    expect(samples.get('shoji_updates_pending')).toEqual(one(5));
    expect(samples.get('shoji_updates_pending_security')).toEqual(one(3));
    expect(samples.get('shoji_reboot_required')).toEqual(one(1));
  });

  it('disk: each configured path by its mountpoint, as configured', () => {
    const mounts = (data('disk') as { mounts: { mount: string; total: number; used: number; available: number }[] }).mounts;
    expect(mounts.map((m) => m.mount)).toEqual(['/', ODD_MOUNT]);
    const per = (read: (m: (typeof mounts)[number]) => number) => mounts.map((m) => ({ labels: { mountpoint: m.mount }, value: read(m) }));
    expect(samples.get('shoji_filesystem_size_bytes')).toEqual(per((m) => m.total));
    expect(samples.get('shoji_filesystem_used_bytes')).toEqual(per((m) => m.used));
    expect(samples.get('shoji_filesystem_avail_bytes')).toEqual(per((m) => m.available));
  });

  it('diskio and network: byte counters per device since boot, not rates', () => {
    // fixture-host.ts: at tick 1, 120,000 sectors read and 60,000 written; eth0 14,000,000 bytes in, 7,000,000 out.
    expect(samples.get('shoji_disk_read_bytes_total')).toEqual([{ labels: { device: 'sda' }, value: 120_000 * 512 }]);
    expect(samples.get('shoji_disk_written_bytes_total')).toEqual([{ labels: { device: 'sda' }, value: 60_000 * 512 }]);
    expect(samples.get('shoji_network_receive_bytes_total')).toEqual([{ labels: { device: 'eth0' }, value: 14_000_000 }]);
    expect(samples.get('shoji_network_transmit_bytes_total')).toEqual([{ labels: { device: 'eth0' }, value: 7_000_000 }]);
  });

  it('battery and temperature: per battery and per sensor', () => {
    expect(samples.get('shoji_battery_charge_ratio')).toEqual([{ labels: { battery: 'BAT0' }, value: 0.65 }]);
    // 32.5 Wh left at 15 W.
    expect(samples.get('shoji_battery_time_left_seconds')).toEqual(one(7800));
    // Its power_now, 15 W, while discharging.
    expect(samples.get('shoji_battery_power_watts')).toEqual([{ labels: { battery: 'BAT0' }, value: 15 }]);
    expect(samples.get('shoji_temperature_celsius')).toEqual([
      { labels: { sensor: 'coretemp/Package id 0' }, value: 51 },
      { labels: { sensor: 'coretemp/Core 0' }, value: 47.5 },
    ]);
  });

  it('power: the battery and RAPL watts by source, and the energy of the package and its DRAM (never its core)', () => {
    const d = data('power') as { raplWatts: number; sampleSeconds: number };
    // fixture-host.ts: 30 J a step in the package and 2 J in its DRAM, over however long the two collects were apart.
    expect(d.raplWatts).toBeCloseTo(32 / d.sampleSeconds, 9);
    expect(samples.get('shoji_power_watts')).toEqual([
      { labels: { source: 'rapl' }, value: d.raplWatts },
      { labels: { source: 'battery' }, value: 15 },
    ]);
    expect(samples.get('shoji_energy_joules_total')).toEqual([
      { labels: { zone: 'package-0' }, value: 5030 },
      { labels: { zone: 'package-0/dram' }, value: 1002 },
    ]);
  });

  it('cpu-freq, fan, wifi, entropy and raid: per CPU, fan, interface and array, in base units', () => {
    // fixture-host.ts: cpufreq 2.4 and 1.6 GHz (max 4.7), an nct6798 fan at 1012 RPM, wlan0 at 56/70 and -54 dBm, 256 bits, md0 [2/1] at 20% with 1.5 min left.
    expect(samples.get('shoji_cpu_frequency_hertz')).toEqual([
      { labels: { cpu: '0' }, value: 2.4e9 },
      { labels: { cpu: '1' }, value: 1.6e9 },
    ]);
    expect(samples.get('shoji_cpu_frequency_max_hertz')).toEqual([
      { labels: { cpu: '0' }, value: 4.7e9 },
      { labels: { cpu: '1' }, value: 4.7e9 },
    ]);
    expect(samples.get('shoji_fan_rpm')).toEqual([{ labels: { fan: 'nct6798/fan2' }, value: 1012 }]);
    expect(samples.get('shoji_wifi_link_quality_ratio')).toEqual([{ labels: { device: 'wlan0' }, value: 0.8 }]);
    expect(samples.get('shoji_wifi_signal_dbm')).toEqual([{ labels: { device: 'wlan0' }, value: -54 }]);
    expect(samples.get('shoji_entropy_available_bytes')).toEqual(one(32));
    expect(samples.get('shoji_entropy_pool_size_bytes')).toEqual(one(32));
    const md0 = (value: number) => [{ labels: { device: 'md0' }, value }];
    expect(samples.get('shoji_md_disks_required')).toEqual(md0(2));
    expect(samples.get('shoji_md_disks_active')).toEqual(md0(1));
    expect(samples.get('shoji_md_degraded')).toEqual(md0(1));
    expect(samples.get('shoji_md_sync_progress_ratio')).toEqual(md0(0.2));
    expect(samples.get('shoji_md_sync_time_left_seconds')).toEqual(md0(90));
  });

  it("ec2-cost off EC2 (the cheapest fit, estimate_off_ec2): the components and what was priced, but nothing under OpenCost's name", () => {
    const d = data('ec2-cost') as Record<string, number & string>;
    expect(d).toMatchObject({ mode: 'off-ec2', onEc2: false, providerId: '', availabilityZone: null, instanceId: null });
    // An OpenCost dashboard would add it to the fleet's bill as an instance that runs.
    expect(samples.get('node_total_hourly_cost')).toEqual([]);
    expect(samples.get('shoji_ec2_hourly_cost_usd')).toEqual([
      { labels: { component: 'compute' }, value: d.hourlyRateUsd },
      { labels: { component: 'public_ipv4' }, value: 0 },
      { labels: { component: 'ebs' }, value: 0 },
    ]);
    const since = samples.get('shoji_ec2_cost_since_boot_usd')!;
    expect(since.map((s) => s.labels?.component)).toEqual(['compute', 'egress', 'public_ipv4', 'ebs']);
    expect(since.reduce((sum, s) => sum + s.value, 0)).toBeCloseTo(d.totalUsd, 8);
    expect(since[0].value).toBeGreaterThan(0);
    expect(since[1].value).toBeGreaterThan(0);
    expect(samples.get('shoji_ec2_cost_info')).toEqual([
      { labels: { instance_type: d.instanceType, region: 'us-east-1', mode: 'off-ec2', spot: 'false', price_source: 'shoji catalogue' }, value: 1 },
    ]);
    expect(samples.get('shoji_ec2_prices_as_of_timestamp_seconds')).toEqual(one(Date.parse(`${d.pricesAsOf}T00:00:00Z`) / 1000));
  });

  it("every declared family had samples here but the cgroup quota (host scope), OpenCost's hourly cost (not EC2) and failed services (systemd did not boot the fixture host)", () => {
    const empty = declared.filter(({ family }) => (samples.get(family.name) ?? []).length === 0).map(({ family }) => family.name);
    expect(empty.sort()).toEqual(['node_total_hourly_cost', 'shoji_cpu_quota_cores', 'shoji_services_failed']);
  });
});

describe('declareMetrics', () => {
  it('builds the families when first read, once: loading a module builds none', () => {
    let built = 0;
    const declared = declareMetrics<{ n: number }>(() => {
      built++;
      return [gauge('shoji_n', 'n', 'n')];
    });
    expect(built).toBe(0);
    const families = declared.families;
    expect(declared.families).toBe(families);
    expect(built).toBe(1);
    expect(families.map((f) => f.name)).toEqual(['shoji_n']);
  });

  it('is how every built-in module declares its families (or NO_METRICS), so shoji status never builds them', () => {
    const eager = BUILTINS.filter((m) => {
      if (m.metrics === NO_METRICS) return false;
      const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(m.metrics), 'families')?.get;
      return getter === undefined;
    });
    expect(eager.map((m) => m.id)).toEqual([]);
  });
});

describe('the builders', () => {
  type D = { a: number | null; b?: number; rows: { name: string; v: number | null }[]; list: (number | null)[] };
  const d: D = {
    a: 2,
    rows: [
      { name: 'x', v: 1 },
      { name: 'y', v: null },
    ],
    list: [0.5, null, 0.25],
  };

  it('leave out a value that is null, absent or not finite', () => {
    expect(gauge<D>('shoji_a', 'a', 'a').samples(d)).toEqual([{ value: 2 }]);
    expect(gauge<D>('shoji_a', 'a', 'a').samples({ ...d, a: null })).toEqual([]);
    expect(gauge<D>('shoji_b', 'b', 'b').samples(d)).toEqual([]);
    expect(gauge<D>('shoji_a', 'a', { read: () => Number.NaN }).samples(d)).toEqual([]);
    expect(perRow<D, 'rows'>('gauge', 'shoji_v', 'v', { rows: 'rows', label: ['row', 'name'], value: 'v' }).samples(d)).toEqual([
      { labels: { row: 'x' }, value: 1 },
    ]);
  });

  it('label a list by position when asked, and each field by its part', () => {
    const byPlace = perRow<D, 'list'>('gauge', 'shoji_l', 'l', { rows: 'list', label: ['i', (_v, i) => String(i)], value: { field: 'list', read: (v) => v } });
    expect(byPlace.samples(d)).toEqual([
      { labels: { i: '0' }, value: 0.5 },
      { labels: { i: '2' }, value: 0.25 },
    ]);
    expect(byPlace.field).toBe('list');
    const parts = byField<D>('gauge', 'shoji_p', 'p', 'part', { first: 'a', second: 'b' });
    expect(parts.samples(d)).toEqual([{ labels: { part: 'first' }, value: 2 }]);
    expect(parts).toMatchObject({ labels: ['part'], field: 'a, b' });
    expect(gauge<D>('shoji_i', 'i', { read: () => 1, labels: { k: (x) => String(x.a) } }).samples(d)).toEqual([{ labels: { k: '2' }, value: 1 }]);
  });

  it('keep the first of two rows with the same label value, for a gauge and a counter alike: never one series twice', () => {
    const twice = {
      ...d,
      rows: [
        { name: 'x', v: 1 },
        { name: 'y', v: 2 },
        { name: 'x', v: 5 },
      ],
    };
    for (const type of ['gauge', 'counter'] as const) {
      const family = perRow<D, 'rows'>(type, 'shoji_v', { rows: 'rows', label: ['row', 'name'], value: 'v' });
      expect(family.samples(twice), type).toEqual([
        { labels: { row: 'x' }, value: 1 },
        { labels: { row: 'y' }, value: 2 },
      ]);
    }
  });
});

describe("a family's help", () => {
  type D = { a: number; parts: { one: number; two: number }; rows: { name: string; total: number }[] };
  const data = declareData(
    () => ({
      a: T.Number({ description: 'The `a` of it: size \u2212 free, 20 \u00b0C' }),
      parts: T.Object({ one: T.Number(), two: T.Number() }),
      rows: T.Union([T.Array(T.Object({ name: T.String(), total: T.Number({ description: 'Its total' }) })), T.Null()]),
    }),
    { description: 'test data' },
  );

  it("is its own, else its one field's description (a row's property for rows[].field), else none", () => {
    expect(familyHelp(gauge<D>('shoji_a', 'Said otherwise', 'a'), data)).toBe('Said otherwise');
    expect(familyHelp(gauge<D>('shoji_a', 'a'), data)).toBe('The `a` of it: size \u2212 free, 20 \u00b0C');
    expect(familyHelp(perRow<D, 'rows'>('gauge', 'shoji_t', { rows: 'rows', label: ['row', 'name'], value: 'total' }), data)).toBe('Its total');
    // Several fields, no field, an undeclared one, no declaration: nothing to take it from.
    expect(familyHelp({ field: 'a, b' }, data)).toBeUndefined();
    expect(familyHelp({}, data)).toBeUndefined();
    expect(familyHelp({ field: 'rows[].nope' }, data)).toBeUndefined();
    expect(familyHelp({ field: 'a' }, undefined)).toBeUndefined();
  });

  it('as a # HELP line is plain ASCII: no backticks, a minus sign as -', () => {
    expect(helpLine(gauge<D>('shoji_a', 'a'), data)).toBe('The a of it: size - free, 20  degC');
    expect(helpLine({}, data)).toBeUndefined();
  });

  it('as a # HELP line is worked out once per family and declaration, not at every scrape', () => {
    let reads = 0;
    const counted = {
      get schema() {
        reads++;
        return { type: 'object' as const, properties: { a: { type: 'number', description: 'A' } } };
      },
    };
    const family = gauge<D>('shoji_a', 'a');
    expect(helpLine(family, counted)).toBe('A');
    expect(helpLine(family, counted)).toBe('A');
    expect(reads).toBe(1);
    // Another declaration for the same family (a plugin reloaded) is read afresh.
    expect(helpLine(family, data)).toBe('The a of it: size - free, 20  degC');
    expect(helpLine(family, counted)).toBe('A');
    expect(reads).toBe(2);
  });

  it('is read from the schema only when asked: declaring the family builds no schema', () => {
    let built = 0;
    const lazy = declareData(
      () => {
        built++;
        return { a: T.Number({ description: 'A' }) };
      },
      { description: 'x' },
    );
    const family = gauge<{ a: number }>('shoji_a', 'a');
    expect(built).toBe(0);
    expect(familyHelp(family, lazy)).toBe('A');
    expect(built).toBe(1);
  });
});
