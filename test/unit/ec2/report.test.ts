/**
 * What ec2-cost prints, as a terminal gets it: the "<$0.01" display at its boundary, ASCII only
 * under LANG=C, text from outside (interface names, file names) never raw, and JSON that stays
 * JSON. The figures come through the command, from fixture hosts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approxUsd } from '../../../src/ec2/report.js';
import { dec, sub } from '../../../src/ec2/money.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';
import { proc, qemu } from './hosts.js';
import { EXAMPLE_A, run } from './run.js';

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  qemu(tree);
  proc(tree);
});
afterEach(() => tree.cleanup());

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const NON_ASCII = /[^\u0000-\u007f]/;

describe('the "<$0.01" display, at its boundary', () => {
  it('half a cent rounds to ~$0.01; anything below it shows <$0.01; zero is ~$0.00', () => {
    const half = dec('0.005');
    expect(approxUsd(half)).toBe('~$0.01');
    expect(approxUsd(sub(half, dec('0.0000000001')))).toBe('<$0.01');
    expect(approxUsd(dec('0.0050000001'))).toBe('~$0.01');
    expect(approxUsd(dec('0.0099'))).toBe('~$0.01');
    expect(approxUsd(dec('0.000001'))).toBe('<$0.01');
    expect(approxUsd(dec('0'))).toBe('~$0.00');
  });

  // The 60-second minimum at a given spot price: 60 s x $0.30/h is exactly $0.005.
  it.each([
    ['0.3', '~$0.01'],
    ['0.2999', '<$0.01'],
    ['0.3001', '~$0.01'],
  ])('one minute at $%s/h shows %s', async (price, shown) => {
    const r = await run(tree, ['--instance-type', 'm7i.large', '--spot-price', price, '--uptime', '60', '--tx-bytes', '0', '--rx-bytes', '0']);
    expect(r.out).toBe(`${shown} since boot as m7i.large spot us-east-1 (not EC2) · 0.0 h\n`);
  });
});

describe('under LANG=C (no UTF-8 in LC_ALL, LC_CTYPE or LANG), ASCII only', () => {
  const C = { LANG: 'C', LC_ALL: '', LC_CTYPE: '' };

  it('the one-line report, --detail and --json', async () => {
    const line = await run(tree, EXAMPLE_A, C);
    expect(line.out).toBe('~$31.26 since boot as m7i.large us-east-1 (not EC2) - 303.0 h\n');
    for (const extra of [['--detail'], ['--json'], ['--detail', '--region', 'cn-north-1'], ['--arch', 'any', '--detail']]) {
      const r = await run(tree, [...EXAMPLE_A.filter((_a, i) => !(extra.includes('--arch') && i < 2)), ...extra], C);
      expect(r.code).toBe(0);
      expect(r.out).not.toMatch(NON_ASCII);
    }
  });

  it('a UTF-8 locale in LC_ALL wins over LANG=C, and LC_ALL=C over a UTF-8 LANG', async () => {
    expect((await run(tree, EXAMPLE_A, { LANG: 'C', LC_ALL: 'en_US.UTF-8' })).out).toContain(' · ');
    expect((await run(tree, EXAMPLE_A, { LANG: 'en_US.UTF-8', LC_ALL: 'C' })).out).not.toMatch(NON_ASCII);
  });

  it('error messages', async () => {
    const r = await run(tree, ['--tx-bytes', '7GB'], C);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/shoji's GB is 2\^30 bytes/);
    expect(r.err).not.toMatch(NON_ASCII);
  });

  it('JSON keeps its values, with anything beyond ASCII as \\u escapes', async () => {
    tree.write('proc/net/dev', netDev(['ethé0', 10, 20]));
    const r = await run(tree, ['--instance-type', 'm7i.large', '--interfaces', 'ethé0', '--json'], C);
    expect(r.out).not.toMatch(NON_ASCII);
    expect(r.out).toContain('"eth\\u00e90"');
    expect(JSON.parse(r.out).interfaces).toEqual(['ethé0']);
  });
});

/** A net/dev with the kernel's two header lines and one line per [name, rx, tx]. */
function netDev(...ifaces: [string, number, number][]): string {
  const zeros = ' 0 0 0 0 0 0';
  return (
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    ifaces.map(([name, rx, tx]) => `${name}: ${rx} 1${zeros} ${tx} 1${zeros}\n`).join('')
  );
}

describe('text from outside never reaches the terminal raw', () => {
  // An interface renamed (in a network namespace, by its owner) to carry a terminal title and a clear-screen.
  const EVIL = 'ev\u001b]0;pwned\u0007\u001b[2Jil';

  it('an interface name in --detail, the one-line and an error: escaped or dropped, never acted on', async () => {
    tree.write('proc/net/dev', netDev([EVIL, 100, 2 ** 30]));
    tree.write('proc/net/route', `Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n${EVIL}\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\n`);
    const detail = await run(tree, ['--instance-type', 'm7i.large', '--detail']);
    expect(detail.code).toBe(0);
    expect(detail.out).not.toMatch(CONTROL);
    expect(detail.out).toContain('on ev\\x1b]0;pwned\\x07\\x1b[2Jil');
    const line = await run(tree, ['--instance-type', 'm7i.large']);
    expect(line.out).not.toMatch(CONTROL);
    const err = await run(tree, ['--instance-type', 'm7i.large', '--interfaces', `nope${EVIL}`]);
    expect(err.code).toBe(2);
    expect(err.err).not.toMatch(CONTROL);
    expect(err.err).toContain('nopeev\\x1b]0;pwned\\x07\\x1b[2Jil');
    expect(err.err.trim().split('\n')).toHaveLength(1);
  });

  it('--json escapes C1 controls and bidirectional overrides too, and stays JSON', async () => {
    const name = 'a\u009b2Jb\u202ec';
    tree.write('proc/net/dev', netDev([name, 1, 2]));
    const r = await run(tree, ['--instance-type', 'm7i.large', '--interfaces', name, '--json']);
    expect(r.out).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
    expect(JSON.parse(r.out).interfaces).toEqual([name]);
  });
});
