/**
 * fleet — every host Prometheus scrapes, in one segment: "12/13 · $4.21/h · web-3 97%".
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 * Setup (exporters, Prometheus, credentials) and the queries it runs: docs/fleet.md.
 *
 * Hosts up of all hosts, the EC2 estimate per hour where hosts publish one, and the worst host
 * with its worst figure (down, or the highest of CPU, memory and fullest disk). Critical when a
 * host is down or over `critical`. One request to Prometheus per refresh (two while a host is
 * down), whatever the size of the fleet, and one every 5 minutes asking which figures Prometheus
 * has recorded (docs/fleet.md), with a timeout under the module's own; collected in the
 * background, so a one-shot `shoji status` never waits on the network. When Prometheus cannot
 * be reached, is slow or answers with an error, the module fails with one line naming the URL
 * (`shoji modules` shows it) rather than showing an old fleet. Not on the default line, and not
 * available until its `prometheus` option is set.
 */
import { defineModule } from '../../src/core/contract.js';
import { type FleetData, fleetData } from '../../src/fleet/data.js';
import { type FleetOptions, fleetOptions } from '../../src/fleet/options.js';
import { NO_METRICS } from '../../src/core/metrics.js';

const TIMEOUT_MS = 4000;

export default defineModule<FleetOptions, FleetData>({
  id: 'fleet',
  description: 'the fleet from Prometheus: hosts up, EC2 cost per hour, the worst host',
  options: fleetOptions,
  data: fleetData,
  // Nothing for Prometheus: these figures come from it, and would come back as its own answers.
  metrics: NO_METRICS,
  interval: 15,
  timeoutMs: TIMEOUT_MS,
  background: true,
  priority: 40,
  icons: { fleet: 'fleet ' },
  // Off until the config names a Prometheus: a guessed localhost:9090 would be a failing module
  // in `shoji modules` for everyone without one.
  available: (ctx) => ctx.options.prometheus !== undefined,
  async collect(ctx) {
    // The client, the queries and the rows load on the first collect only.
    const { collectFleet } = await import('../../src/fleet/status.js');
    return collectFleet(ctx, TIMEOUT_MS);
  },
});
