/**
 * What modules publish (their `data`) as scripts see it: in `shoji status --format json` for the
 * segments on the line, and in `shoji modules --json` for every module, also one that hides
 * itself from the line (network traffic under its threshold). Real processes on a fixture /proc.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';

let sb: Sandbox;
let tree: FixtureTree;
beforeAll(() => requireBuild());
beforeEach(() => {
  tree = fixtureTree();
  tree.write(
    'proc/net/dev',
    'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      '  eth0: 5000000 500 0 0 0 0 0 0 2000000 300 0 0 0 0 0 0\n',
  );
  tree.write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n',
  );
  tree.write('proc/loadavg', '0.50 0.40 0.30 2/150 1234\n');
  tree.write('proc/stat', 'cpu  100 0 50 1000 5 0 1 0 0 0\ncpu0 100 0 50 1000 5 0 1 0 0 0\n');
  tree.write('proc/sys/kernel/random/boot_id', 'boot-published-data\n');
  // No apt-get on PATH: shoji modules collects every module, and apt's simulation takes seconds.
  sb = sandbox({ SHOJI_PROC_ROOT: tree.procRoot, SHOJI_SYS_ROOT: tree.sysRoot, SHOJI_ROOT: tree.root, PATH: join(tree.dir, 'bin') });
});
afterEach(() => {
  sb.cleanup();
  tree.cleanup();
});

describe('published data in JSON output', () => {
  it("status --format json shows a segment's data; modules --json shows a quiet module's too", async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [load, network]\n');
    // The first sample of network's counters; they do not move, so the next is under the threshold.
    expect((await runShoji(['collect', 'network'], sb.env)).code).toBe(0);
    const modules = JSON.parse((await runShoji(['modules', '--json'], sb.env)).stdout) as { modules: { id: string; value: string; data?: unknown }[] };
    const network = modules.modules.find((m) => m.id === 'network')!;
    expect(network.value).toBe('(nothing to show)');
    expect(network.data).toMatchObject({ rx: 0, tx: 0, interfaces: ['eth0'], rxTotalBytes: 5000000, txTotalBytes: 2000000 });

    const status = JSON.parse((await runShoji(['status', '--format', 'json', '--side', 'right'], sb.env)).stdout) as {
      right: { id: string; data?: Record<string, unknown> }[];
    };
    expect(status.right.map((s) => s.id)).toEqual(['load']); // network hides itself
    expect(status.right[0].data).toMatchObject({ one: 0.5, five: 0.4, fifteen: 0.3, cores: 1 });
  });
});
