/**
 * `shoji fleet`'s work (src/cli/fleet.ts declares its options): the options resolved from the
 * config and the flags, one refresh of the fleet, the table or the JSON.
 */
import { resolve } from 'node:path';
import { loadApp } from '../app/app.js';
import type { State } from '../core/contract.js';
import { isUtf8Locale } from '../core/locale.js';
import { styleOf } from '../core/theme.js';
import { MATCH_KEY } from '../fleet/model.js';
import { isPrometheusError, prometheusClient } from '../fleet/prometheus.js';
import { parseSelector, SelectorError } from '../fleet/queries.js';
import { configDir } from '../core/paths.js';
import { DEFAULT_PROMETHEUS_URL, type FleetOptions, fleetOptions, targetOf } from '../fleet/options.js';
import { readFleet } from '../fleet/read.js';
import { fleetTable } from '../fleet/table.js';
import { ansiStyler } from '../render/ansi.js';
import { colourLevel } from '../render/colour-level.js';
import { escapeControl } from '../render/sanitize.js';
import { jsonForLocale } from './output.js';
import { type ParsedArgs, UsageError } from './spec.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function runFleet(args: ParsedArgs): Promise<number> {
  if (args['recording-rules']) return printRecordingRules(args);
  const env = process.env;
  const app = await loadApp(env);
  const configured = (app.modules.all.get('fleet')?.options ?? fleetOptions.defaults) as FleetOptions;
  const url = str(args.prometheus) ?? configured.prometheus ?? DEFAULT_PROMETHEUS_URL;
  // The config's credentials are for the config's Prometheus: a URL given here gets only those given here.
  const own = str(args.prometheus) === undefined || url === configured.prometheus;
  const flagged = str(args['bearer-token-file']) ?? str(args.username) ?? str(args['password-file']);
  const credentials = flagged !== undefined || !own ? {} : configured;
  const target = {
    ...targetOf(url, credentials, configDir(env)),
    ...(flagged !== undefined
      ? {
          bearerTokenFile: str(args['bearer-token-file']) && resolve(str(args['bearer-token-file'])!),
          username: str(args.username),
          passwordFile: str(args['password-file']) && resolve(str(args['password-file'])!),
        }
      : {}),
  };
  const match = str(args.match) ?? configured.match;
  const matchName = str(args.match) !== undefined ? '--match' : MATCH_KEY;
  const timeout = Number(args.timeout);
  if (!(timeout > 0 && timeout <= 600)) throw new UsageError(`--timeout must be more than 0 and at most 600 seconds (got ${args.timeout})`);
  if (str(args['bearer-token-file']) !== undefined && str(args.username) !== undefined) {
    throw new UsageError('--bearer-token-file and --username: give one way to sign in to Prometheus, not both');
  }
  // A bad URL, selector or credential is a usage error (exit 2); whatever Prometheus does is exit 1.
  try {
    prometheusClient(target, { env });
    if (match) parseSelector(match, matchName);
  } catch (err) {
    if (isPrometheusError(err) || err instanceof SelectorError) throw new UsageError(err.message);
    throw err;
  }
  try {
    const snapshot = await readFleet({
      target,
      match,
      matchName,
      thresholds: { info: configured.info, warning: configured.warning, critical: configured.critical },
      timeoutMs: timeout * 1000,
      env,
    });
    if (args.json) process.stdout.write(`${jsonForLocale(snapshot, env)}\n`);
    else {
      const level = process.stdout.isTTY ? colourLevel(env) : 0;
      const paint = level > 0 ? (state: State, text: string) => ansiStyler(styleOf(app.theme, state), {}, level)(text) : undefined;
      process.stdout.write(fleetTable(snapshot, { ascii: !isUtf8Locale(env), paint }));
    }
    return 0;
  } catch (err) {
    if (!isPrometheusError(err)) throw err;
    // The prefix every shoji error has (src/main.ts), usage errors included.
    process.stderr.write(`shoji: ${escapeControl(err.message)}\n`);
    return 1;
  }
}

/** The rules file, for every target Prometheus has: a selector would only narrow what is read, not what is recorded. */
async function printRecordingRules(args: ParsedArgs): Promise<number> {
  if (str(args.match) !== undefined) throw new UsageError('--recording-rules: the rules cover every target; --match narrows only what shoji fleet reads');
  const { recordingRulesYaml } = await import('../fleet/rules.js');
  process.stdout.write(await recordingRulesYaml());
  return 0;
}
