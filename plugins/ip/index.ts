/**
 * ip — the address this machine is reached at: the default-route interface's.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "192.0.2.2" (state idle); hidden when the interface has no address of that family
 * or there is no default route (offline). Link-local IPv6 addresses (fe80::/10) never count;
 * global ones come before unique-local ones (fc00::/7).
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import { defaultRouteInterfaces } from '../../src/core/net.js';
import { readText } from '../../src/core/read.js';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { NO_METRICS } from '../../src/core/metrics.js';

const options = declareOptions({
  family: T.Enum([4, 6], { default: 4, description: '4 for IPv4, 6 for IPv6' }),
  interface: T.Optional(T.String({ minLength: 1, description: "show this interface's address instead of the default route's (e.g. wg0)" })),
});
export type IpOptions = OptionsOf<typeof options>;

/** What the ip module publishes. */
const data = declareData(
  () => ({
    address: T.String({ description: 'The address shown' }),
    interface: T.String({ description: 'The interface it belongs to' }),
    family: T.Union([T.Literal(4), T.Literal(6)], { description: 'IPv4 or IPv6' }),
    addresses: T.Array(T.String(), { description: 'Every usable address of that family on the interface, best first' }),
  }),
  { description: 'Published whenever an address is shown; nothing when offline.' },
);
export type IpData = DataOf<typeof data>;

/** Usable addresses of one family, in the order the kernel lists them. */
export function usableAddresses(infos: NetworkInterfaceInfo[] | undefined, family: 4 | 6): string[] {
  const want = family === 4 ? 'IPv4' : 'IPv6';
  const found = (infos ?? []).filter((a) => a.family === want && !(family === 6 && /^fe[89ab]/i.test(a.address))).map((a) => a.address);
  // A global IPv6 address says more than a unique-local one (fc00::/7), whatever the kernel's order.
  const local = (address: string) => (family === 6 && /^f[cd]/i.test(address) ? 1 : 0);
  return found.sort((a, b) => local(a) - local(b));
}

/**
 * Interfaces to try, best first. When the route tables cannot be read at all (some
 * sandboxes deny /proc/net), any non-loopback interface is better than nothing; when they
 * can be read and hold no default route, the machine is offline and nothing is shown.
 */
function candidates(ctx: { procRoot: string; options: IpOptions }, all: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  if (ctx.options.interface) return [ctx.options.interface];
  const routes = defaultRouteInterfaces(ctx.procRoot);
  if (routes.length > 0) return routes;
  const readable = readText(join(ctx.procRoot, 'net/route')) !== null || readText(join(ctx.procRoot, 'net/ipv6_route')) !== null;
  if (readable) return [];
  return Object.keys(all).filter((name) => !(all[name] ?? []).every((a) => a.internal));
}

export default defineModule<IpOptions, IpData>({
  id: 'ip',
  description: "the default-route interface's IP address",
  options,
  data,
  // Nothing for Prometheus: an address is not a measurement.
  metrics: NO_METRICS,
  interval: 60,
  priority: 35,
  collect(ctx) {
    const family = ctx.options.family;
    const all = networkInterfaces();
    for (const name of candidates(ctx, all)) {
      const addresses = usableAddresses(all[name], family);
      if (addresses.length === 0) continue;
      const address = addresses[0];
      return {
        reading: {
          text: address,
          state: 'idle',
          icon: 'ip',
          detail: [
            { label: 'Interface', value: name },
            { label: family === 4 ? 'IPv4' : 'IPv6', value: addresses.join(', ') },
          ],
        },
        data: { address, interface: name, family, addresses },
      };
    }
    return { reading: null };
  },
});
