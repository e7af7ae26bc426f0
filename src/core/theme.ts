/**
 * Themes are data files (themes/*.json, or the user's $XDG_CONFIG_HOME/shoji/themes/*.json)
 * that map semantic states to colours and attributes. Icon sets (themes/icons/*.json) map icon
 * keys to glyphs. NO_COLOR (any non-empty value) swaps any theme for the monochrome one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { State } from './contract.js';
import { packageRoot } from './package-root.js';

/** A colour: a name (red, brightred, default), 'colourN' / a number 0-255, or '#rrggbb'. */
export type Colour = string | number;

export interface Style {
  fg?: Colour;
  bg?: Colour;
  bold?: boolean;
  italics?: boolean;
  underscore?: boolean;
  reverse?: boolean;
}

/** States a segment can be drawn in: the module's, or 'failed' when its collect failed. */
export type DrawState = State | 'failed';

export interface Theme {
  name: string;
  description?: string;
  base: Style;
  separator: string;
  states: Record<DrawState, Style>;
}

export interface IconSet {
  name: string;
  description?: string;
  icons: Record<string, string>;
}

export const ICON_SETS = ['ascii', 'unicode', 'nerd'] as const;
export type IconSetName = (typeof ICON_SETS)[number];

const DRAW_STATES: DrawState[] = ['idle', 'info', 'good', 'warning', 'critical', 'failed'];

export function builtinThemesDir(): string {
  return join(packageRoot(), 'themes');
}

/** Names of the themes shipped with shoji. */
export const BUILTIN_THEMES = ['default', 'monochrome', 'solarized', 'byobu', 'basic16'] as const;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Check a parsed theme file and fill missing states from 'idle'; throws naming the file. */
export function parseTheme(raw: unknown, file: string): Theme {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  if (!raw || typeof raw !== 'object') fail('a theme must be a JSON object');
  const t = raw as Partial<Theme>;
  if (typeof t.name !== 'string') fail('missing "name"');
  if (!t.states || typeof t.states !== 'object') fail('missing "states"');
  const states = {} as Record<DrawState, Style>;
  for (const s of DRAW_STATES) states[s] = (t.states as Record<string, Style>)[s] ?? t.states!.idle ?? {};
  for (const key of Object.keys(t.states!)) {
    if (!DRAW_STATES.includes(key as DrawState)) fail(`unknown state "${key}" (known: ${DRAW_STATES.join(', ')})`);
  }
  return { name: t.name!, description: t.description, base: t.base ?? {}, separator: t.separator ?? ' ', states };
}

/**
 * Load a theme by name: the user's themes folder first (so a user can shadow a built-in
 * theme), then shoji's. NO_COLOR forces monochrome.
 */
export function loadTheme(name: string, userConfigDir: string, env: NodeJS.ProcessEnv = process.env): Theme {
  const wanted = env.NO_COLOR ? 'monochrome' : name;
  if (!/^[A-Za-z0-9_.-]+$/.test(wanted)) throw new Error(`theme name "${wanted}" is not a plain file name`);
  for (const dir of [join(userConfigDir, 'themes'), builtinThemesDir()]) {
    const file = join(dir, `${wanted}.json`);
    if (!existsSync(file)) continue; // no exception for the usual case (see core/read.ts)
    let raw: unknown;
    try {
      raw = readJson(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    return parseTheme(raw, file);
  }
  throw new Error(`unknown theme "${wanted}" (built-in: ${BUILTIN_THEMES.join(', ')})`);
}

/** 'auto' picks unicode when the locale says UTF-8, else ascii (a safe default over SSH). */
export function resolveIconSetName(name: string, env: NodeJS.ProcessEnv = process.env): IconSetName {
  if (name !== 'auto') return name as IconSetName;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale) ? 'unicode' : 'ascii';
}

export function loadIconSet(name: string, env: NodeJS.ProcessEnv = process.env): IconSet {
  const resolved = resolveIconSetName(name, env);
  const file = join(builtinThemesDir(), 'icons', `${resolved}.json`);
  return readJson(file) as IconSet;
}
