/**
 * Whether the terminal's locale can show more than ASCII. Under LANG=C (cron mail, a minimal
 * container, `ssh -o SendEnv` left out) a UTF-8 byte sequence shows as `?` or mojibake, so
 * everything shoji prints goes through `forLocale` and comes out ASCII there.
 */

/** The effective character-type locale, as setlocale(3) picks it: LC_ALL, LC_CTYPE, LANG. */
export function ctypeLocale(env: NodeJS.ProcessEnv = process.env): string {
  return env.LC_ALL || env.LC_CTYPE || env.LANG || '';
}

export function isUtf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  return /utf-?8/i.test(ctypeLocale(env));
}

/** ASCII stand-ins for the characters shoji's own text uses; anything else becomes '?'. */
const ASCII_FOR: Record<string, string> = {
  '\u00b7': '-', // middle dot between parts of a line
  '\u2022': '*',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '--',
  '\u2026': '...',
  '\u00d7': 'x',
  '\u2248': '~',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2192': '->',
  '\u2190': '<-',
  '\u00b0': ' deg',
  '\u00a0': ' ',
  '\u00b5': 'u',
  '\u2191': '^',
  '\u2193': 'v',
};

export function toAscii(text: string): string {
  return text.replace(/[^\u0000-\u007f]/gu, (c) => ASCII_FOR[c] ?? '?');
}

/** The text as it may be printed under this locale: unchanged on UTF-8, ASCII otherwise. */
export function forLocale(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return isUtf8Locale(env) ? text : toAscii(text);
}
