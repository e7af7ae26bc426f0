/**
 * The interfaces `modules.ec2-cost.interfaces` names, for the `ec2-cost` command's ledger samples:
 * the status module records those (status-reading.ts), so a command run that recorded the default
 * route's instead would mix two sets of interfaces in one boot's record, and the month would count
 * traffic the user left out. Loaded only when config.yaml mentions a key named `interfaces` (the
 * network and wifi modules have one too), so `ec2-cost` starts as fast as before on most hosts.
 *
 * Read from the validated copy the status line keeps (core/config.ts's cache) when it is of this
 * file and this text: ec2-cost is a built-in module, so its options validate the same whichever
 * plugins that copy was validated with. Otherwise through the caller's full loader (src/cli passes
 * one that loads the app). Each name is checked again: the copy is a file like any other.
 */
import { readFileSync } from 'node:fs';
import { cachePath, configFile } from '../../core/config.js';
import type { ConfigLoader } from '../here-inputs.js';
import { MAX_INTERFACES } from './fold.js';
import { validInterfaceName } from './validate.js';

/** The names, or [] when the config names none, cannot be read, or has problems. */
export async function configuredInterfaces(env: NodeJS.ProcessEnv, text: string, load?: ConfigLoader): Promise<string[]> {
  try {
    const cached = validatedCopy(env, text);
    const options = cached !== undefined ? cached : load ? await loaded(env, load) : undefined;
    const names = options?.interfaces;
    if (!Array.isArray(names) || names.length > MAX_INTERFACES) return [];
    return names.every((n) => typeof n === 'string' && validInterfaceName(n)) ? (names as string[]) : [];
  } catch {
    return []; // a broken config: the status line says so; the run counts the default route's
  }
}

type Ec2CostConfig = Record<string, unknown> | null;

/** modules.ec2-cost from the status line's validated copy of this text (null: none set there); undefined when there is no such copy. */
function validatedCopy(env: NodeJS.ProcessEnv, text: string): Ec2CostConfig | undefined {
  let entry: { file?: unknown; text?: unknown; config?: { modules?: Record<string, unknown> } };
  try {
    entry = JSON.parse(readFileSync(cachePath(env), 'utf8'));
  } catch {
    return undefined;
  }
  const modules = entry?.config?.modules;
  if (entry.file !== configFile(env) || entry.text !== text || typeof modules !== 'object' || modules === null) return undefined;
  const own = modules['ec2-cost'];
  return typeof own === 'object' && own !== null ? (own as Record<string, unknown>) : null;
}

async function loaded(env: NodeJS.ProcessEnv, load: ConfigLoader): Promise<Ec2CostConfig> {
  const got = await load(env);
  return got.problems ? null : (got.ec2Cost ?? null);
}
