/**
 * What shoji prints, made fit for the terminal it goes to.
 *
 * Under a locale that is not UTF-8 (LANG=C in cron mail, a minimal container, an SSH session
 * without the client's locale) a UTF-8 sequence shows as `?` or mojibake, so there shoji prints
 * ASCII only: its own typography (’, —, ·) through src/core/locale.ts's stand-ins, anything
 * else as '?'. JSON keeps every character, as a \u escape.
 */
import { isUtf8Locale, toAscii } from '../core/locale.js';

/**
 * Make every string written to process.stdout and process.stderr ASCII when the locale is not
 * UTF-8: help texts, messages and reports alike, whichever code wrote them. Touches the
 * streams (a few ms of start-up) only under such a locale. Output written with fs.writeSync
 * (the status line) goes through `forLocale` itself.
 */
export function asciiOutputUnlessUtf8(env: NodeJS.ProcessEnv = process.env): void {
  if (isUtf8Locale(env)) return;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? toAscii(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}

/**
 * Characters a UTF-8 terminal acts on, which JSON.stringify leaves raw (it escapes C0 only): C1
 * controls (U+009B is CSI), the bidirectional overrides and isolates that reorder what follows,
 * and the line and paragraph separators. Text from outside (Prometheus's labels, a plugin's
 * data) may hold them.
 */
const ACTIVE_IN_UTF8 = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON text that is ASCII when the locale is not UTF-8: other characters as \u escapes. Under
 * any locale the characters a terminal would act on are \u escapes too: still the same JSON.
 */
export function jsonForLocale(value: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const text = JSON.stringify(value).replace(ACTIVE_IN_UTF8, unicodeEscape);
  if (isUtf8Locale(env)) return text;
  return text.replace(/[\u0080-\uffff]/g, unicodeEscape);
}
