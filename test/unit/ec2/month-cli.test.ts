/**
 * `ec2-cost --month` run in-process against a fixture host whose ledger was written by real
 * `ec2-cost` runs: the boot id, btime, uptime and counters change between runs as docs/ec2-cost.md's
 * "This month" example says. The doc's commands are read from the doc and run here, and every line
 * the doc shows must be a line of their output; the full outputs are golden files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBoots, recordSample } from '../../../src/ec2/ledger/store.js';
import { monthOptions } from '../../../src/ec2/month-run.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { expectGolden } from '../../helpers/golden.js';
import { proc, qemu } from './hosts.js';
import { at, DOC_BOOTS, DOC_NOW, DOC_RUNS, GIB, type HostState } from './month-examples.js';
import { envFor, run } from './run.js';

const DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs/ec2-cost.md'), 'utf8');
const PRICED_AS = ['--instance-type', 'm7i.large', '--region', 'us-east-1'];

/** The fixture host as one run sees it: its boot, btime, uptime and eth0's counters. */
function hostAt(tree: FixtureTree, s: HostState): void {
  const uptime = at(s.at) - at(s.bootTime);
  proc(tree, { bootId: s.bootId, uptime: `${uptime}.00`, tx: Number(BigInt(s.txGiB) * GIB), rx: Number(BigInt(s.rxGiB) * GIB) });
  tree.write('proc/stat', `cpu  1 0 1 100 0 0 0 0 0 0\nbtime ${at(s.bootTime)}\n`);
}

/** The doc's ledger, written by a real since-boot run at each host state. */
async function recordDocRuns(tree: FixtureTree): Promise<void> {
  for (const s of DOC_RUNS) {
    hostAt(tree, s);
    const r = await run(tree, PRICED_AS);
    expect(r.code, r.err).toBe(0);
  }
}

/** The `$ ec2-cost --month ... --now ...` commands (those that can be rerun) in the doc's "This month" section, with the lines shown under each. */
function docExamples(): { argv: string[]; shown: string[] }[] {
  const section = DOC.slice(DOC.indexOf('## This month'), DOC.indexOf('\n## ', DOC.indexOf('## This month') + 1));
  const blocks = [...section.matchAll(/```\n(\$ ec2-cost --month[^\n]*(?:\n {10,}[^\n]*)*)\n([\s\S]*?)```/g)];
  return blocks
    .map((b) => ({
      argv: b[1]
        .replace(/^\$ ec2-cost /, '')
        .replace(/\\\n\s+/g, '')
        .trim()
        .split(/\s+/),
      shown: b[2].split('\n').filter((l) => l !== '' && l !== '...'),
    }))
    .filter((e) => e.argv.includes('--now'));
}

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
});
afterEach(() => tree.cleanup());

describe('the doc example, from a ledger written by real runs', () => {
  it('the runs leave exactly the boot records the unit tests start from', async () => {
    await recordDocRuns(tree);
    expect(readBoots(envFor(tree))).toEqual(DOC_BOOTS);
  });

  it('every command the doc shows prints the lines the doc shows (the doc has both examples)', async () => {
    await recordDocRuns(tree);
    const examples = docExamples();
    expect(examples.map((e) => [e.argv.includes('--free-tier'), e.argv.includes('--detail')])).toEqual([
      [false, true],
      [true, true],
    ]);
    for (const ex of examples) {
      const r = await run(tree, ex.argv);
      expect(r.code, r.err).toBe(0);
      const lines = r.out.split('\n');
      for (const line of ex.shown) expect(lines, `docs/ec2-cost.md shows "${line}"`).toContain(line);
    }
  });

  it('--detail without and with the free allowance (golden)', async () => {
    await recordDocRuns(tree);
    const base = ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, '--detail'];
    const plain = await run(tree, base);
    expect(plain.code, plain.err).toBe(0);
    expectGolden('ec2-month-detail.txt', plain.out);
    const free = await run(tree, [...base, '--free-tier']);
    expect(free.code, free.err).toBe(0);
    expectGolden('ec2-month-detail-free-tier.txt', free.out);
  });

  it('one line: the lower bound, and the upper when they differ', async () => {
    await recordDocRuns(tree);
    const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS]);
    expect(r).toEqual({
      code: 0,
      out: '~$54.04 in 2026-11 to date (up to ~$58.87 if the time between boots was billed) as m7i.large us-east-1 (not EC2) · 420.0 h\n',
      err: '',
    });
  });

  it('--json: today’s keys with the month’s figures, plus the month, the bounds and the boots', async () => {
    await recordDocRuns(tree);
    const r = await run(tree, ['--month', '--now', DOC_NOW, ...PRICED_AS, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    for (const key of [
      'instanceType',
      'region',
      'computeUsd',
      'networkOutUsd',
      'networkInUsd',
      'publicIpv4Usd',
      'ebsUsd',
      'totalUsd',
      'priceSource',
      'assumptions',
      'notes',
    ]) {
      expect(j).toHaveProperty(key);
    }
    expect(j).toMatchObject({
      month: '2026-11',
      monthState: 'current',
      countedUntil: '2026-11-20T12:00:00.000Z',
      uptimeSeconds: 420 * 3600,
      computeUsd: 42.336,
      networkOutUsd: 11.7,
      totalUsd: 54.036,
      txBytes: 130 * 2 ** 30,
      betweenBoots: 'stopped',
      bounds: { lower: { seconds: 420 * 3600, totalUsd: 54.036 }, upper: { seconds: 468 * 3600, totalUsd: 58.8744 }, differ: true },
      trafficLowerBound: true,
      unseen: [{ from: '2026-11-10T00:00:00.000Z', to: '2026-11-12T00:00:00.000Z', seconds: 48 * 3600, kind: 'between-boots' }],
    });
    expect(j.boots.map((b: { bootId: string; secondsInMonth: number; txBytes: number }) => [b.bootId, b.secondsInMonth / 3600, b.txBytes / 2 ** 30])).toEqual([
      [DOC_BOOTS[0].bootId, 216, 60],
      [DOC_BOOTS[1].bootId, 204, 70],
    ]);
    // The since-boot assumptions that do not hold for a month are replaced, not repeated.
    expect(j.assumptions.join('\n')).not.toMatch(/^Since boot|^Bytes since boot/m);
    expect(j.assumptions.join('\n')).toMatch(/UTC calendar month/);
  });
});

describe('public IPv4 and EBS in the month', () => {
  const WITH = ['--public-ipv4', '--ebs-gb', '100', '--ebs-type', 'gp3'];

  it('--json: each priced for the instance time counted, in both bounds, and in the total', async () => {
    await recordDocRuns(tree);
    const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, ...WITH, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    // 420 h seen running: 420 IP-hours at $0.005; 100 GB x 420 h / 730 h = 57.53 GB-months at $0.08.
    expect(j.publicIpv4Usd).toBe(2.1);
    expect(j.ebsUsd).toBeCloseTo((100 * 420 * 0.08) / 730, 9);
    expect(j.computeUsd).toBe(42.336);
    expect(j.networkOutUsd).toBe(11.7);
    expect(j.totalUsd).toBeCloseTo(42.336 + 11.7 + 2.1 + (100 * 420 * 0.08) / 730, 9);
    // The upper bound bills the 48 h between the boots for both too: 468 h.
    expect(j.bounds.upper.totalUsd).toBeCloseTo(58.8744 + 468 * 0.005 + (100 * 468 * 0.08) / 730, 9);
    expect(j.bounds.lower.totalUsd).toBe(j.totalUsd);
    expect(j.boots).toHaveLength(2);
  });

  it('--detail: a line for each, with its quantity and rate', async () => {
    await recordDocRuns(tree);
    const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, ...WITH, '--detail']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toContain('Public IPv4  420.000000 h @ $0.005/h = $2.100000');
    expect(lines).toContain('EBS          100 GB gp3 for 420.000000 h = 57.534247 GB-months @ $0.08/GB-month = $4.602740');
    expect(lines).toContain('  Public IPv4  468.000000 h = $2.340000');
    expect(lines).toContain('  EBS          64.109589 GB-months = $5.128767');
    expect(lines).toContain('  Total        ~$66.34 ($66.3431671233)');
    // Without them, neither is there and the total is the doc's.
    const plain = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, '--json']);
    expect(JSON.parse(plain.out)).toMatchObject({ publicIpv4Usd: 0, ebsUsd: 0, totalUsd: 54.036 });
  });
});

describe('off EC2 with no type named', () => {
  it('every cheapest fit is priced for the month, not since boot', async () => {
    await recordDocRuns(tree);
    const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.mode).toBe('off-ec2');
    expect(j.candidates.length).toBeGreaterThan(1);
    for (const c of j.candidates) {
      expect(c.uptimeSeconds).toBe(420 * 3600);
      expect(c.networkOutUsd).toBe(11.7);
      // Each at its own hourly rate.
      expect(c.computeUsd).toBeCloseTo(420 * c.hourlyRateUsd, 8);
    }
    expect(new Set(j.candidates.map((c: { hourlyRateUsd: number }) => c.hourlyRateUsd)).size).toBeGreaterThan(1);
    expect(j.totalUsd).toBe(j.candidates[0].totalUsd);
  });
});

describe('recording and reading in one run', () => {
  it('--month without --now records this boot first, so the month includes the run itself', async () => {
    hostAt(tree, { bootId: 'boot-now', bootTime: '2026-11-02T00:00:00Z', at: '2026-11-03T00:00:00Z', txGiB: 1, rxGiB: 0 });
    const r = await run(tree, ['--month', '2026-11', ...PRICED_AS, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.boots.map((b: { bootId: string }) => b.bootId)).toEqual(['boot-now']);
    expect(j.boots[0].secondsInMonth).toBe(24 * 3600);
  });

  it('--month for now folds in the host as this run read it, even when its own write was skipped (the ledger written a moment before)', async () => {
    // Five seconds of traffic must fall in one month: not within the first few seconds of one.
    const secondsIntoMonth = () => Date.now() / 1000 - Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) / 1000;
    if (secondsIntoMonth() < 10) await new Promise((r) => setTimeout(r, 10_000));
    const now = Math.floor(Date.now() / 1000);
    const iso = (t: number) => new Date(t * 1000).toISOString();
    hostAt(tree, { bootId: 'boot-live', bootTime: iso(now - 3600), at: iso(now - 5), txGiB: 0, rxGiB: 0 });
    expect((await run(tree, PRICED_AS)).code).toBe(0);
    // Five seconds later by the host's clock, one GiB more sent: this run's write is skipped as
    // too soon after the last (ledger/store.ts), but the month must still count that GiB.
    hostAt(tree, { bootId: 'boot-live', bootTime: iso(now - 3600), at: iso(now), txGiB: 1, rxGiB: 0 });
    const r = await run(tree, ['--month', iso(now).slice(0, 7), ...PRICED_AS, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.boots.map((b: { txBytes: number; lastSeen: string }) => [b.txBytes, b.lastSeen])).toEqual([[Number(GIB), iso(now)]]);
  });

  it('a run with --now records nothing (a what-if clock)', async () => {
    hostAt(tree, { bootId: 'boot-now', bootTime: '2026-11-02T00:00:00Z', at: '2026-11-03T00:00:00Z', txGiB: 1, rxGiB: 0 });
    const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS]);
    expect(r.code, r.err).toBe(0);
    expect(readBoots(envFor(tree))).toEqual([]);
    expect(r.out).toMatch(/^~\$0\.00 in 2026-11 to date as m7i\.large/);
  });
});

describe('the clock', () => {
  it('without --now, the month is read at the time the report is made, after this run has recorded its own sample', () => {
    // Reading the clock before the estimate and the recording would put this run's sample "after now".
    expect(monthOptions({ _: [], month: '' }, () => at(DOC_NOW))).toEqual({ month: '2026-11', now: null });
    expect(monthOptions({ _: [], month: '2026-10', now: DOC_NOW })).toEqual({ month: '2026-10', now: at(DOC_NOW) });
  });
});

describe('text from the ledger is outside text', () => {
  const evil = 'e\u202eth0';
  async function ledgerWithEvilInterface(): Promise<void> {
    hostAt(tree, DOC_RUNS[2]);
    const outcome = recordSample(envFor(tree), {
      bootId: 'b1',
      bootTime: at('2026-11-12T00:00:00Z'),
      at: at('2026-11-13T00:00:00Z'),
      counters: new Map([[evil, { rx: 1n, tx: 2n }]]),
    });
    expect(outcome.status).toBe('recorded');
  }

  it('--detail shows a bidirectional override in an interface name escaped, never raw', async () => {
    await ledgerWithEvilInterface();
    const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, '--detail']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('\u202e');
    expect(r.out).toMatch(/on e\\u202eth0/);
  });

  it('--json escapes it as \\u202e, and under LANG=C everything is ASCII', async () => {
    await ledgerWithEvilInterface();
    const j = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, '--json']);
    expect(j.out).not.toContain('\u202e');
    expect(JSON.parse(j.out).boots[0].interfaces).toEqual([evil]);
    for (const extra of [['--detail'], ['--json'], []]) {
      const r = await run(tree, ['--month', '2026-11', '--now', DOC_NOW, ...PRICED_AS, ...extra], { LANG: 'C' });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^[\x00-\x7f]*$/);
    }
  });
});

describe('bad input is a usage error naming the option', () => {
  beforeEach(() => hostAt(tree, DOC_RUNS[0]));

  it.each([
    [['--month', '2026-13'], /^ec2-cost: --month must be a UTC month as YYYY-MM, such as 2026-11 \(got "2026-13"\)\n$/],
    [['--month', '--now', 'yesterday'], /^ec2-cost: --now must be an ISO-8601 time such as 2026-11-15T12:00:00Z \(got "yesterday"\)\n$/],
    [['--now', DOC_NOW], /^ec2-cost: --now goes with --month/],
    [['--month', '2026-11', '--uptime', '3600'], /^ec2-cost: --uptime cannot be combined with --month/],
    [['--month', '--tx-bytes', '5GiB', '--rx-bytes', '1GiB'], /^ec2-cost: --tx-bytes, --rx-bytes cannot be combined with --month/],
  ])('%j', async (argv, message) => {
    const r = await run(tree, [...argv, ...PRICED_AS]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    // Refused before anything was read or recorded.
    expect(readBoots(envFor(tree))).toEqual([]);
  });
});
