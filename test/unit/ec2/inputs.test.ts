/**
 * Every numeric option of ec2-cost through the command, one parser for all: the same numbers
 * accepted everywhere (exponents included), the same refused everywhere (hex, "Infinity", an
 * exponent that would build a huge number), each option's ceiling at its boundary, and names
 * matched without regard to case.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { run } from './run.js';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
});
afterEach(() => tree.cleanup());

/** A what-if with every quantity given, so only the option under test varies. */
const BASE = ['--instance-type', 'm7i.large', '--uptime', '3600', '--tx-bytes', '0', '--rx-bytes', '0'];

async function json(extra: string[]): Promise<Record<string, any>> {
  const r = await run(tree, [...BASE, ...extra, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

async function refused(argv: string[], message: RegExp): Promise<void> {
  const r = await run(tree, [...BASE, ...argv]);
  expect(r.err).toMatch(message);
  expect(r).toMatchObject({ code: 2, out: '' });
  expect(r.err.trim().split('\n')).toHaveLength(1);
}

// [option, value given, value expected back in the JSON]
const NUMERIC: [string, string, (j: Record<string, any>) => unknown, unknown][] = [
  ['--uptime', '5e3', (j) => j.uptimeSeconds, 5000],
  ['--tx-bytes', '5e9', (j) => j.txBytes, 5e9],
  ['--rx-bytes', '1.5e3KiB', (j) => j.rxBytes, 1_536_000],
  ['--ebs-gb', '1e2', (j) => j.ebs.gb, 100],
  ['--spot-price', '3.12e-2', (j) => j.hourlyRateUsd, 0.0312],
];

describe('one parser for every quantity', () => {
  it.each(NUMERIC)('%s %s: an exponent is read as a number', async (option, value, pick, expected) => {
    expect(pick(await json([option, value]))).toBe(expected);
  });

  it('--vcpus and --memory-gib with exponents fit the same size as plain numbers', async () => {
    const plain = await run(tree, ['--vcpus', '4', '--memory-gib', '16', '--arch', 'x86_64', '--json']);
    const exp = await run(tree, ['--vcpus', '4e0', '--memory-gib', '1.6e1', '--arch', 'x86_64', '--json']);
    expect(exp.code).toBe(0);
    expect(JSON.parse(exp.out).fit).toEqual(JSON.parse(plain.out).fit);
    expect(JSON.parse(exp.out).fit).toMatchObject({ vcpus: 4, memoryMiB: 16_384 });
  });

  const options = ['--uptime', '--tx-bytes', '--rx-bytes', '--ebs-gb', '--spot-price', '--vcpus', '--memory-gib'];
  it.each(options.flatMap((o) => ['0x1', '0x10', 'Infinity', 'NaN', '1_000', '1e', '', ' ', '0b1', '1e400', '-1'].map((v) => [o, v])))(
    '%s %j is refused',
    async (option, value) => {
      await refused([option, value], new RegExp(`^ec2-cost: ${option} must be `));
    },
  );

  it('an exponent far past every limit is refused at once, for every option alike', async () => {
    for (const option of options) await refused([option, '1e500000'], new RegExp(`^ec2-cost: ${option} must be at most `));
    // and its tiny counterpart says what it wants instead of building 10^500000
    await refused(['--uptime', '1e-500000'], /--uptime must be a number with an exponent of at least -99/);
  });

  it('zero and "-0" are zero; a minus sign on anything else is refused as below zero', async () => {
    expect((await json(['--spot-price', '0'])).hourlyRateUsd).toBe(0);
    expect((await json(['--ebs-gb', '-0'])).ebs.gb).toBe(0);
    await refused(['--spot-price', '-1e-3'], /--spot-price must be zero or more/);
  });
});

describe('each quantity has a ceiling, tested at the boundary', () => {
  const at: [string, string, string][] = [
    ['--uptime', '3153600000', '3153600000.001'],
    ['--tx-bytes', '1152921504606846976', '1152921504606846977'],
    ['--tx-bytes', '1048576TiB', '1048577TiB'],
    ['--ebs-gb', '1000000', '1000000.5'],
    ['--spot-price', '10000', '10000.0001'],
  ];
  it.each(at)('%s %s is accepted, %s refused', async (option, ok, over) => {
    const r = await run(tree, [...BASE, option, ok, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    await refused([option, over], new RegExp(`^ec2-cost: ${option} must be at most `));
  });

  it('--uptime 1e400 gives no 1,000-digit dollar figure: it is refused like --ebs-gb 1e400', async () => {
    await refused(['--uptime', '1e400'], /^ec2-cost: --uptime must be at most 3,153,600,000 s \(100 years\) \(got "1e400"\)\n$/);
    await refused(['--ebs-gb', '1e400'], /^ec2-cost: --ebs-gb must be at most 1,000,000 GB \(got "1e400"\)\n$/);
  });
});

describe('byte units', () => {
  it.each(['5constructor', '5 valueOf', '5__proto__', '5toString', '5hasOwnProperty'])('%j is not a unit', async (value) => {
    await refused(['--tx-bytes', value], /^ec2-cost: --tx-bytes must be a byte count/);
  });

  it('units are case-insensitive and the decimal ones stay refused', async () => {
    expect((await json(['--tx-bytes', '2gib'])).txBytes).toBe(2 * 2 ** 30);
    await refused(['--tx-bytes', '2GB'], /decimal KB\/MB\/GB are ambiguous/);
  });
});

describe('names without regard to case', () => {
  it('--instance-type M7I.LARGE is m7i.large, --region EU-WEST-1 is eu-west-1', async () => {
    const j = await json(['--instance-type', 'M7I.LARGE', '--region', 'EU-WEST-1']);
    expect(j).toMatchObject({ instanceType: 'm7i.large', region: 'eu-west-1', hourlyRateUsd: 0.1008 });
  });

  it('an overlong type name is refused without a search for close names', async () => {
    const r = await run(tree, ['--instance-type', `m7i.${'x'.repeat(100_000)}`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ec2-cost: unknown instance type "m7i\.x+"\n$/);
  });
});
