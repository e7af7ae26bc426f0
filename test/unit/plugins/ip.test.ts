import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ip, { usableAddresses } from '../../../plugins/ip/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';
// Every Linux machine has a loopback interface with 127.0.0.1, so tests route through "lo".
const lo = networkInterfaces().lo ?? [];

function info(address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo {
  const base = { address, netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

describe('ip', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  it("shows the default-route interface's IPv4 address", async () => {
    tree.write(
      'proc/net/route',
      `${ROUTE_HEADER}nosuch0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\nlo\t00000000\t00000000\t0001\t0\t0\t50\t00000000\t0\t0\t0\n`,
    );
    const reading = readingWithData(await ip.collect(moduleContext(ip, tree), undefined));
    expect(reading).toEqual({
      text: '127.0.0.1',
      state: 'idle',
      icon: 'ip',
      data: { address: '127.0.0.1', interface: 'lo', family: 4, addresses: ['127.0.0.1'] },
      detail: [
        { label: 'Interface', value: 'lo' },
        { label: 'IPv4', value: '127.0.0.1' },
      ],
    });
  });

  it('tries the next default route when the first interface has no address', async () => {
    tree.write(
      'proc/net/route',
      `${ROUTE_HEADER}nosuch0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\nlo\t00000000\t00000000\t0001\t0\t0\t50\t00000000\t0\t0\t0\n`,
    );
    const reading = readingWithData(await ip.collect(moduleContext(ip, tree), undefined));
    expect(reading?.data?.interface).toBe('lo');
  });

  it('is hidden when the route table has no default route', async () => {
    tree.write('proc/net/route', `${ROUTE_HEADER}lo\t0000007F\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n`);
    expect((await ip.collect(moduleContext(ip, tree), undefined)).reading).toBeNull();
  });

  it('uses the interface option and hides an interface without addresses', async () => {
    const named = await ip.collect(moduleContext(ip, tree, { interface: 'lo' }), undefined);
    expect(named.reading?.text).toBe('127.0.0.1');
    const missing = await ip.collect(moduleContext(ip, tree, { interface: 'nosuch0' }), undefined);
    expect(missing.reading).toBeNull();
  });

  it('shows IPv6 with family: 6 when loopback has ::1', async () => {
    const expected = lo.some((a) => a.address === '::1') ? '::1' : undefined;
    const reading = readingWithData(await ip.collect(moduleContext(ip, tree, { interface: 'lo', family: 6 }), undefined));
    expect(reading?.text).toBe(expected);
  });

  it('skips link-local IPv6 and puts global addresses before unique-local ones', () => {
    const infos = [info('fe80::1', 'IPv6'), info('fd00::2', 'IPv6'), info('192.0.2.2', 'IPv4'), info('2001:db8::5', 'IPv6'), info('FEBF::9', 'IPv6')];
    expect(usableAddresses(infos, 6)).toEqual(['2001:db8::5', 'fd00::2']);
    expect(usableAddresses(infos, 4)).toEqual(['192.0.2.2']);
    expect(usableAddresses(undefined, 4)).toEqual([]);
  });
});
