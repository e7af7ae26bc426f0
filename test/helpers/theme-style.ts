/**
 * Styles and colours written as a theme file writes them, loaded the way shoji loads a theme:
 * renderers take parsed colours only, so tests reach them through the same parse.
 */
import { parseColour } from '../../src/core/colour.js';
import { parseThemeText, type Style } from '../../src/core/theme.js';

/** A style as written in a theme file (`{"fg": "red", "bold": true}`), checked and parsed; throws as loading would. */
export function themeStyle(written: Record<string, unknown>): Style {
  return parseThemeText(JSON.stringify({ name: 'test', states: { idle: written } }), 'test.json').states.idle;
}

/** One colour as written in a theme file, parsed. */
export const colour = parseColour;
