/**
 * Display width of text as a terminal (and tmux) shows it: wide East Asian characters and
 * emoji take two cells; combining marks, format characters, zero-width joiners and variation
 * selectors take none. East Asian "ambiguous" characters count as one cell, as tmux and most
 * terminals outside CJK locales draw them.
 *
 * Why not string-width: measured here, importing it costs ~85 ms (an Intl.Segmenter and a
 * \p{RGI_Emoji} regex built at load), more than a whole `node -e 0`, on every `shoji status`.
 * Like tmux itself we measure per code point, with get-east-asian-width's Unicode tables.
 */
import { eastAsianWidth } from 'get-east-asian-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Marks, format characters (incl. ZWJ), variation selectors: drawn on the previous cell.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: matched against one code point at a time, never a sequence.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u{fe00}-\u{fe0f}\u{e0100}-\u{e01ef}]$/u;
const CONTROL = /^[\u0000-\u001f\u007f-\u009f]$/;

/** Width of one code point: 0, 1 or 2 cells. */
export function codePointWidth(ch: string): number {
  if (CONTROL.test(ch) || ZERO_WIDTH.test(ch)) return 0;
  return eastAsianWidth(ch.codePointAt(0)!, { ambiguousAsWide: false });
}

export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += codePointWidth(ch);
  return width;
}
