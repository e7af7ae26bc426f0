/**
 * wifi on fixture trees. /proc/net/wireless is written as the kernel writes it
 * (net/wireless/wext-proc.c: two header lines, the second ending in WIRELESS_EXT, 22; then one
 * row per associated interface, "%6s: %04x  %3d%c  %3d%c  %3d%c  %6d %6d %6d %6d %6d   %6d",
 * a '.' after a value updated since the last read). The rows are an iwlwifi laptop's
 * (wlp3s0, quality 58/70, -52 dBm; noise -256: none) and a USB adapter's (wlan1). A
 * wireless interface has a phy80211 link in /sys/class/net/<if>/ (cfg80211).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import wifi, { parseWireless } from '../../../plugins/wifi/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

const HEADER =
  'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n' +
  ' face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n';
const LAPTOP = 'wlp3s0: 0000   58.  -52.  -256        0      0      0     14      0        0\n';
const USB = ' wlan1: 0000   31.  -79.  -256        0      0      0      3      0       17\n';

describe('wifi', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  const wireless = (rows: string) => tree.write('proc/net/wireless', HEADER + rows);
  const run = async (options = {}) => wifi.collect(moduleContext(wifi, tree, options), undefined);

  it('is unavailable on a host with no wireless interface, and hidden while none is associated', async () => {
    const ctx = moduleContext(wifi, tree);
    wireless(''); // the table is there whenever the kernel has wireless extensions, rows or not
    tree.write('sys/class/net/eth0/address', '52:54:00:12:34:56\n');
    expect(await wifi.available!(ctx)).toBe(false);
    tree.write('sys/class/net/wlp3s0/phy80211/name', 'phy0\n');
    expect(await wifi.available!(ctx)).toBe(true);
    expect(await run()).toEqual({ reading: null });
  });

  it('shows the interface and its link quality out of 70, with the signal in dBm in the data', async () => {
    wireless(LAPTOP);
    const { reading, data } = await run();
    expectDataAsDeclared(wifi, data);
    expect(data).toEqual({
      interface: 'wlp3s0',
      quality: 58 / 70,
      link: 58,
      signalDbm: -52,
      interfaces: [{ interface: 'wlp3s0', quality: 58 / 70, link: 58, signalDbm: -52 }],
    });
    expect(reading).toMatchObject({ text: 'wlp3s0 83%', short: '83%', state: 'good' });
    expect(reading!.detail).toEqual([
      { label: 'wlp3s0', value: '83% (link 58/70, signal -52 dBm)' },
      { label: 'SSID', value: 'not shown: Linux gives it over netlink only (iw), and shoji starts no process per refresh' },
    ]);
  });

  it('shows the best link of several, or the one named; a named one that is not associated hides it', async () => {
    wireless(USB + LAPTOP);
    expect((await run()).reading!.text).toBe('wlp3s0 83%');
    const named = await run({ interface: 'wlan1' });
    expect(named.reading).toMatchObject({ text: 'wlan1 44%', state: 'good' });
    expect(named.data!.interfaces.map((i) => i.interface)).toEqual(['wlan1', 'wlp3s0']);
    expect((await run({ interface: 'wlan9' })).reading).toBeNull();
  });

  it('a weak link is a warning at 30% and critical at 15% by default (the thresholds are options)', async () => {
    wireless(' wlan1: 0000   21.  -89.  -256        0      0      0      3      0       17\n');
    expect((await run()).reading).toMatchObject({ text: 'wlan1 30%', state: 'warning' });
    wireless(' wlan1: 0000   10.  -100.  -256        0      0      0      3      0       17\n');
    expect((await run()).reading).toMatchObject({ text: 'wlan1 14%', state: 'critical' });
    expect((await run({ warning: 10, critical: 5 })).reading!.state).toBe('good');
  });

  it('takes another full scale for an old driver, caps the share at 100%, and leaves out a level that is not dBm', () => {
    const old = ' eth1: 0000   92.  211.     0.       0      0      0      0      0        0\n';
    expect(parseWireless(HEADER + old, 100)).toEqual([{ interface: 'eth1', quality: 0.92, link: 92 }]);
    expect(parseWireless(HEADER + old, 70)[0].quality).toBe(1);
    // The two header lines are never rows, even with a colon-free or odd line among the rows.
    expect(parseWireless(`${HEADER}garbage\n wlan0: 0000   x.  -40.\n`, 70)).toEqual([]);
  });
});
