/**
 * The fleet module's options (plugins/fleet), declared here because `shoji fleet` reads the same
 * ones (through src/app's resolved modules): the Prometheus URL, how to sign in, which targets
 * make the fleet, and the thresholds. One declaration for both.
 */
import { isAbsolute, join } from 'node:path';
import * as T from 'typebox';
import { declareOptions, type OptionsOf } from '../core/options.js';
import { thresholdOptions } from '../core/thresholds.js';
import { DEFAULT_FLEET_THRESHOLDS, type PrometheusTarget } from './model.js';

/** Where `shoji fleet` looks when neither --prometheus nor the config names a Prometheus: Prometheus's own default. */
export const DEFAULT_PROMETHEUS_URL = 'http://localhost:9090';

/** What the `prometheus` option must start with. */
export const PROMETHEUS_URL_PATTERN = '^https?://';

export const fleetOptions = declareOptions({
  prometheus: T.Optional(
    T.String({
      minLength: 1,
      // Without a scheme (`localhost:9090`) a URL parses as something else: config check names the key.
      pattern: PROMETHEUS_URL_PATTERN,
      description:
        "the Prometheus server's base URL (http or https, a path prefix kept); until it is set the module is off (not available) and the dashboard's fleet page says how to set it",
    }),
  ),
  bearer_token_file: T.Optional(
    T.String({ minLength: 1, description: 'file holding a bearer token for Prometheus (relative: to the config folder); else SHOJI_PROMETHEUS_TOKEN' }),
  ),
  username: T.Optional(
    T.String({ minLength: 1, description: 'basic-auth user for Prometheus; the password from password_file, else SHOJI_PROMETHEUS_PASSWORD' }),
  ),
  password_file: T.Optional(T.String({ minLength: 1, description: "file holding the basic-auth user's password (relative: to the config folder)" })),
  match: T.Optional(
    T.String({ minLength: 1, description: 'label matchers narrowing the fleet, e.g. {job=~"node|shoji",env="prod"}; host="web-3" matches its instances' }),
  ),
  ...thresholdOptions({ of: "a host's highest CPU, memory or fullest-disk %", ...DEFAULT_FLEET_THRESHOLDS }),
});

export type FleetOptions = OptionsOf<typeof fleetOptions>;

/** A credential file's path: relative ones are read from the config folder, as the config names them. */
function underConfig(file: string | undefined, configDir: string): string | undefined {
  return file === undefined || isAbsolute(file) ? file : join(configDir, file);
}

/** Where Prometheus is and how to sign in, from the options and the URL to ask. */
export function targetOf(url: string, o: Pick<FleetOptions, 'bearer_token_file' | 'username' | 'password_file'>, configDir: string): PrometheusTarget {
  return {
    url,
    bearerTokenFile: underConfig(o.bearer_token_file, configDir),
    username: o.username,
    passwordFile: underConfig(o.password_file, configDir),
  };
}
