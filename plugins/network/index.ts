/**
 * network — receive and transmit rates since the previous reading, from <procRoot>/net/dev.
 * Hidden while both directions are under the threshold, as byobu's network is.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "rx 1.2M/s tx 30K/s" (only the directions over the threshold), or "rx -- tx --"
 * until there is a previous sample. The default route is read from the routing table, never
 * guessed from its last line. Rates divide by the measured time between samples; a counter that
 * went backwards or an interface that came or went (the default route moved from Wi-Fi to
 * Ethernet) gives "rx -- tx --" once, never a negative or inflated rate. Hidden when there is no
 * default route. An unreadable net/dev (some sandboxes deny it) fails the module.
 */
import { join } from 'node:path';
import { defineModule, type DetailLine } from '../../src/core/contract.js';
import { defaultRouteInterfaces, readNetDev } from '../../src/core/net.js';
import { formatRate } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';

const options = declareOptions({
  interfaces: T.Array(T.String({ minLength: 1 }), { default: [], description: 'interfaces to sum ("eth0", "wlan0"); empty = the default route\'s' }),
  threshold: T.Number({ minimum: 0, default: 1024, description: 'bytes/s under which a direction is not shown' }),
  units: T.Enum(['bytes', 'bits'], { default: 'bytes', description: 'bytes shows "1.2M/s" (binary); bits shows "9.6Mb/s" (SI)' }),
});
export type NetworkOptions = OptionsOf<typeof options>;

/** What the network module publishes, also while it hides under its threshold. */
const data = declareData(
  () => ({
    rx: T.Number({
      unit: 'bytes/s',
      description: 'Received since the previous reading, summed over `interfaces` (bytes whatever the `units` option)',
    }),
    tx: T.Number({ unit: 'bytes/s', description: 'Sent since the previous reading, summed over `interfaces`' }),
    interfaces: T.Array(T.String(), {
      description: "The interfaces summed: the `interfaces` option's in its order, or the default route's",
    }),
    rxTotalBytes: T.Number({ unit: 'bytes', description: "Received since each interface came up (the kernel's counters), summed" }),
    txTotalBytes: T.Number({ unit: 'bytes', description: 'Sent since each interface came up, summed' }),
    perInterface: T.Array(
      T.Object({
        name: T.String({ description: 'Interface name' }),
        rx: T.Number({ unit: 'bytes/s', description: 'Received since the previous reading' }),
        tx: T.Number({ unit: 'bytes/s', description: 'Sent since the previous reading' }),
        rxTotalBytes: T.Number({ unit: 'bytes', description: "Received since it came up (the kernel's counter)" }),
        txTotalBytes: T.Number({ unit: 'bytes', description: 'Sent since it came up' }),
      }),
      { description: 'Each interface, in the order of `interfaces`' },
    ),
    sampleSeconds: T.Number({ unit: 'seconds', description: 'Time between the two samples the rates divide by' }),
  }),
  {
    description:
      'Published once there are two samples, also while the module hides itself under its threshold; nothing on the first collect, after a counter reset or an interface coming or going, or without an interface to count (no default route).',
  },
);
export type NetworkData = DataOf<typeof data>;
/** One interface's traffic. */
export type InterfaceTraffic = NetworkData['perInterface'][number];

/** Private to this module. Cumulative [rx bytes, tx bytes] per interface and when they were read. */
export interface NetworkMemo {
  at: number;
  bytes: Record<string, [number, number]>;
}

/** Bits are conventionally counted in powers of 1000: 9.6Mb/s. */
function formatBits(bytesPerSecond: number): string {
  let v = bytesPerSecond * 8;
  const units = ['b', 'kb', 'Mb', 'Gb', 'Tb'];
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 || v >= 100 ? 0 : 1).replace(/\.0$/, '')}${units[u]}/s`;
}

function isMemo(m: unknown): m is NetworkMemo {
  return typeof m === 'object' && m !== null && typeof (m as NetworkMemo).at === 'number' && typeof (m as NetworkMemo).bytes === 'object';
}

export default defineModule<NetworkOptions, NetworkData, NetworkMemo>({
  id: 'network',
  description: 'network receive/transmit rates (hidden when quiet)',
  options,
  data,
  interval: 3,
  priority: 55,
  collect(ctx, prev) {
    const o = ctx.options;
    const counters = readNetDev(ctx.procRoot);
    if (counters === null) throw new Error(`cannot read ${join(ctx.procRoot, 'net/dev')}`);
    const wanted = o.interfaces.length > 0 ? o.interfaces : defaultRouteInterfaces(ctx.procRoot);
    const present = wanted.filter((n) => counters.has(n));
    const memo: NetworkMemo = {
      at: ctx.now(),
      bytes: Object.fromEntries(present.map((n) => [n, [counters.get(n)!.rxBytes, counters.get(n)!.txBytes]])),
    };
    if (wanted.length === 0) return { reading: null, memo };

    const elapsed = isMemo(prev) ? (memo.at - prev.at) / 1000 : 0;
    const deltas = present.map((n) => {
      const before = isMemo(prev) ? prev.bytes[n] : undefined;
      return before ? [memo.bytes[n][0] - before[0], memo.bytes[n][1] - before[1]] : null;
    });
    const sameSet = isMemo(prev) && present.length === wanted.length && Object.keys(prev.bytes).length === present.length;
    if (elapsed <= 0 || !sameSet || deltas.some((d) => d === null || d[0] < 0 || d[1] < 0)) {
      const gone = wanted.filter((n) => !counters.has(n));
      const detail = gone.length > 0 ? [{ label: 'Missing', value: gone.join(', ') }] : undefined;
      return { reading: { text: 'rx -- tx --', state: 'idle', icon: 'network', pending: true, detail }, memo };
    }

    const rx = deltas.reduce((s, d) => s + d![0], 0) / elapsed;
    const tx = deltas.reduce((s, d) => s + d![1], 0) / elapsed;
    const perInterface = present.map((name, i) => ({
      name,
      rx: deltas[i]![0] / elapsed,
      tx: deltas[i]![1] / elapsed,
      rxTotalBytes: memo.bytes[name][0],
      txTotalBytes: memo.bytes[name][1],
    }));
    const data: NetworkData = {
      rx,
      tx,
      interfaces: present,
      rxTotalBytes: perInterface.reduce((s, i) => s + i.rxTotalBytes, 0),
      txTotalBytes: perInterface.reduce((s, i) => s + i.txTotalBytes, 0),
      perInterface,
      sampleSeconds: elapsed,
    };
    // Quiet: nothing on the line, but the measurement is still published.
    if (rx < o.threshold && tx < o.threshold) return { reading: null, data, memo };

    const fmt = o.units === 'bits' ? formatBits : formatRate;
    const parts: string[] = [];
    if (rx >= o.threshold) parts.push(`rx ${fmt(rx)}`);
    if (tx >= o.threshold) parts.push(`tx ${fmt(tx)}`);
    const detail: DetailLine[] = perInterface.map((i) => ({ label: i.name, value: `rx ${fmt(i.rx)}, tx ${fmt(i.tx)}` }));
    detail.push({ label: 'Sampled over', value: `${elapsed.toFixed(1)} s` });
    return { reading: { text: parts.join(' '), state: 'info', icon: 'network', detail }, data, memo };
  },
});
