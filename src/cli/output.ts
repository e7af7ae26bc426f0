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

/** JSON text that is ASCII when the locale is not UTF-8: other characters as \u escapes. */
export function jsonForLocale(value: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const text = JSON.stringify(value);
  if (isUtf8Locale(env)) return text;
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
