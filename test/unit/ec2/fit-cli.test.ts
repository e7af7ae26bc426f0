/**
 * `ec2-cost --fit` and the right-sizing section of `--detail`, run in-process on fixture hosts
 * whose usage is written through the usage store (real files under a temp SHOJI_STATE_DIR): the
 * report (golden), its JSON, a refusal, --window, --headroom, --arch any, on EC2 with the saving,
 * a refreshed region's prices, LANG=C, and bad options.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRefreshedPrices } from '../../../src/ec2/price-cache.js';
import { appendUsageHours } from '../../../src/ec2/usage/store.js';
import type { HourUsage } from '../../../src/ec2/usage/types.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { expectGolden } from '../../helpers/golden.js';
import { BURSTY_TOO_BUSY, HOT, hoursOf, IDLE, LAST_HOUR, twoWeeks } from './fit-fixtures.js';
import { nitro, proc, qemu } from './hosts.js';
import { envFor, run } from './run.js';

/** The clock of the runs: an hour after the fixtures' last hour began, so it has ended. */
const NOW = '2026-12-01T00:00:00Z';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  proc(tree, { cpus: 4, memKb: 16_333_000 });
});
afterEach(() => tree.cleanup());

function recorded(rows: HourUsage[]): void {
  appendUsageHours(envFor(tree), rows);
}

const runFit = (...more: string[]) => run(tree, ['--fit', '--now', NOW, '--region', 'us-east-1', ...more]);

describe('ec2-cost --fit off EC2', () => {
  beforeEach(() => qemu(tree));

  it('an idle box: a tiny t-type, Graviton beside it, the hours used and what was observed (golden)', async () => {
    recorded(twoWeeks(IDLE));
    const r = await runFit();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expectGolden('ec2-fit-idle.txt', r.out);
    expect(r.out).toMatch(/^Window {9}the last 14 days: 336\.0 hours of data in 336 hourly records, 2026-11-17 00:00 UTC to 2026-12-01 00:00 UTC$/m);
    expect(r.out).toMatch(/^CPU {12}p95 0\.12 vCPUs \(3\.0% of 4\), mean 0\.04, busiest day's mean 0\.04, max 0\.90$/m);
    expect(r.out).toMatch(/^Best fit {7}t3a\.small \(x86_64\) at ~\$13\.72 per month \(\$0\.0188\/h for 730 h\)$/m);
    expect(r.out).toMatch(
      /^ {2}t4g\.small +2 vCPU 2 GiB +burstable, baseline 0\.40 vCPU +\$0\.0168\/h +~\$12\.26\/month +leaves 1566% CPU, 53% memory headroom$/m,
    );
  });

  it('--json: the observed figures, the fits per architecture, the best fit, the hours used', async () => {
    recorded(twoWeeks(IDLE));
    const r = await runFit('--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      report: 'fit',
      advice: true,
      refused: null,
      region: 'us-east-1',
      window: '14d',
      from: '2026-11-17T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      hourlyRecords: 336,
      hoursOfData: 336,
      headroomPct: 20,
      hoursPerMonth: 730,
      observed: { vcpus: 4, cpuP95Vcpus: 0.12, cpuP95Pct: 3, cpuMeanVcpus: 0.04, cpuMaxVcpus: 0.9 },
      arch: 'x86_64',
      best: { instanceType: 't3a.small', hourlyUsd: 0.0188, monthlyUsd: 13.724, burstable: true, baselineVcpus: 0.4, priceSource: 'shoji catalogue' },
      current: null,
    });
    expect(j.fits.map((a: { arch: string; role: string; types: { instanceType: string }[] }) => [a.arch, a.role, a.types.map((t) => t.instanceType)])).toEqual([
      ['x86_64', 'host', ['t3a.small', 't3.small', 't2.small']],
      ['arm64', 'alternative', ['t4g.small', 't4g.medium', 'c6g.medium']],
    ]);
  });

  it('--window: only the hours inside it count, and fewer than 24 is refused with the reason', async () => {
    // Three weeks ago, a busy week; in the last day, 20 quiet hours.
    recorded([...hoursOf(HOT, 7 * 24, LAST_HOUR - 14 * 86_400), ...hoursOf(IDLE, 20, LAST_HOUR)]);
    const days = await runFit('--window', '2d');
    expect(days.code, days.err).toBe(0);
    expect(days.out).toMatch(/^Right-sizing for EC2: no advice \(not enough data\)$/m);
    expect(days.out).toMatch(/^Window {9}the last 2 days: 20\.0 hours of data in 20 hourly records/m);
    expect(days.out).toMatch(/^No advice {6}only 20\.0 hours of data in the window: at least 24 are needed/m);
    const j = JSON.parse((await runFit('--window', '2d', '--json')).out);
    expect(j).toMatchObject({ advice: false, hourlyRecords: 20, hoursOfData: 20 });
    expect(j.refused).toMatch(/^only 20\.0 hours/);
    expect(j.best).toBeUndefined();
    // The default 14 days do not reach the busy week; all does, and it needs more than 4 vCPUs.
    expect((await runFit()).out).toMatch(/^No advice/m);
    const all = await runFit('--window', 'all');
    expect(all.out).toMatch(/^Window {9}everything recorded: 188\.0 hours of data/m);
    expect(all.out).toMatch(/^Best fit {7}c6a\.2xlarge /m);
    const weeks = await runFit('--window', '3w');
    expect(weeks.out).toMatch(/^Best fit {7}c6a\.2xlarge /m);
  });

  it('a bursty box over the t-type baseline: the t-types are left out and why', async () => {
    recorded(twoWeeks(BURSTY_TOO_BUSY));
    const r = await runFit();
    expect(r.out).toMatch(/^Best fit {7}c6a\.large /m);
    expect(r.out).toMatch(
      /^ {2}\(t3a\.medium and the other burstable types left out: their baselines are below the busiest day's 0\.72 vCPUs with headroom; t3a\.medium's is 0\.40\)$/m,
    );
    // With no headroom the busiest day's 0.6 fits t3a.large's baseline of 0.6.
    expect((await runFit('--headroom', '0')).out).toMatch(/^Best fit {7}t3a\.large /m);
    expect((await runFit('--headroom', '0%')).out).toMatch(/^Best fit {7}t3a\.large /m);
  });

  it('--arch any: the cheapest of both architectures', async () => {
    recorded(twoWeeks(IDLE));
    const r = await runFit('--arch', 'any');
    expect(r.out).toMatch(/^Best fit {7}t4g\.small \(arm64\) at ~\$12\.26 per month/m);
    expect(r.out).toMatch(/^arm64 \(Graviton\), either architecture, in us-east-1:$/m);
  });

  it('prices in the run region: a region with no refreshed prices is priced at us-east-1, and says so', async () => {
    recorded(twoWeeks(IDLE));
    const r = await run(tree, ['--fit', '--now', NOW, '--region', 'eu-west-1']);
    expect(r.code, r.err).toBe(0);
    // The headings say whose prices they are, not "in eu-west-1" over us-east-1's.
    expect(r.out).toMatch(
      /^x86_64, this host's architecture, priced at us-east-1's shipped prices \(run ec2-cost --refresh-prices --region eu-west-1 for eu-west-1's\):$/m,
    );
    expect(r.out).toMatch(
      /^arm64 \(Graviton\), the alternative: the software must run on arm64, priced at us-east-1's shipped prices \(run ec2-cost --refresh-prices --region eu-west-1 for eu-west-1's\):$/m,
    );
    expect(r.out).not.toMatch(/in eu-west-1:/);
    expect(r.out).toMatch(/^Prices {9}shoji catalogue, us-east-1, as of 2026-07-20/m);
    expect(r.out).toMatch(/no eu-west-1 prices have been refreshed: the us-east-1 price is used/);
  });

  it('prices in the run region: its refreshed prices when cached, which may change the order', async () => {
    recorded(twoWeeks(IDLE));
    // eu-west-1 as refreshed: t3.small cheaper than t3a.small there, and t2.small gone from the list.
    const prices = new Map(
      Object.entries({ 't3a.small': '0.0204', 't3.small': '0.0199', 't4g.small': '0.0182', 't4g.medium': '0.0364', 'c6g.medium': '0.038', 'm7i.large': '0.1' }),
    );
    writeRefreshedPrices(envFor(tree), {
      format: 1,
      region: 'eu-west-1',
      pricesAsOf: '2026-11-01T00:00:00Z',
      source: 'AWS Price List offer file index.json',
      refreshedAt: '2026-11-02T00:00:00Z',
      prices,
    });
    const text = await run(tree, ['--fit', '--now', NOW, '--region', 'eu-west-1']);
    expect(text.out).toMatch(
      /^x86_64, this host's architecture, in eu-west-1 \(t2\.small at us-east-1's shipped price: not in eu-west-1's refreshed prices\):$/m,
    );
    expect(text.out).toMatch(
      /^arm64 \(Graviton\), the alternative: the software must run on arm64, in eu-west-1 \(c7g\.medium at us-east-1's shipped price: not in eu-west-1's refreshed prices\):$/m,
    );
    const r = await run(tree, ['--fit', '--now', NOW, '--region', 'eu-west-1', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.best).toMatchObject({
      instanceType: 't3.small',
      hourlyUsd: 0.0199,
      monthlyUsd: 14.527,
      pricedRegion: 'eu-west-1',
      priceSource: 'AWS Price List offer file index.json',
      pricesAsOf: '2026-11-01',
    });
    // A type the refresh did not list keeps the catalogue's us-east-1 price, labelled (prices.ts).
    expect(j.fits[0].types.map((t: { instanceType: string; pricedRegion: string }) => [t.instanceType, t.pricedRegion])).toEqual([
      ['t3.small', 'eu-west-1'],
      ['t3a.small', 'eu-west-1'],
      ['t2.small', 'us-east-1'],
    ]);
  });

  it('a usage file that cannot be read is named, and the refusal says nothing could be read rather than nothing recorded', async () => {
    recorded(twoWeeks(IDLE));
    // The month file, whatever the store names it (hours-2026-11.*).
    const dir = join(tree.dir, 'state/ec2/usage');
    const file = join(dir, readdirSync(dir).find((n) => n.startsWith('hours-2026-11'))!);
    writeFileSync(file, 'not a month file\n');
    const r = await runFit();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Right-sizing for EC2: no advice \(the usage store could not be read\)$/m);
    expect(r.out).toMatch(/^No advice {6}no usage could be read in the window \(1 problem reading the usage store: see below\)$/m);
    expect(r.out).toContain(`  - usage store: ${file}: skipped: `);
  });

  it('under LANG=C the report is ASCII', async () => {
    recorded(twoWeeks(HOT));
    const r = await run(tree, ['--fit', '--now', NOW], { LANG: 'C', LC_ALL: 'C' });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^[\x00-\x7f]*$/);
  });
});

describe('ec2-cost --fit on EC2', () => {
  it('the instance against the best fit per month, and the saving', async () => {
    nitro(tree, 'm7i.xlarge');
    recorded(twoWeeks(IDLE));
    const r = await runFit();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /^This instance {2}m7i\.xlarge at ~\$147\.17 per month \(\$0\.2016\/h on demand\); it carries it; the best fit saves ~\$133\.44 per month \(90\.7%\)$/m,
    );
    const j = JSON.parse((await runFit('--json')).out);
    expect(j.current).toEqual({
      instanceType: 'm7i.xlarge',
      onEc2: true,
      hourlyUsd: 0.2016,
      monthlyUsd: 147.168,
      carries: true,
      shortfall: null,
      savingPerMonthUsd: 133.444,
      savingPct: 90.7,
    });
  });

  it('a type too small for what the host used says what it lacks', async () => {
    nitro(tree, 'm7i.xlarge');
    recorded(twoWeeks(HOT));
    const r = await runFit();
    expect(r.out).toMatch(
      /^This instance {2}m7i\.xlarge .*it does not carry it: its 4 vCPUs are fewer than the 4\.68 needed; the best fit costs ~\$\d+\.\d\d more per month$/m,
    );
  });
});

describe('--detail ends with the right-sizing section, on and off EC2', () => {
  /** Rows ending at the last whole hour before the real clock: --detail has no --now. */
  const recent = (shape = IDLE) => recorded(twoWeeks(shape, Math.floor(Date.now() / 3_600_000) * 3600 - 3600));

  it('off EC2', async () => {
    qemu(tree);
    recent();
    const r = await run(tree, ['--detail', '--region', 'us-east-1']);
    expect(r.code, r.err).toBe(0);
    const at = r.out.indexOf('Right-sizing: sized to what this host used, not to its size');
    expect(at).toBeGreaterThan(r.out.indexOf('Cheapest current types with at least 4 vCPUs'));
    expect(at).toBeLessThan(r.out.indexOf('Assumptions'));
    expect(r.out.slice(at)).toMatch(/^Best fit {7}t3a\.small \(x86_64\)/m);
  });

  it('on EC2, with --headroom', async () => {
    nitro(tree, 'm7i.xlarge');
    recent(BURSTY_TOO_BUSY);
    const r = await run(tree, ['--detail', '--headroom', '0']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Best fit {7}t3a\.large /m);
    expect(r.out).toMatch(/^This instance {2}m7i\.xlarge at ~\$147\.17 per month/m);
  });

  it("with nothing recorded there is no section: the report is as before (the worked example's golden file checks it whole)", async () => {
    qemu(tree);
    const r = await run(tree, ['--detail']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/Right-sizing/);
  });

  it('a window with less than a day of data: the section says why there is no advice', async () => {
    qemu(tree);
    recorded(hoursOf(IDLE, 5, Math.floor(Date.now() / 3_600_000) * 3600 - 3600));
    const r = await run(tree, ['--detail']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^No advice {6}only 5\.0 hours of data in the window: at least 24 are needed/m);
  });
});

describe('--window and --headroom with --json', () => {
  it("size --json's here-versus-EC2 side, as the docs say: the EC2 side is the fit over that window with that headroom", async () => {
    qemu(tree);
    // Busy three weeks ago, idle in the last two: only --window 4w sees the busy week.
    const last = Math.floor(Date.now() / 3_600_000) * 3600 - 3600;
    recorded([...hoursOf(HOT, 7 * 24, last - 21 * 86_400), ...twoWeeks(IDLE, last)]);
    const here = ['--json', '--region', 'us-east-1', '--here-watts', '30', '--kwh-price', '0.3'];
    const byDefault = JSON.parse((await run(tree, here)).out).here.ec2;
    expect(byDefault).toMatchObject({ instanceType: 't3a.small', basis: 'use' });
    // The real clock: the window's first hour may be partly outside it.
    expect(byDefault.note).toMatch(/^33[56]\.0 h recorded, 20% headroom: ec2-cost --fit$/);
    const r = await run(tree, [...here, '--window', '4w', '--headroom', '0']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).here.ec2).toMatchObject({ basis: 'use' });
    expect(JSON.parse(r.out).here.ec2.note).toMatch(/^50[34]\.0 h recorded, 0% headroom: ec2-cost --fit$/);
    expect(JSON.parse(r.out).here.ec2.instanceType).not.toBe('t3a.small');
    // Checked before anything is read, as with --fit.
    const bad = await run(tree, [...here, '--window', '1d']);
    expect([bad.code, bad.out]).toEqual([2, '']);
    expect(bad.err).toMatch(/^ec2-cost: --window must be at least 2 days/);
  });
});

describe('bad options', () => {
  beforeEach(() => qemu(tree));

  it.each([
    [['--fit', '--window', '14'], /^ec2-cost: --window must be a number of days or weeks \(7d, 30d, 12w\) or "all" \(got "14"\)$/m],
    [['--fit', '--window', '0d'], /--window must be/],
    [['--fit', '--headroom', '301'], /^ec2-cost: --headroom must be at most 300 percent \(got "301"\)$/m],
    [['--fit', '--headroom', '20%%'], /^ec2-cost: --headroom must be a number \(got "20%"\)$/m],
    [['--fit', '--headroom', '-5'], /^ec2-cost: --headroom must be zero or more \(got "-5"\)$/m],
    [['--fit', '--month'], /^ec2-cost: --fit and --month cannot be combined/],
    [['--fit', '--detail'], /^ec2-cost: --fit and --detail cannot be combined/],
    [['--window', '7d'], /^ec2-cost: --window goes with --fit, --detail, or --json when it compares here with EC2 \(right-sizing\)$/m],
    [['--headroom', '10', '--json'], /^ec2-cost: --headroom goes with --fit, --detail, or --json when it compares here/],
    [['--window', '7d', '--headroom', '10'], /^ec2-cost: --window, --headroom go with --fit/],
    // A day's window holds less than the day of data the fit needs (its partly covered first and last hours are left out).
    [['--fit', '--window', '1d'], /^ec2-cost: --window must be at least 2 days \(got "1d"\): the fit needs 24 hours of data/m],
    [['--detail', '--window', '1d'], /^ec2-cost: --window must be at least 2 days/],
    // Options the fit has no use for are refused, saying what they go with, rather than ignored.
    [['--fit', '--spot-price', '0.01'], /^ec2-cost: --spot-price goes with the since-boot estimate, not --fit \(which compares on-demand prices\)$/m],
    [['--fit', '--vcpus', '2'], /^ec2-cost: --vcpus goes with the off-EC2 estimate's cheapest types by size, not --fit/m],
    [['--fit', '--memory-gib', '4'], /^ec2-cost: --memory-gib goes with the off-EC2 estimate's cheapest types by size, not --fit/m],
    [['--fit', '--ebs-gb', '100'], /^ec2-cost: --ebs-gb goes with the since-boot estimate, not --fit/m],
    [['--fit', '--ebs-type', 'io2'], /^ec2-cost: --ebs-type goes with the since-boot estimate, not --fit/m],
    [['--fit', '--free-tier'], /^ec2-cost: --free-tier goes with the since-boot estimate, not --fit/m],
    [['--fit', '--uptime', '3600'], /^ec2-cost: --uptime goes with the since-boot estimate, not --fit/m],
    [['--fit', '--tx-bytes', '1GiB'], /^ec2-cost: --tx-bytes goes with the since-boot estimate/m],
    [['--fit', '--here-watts', '30'], /^ec2-cost: --here-watts goes with --detail or --json \(here versus EC2\), not --fit$/m],
    [['--fit', '--json', '--kwh-price', '0.3'], /^ec2-cost: --kwh-price goes with --detail or --json \(here versus EC2\), not --fit$/m],
    [['--fit', '--hardware-usd', '230'], /^ec2-cost: --hardware-usd goes with --detail or --json/m],
    [['--fit', '--hardware-months', '36'], /^ec2-cost: --hardware-months goes with --detail or --json/m],
    [['--fit', '--bandwidth-usd-month', '5'], /^ec2-cost: --bandwidth-usd-month goes with --detail or --json/m],
    [['--fit', '--now', 'yesterday'], /^ec2-cost: --now must be an ISO-8601 time/],
  ])('%j is a usage error', async (argv, message) => {
    const r = await run(tree, argv as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });
});

/** The code blocks of docs/ec2-cost.md's right-sizing worked example, each as its lines. */
function docBlocks(): string[][] {
  const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs/ec2-cost.md'), 'utf8');
  const start = doc.indexOf('### Worked example: a home server that idles');
  const section = doc.slice(start, doc.indexOf('\n## ', start));
  return [...section.matchAll(/^```\n([\s\S]*?)^```$/gm)].map((m) => m[1].split('\n').filter((l) => l !== ''));
}

describe("docs/ec2-cost.md's worked example", () => {
  it('every line shown is a line of the report on the idle fixture, off EC2 and on an m7i.xlarge', async () => {
    const [offEc2, onEc2] = docBlocks();
    expect(offEc2[0]).toBe('$ ec2-cost --fit');
    recorded(twoWeeks(IDLE));
    qemu(tree);
    const off = (await runFit()).out.split('\n');
    for (const line of offEc2.slice(1).filter((l) => l !== '...')) expect(off, `docs/ec2-cost.md shows "${line}"`).toContain(line);
    nitro(tree, 'm7i.xlarge');
    const on = (await runFit()).out.split('\n');
    expect(onEc2).toHaveLength(1);
    expect(on).toContain(onEc2[0]);
  });
});
