/**
 * `ec2-cost` (also `shoji ec2-cost`): what this machine has cost on EC2 since boot, or would
 * cost there. This file only declares the options; the work is in src/ec2/run.ts, loaded on
 * demand so that nothing of it weighs on other commands.
 *
 * Exit codes: 0 done; 1 a host file or price file could not be read (one line on stderr);
 * 2 bad input (one line on stderr). run() reports its own errors and does not throw them.
 */
import type { CommandSpec } from './spec.js';

export const ec2CostCommand: CommandSpec = {
  command: 'ec2-cost',
  describe: 'Estimate what this machine has cost on Amazon EC2 since boot (or would cost there)',
  options: {
    detail: {
      type: 'boolean',
      default: false,
      describe: 'Full report: every line item with quantity @ rate = cost, the price source and date, the assumptions',
    },
    json: { type: 'boolean', default: false, describe: 'The estimate as JSON' },
    'instance-type': { type: 'string', describe: 'Price as this instance type (default: this instance, or the cheapest types that fit this host off EC2)' },
    region: { type: 'string', describe: "Price in this region (default: this instance's, else us-east-1); with --refresh-prices, the region to refresh" },
    // Numbers are declared as strings: src/ec2/inputs.ts reads every one with the same strict
    // parser (Number() would take "0x1" and "1e400").
    uptime: { type: 'string', describe: 'Seconds since boot (default: /proc/uptime)' },
    'tx-bytes': { type: 'string', describe: 'Bytes sent since boot, or with KiB/MiB/GiB/TiB (default: the default-route interfaces in /proc/net/dev)' },
    'rx-bytes': { type: 'string', describe: 'Bytes received since boot, as --tx-bytes (inbound is free; shown for completeness)' },
    interfaces: { type: 'string', describe: 'Comma-separated interfaces to count (default: those carrying the default route)' },
    'free-tier': {
      type: 'boolean',
      default: false,
      describe: 'Apply the account-wide 100 GB monthly free egress allowance to this host (--no-free-tier: do not, the default)',
    },
    'public-ipv4': { type: 'boolean', describe: 'Count a public IPv4 address at $0.005/h (default: on EC2, whether it has one; else no)' },
    'ebs-gb': { type: 'string', describe: 'Size in GB of the EBS volumes to count (default: none)' },
    'ebs-type': { type: 'string', default: 'gp3', choices: ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'], describe: 'EBS volume type for --ebs-gb' },
    'spot-price': { type: 'string', describe: 'Spot price in USD per hour, used instead of the on-demand price' },
    vcpus: { type: 'string', describe: "Off EC2: fit this many vCPUs instead of this host's" },
    'memory-gib': { type: 'string', describe: "Off EC2: fit this much memory (GiB) instead of this host's" },
    arch: {
      type: 'string',
      choices: ['x86_64', 'arm64', 'any'],
      describe: "Off EC2, and with --fit: the architecture to fit (default: this host's; with --fit the other is shown beside it)",
    },
    fit: {
      type: 'boolean',
      describe:
        'Right-sizing: the cheapest current types that would have carried what this host used (p95 CPU, peak memory) over --window, with --headroom; also --json',
    },
    window: {
      type: 'string',
      describe:
        'With --fit and --detail (and --json beside here versus EC2): the usage to size to, the last 7d, 30d, 12w... or "all"; at least 2d (default: 14d)',
    },
    headroom: {
      type: 'string',
      describe: 'With --fit and --detail (and --json beside here versus EC2): percent added to what was used, 0 to 300 (default: 20)',
    },
    'here-watts': { type: 'string', describe: "Here versus EC2: this host's average draw in watts (instead of what shoji measured or the config says)" },
    'kwh-price': { type: 'string', describe: 'Here versus EC2: what a kWh costs here, USD' },
    'hardware-usd': { type: 'string', describe: "Here versus EC2: the host's purchase price, USD, spread over --hardware-months" },
    'hardware-months': { type: 'string', describe: 'Here versus EC2: months to spread the hardware price over' },
    'bandwidth-usd-month': { type: 'string', describe: 'Here versus EC2: a monthly bandwidth or hosting bill, USD' },
    month: {
      type: 'string',
      optionalValue: true,
      describe:
        'The UTC calendar month to date as the bill counts it (YYYY-MM; no value: this month), from what shoji recorded across boots; with --detail or --json',
    },
    now: { type: 'string', describe: 'What-if clock for --month and --fit: an ISO-8601 time with its zone (2026-11-15T12:00:00Z)' },
    'refresh-prices': {
      type: 'string',
      optionalValue: true,
      describe:
        'Refresh instance prices: with no value (or "download"), download this instance\'s region\'s (or --region\'s) from the public AWS Price List; or read an offer file you downloaded (index.json or index.csv); or ask the Price List Query API with "api"',
    },
  },
  async run(args) {
    const { runEc2Cost } = await import('../ec2/run.js');
    return runEc2Cost(args, undefined, { loadConfig: loadEc2CostConfig });
  },
};

/**
 * The config validated in full, for the here figures when the status line's validated copy is not
 * current (src/ec2/here-inputs.ts): loading the app is the one way to know every module's options.
 */
async function loadEc2CostConfig(env: NodeJS.ProcessEnv) {
  const { loadApp } = await import('../app/app.js');
  const app = await loadApp(env);
  return {
    ec2Cost: app.config.modules['ec2-cost'] as Record<string, unknown> | undefined,
    problems: app.configError ? app.configError.problems : null,
  };
}
