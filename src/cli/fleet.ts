/**
 * `shoji fleet`: every host Prometheus scrapes, one row each, worst first, and the total.
 * The URL, credentials, match and thresholds come from the fleet module's options in the config
 * (docs/fleet.md); the flags override them. Secrets are never flags: a bearer token or a password
 * is read from a file or the environment (SHOJI_PROMETHEUS_TOKEN, SHOJI_PROMETHEUS_PASSWORD).
 * The fleet code loads only when this command runs.
 *
 * `--recording-rules` prints the rules file that makes a large fleet quick to read (src/fleet/rules.ts,
 * docs/fleet.md) without asking Prometheus anything.
 *
 * Exit codes: 0 done; 1 Prometheus unreachable or answering with an error (one line naming the
 * URL); 2 bad usage (a selector that is not a label matcher list, a bad URL, credentials that
 * cannot be used).
 */
import type { CommandSpec, ParsedArgs } from './spec.js';

export const fleetCommand: CommandSpec = {
  command: 'fleet',
  describe: 'The fleet from Prometheus: one row per host (up, CPU, memory, load, network, fullest disk, EC2 cost), worst first',
  options: {
    prometheus: { type: 'string', describe: "Prometheus's base URL (default: the fleet module's `prometheus` option, else http://localhost:9090)" },
    json: { type: 'boolean', default: false, describe: 'Print the rows and the total as JSON' },
    match: { type: 'string', describe: 'Label matchers narrowing the fleet: {job="node",env=~"prod.*"}; host="web-3" matches its instances' },
    'bearer-token-file': { type: 'string', describe: 'File holding a bearer token (else SHOJI_PROMETHEUS_TOKEN)' },
    username: { type: 'string', describe: 'Basic-auth user; the password from --password-file, else SHOJI_PROMETHEUS_PASSWORD' },
    'password-file': { type: 'string', describe: "File holding the basic-auth user's password" },
    timeout: { type: 'number', default: 10, describe: 'Seconds to wait for each answer from Prometheus' },
    'recording-rules': {
      type: 'boolean',
      default: false,
      describe: "Print Prometheus recording rules for the fleet's costly figures (a rules file for prometheus.yml's rule_files), and exit",
    },
  },
  async run(args: ParsedArgs) {
    const { runFleet } = await import('./fleet-run.js');
    return runFleet(args);
  },
};
