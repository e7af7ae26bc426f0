/**
 * Display width of text as a terminal (and tmux) shows it: wide East Asian characters and
 * emoji take two cells, combining marks none. East Asian "ambiguous" characters count as one
 * cell, as tmux and most terminals outside CJK locales draw them.
 * Plain ASCII, by far the common case, is measured without loading string-width's tables.
 */
import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  return stringWidth(text, { ambiguousIsNarrow: true, countAnsiEscapeCodes: false });
}

/** Cut text to at most `width` cells, adding an ellipsis when something was cut. */
export function truncateToWidth(text: string, width: number, ellipsis = '…'): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  const room = width - displayWidth(ellipsis);
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > room) break;
    out += ch;
  }
  return out + ellipsis;
}
