/**
 * The ledger's file (src/ec2/ledger/store.ts), on real files under a temp dir: what is written
 * reads back; a hand-damaged file keeps what still checks out and a broken one is set aside and
 * started afresh, never a crash; the folder is private and links are not followed; the ledger's
 * lock policy: a held lock makes a second writer skip, a dead holder's lock is taken over, one
 * naming no holder only once STALE_LOCK_MS old (the lock itself: test/unit/core-lock.test.ts).
 * Also the sample as record.ts takes it from a fixture /proc and /sys.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetChecks } from '../../../src/core/trust.js';
import { recordHost, sampleHost } from '../../../src/ec2/ledger/record.js';
import {
  ledgerDir,
  ledgerFile,
  MIN_WRITE_INTERVAL_S,
  ONE_SHOT_MIN_WRITE_INTERVAL_S,
  readBoots,
  readLedger,
  recordSample,
  STALE_LOCK_MS,
} from '../../../src/ec2/ledger/store.js';
import type { HostSample } from '../../../src/ec2/ledger/types.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc } from './hosts.js';

const NOV_1 = Date.parse('2026-11-01T00:00:00Z') / 1000;

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  env = { SHOJI_STATE_DIR: join(tree.dir, 'state') };
  forgetChecks();
});
afterEach(() => tree.cleanup());

function sample(at: number, tx: bigint, bootId = 'b-1', bootTime = NOV_1 + 60): HostSample {
  return { bootId, bootTime, at, counters: new Map([['eth0', { rx: tx * 2n, tx, ifindex: 2 }]]) };
}

describe('recording and reading back', () => {
  it('writes the ledger under <state>/ec2 in a 0700 folder, mode 0600, and reads back what was folded', () => {
    expect(recordSample(env, sample(NOV_1 + 120, 1000n))).toEqual({ status: 'recorded', newBoot: true });
    expect(recordSample(env, sample(NOV_1 + 180, 2n ** 60n))).toEqual({ status: 'recorded', newBoot: false });
    expect(ledgerFile(env)).toBe(join(tree.dir, 'state', 'ec2', 'ledger.json'));
    expect(statSync(ledgerDir(env)).mode & 0o777).toBe(0o700);
    expect(statSync(ledgerFile(env)).mode & 0o777).toBe(0o600);
    const boots = readBoots(env);
    expect(boots).toHaveLength(1);
    expect(boots[0]).toEqual({
      bootId: 'b-1',
      bootTime: NOV_1 + 60,
      firstSeen: NOV_1 + 120,
      lastSeen: NOV_1 + 180,
      interfaces: ['eth0'],
      months: { '2026-11': { txBytes: 2n ** 60n, rxBytes: 2n ** 61n } },
      counterResets: 0,
      samples: 2,
      gaps: [],
    });
    // Nothing left behind: no temporary file, no lock.
    expect(readdirSync(ledgerDir(env))).toEqual(['ledger.json']);
  });

  it('a sample no later than the boot last one is not written', () => {
    recordSample(env, sample(NOV_1 + 180, 10n));
    const before = readFileSync(ledgerFile(env), 'utf8');
    expect(recordSample(env, sample(NOV_1 + 120, 5n))).toEqual({ status: 'older' });
    expect(readFileSync(ledgerFile(env), 'utf8')).toBe(before);
  });

  it('boots come back sorted by boot time', () => {
    recordSample(env, sample(NOV_1 + 9000, 1n, 'b-2', NOV_1 + 8000));
    recordSample(env, sample(NOV_1 + 120, 1n, 'b-1', NOV_1 + 60));
    expect(readBoots(env).map((b) => b.bootId)).toEqual(['b-1', 'b-2']);
  });

  it(`a sample less than ${MIN_WRITE_INTERVAL_S} s after the ledger's last write (by the wall clock) is skipped: it would add nothing but a few seconds`, () => {
    const now = Date.now() / 1000;
    expect(recordSample(env, sample(now, 10n, 'b-now', now - 600))).toMatchObject({ status: 'recorded' });
    expect(recordSample(env, sample(now + MIN_WRITE_INTERVAL_S / 2, 20n, 'b-now', now - 600))).toEqual({ status: 'recent' });
    expect(recordSample(env, sample(now + MIN_WRITE_INTERVAL_S * 3, 30n, 'b-now', now - 600))).toMatchObject({ status: 'recorded' });
    expect(readBoots(env)[0].samples).toBe(2);
  });

  it(`a one-shot run's sample less than ${ONE_SHOT_MIN_WRITE_INTERVAL_S} s after the last write is skipped (a long-lived process records every minute); a long-lived one's is not`, () => {
    const now = Date.now() / 1000;
    const at = (s: number, tx: bigint) => sample(now + s, tx, 'b-now', now - 600);
    expect(recordSample(env, at(0, 10n), 'long-lived')).toMatchObject({ status: 'recorded' });
    expect(recordSample(env, at(30, 20n), 'one-shot')).toEqual({ status: 'recent' });
    expect(recordSample(env, at(ONE_SHOT_MIN_WRITE_INTERVAL_S - 1, 20n), 'one-shot')).toEqual({ status: 'recent' });
    // The same moment from a long-lived process: written (its own rule is MIN_WRITE_INTERVAL_S).
    expect(recordSample(env, at(30, 30n), 'long-lived')).toMatchObject({ status: 'recorded' });
    expect(recordSample(env, at(30 + ONE_SHOT_MIN_WRITE_INTERVAL_S + 1, 40n), 'one-shot')).toMatchObject({ status: 'recorded' });
    expect(readBoots(env)[0]).toMatchObject({ samples: 3, months: { [new Date(now * 1000).toISOString().slice(0, 7)]: { txBytes: 40n } } });
  });

  it('no ledger yet: no boots and no problem', () => {
    expect(readLedger(env)).toEqual({ boots: [], problem: null });
  });

  it("a reader's own sample is folded into what it reads, as a write would fold it, and written nowhere", () => {
    // With no ledger yet, the sample alone is a boot.
    expect(readLedger(env, sample(NOV_1 + 120, 1000n)).boots).toMatchObject([{ bootId: 'b-1', lastSeen: NOV_1 + 120, samples: 1 }]);
    expect(existsSync(ledgerDir(env))).toBe(false);
    expect(recordSample(env, sample(NOV_1 + 120, 1000n))).toMatchObject({ status: 'recorded' });
    const written = readFileSync(ledgerFile(env), 'utf8');
    const seen = readLedger(env, sample(NOV_1 + 180, 3000n)).boots;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ lastSeen: NOV_1 + 180, samples: 2, months: { '2026-11': { txBytes: 3000n, rxBytes: 6000n } } });
    expect(readFileSync(ledgerFile(env), 'utf8')).toBe(written);
    expect(readBoots(env)[0]).toMatchObject({ lastSeen: NOV_1 + 120, samples: 1 });
    // A sample that is not one is left out, as a write would refuse it.
    expect(readLedger(env, sample(NOV_1 + 240, 5n, 'bad\nid')).boots).toEqual(readBoots(env));
  });

  it('a sample that is not one (a boot id with a newline, a time before 2000) is refused, not written', () => {
    expect(recordSample(env, { ...sample(NOV_1 + 120, 1n), bootId: 'x\ny' })).toMatchObject({ status: 'failed' });
    expect(recordSample(env, { ...sample(NOV_1 + 120, 1n), at: 12 })).toMatchObject({ status: 'failed' });
    expect(existsSync(ledgerFile(env))).toBe(false);
  });
});

describe('a damaged ledger', () => {
  const good = (id: string) =>
    `{"bootId":"${id}","bootTime":${NOV_1 + 60},"firstSeen":${NOV_1 + 120},"lastSeen":${NOV_1 + 180},"interfaces":["eth0"],"months":{"2026-11":{"tx":"100","rx":"200"}},"counterResets":0,"samples":2,"gaps":[],"last":{"eth0":{"rx":"200","tx":"100"}}}`;
  const write = (text: string) => {
    mkdirSync(ledgerDir(env), { recursive: true, mode: 0o700 });
    writeFileSync(ledgerFile(env), text, { mode: 0o600 });
  };

  it('keeps the boots that check out and drops each one that does not (a field of the wrong type or out of range)', () => {
    const bad = [
      good('neg').replace('"counterResets":0', '"counterResets":-1'),
      good('zero').replace('"samples":2', '"samples":0'),
      good('str').replace(`"bootTime":${NOV_1 + 60}`, `"bootTime":"${NOV_1 + 60}"`),
      good('order').replace(`"firstSeen":${NOV_1 + 120}`, `"firstSeen":${NOV_1 + 999}`),
      good('bytes').replace('"tx":"100"', '"tx":"-100"'),
      good('hex').replace('"tx":"100"', '"tx":"0x64"'),
      good('month').replace('"2026-11"', '"2026-13"'),
      good('ifname').replace('"interfaces":["eth0"]', '"interfaces":["eth0\\u001b[31m"]'),
      good('bad id\\n'),
      '42',
      'null',
      good('ok'),
      good('ok'), // a second record of the same boot: the first is kept
    ];
    write(`{"format":1,"boots":[${[good('first'), ...bad].join(',\n')}]}`);
    expect(readBoots(env).map((b) => b.bootId)).toEqual(['first', 'ok']);
    // The next writer keeps them and rewrites the file without the rest.
    expect(recordSample(env, sample(NOV_1 + 240, 300n, 'first'))).toEqual({ status: 'recorded', newBoot: false });
    expect(readBoots(env).map((b) => [b.bootId, b.months['2026-11'].txBytes])).toEqual([
      ['first', 300n],
      ['ok', 100n],
    ]);
    expect(readFileSync(ledgerFile(env), 'utf8')).not.toContain('neg');
  });

  it('a bad gap or a bad last counter is dropped alone; without its last counter an interface counts from its next sample', () => {
    write(
      `{"format":1,"boots":[${good('b-1')
        .replace('"gaps":[]', `"gaps":[{"from":1,"to":2},{"from":${NOV_1 + 60},"to":${NOV_1 + 120}}]`)
        .replace('"last":{"eth0":{"rx":"200","tx":"100"}}', '"last":{"eth0":{"rx":"x","tx":"100"}}')}]}`,
    );
    expect(readBoots(env)[0].gaps).toEqual([{ from: NOV_1 + 60, to: NOV_1 + 120 }]);
    recordSample(env, sample(NOV_1 + 240, 500n));
    recordSample(env, sample(NOV_1 + 300, 600n));
    // 100 as stored, nothing for 100 -> 500 (no last counter), 100 for 500 -> 600.
    expect(readBoots(env)[0].months['2026-11'].txBytes).toBe(200n);
  });

  it.each([
    ['not JSON', '{"format":1,"boots":[{"bootId":'],
    ['another format', '{"format":99,"boots":[]}'],
    ['binary garbage', '\u0000\u0001\u00ff garbage'],
    ['empty', ''],
  ])('%s: read as no boots with the problem named; the next writer sets it aside as .corrupt and starts afresh', (_, text) => {
    write(text);
    const read = readLedger(env);
    expect(read.boots).toEqual([]);
    expect(read.problem).toContain(ledgerFile(env));
    const outcome = recordSample(env, sample(NOV_1 + 120, 7n));
    expect(outcome).toEqual({ status: 'recorded', newBoot: true, setAside: `${ledgerFile(env)}.corrupt` });
    expect(readFileSync(`${ledgerFile(env)}.corrupt`, 'utf8')).toBe(text);
    expect(readBoots(env).map((b) => b.months['2026-11'].txBytes)).toEqual([7n]);
  });

  it('a symlink in the ledger place is not followed: its target is left alone, the link set aside', () => {
    mkdirSync(ledgerDir(env), { recursive: true, mode: 0o700 });
    const target = join(tree.dir, 'elsewhere.json');
    writeFileSync(target, 'precious');
    symlinkSync(target, ledgerFile(env));
    expect(readLedger(env).problem).toContain('symlink');
    expect(recordSample(env, sample(NOV_1 + 120, 7n))).toMatchObject({ status: 'recorded' });
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(statSync(ledgerFile(env)).isFile()).toBe(true);
  });

  it('a folder another user could write is refused: nothing written or read there', () => {
    mkdirSync(ledgerDir(env), { recursive: true });
    chmodSync(ledgerDir(env), 0o777);
    const outcome = recordSample(env, sample(NOV_1 + 120, 7n));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect((outcome as { reason: string }).reason).toContain('writable by others');
    expect(existsSync(ledgerFile(env))).toBe(false);
    writeFileSync(ledgerFile(env), `{"format":1,"boots":[${good('planted')}]}`);
    expect(readLedger(env)).toMatchObject({ boots: [], problem: expect.stringContaining('not a private folder') });
  });
});

describe('the lock', () => {
  const lock = () => join(ledgerDir(env), 'ledger.lock');
  const hold = (content: string) => {
    mkdirSync(ledgerDir(env), { recursive: true, mode: 0o700 });
    writeFileSync(lock(), content);
  };

  it('held by a live writer: the sample is skipped at once, the lock left alone', () => {
    hold(`${process.pid} ${hostname()} other-writer\n`);
    expect(recordSample(env, sample(NOV_1 + 120, 7n))).toEqual({ status: 'busy' });
    expect(readFileSync(lock(), 'utf8')).toBe(`${process.pid} ${hostname()} other-writer\n`);
    expect(existsSync(ledgerFile(env))).toBe(false);
  });

  it('held by a dead process: taken over, and its left-over temporary file removed', () => {
    const dead = 2 ** 22 + 12345; // above pid_max's default: no such process
    hold(`${dead} ${hostname()} token\n`);
    writeFileSync(join(ledgerDir(env), `ledger.json.${dead}.abc.tmp`), '{"format":1,"boo');
    expect(recordSample(env, sample(NOV_1 + 120, 7n))).toMatchObject({ status: 'recorded' });
    expect(readdirSync(ledgerDir(env))).toEqual(['ledger.json']);
  });

  it('left empty by a writer killed between creating and filling it: taken over once old', () => {
    hold('');
    expect(recordSample(env, sample(NOV_1 + 120, 7n))).toEqual({ status: 'busy' });
    const old = (Date.now() - STALE_LOCK_MS - 5000) / 1000;
    utimesSync(lock(), old, old);
    expect(recordSample(env, sample(NOV_1 + 120, 7n))).toMatchObject({ status: 'recorded' });
  });
});

describe('the sample as record.ts takes it', () => {
  const BTIME = NOV_1 - 1000;
  beforeEach(() => {
    proc(tree, { uptime: '4600.50', tx: 5000, rx: 9000, bootId: 'c0ffee00-1111-2222-3333-444455556666' });
    tree.write('proc/stat', `cpu  1 2 3 4\nbtime ${BTIME}\nprocesses 5\n`);
    tree.write('sys/class/net/eth0/ifindex', '2\n');
  });

  it('boot id, btime, btime + uptime, and the default route interface counters with their ifindex', () => {
    expect(sampleHost(env, tree.procRoot, tree.sysRoot)).toEqual({
      bootId: 'c0ffee00-1111-2222-3333-444455556666',
      bootTime: BTIME,
      at: BTIME + 4600.5,
      counters: new Map([['eth0', { rx: 9000n, tx: 5000n, ifindex: 2 }]]),
    });
  });

  it('without btime, the boot is now minus the uptime; named interfaces replace the default route', () => {
    tree.write('proc/stat', 'cpu  1 2 3 4\n');
    const s = sampleHost(env, tree.procRoot, tree.sysRoot, ['eth1', 'nope'], NOV_1 + 10_000);
    expect(s).toMatchObject({ bootTime: NOV_1 + 10_000 - 4600.5, at: NOV_1 + 10_000 });
    expect([...s.counters]).toEqual([['eth1', { rx: 1000n, tx: 2000n }]]);
  });

  it('a host without a boot id cannot be sampled: an outcome, never a throw', () => {
    proc(tree, { bootId: null });
    tree.write('proc/sys/kernel/random/boot_id', '');
    expect(recordHost(env, tree.procRoot, tree.sysRoot)).toMatchObject({ status: 'failed', reason: expect.stringContaining('boot_id') });
  });
});
