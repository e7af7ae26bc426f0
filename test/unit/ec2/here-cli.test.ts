/**
 * ec2-cost --detail / --json, here versus EC2, run in-process on a fixture host: the doc's worked
 * examples (docs/ec2-cost.md, "Here versus EC2": each command is read from the doc and run, and
 * every line the doc shows must be a line of its output), the JSON fields, what is said when watts
 * are unknown or measured, the flags refused where nothing shows them, and the config's
 * modules.ec2-cost.here: validated by the config loader (file, line and key), read back from its
 * cache, overridden by the flags.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApp } from '../../../src/app/app.js';
import type { ConfigLoader } from '../../../src/ec2/here-inputs.js';
import { appendUsageHours } from '../../../src/ec2/usage/store.js';
import type { HourUsage } from '../../../src/ec2/usage/types.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { envFor, run } from './run.js';
import { ec2CostCommand } from '../../../src/cli/ec2-cost.js';
import { parseFast } from '../../../src/cli/spec.js';
import { runEc2Cost } from '../../../src/ec2/run.js';

const DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs/ec2-cost.md'), 'utf8');

/** The `$ ec2-cost ...` commands in the doc's "Here versus EC2" section, with the lines shown under each. */
function docExamples(): { argv: string[]; shown: string[] }[] {
  const start = DOC.indexOf('## Here versus EC2');
  const section = DOC.slice(start, DOC.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```\n(\$ ec2-cost [^\n]*(?:\n {10,}[^\n]*)*)\n([\s\S]*?)```/g)].map((b) => ({
    argv: b[1]
      .replace(/^\$ ec2-cost /, '')
      .replace(/\\\n\s+/g, '')
      .trim()
      .split(/\s+/),
    shown: b[2].split('\n').filter((l) => l !== '' && l !== '...'),
  }));
}

/** The doc's netbook, without the report switch. */
const NETBOOK = [
  '--vcpus',
  '1',
  '--memory-gib',
  '1',
  '--arch',
  'x86_64',
  '--region',
  'us-east-1',
  '--uptime',
  '2628000',
  '--tx-bytes',
  '10GiB',
  '--rx-bytes',
  '0',
];

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
});
afterEach(() => tree.cleanup());

describe('the doc’s worked examples', () => {
  it('every command the doc shows prints the lines the doc shows (three years and five)', async () => {
    const examples = docExamples();
    expect(examples.map((e) => e.argv[e.argv.indexOf('--hardware-months') + 1])).toEqual(['36', '60']);
    for (const ex of examples) {
      const r = await run(tree, ex.argv);
      expect(r.code, r.err).toBe(0);
      const lines = r.out.split('\n');
      for (const line of ex.shown) expect(lines, `docs/ec2-cost.md shows "${line}"`).toContain(line);
    }
  });
});

describe('--json', () => {
  it('hereUsdPerMonth with its parts, the EC2 side and both break-evens', async () => {
    const r = await run(tree, [...NETBOOK, '--here-watts', '30', '--kwh-price', '0.16', '--hardware-usd', '230', '--hardware-months', '36', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.hereUsdPerMonth).toBe(9.8928888889);
    expect(j.here).toMatchObject({
      currency: 'USD',
      hoursPerMonth: 730,
      electricityUsd: 3.504,
      electricityLeftOut: false,
      watts: 30,
      wattsSource: 'flag',
      hardwareUsd: 6.3888888889,
      bandwidthUsd: null,
      ec2: { instanceType: 't3a.micro', basis: 'size', computeUsd: 6.862, networkOutGb: 10, networkOutUsd: 0.9, usdPerMonth: 7.762 },
      breakEvenHours: { never: true, cheaper: 'ec2' },
      breakEvenTrafficGb: { gb: 33.6765432099 },
    });
    // The estimate's own keys are unchanged.
    expect(j.instanceType).toBe('t3a.micro');
  });

  it('null when nothing about here is given or measured', async () => {
    const r = await run(tree, [...NETBOOK, '--json']);
    const j = JSON.parse(r.out);
    expect([j.hereUsdPerMonth, j.here]).toEqual([null, null]);
  });
});

describe('--detail', () => {
  it('without watts: electricity is left out, the line says how to give them, the total says so, and no break-even is given', async () => {
    const r = await run(tree, [...NETBOOK, '--kwh-price', '0.16', '--bandwidth-usd-month', '5', '--detail']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Electricity {2}not counted: give the watts \(--here-watts W; nothing was measured\), or set them under modules\.ec2-cost\.here$/m);
    expect(r.out).toMatch(/^Here total {3}~\$5\.00 a month, leaving electricity out$/m);
    expect(r.out).toMatch(
      /^Break-even {3}not given: electricity is left out, and the hours of use decide it: give the watts \(--here-watts W; nothing was measured\), or set them under modules\.ec2-cost\.here$/m,
    );
    expect(r.out).not.toMatch(/never:|cheaper/);
    expect(r.out).not.toMatch(/\b\d+ W x/);
  });

  it('nothing about here known (only a kWh price, no watts): no total of $0.00 and no winner, but what is missing', async () => {
    const r = await run(tree, [
      '--vcpus',
      '1',
      '--memory-gib',
      '1',
      '--region',
      'us-east-1',
      '--uptime',
      '2628000',
      '--tx-bytes',
      '10GiB',
      '--rx-bytes',
      '0',
      '--detail',
      '--kwh-price',
      '0.16',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Here total {3}not known: nothing about here is counted$/m);
    expect(r.out).toMatch(/^Break-even {3}not given: nothing about here is counted: give --here-watts W and --kwh-price USD, .*--bandwidth-usd-month USD/m);
    expect(r.out.slice(r.out.indexOf('Here versus EC2'))).not.toMatch(/\$0\.00 a month|never:|cheaper (below|at)/);
    const j = JSON.parse((await run(tree, [...NETBOOK, '--kwh-price', '0.16', '--json'])).out);
    expect(j.hereUsdPerMonth).toBeNull();
    expect(j.here).toMatchObject({ electricityLeftOut: true, breakEvenHours: null, breakEvenTrafficGb: null });
    expect(j.here.breakEvenMissing).toMatch(/^nothing about here is counted/);
    // Watts without a price: here's hardware is known, electricity is not: a total, but no break-even.
    const part = JSON.parse((await run(tree, [...NETBOOK, '--here-watts', '30', '--hardware-usd', '230', '--hardware-months', '36', '--json'])).out);
    expect(part.hereUsdPerMonth).toBe(6.3888888889);
    expect(part.here).toMatchObject({ breakEvenHours: null, breakEvenTrafficGb: null });
    expect(part.here.breakEvenMissing).toContain('give the price (--kwh-price USD)');
  });

  it('under LANG=C, ASCII only', async () => {
    const r = await run(tree, [...NETBOOK, '--here-watts', '30', '--kwh-price', '0.16', '--detail'], { LANG: 'C' });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Here versus EC2');
    expect(r.out).toMatch(/^[\x00-\x7f]*$/);
  });

  it('is left out when nothing about here is known (the report is as it was)', async () => {
    const r = await run(tree, [...NETBOOK, '--detail']);
    expect(r.out).not.toContain('Here versus EC2');
  });

  it('measured: the mean of the recorded hours over the last 14 days; RAPL is said to be a floor', async () => {
    const hour = Math.floor(Date.now() / 1000 / 3600) * 3600;
    const row = (ago: number, watts: number): HourUsage => ({
      hour: hour - ago * 3600,
      samples: 60,
      vcpus: 2,
      cpuMean: 0.1,
      cpuP95: 0.2,
      cpuMax: 0.3,
      memPeakBytes: 2 ** 30,
      memTotalBytes: 2 ** 31,
      txBytes: 0,
      watts,
      wattsSource: 'rapl',
    });
    // 15 days ago is outside the window; the two inside average 11.25 W.
    appendUsageHours(envFor(tree), [row(15 * 24, 100), row(48, 10), row(47, 12.5)]);
    const r = await run(tree, [...NETBOOK, '--kwh-price', '0.16', '--detail']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Electricity  11.25 W x 730 h = 8.213 kWh @ $0.16/kWh = $1.314000');
    expect(r.out).toContain(
      '(watts measured by RAPL, the mean of 2 recorded hours: it sees the CPU package and DRAM, not the whole box (disks, fans, PSU losses), so the figure is a floor)',
    );
    // A what-if --here-watts wins over the measurement.
    const given = await run(tree, [...NETBOOK, '--kwh-price', '0.16', '--here-watts', '30', '--detail']);
    expect(given.out).toContain('(watts given with --here-watts)');
  });
});

describe('--window with --json, as with --detail', () => {
  it('the measured watts and the EC2 side follow it', async () => {
    const hour = Math.floor(Date.now() / 1000 / 3600) * 3600;
    const row = (ago: number, watts: number): HourUsage => ({
      hour: hour - ago * 3600,
      samples: 60,
      vcpus: 2,
      cpuMean: 0.05,
      cpuP95: 0.15,
      cpuMax: 0.6,
      memPeakBytes: 600 * 2 ** 20,
      memTotalBytes: 2 ** 30,
      txBytes: 0,
      watts,
      wattsSource: 'rapl',
    });
    // Ten days ago at 100 W for two days; the last three days at 10 W.
    const rows = [...Array.from({ length: 48 }, (_, i) => row(240 - i, 100)), ...Array.from({ length: 72 }, (_, i) => row(72 - i, 10))];
    appendUsageHours(envFor(tree), rows);
    const json = async (extra: string[]) => {
      const r = await run(tree, [...NETBOOK, '--kwh-price', '0.16', '--json', ...extra]);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out).here;
    };
    const week = await json(['--window', '7d']);
    expect(week).toMatchObject({ watts: 10, wattsHours: 72 });
    expect(week.ec2).toMatchObject({ basis: 'use' });
    expect(week.ec2.note).toMatch(/^7[12]\.0 h recorded, 20% headroom/);
    const fortnight = await json([]);
    expect(fortnight).toMatchObject({ watts: 46, wattsHours: 120 });
    expect(fortnight.ec2.note).toMatch(/^(119|120)\.0 h recorded/);
    expect((await json(['--window', '7d', '--headroom', '50'])).ec2.note).toMatch(/, 50% headroom/);
  });
});

describe('the EC2 side', () => {
  const hour = Math.floor(Date.now() / 1000 / 3600) * 3600;
  /** A netbook's fortnight: 5% of a CPU on average, 15% at p95, 600 MiB in use of 1 GiB. */
  const fortnight = (): HourUsage[] =>
    Array.from({ length: 335 }, (_, i) => ({
      hour: hour - (i + 1) * 3600,
      samples: 60,
      vcpus: 2,
      cpuMean: 0.05,
      cpuP95: 0.15,
      cpuMax: 0.6,
      memPeakBytes: 600 * 2 ** 20,
      memTotalBytes: 2 ** 30,
      txBytes: 14_000_000,
    }));

  it('sized to use in a region shoji has no prices for: the EC2 line says whose prices it used', async () => {
    appendUsageHours(envFor(tree), fortnight());
    const args = NETBOOK.map((a) => (a === 'us-east-1' ? 'eu-west-1' : a));
    const r = await run(tree, [...args, '--here-watts', '30', '--kwh-price', '0.16', '--detail']);
    expect(r.code, r.err).toBe(0);
    const ec2 = r.out.split('\n').find((l) => l.startsWith('EC2  '));
    expect(ec2).toMatch(/^EC2 {10}t3a\.micro eu-west-1, the cheapest type sized to what this host used \(.*; priced at us-east-1's prices\)$/);
  });

  it('sized to use when the fit has an answer (the same type ec2-cost --fit names)', async () => {
    appendUsageHours(envFor(tree), fortnight());
    const r = await run(tree, [...NETBOOK, '--here-watts', '30', '--kwh-price', '0.16', '--detail']);
    expect(r.code, r.err).toBe(0);
    const ec2 = r.out.split('\n').find((l) => l.startsWith('EC2  '));
    expect(ec2).toMatch(
      /^EC2 {10}t3a\.micro us-east-1, the cheapest type sized to what this host used \(33[45]\.0 h recorded, 20% headroom: ec2-cost --fit\)$/,
    );
    // The right-sizing and here sections both shown, each after one blank line, never two.
    expect(r.out).toContain('\n\nRight-sizing: ');
    expect(r.out).toContain('\n\nHere versus EC2');
    expect(r.out).not.toMatch(/\n\n\n/);
    const j = JSON.parse((await run(tree, [...NETBOOK, '--here-watts', '30', '--json'])).out);
    expect(j.here.ec2).toMatchObject({ instanceType: 't3a.micro', basis: 'use' });
  });

  it('with less than a day recorded, the size-based type, saying why it is not sized to use', async () => {
    appendUsageHours(envFor(tree), fortnight().slice(0, 10));
    const r = await run(tree, [...NETBOOK, '--here-watts', '30', '--detail']);
    // The reason is the fit's own (fit.ts words it); that it is given is what counts here.
    const ec2 = r.out.split('\n').find((l) => l.startsWith('EC2  '));
    expect(ec2).toMatch(/^EC2 {10}t3a\.micro us-east-1, the cheapest current type of this host's size \(not sized to use: .*\b10(\.0)? hours\b/);
  });

  it('--instance-type: the type named, not the fit', async () => {
    appendUsageHours(envFor(tree), fortnight());
    const r = await run(tree, [...NETBOOK.slice(6), '--instance-type', 'm7i.large', '--here-watts', '30', '--detail']);
    expect(r.out).toMatch(/^EC2 {10}m7i\.large us-east-1, the type named with --instance-type$/m);
  });
});

describe('the flags', () => {
  it('are refused where nothing shows them (the one-line report, --month), and read strictly', async () => {
    const one = await run(tree, [...NETBOOK, '--here-watts', '30']);
    expect(one).toMatchObject({ code: 2, out: '' });
    expect(one.err).toContain('--here-watts is shown with --detail or --json');
    const month = await run(tree, ['--instance-type', 'm7i.large', '--month', '--kwh-price', '0.2', '--detail']);
    expect(month.code).toBe(2);
    expect(month.err).toContain('--kwh-price compares a month of use');
    const bad = await run(tree, [...NETBOOK, '--kwh-price', '-0.1', '--detail']);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.err).toContain('--kwh-price must be zero or more (got "-0.1")');
    const zero = await run(tree, [...NETBOOK, '--hardware-usd', '230', '--hardware-months', '0', '--detail']);
    expect(zero.code).toBe(2);
  });

  it('--hardware-months is a whole number of at least 1, as the config key is; the refusal quotes what was typed', async () => {
    for (const typed of ['0.5', '1e-9', '0.0', '0', '2.5', '-1']) {
      const r = await run(tree, [...NETBOOK, '--hardware-usd', '230', '--hardware-months', typed, '--detail']);
      expect(r, typed).toMatchObject({ code: 2, out: '' });
      expect(r.err).toBe(`ec2-cost: --hardware-months must be a whole number of at least 1 (got "${typed}")\n`);
    }
    // Any way of writing a whole number is one: 3.6e1 is 36 months.
    const r = await run(tree, [...NETBOOK, '--hardware-usd', '230', '--hardware-months', '3.6e1', '--detail']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Hardware     $230 over 36 months = $6.388889');
  });
});

describe('modules.ec2-cost.here in the config', () => {
  let env: NodeJS.ProcessEnv;
  let file: string;
  beforeEach(() => {
    mkdirSync(join(tree.dir, 'cfg'));
    mkdirSync(join(tree.dir, 'run'), { mode: 0o700 });
    env = envFor(tree, { SHOJI_CONFIG_DIR: join(tree.dir, 'cfg'), SHOJI_RUNTIME_DIR: join(tree.dir, 'run'), HOME: tree.dir });
    file = join(tree.dir, 'cfg', 'config.yaml');
  });
  const loader: ConfigLoader = async (e) => {
    const app = await loadApp(e, { userPlugins: false });
    return { ec2Cost: app.config.modules['ec2-cost'] as Record<string, unknown> | undefined, problems: app.configError?.problems ?? null };
  };
  const detail = async (argv: string[], load?: ConfigLoader) => {
    let out = '';
    let err = '';
    const code = await runEc2Cost(
      parseFast(ec2CostCommand, [...NETBOOK, ...argv, '--detail']),
      { env, out: (t) => (out += t), err: (t) => (err += t), stderrIsTTY: false },
      { loadConfig: load },
    );
    return { code, out, err };
  };

  it('is validated by the config loader: a bad value is named with its file, line and key', async () => {
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      kwh_price_usd: -1\n      hardware_months: 2.5\n');
    const app = await loadApp(env, { userPlugins: false });
    expect(app.configError?.message).toContain(`${file}:4:22: modules.ec2-cost.here.kwh_price_usd: must be >= 0`);
    expect(app.configError?.message).toContain(`${file}:5:24: modules.ec2-cost.here.hardware_months: must be integer`);
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      kwh: 0.16\n');
    const unknown = await loadApp(env, { userPlugins: false });
    expect(unknown.configError?.message).toContain(`${file}:4:7: modules.ec2-cost.here.kwh:`);
  });

  it('a broken config: the report still runs and says the here keys were not read, and why', async () => {
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      kwh_price_usd: -1\n');
    const r = await detail(['--here-watts', '30'], loader);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      `note: the config has problems, so modules.ec2-cost.here was not read: ${file}:4:22: modules.ec2-cost.here.kwh_price_usd: must be >= 0`,
    );
  });

  it('configured watts beside measured ones: the measured are used, and the report says the configured were not, why, and the total with them', async () => {
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      watts: 30\n      kwh_price_usd: 0.16\n      bandwidth_usd_month: 1\n');
    const hour = Math.floor(Date.now() / 1000 / 3600) * 3600;
    const row = (ago: number): HourUsage => ({
      hour: hour - ago * 3600,
      samples: 60,
      vcpus: 2,
      cpuMean: 0.1,
      cpuP95: 0.2,
      cpuMax: 0.3,
      memPeakBytes: 2 ** 30,
      memTotalBytes: 2 ** 31,
      txBytes: 0,
      watts: 10,
      wattsSource: 'rapl',
    });
    appendUsageHours(env, [row(3), row(2)]);
    const r = await detail([], loader);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Electricity  10 W x 730 h');
    // 30 W x 730 h x $0.16/kWh = $3.504, plus the $1 bandwidth bill.
    const note =
      'note: modules.ec2-cost.here.watts (30 W) was not used: watts shoji measured come first (RAPL sees only the CPU package and DRAM: a floor); with it here would total ~$4.50 a month; --here-watts 30 uses it';
    expect(r.out.split('\n').map((l) => l.trim())).toContain(note);
    let out = '';
    await runEc2Cost(
      parseFast(ec2CostCommand, [...NETBOOK, '--json']),
      { env, out: (t) => (out += t), err: () => {}, stderrIsTTY: false },
      { loadConfig: loader },
    );
    expect(JSON.parse(out).here.notes).toContain(note.replace(/^note: /, ''));
    // With no measurement the configured figure is used, and nothing is said about it.
    const bare = await run(tree, [...NETBOOK, '--here-watts', '30', '--kwh-price', '0.16', '--detail']);
    expect(bare.out).not.toContain('was not used');
  });

  it('a broken config and no flags: here is not known, and no break-even is declared', async () => {
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      watts: 30\n      kwh_price_usd: -1\n');
    const r = await detail([], loader);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('note: the config has problems, so modules.ec2-cost.here was not read');
    expect(r.out).toMatch(/^Here total {3}not known: nothing about here is counted$/m);
    expect(r.out).toMatch(/^Break-even {3}not given: nothing about here is counted/m);
    expect(r.out).not.toMatch(/never:|cheaper (below|at)/);
  });

  it('gives each figure; a flag overrides its key; a changed config is read afresh', async () => {
    writeFileSync(
      file,
      'modules:\n  ec2-cost:\n    here:\n      watts: 30\n      kwh_price_usd: 0.16\n      hardware_usd: 230\n      hardware_months: 36\n      bandwidth_usd_month: 1\n',
    );
    const first = await detail([], loader);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('(watts from modules.ec2-cost.here.watts)');
    expect(first.out).toContain('Hardware     $230 over 36 months = $6.388889');
    expect(first.out).toMatch(/^Here total {3}~\$10\.89 a month$/m);
    const flagged = await detail(['--hardware-months', '60'], loader);
    expect(flagged.code, flagged.err).toBe(0);
    expect(flagged.out).toContain('Hardware     $230 over 60 months = $3.833333');
    expect(flagged.out).toContain('(watts from modules.ec2-cost.here.watts)');
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      watts: 40\n');
    const changed = await detail(['--kwh-price', '0.2'], loader);
    expect(changed.out).toContain('Electricity  40 W x 730 h');
    // Without a loader (nothing that can validate it), the config is not read, and the report says so.
    const none = await detail(['--kwh-price', '0.2']);
    expect(none.out).toContain('so modules.ec2-cost.here was not read');
    expect(none.out).not.toContain('40 W');
  });

  /** The validated copy loadConfig keeps, edited as a stale or damaged one would be. */
  const editCache = (edit: (entry: { key: string; config: { modules: Record<string, { here: Record<string, unknown> }> } }) => void) => {
    const path = join(tree.dir, 'run', 'config-cache.json');
    const entry = JSON.parse(readFileSync(path, 'utf8'));
    edit(entry);
    writeFileSync(path, JSON.stringify(entry));
  };

  it('a cached copy validated against another set of modules (its key) is not used: the config is validated afresh', async () => {
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      watts: 30\n      kwh_price_usd: 0.16\n');
    expect((await detail([], loader)).out).toContain('Electricity  30 W x 730 h');
    editCache((e) => {
      e.key = `${e.key}#another plugin`;
      e.config.modules['ec2-cost'].here.watts = 99;
    });
    const r = await detail([], loader);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Electricity  30 W x 730 h');
    expect(r.out).not.toContain('99 W');
  });

  it('a value outside its bounds in the validated copy is not used, and the report names it', async () => {
    writeFileSync(file, 'modules:\n  ec2-cost:\n    here:\n      watts: 30\n      kwh_price_usd: 0.16\n      hardware_usd: 230\n      hardware_months: 36\n');
    expect((await detail([], loader)).code).toBe(0);
    for (const [key, value, said] of [
      ['kwh_price_usd', 1e9, 'kwh_price_usd is 1000000000, not a number from 0 to 10 USD per kWh'],
      ['hardware_months', 0.5, 'hardware_months is 0.5, not a whole number from 1 to 1200 months'],
      ['watts', -3, 'watts is -3, not a number from 0 to 100000 W'],
      ['hardware_usd', '230', 'hardware_usd is "230", not a number from 0 to 10000000 USD'],
    ] as const) {
      editCache((e) => {
        e.config.modules['ec2-cost'].here = { watts: 30, kwh_price_usd: 0.16, hardware_usd: 230, hardware_months: 36, [key]: value };
      });
      const r = await detail([], loader);
      expect(r.code, r.err).toBe(0);
      expect(r.out, key).toContain(`note: modules.ec2-cost.here was not read: ${said}; shoji config check names its line`);
      expect(r.out).toMatch(/^Here total {3}not known/m);
    }
  });
});
