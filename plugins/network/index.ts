/**
 * network — receive and transmit rates since the previous reading, from <procRoot>/net/dev (on
 * Linux; elsewhere the interface's counters through src/platform: docs/platforms.md).
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
import { type Collected, defineModule, type ModuleContext } from '../../src/core/contract.js';
import { type CounterMemo, counterRates } from '../../src/core/counter-rates.js';
import { formatRate } from '../../src/core/units.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import type { DataOf } from '../../src/core/data.js';
import { hostFor } from '../../src/platform/backend.js';
import type { InterfaceBytes } from '../../src/platform/types.js';

const options = declareOptions({
  interfaces: T.Array(T.String({ minLength: 1 }), { default: [], description: 'interfaces to sum ("eth0", "wlan0"); empty = the default route\'s' }),
  threshold: T.Number({ minimum: 0, default: 1024, description: 'bytes/s under which a direction is not shown' }),
  units: T.Enum(['bytes', 'bits'], { default: 'bytes', description: 'bytes shows "1.2M/s" (binary); bits shows "9.6Mb/s" (SI); the data stays in bytes' }),
});
export type NetworkOptions = OptionsOf<typeof options>;

/**
 * What the network module publishes, also while it hides under its threshold (docs/modules.md):
 * receive and transmit rates and byte totals, summed and per interface, declared, measured and
 * shown as diskio's are (src/core/counter-rates.ts).
 */
const traffic = counterRates('network', {
  counters: { rx: { done: 'Received', short: 'rx' }, tx: { done: 'Sent', short: 'tx' } },
  items: { key: 'interfaces', rows: 'perInterface', one: 'interface', name: 'Interface name (`eth0`, `wlan0`)' },
  listed: "The interfaces summed: the `interfaces` option's in its order, or the default route's",
  counts: { unit: 'bytes', bytes: 1, since: 'it came up', sinceEach: 'each interface came up', source: "the kernel's counter" },
  alsoNothing: 'without an interface to count (no default route)',
});
export type NetworkData = DataOf<typeof traffic.data>;
/** Private to this module: each interface's cumulative [rx bytes, tx bytes] and when they were read. */
export type NetworkMemo = CounterMemo<'bytes'>;

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

export default defineModule<NetworkOptions, NetworkData, NetworkMemo>({
  id: 'network',
  description: 'network receive/transmit rates (hidden when quiet)',
  options,
  data: traffic.data,
  metrics: traffic.metrics('device', {
    rx: { name: 'shoji_network_receive_bytes_total' },
    tx: { name: 'shoji_network_transmit_bytes_total' },
  }),
  interval: 3,
  priority: 55,
  collect(ctx, prev) {
    const host = hostFor(ctx);
    const o = ctx.options;
    const wanted = o.interfaces.length > 0 ? o.interfaces : host.defaultInterfaces(ctx);
    if (wanted instanceof Promise) return wanted.then(async (w) => measure(ctx, prev, w, await host.interfaceBytes(ctx, w)));
    const counters = host.interfaceBytes(ctx, wanted);
    return counters instanceof Promise ? counters.then((c) => measure(ctx, prev, wanted, c)) : measure(ctx, prev, wanted, counters);
  },
});

/** The rates of the `wanted` interfaces between the previous collect's counters and these. */
function measure(
  ctx: ModuleContext<NetworkOptions>,
  prev: NetworkMemo | undefined,
  wanted: readonly string[],
  counters: Map<string, InterfaceBytes> | null,
): Collected<NetworkData, NetworkMemo> {
  const o = ctx.options;
  if (counters === null) throw new Error(`cannot read ${join(ctx.procRoot, 'net/dev')}`);
  const present = wanted.filter((n) => counters.has(n));
  const memo: NetworkMemo = {
    at: ctx.now(),
    bytes: Object.fromEntries(present.map((n) => [n, [counters.get(n)!.rxBytes, counters.get(n)!.txBytes]])),
  };
  if (wanted.length === 0) return { reading: null, memo };

  // A named interface that is gone leaves the set incomplete: pending, saying which.
  const data = present.length === wanted.length ? traffic.between(present, prev, memo) : null;
  if (data === null) {
    const gone = wanted.filter((n) => !counters.has(n));
    return { reading: traffic.pending(gone.length > 0 ? [{ label: 'Missing', value: gone.join(', ') }] : undefined), memo };
  }
  // Quiet (reading null): nothing on the line, but the measurement is still published.
  return { reading: traffic.reading(data, o.threshold, o.units === 'bits' ? formatBits : formatRate), data, memo };
}
