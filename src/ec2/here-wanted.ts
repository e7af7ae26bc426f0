/**
 * Whether a run needs the here-versus-EC2 comparison (here-run.ts, a lazy bundle of its own),
 * decided without loading it: a --here-* flag was given, or a report that shows it was asked for
 * and the config mentions `here:`. Costs one small read (of a config file most hosts lack), so
 * `ec2-cost --detail` and `--json` start as fast as before when nothing about here is set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from '../core/paths.js';

/** The what-if flags of the comparison. */
export const HERE_FLAGS = ['here-watts', 'kwh-price', 'hardware-usd', 'hardware-months', 'bandwidth-usd-month'] as const;

export function hereFlagsGiven(args: Readonly<Record<string, unknown>>): string[] {
  return HERE_FLAGS.filter((f) => args[f] !== undefined);
}

/** A key named `here` anywhere in the config's text (plain, quoted or in a flow mapping). */
const HERE_KEY = /\bhere['"]?\s*:/;

/** config.yaml's text, if the config folder has one (core/config.ts's configFile, without loading it). */
export function configText(env: NodeJS.ProcessEnv): string | null {
  try {
    return readFileSync(join(configDir(env), 'config.yaml'), 'utf8');
  } catch {
    return null;
  }
}

export function configMentionsHere(text: string | null): boolean {
  return text !== null && HERE_KEY.test(text);
}

export function hereWanted(args: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): boolean {
  if (hereFlagsGiven(args).length > 0) return true;
  return (args.detail === true || args.json === true) && args.month === undefined && configMentionsHere(configText(env));
}
