/**
 * Themes are data files (themes/*.json, or the user's $XDG_CONFIG_HOME/shoji/themes/*.json)
 * that map semantic states to colours and attributes. Icon sets (themes/icons/*.json) map icon
 * keys to glyphs. NO_COLOR (any non-empty value) swaps any theme for the monochrome one.
 *
 * A theme is checked whole when it is loaded, so that nothing a renderer does with it can fail
 * later (a frozen status line): every key known, every colour one that tmux, screen, ANSI and
 * blessed all understand, every attribute a boolean, the separator short plain text. A problem
 * is reported like a config problem: file, line, column and key. The theme a renderer gets is
 * rebuilt from own properties only, so no value reaches a prototype lookup (a state written
 * as "red" instead of an object once drew bold italic through String.prototype.bold).
 * Colours are parsed here, once (core/colour.ts): a theme holds them parsed, and
 * render/palette.ts maps them to each back end.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Colour, readColour } from './colour.js';
import { ConfigError, type ConfigProblem, type IconSetName } from './config-schema.js';
import type { State } from './contract.js';
import { lineColumn, pathKey, scanJson } from './json-scan.js';
import { isUtf8Locale } from './locale.js';
import { packageRoot } from './package-root.js';
import { escapeControl, shownValue as shown } from '../render/sanitize.js';

/** A state's look: colours parsed when the theme loaded (core/colour.ts), and attributes. */
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

export const DRAW_STATES: readonly DrawState[] = ['idle', 'info', 'good', 'warning', 'critical', 'failed'];

const STYLE_FLAGS = ['bold', 'italics', 'underscore', 'reverse'] as const;
const STYLE_KEYS = ['fg', 'bg', ...STYLE_FLAGS];
const THEME_KEYS = ['name', 'description', 'base', 'separator', 'states'];
/** A separator sits between every two segments: a few characters, not a paragraph. */
export const MAX_SEPARATOR_CHARS = 8;
const MAX_NAME_CHARS = 64;
const MAX_DESCRIPTION_CHARS = 500;
/** A theme is a page of JSON; a larger file is refused unread. */
const MAX_THEME_BYTES = 64 * 1024;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function builtinThemesDir(): string {
  return join(packageRoot(), 'themes');
}

/** Names of the themes shipped with shoji. */
export const BUILTIN_THEMES = ['default', 'monochrome', 'solarized', 'byobu', 'basic16'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why a value is not a usable separator, or null. */
function separatorProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `must be text, e.g. " " or " | " (got ${shown(value)})`;
  if (CONTROL.test(value)) return `must not hold control characters (got ${shown(value)})`;
  if ([...value].length > MAX_SEPARATOR_CHARS) return `must be at most ${MAX_SEPARATOR_CHARS} characters (got ${shown(value)})`;
  return null;
}

function textProblem(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return `must be text (got ${shown(value)})`;
  if (CONTROL.test(value)) return `must not hold control characters (got ${shown(value)})`;
  if (value.length > max) return `must be at most ${max} characters`;
  return null;
}

/** A problem found in a parsed theme: where (path), whether at the key or its value, and why. */
interface Found {
  path: (string | number)[];
  atKey?: boolean;
  message: string;
}

/** A style rebuilt from its own, checked properties only. */
function checkStyle(raw: unknown, path: string[], found: Found[]): Style {
  const style: Style = {};
  if (!isObject(raw)) {
    found.push({ path, message: `must be an object like {"fg": "red", "bold": true} (got ${shown(raw)})` });
    return style;
  }
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (!STYLE_KEYS.includes(key)) {
      found.push({ path: [...path, key], atKey: true, message: `unknown key (known: ${STYLE_KEYS.join(', ')})` });
    } else if (key === 'fg' || key === 'bg') {
      const read = readColour(value);
      if ('problem' in read) found.push({ path: [...path, key], message: read.problem });
      else style[key] = read.colour;
    } else if (typeof value !== 'boolean') {
      found.push({ path: [...path, key], message: `must be true or false (got ${shown(value)})` });
    } else {
      style[key as (typeof STYLE_FLAGS)[number]] = value;
    }
  }
  return style;
}

/** Check a parsed theme; returns it rebuilt from checked values, and every problem found. */
function checkTheme(raw: unknown): { theme?: Theme; found: Found[] } {
  const found: Found[] = [];
  if (!isObject(raw)) return { found: [{ path: [], message: 'a theme must be a JSON object {"name": ..., "states": {...}}' }] };
  for (const key of Object.keys(raw)) {
    if (!THEME_KEYS.includes(key)) found.push({ path: [key], atKey: true, message: `unknown key (known: ${THEME_KEYS.join(', ')})` });
  }
  const has = (key: string) => Object.hasOwn(raw, key);
  const problemAt = (key: string, why: string | null) => {
    if (why) found.push({ path: [key], message: why });
  };
  if (!has('name')) found.push({ path: [], message: 'missing "name"' });
  else problemAt('name', textProblem(raw.name, MAX_NAME_CHARS));
  if (has('description')) problemAt('description', textProblem(raw.description, MAX_DESCRIPTION_CHARS));
  if (has('separator')) problemAt('separator', separatorProblem(raw.separator));
  const base = has('base') ? checkStyle(raw.base, ['base'], found) : {};
  const given: Partial<Record<DrawState, Style>> = {};
  if (!has('states')) found.push({ path: [], message: 'missing "states"' });
  else if (!isObject(raw.states)) found.push({ path: ['states'], message: `must be an object of states (got ${shown(raw.states)})` });
  else {
    for (const key of Object.keys(raw.states)) {
      if (!DRAW_STATES.includes(key as DrawState)) {
        found.push({ path: ['states', key], atKey: true, message: `unknown state (known: ${DRAW_STATES.join(', ')})` });
      } else {
        given[key as DrawState] = checkStyle(raw.states[key], ['states', key], found);
      }
    }
  }
  if (found.length > 0) return { found };
  const states = {} as Record<DrawState, Style>;
  for (const s of DRAW_STATES) states[s] = given[s] ?? given.idle ?? {};
  const theme: Theme = {
    name: raw.name as string,
    base,
    separator: has('separator') ? (raw.separator as string) : ' ',
    states,
  };
  if (has('description')) theme.description = raw.description as string;
  return { theme, found };
}

/** Problems located in the file's text: line, column and key, as config problems are. */
function locate(found: Found[], text: string, file: string): ConfigProblem[] {
  const scan = scanJson(text);
  return found.map((f) => {
    const at = f.atKey ? scan.keyAt.get(pathKey(f.path)) : (scan.valueAt.get(pathKey(f.path)) ?? scan.keyAt.get(pathKey(f.path)));
    const pos = at !== undefined ? lineColumn(text, at) : {};
    const key = f.path.length > 0 ? escapeControl(f.path.join('.')) : undefined;
    return { file, ...pos, key, message: f.message };
  });
}

/**
 * Check a theme file's text; returns the theme, or throws ConfigError with every problem at
 * its line and column.
 */
export function parseThemeText(text: string, file: string): Theme {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const error = scanJson(text).error;
    const message = `not valid JSON: ${error?.message ?? (err as Error).message}`;
    throw new ConfigError([{ file, ...(error ? lineColumn(text, error.offset) : {}), message: escapeControl(message) }]);
  }
  const { theme, found } = checkTheme(raw);
  if (!theme) throw new ConfigError(locate(found, text, file));
  return theme;
}

/** The style a segment in `state` is drawn in: an own property only, else the 'failed' style. */
export function styleOf(theme: Theme, state: string): Style {
  return (Object.hasOwn(theme.states, state) ? theme.states[state as DrawState] : undefined) ?? theme.states.failed ?? {};
}

function readThemeFile(dirs: string[], wanted: string): Theme | undefined {
  for (const dir of dirs) {
    const file = join(dir, `${wanted}.json`);
    let text: string;
    try {
      // No exception for the usual case of no such file (see core/read.ts).
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st) continue;
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_THEME_BYTES) throw new Error(`the file is ${st.size} bytes; a theme may be at most ${MAX_THEME_BYTES}`);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ConfigError([{ file, message: escapeControl((err as Error).message) }]);
    }
    return parseThemeText(text, file);
  }
  return undefined;
}

/**
 * Load a theme by name: the user's themes folder first (so a user can shadow a built-in
 * theme), then shoji's. NO_COLOR forces monochrome. Throws (a ConfigError for a bad file).
 */
export function loadTheme(name: string, userConfigDir: string, env: NodeJS.ProcessEnv = process.env): Theme {
  const wanted = env.NO_COLOR ? 'monochrome' : name;
  if (!/^[A-Za-z0-9_.-]+$/.test(wanted)) throw new Error(`theme name ${shown(wanted)} is not a plain file name`);
  const theme = readThemeFile([join(userConfigDir, 'themes'), builtinThemesDir()], wanted);
  if (theme) return theme;
  throw new Error(`unknown theme "${wanted}" (built-in: ${BUILTIN_THEMES.join(', ')})`);
}

/**
 * The theme to draw with when the configured one is unusable: shoji's own default (or
 * monochrome under NO_COLOR), never a user's file of the same name, which may be the bad one.
 */
export function fallbackTheme(env: NodeJS.ProcessEnv = process.env): Theme {
  const wanted = env.NO_COLOR ? 'monochrome' : 'default';
  const theme = readThemeFile([builtinThemesDir()], wanted);
  if (!theme) throw new Error(`shoji's own theme ${wanted}.json is missing from ${builtinThemesDir()}`);
  return theme;
}

/** 'auto' picks unicode when the locale says UTF-8, else ascii (a safe default over SSH). */
export function resolveIconSetName(name: string, env: NodeJS.ProcessEnv = process.env): IconSetName {
  if (name !== 'auto') return name as IconSetName;
  return isUtf8Locale(env) ? 'unicode' : 'ascii';
}

export function loadIconSet(name: string, env: NodeJS.ProcessEnv = process.env): IconSet {
  const resolved = resolveIconSetName(name, env);
  const file = join(builtinThemesDir(), 'icons', `${resolved}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as IconSet;
}
