/**
 * wifi — the wireless link's quality and signal, from <procRoot>/net/wireless (the kernel's
 * wireless-extensions table, which cfg80211 fills for every Wi-Fi driver). byobu's `wifi_quality`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "wlan0 70%": the link quality as a share of its scale (70 for every cfg80211 driver,
 * which reports the signal's dBm + 110, capped at 70; `max_quality` for an older driver), of the
 * interface named or the best one. The signal level in dBm is in the data and the detail.
 * Hidden while no interface is associated (the kernel then lists none), and not available on a
 * host with no wireless interface (no <sysRoot>/class/net/<interface>/phy80211 or wireless).
 * No SSID and no bit rate: Linux gives them only over nl80211 (netlink), which `iw` speaks and
 * nothing under /proc or /sys shows; byobu starts `iw` or `iwconfig` for them, and shoji starts
 * no process per refresh.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as T from 'typebox';
import { type DetailLine, defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, perRow } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir, readText } from '../../src/core/read.js';
import { stateFor, thresholdOptions } from '../../src/core/thresholds.js';

const options = declareOptions({
  interface: T.String({ default: '', description: 'the wireless interface to show ("wlan0"); empty: the one with the best link' }),
  max_quality: T.Number({
    default: 70,
    exclusiveMinimum: 0,
    description: "the link quality's full scale: 70 for cfg80211 drivers (all current ones); another for an old wireless-extensions driver",
  }),
  ...thresholdOptions({ of: 'link quality %', invert: true, warning: 30, critical: 15 }),
});
export type WifiOptions = OptionsOf<typeof options>;

/** A wireless interface's link, as /proc/net/wireless gives it. */
const linkFields = () => ({
  quality: T.Number({ unit: 'ratio (0–1)', description: 'Link quality as a share of `max_quality` (capped at 1)' }),
  link: T.Number({ description: 'The link quality as the kernel gives it (0-70 for cfg80211 drivers)' }),
  signalDbm: T.Optional(T.Number({ unit: 'dBm', description: 'Signal level in dBm, where the driver gives one (every cfg80211 driver)' })),
});

/** What the wifi module publishes. */
const data = declareData(
  () => ({
    interface: T.String({ description: 'The interface shown: the one named, or the one with the best link' }),
    ...linkFields(),
    interfaces: T.Array(T.Object({ interface: T.String({ description: 'Its name' }), ...linkFields() }), {
      description: 'Every associated wireless interface, in the order the kernel lists them',
    }),
  }),
  { description: 'Published while an interface is associated; nothing otherwise.' },
);
export type WifiData = DataOf<typeof data>;
type Link = WifiData['interfaces'][number];

/** A field of the table: "70." (the dot: updated since the last read) or "-40" as a number. */
const field = (text: string | undefined) => (text === undefined ? Number.NaN : Number.parseFloat(text));

/**
 * The table's rows after its two header lines:
 * " wlan0: 0000   70.  -40.  -256        0      0      0      0      0        0".
 * The level is in dBm when the driver says so (negative: cfg80211 always); a noise of -256 is
 * "none". Rows whose fields are not numbers are skipped.
 */
export function parseWireless(text: string, maxQuality: number): Link[] {
  const out: Link[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const [, link, level] = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const linkValue = field(link);
    const levelValue = field(level);
    if (name === '' || !Number.isFinite(linkValue)) continue;
    out.push({
      interface: name,
      quality: Math.min(1, Math.max(0, linkValue / maxQuality)),
      link: linkValue,
      ...(Number.isFinite(levelValue) && levelValue < 0 ? { signalDbm: levelValue } : {}),
    });
  }
  return out;
}

/** Whether the host has a wireless interface, associated or not: cfg80211 gives each a phy80211 link. */
function hasWirelessInterface(sysRoot: string): boolean {
  const net = join(sysRoot, 'class', 'net');
  return listDir(net).some((name) => existsSync(join(net, name, 'phy80211')) || existsSync(join(net, name, 'wireless')));
}

const percent = (quality: number) => `${Math.round(quality * 100)}%`;

export default defineModule<WifiOptions, WifiData>({
  id: 'wifi',
  description: 'Wi-Fi link quality and signal (/proc/net/wireless)',
  options,
  data,
  metrics: declareMetrics(() => [
    perRow('gauge', 'shoji_wifi_link_quality_ratio', { rows: 'interfaces', label: ['device', 'interface'], value: 'quality' }),
    perRow('gauge', 'shoji_wifi_signal_dbm', "Each associated interface's signal level in dBm", {
      rows: 'interfaces',
      label: ['device', 'interface'],
      value: 'signalDbm',
    }),
  ]),
  interval: 17,
  priority: 30,
  available: (ctx) => hasWirelessInterface(ctx.sysRoot) || parseWireless(readText(join(ctx.procRoot, 'net', 'wireless')) ?? '', 70).length > 0,
  collect(ctx) {
    const o = ctx.options;
    const links = parseWireless(readText(join(ctx.procRoot, 'net', 'wireless')) ?? '', o.max_quality);
    const candidates = o.interface === '' ? [...links].sort((a, b) => b.link - a.link) : links.filter((l) => l.interface === o.interface);
    if (candidates.length === 0) return { reading: null };
    const shown = candidates[0];
    const detail: DetailLine[] = links.map((l) => ({
      label: l.interface,
      value: `${percent(l.quality)} (link ${l.link}/${o.max_quality}${l.signalDbm !== undefined ? `, signal ${l.signalDbm} dBm` : ''})`,
    }));
    detail.push({ label: 'SSID', value: 'not shown: Linux gives it over netlink only (iw), and shoji starts no process per refresh' });
    const { interface: name, ...link } = shown;
    return {
      reading: {
        text: `${name} ${percent(shown.quality)}`,
        short: percent(shown.quality),
        state: stateFor(shown.quality * 100, { info: o.info, warning: o.warning, critical: o.critical }, 'good', true),
        detail,
      },
      data: { interface: name, ...link, interfaces: links },
    };
  },
});
