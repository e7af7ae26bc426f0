/**
 * Traffic as ec2-cost reads it from the host: a /proc/net/dev that is not what the kernel writes
 * is an error naming the file and line (never $0 of traffic with exit 0), and an interface named
 * with --interfaces that is not there is bad input (never silently nothing counted).
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

const TYPE = ['--instance-type', 'm7i.large'];
const HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

describe('a damaged /proc/net/dev is an error (exit 1), naming the file and line', () => {
  it.each([
    ['random text', 'hello world\nthis is not net/dev\n', 1],
    ['binary garbage', '\u0000\u0001\u00ff\u00fe garbage\n', 1],
    ['an empty file', '', 1],
    ['a line that is not an interface', `${HEADER}  eth0: 1 2 3\n`, 3],
    ['a counter that is not a number', `${HEADER}  eth0: 12 1 0 0 0 0 0 0 x 1 0 0 0 0 0 0\n`, 3],
    ['a negative counter', `${HEADER}  eth0: -5 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n`, 3],
  ])('%s', async (_what, text, line) => {
    const file = tree.write('proc/net/dev', text);
    const r = await run(tree, TYPE);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(new RegExp(`^ec2-cost: ${file.replace(/[.]/g, '\\.')}:${line}: .*not a network counters file\\n$`));
  });

  it('given both byte counts, net/dev is not read at all', async () => {
    tree.write('proc/net/dev', 'garbage\n');
    expect((await run(tree, [...TYPE, '--tx-bytes', '0', '--rx-bytes', '0'])).code).toBe(0);
  });
});

describe('--interfaces', () => {
  it('naming a missing interface is bad input (exit 2), with the interfaces that are there', async () => {
    const r = await run(tree, [...TYPE, '--interfaces', 'nope0']);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toBe('ec2-cost: --interfaces: no interface nope0 on this host (there: lo, eth0, eth1)\n');
  });

  it('one missing among present ones is an error too: nothing is counted quietly', async () => {
    const r = await run(tree, [...TYPE, '--interfaces', 'eth0,nope0']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no interface nope0 on this host/);
  });

  it('present interfaces are counted', async () => {
    const j = JSON.parse((await run(tree, [...TYPE, '--interfaces', 'eth1', '--json'])).out);
    expect(j).toMatchObject({ interfaces: ['eth1'], txBytes: 2000, rxBytes: 1000 });
  });

  it('a default route through an interface net/dev does not list stays a note, not an error', async () => {
    tree.write('proc/net/route', 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nwg0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\n');
    const j = JSON.parse((await run(tree, [...TYPE, '--json'])).out);
    expect(j).toMatchObject({ txBytes: 0, interfaces: [] });
    expect(j.notes.join(' ')).toMatch(/the default route's interface\(s\) wg0 have no counters: no traffic counted/);
  });
});
