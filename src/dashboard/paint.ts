/**
 * Painting panel lines straight into blessed's cell buffer.
 *
 * Why: blessed turns a tagged content string into SGR escape sequences on every setContent and
 * parses those sequences back into cell attributes on every render. Measured at 160x48 that
 * round trip was the largest part of a frame, and the graphs change every frame. The panels'
 * lines use a handful of tags of our own making (render/blessed.ts), so they are parsed here
 * directly into [attr, char] cells, a line only when it changed, and copied into the box's
 * inner area after blessed has drawn the box (its border, label and blank interior).
 *
 * A blessed attribute is (flags << 18) | (fg << 9) | bg, with 0x1ff for the default colour
 * and flags bold 1, underline 2, inverse 8.
 */
import { codePointWidth } from '../core/width.js';
import { blessedColourNumber } from '../render/palette.js';

/** One row of cells: attributes and characters side by side (two arrays, not a tuple per cell). */
export interface Row {
  attrs: number[];
  chars: string[];
}

const DEFAULT = 0x1ff;

/** A tag's colour word (as render/blessed.ts writes them: a standard name or a number) as blessed's number. */
function colour(word: string): number {
  return blessedColourNumber(word) ?? DEFAULT;
}

/** Width of a character, without the table lookup for the ones the panels draw most. */
function width(ch: string): number {
  const c = ch.charCodeAt(0);
  // ASCII and Latin-1, box drawing, blocks and braille are one cell.
  if ((c >= 0x20 && c < 0x300) || (c >= 0x2500 && c < 0x2900)) return 1;
  return codePointWidth(ch);
}

/**
 * One tagged line as cells; `base` is the box's own attribute (what '{/}' returns to).
 * A wide character (emoji, CJK) takes its cell and an empty one after it, which blessed sends
 * as nothing: the terminal moves two cells for it. On a screen without unicode it is '??'.
 */
export function parseTagged(text: string, base: number, unicode = false): Row {
  const row: Row = { attrs: [], chars: [] };
  let attr = base;
  // Called for every character of every changed line (the graphs' every frame): no array or
  // iterator made per character.
  const put = (s: string) => {
    for (const ch of s) {
      const w = width(ch);
      if (w === 1) {
        row.attrs.push(attr);
        row.chars.push(ch);
      } else if (w === 2) {
        row.attrs.push(attr, attr);
        if (unicode) row.chars.push(ch, '');
        else row.chars.push('?', '?');
      }
    }
  };
  const re = /\{(\/?)([\w\-#]*)\}/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    put(text.slice(last, m.index));
    last = re.lastIndex;
    const [, close, name] = m;
    if (name === 'open') put('{');
    else if (name === 'close') put('}');
    else if (close) attr = base;
    else if (name === 'bold') attr |= 1 << 18;
    else if (name === 'underline') attr |= 2 << 18;
    else if (name === 'inverse') attr |= 8 << 18;
    else if (name.endsWith('-fg')) attr = (attr & ~(0x1ff << 9)) | (colour(name.slice(0, -3)) << 9);
    else if (name.endsWith('-bg')) attr = (attr & ~0x1ff) | colour(name.slice(0, -3));
  }
  put(text.slice(last));
  return row;
}

/** Parsed lines of one panel, re-parsed only where the text changed. */
export class PaintedLines {
  private texts: string[] = [];
  private cells: Row[] = [];
  private base = -1;

  /** `unicode`: the screen draws wide characters (see parseTagged). */
  constructor(private readonly unicode = false) {}

  set(lines: string[], base: number): void {
    if (base !== this.base) {
      this.texts = [];
      this.base = base;
    }
    for (let i = 0; i < lines.length; i++) {
      if (this.texts[i] !== lines[i]) {
        this.texts[i] = lines[i];
        this.cells[i] = parseTagged(lines[i], base, this.unicode);
      }
    }
    this.texts.length = lines.length;
    this.cells.length = lines.length;
  }

  get rows(): readonly Row[] {
    return this.cells;
  }
}

/** blessed's screen buffer: rows of [attr, char] cells. */
interface ScreenLines {
  [y: number]: ([number, string][] & { dirty?: boolean }) | undefined;
}

/** Copy rows of cells into the screen buffer at (left, top), clipped to width x height. */
export function paintCells(lines: ScreenLines, rows: readonly Row[], left: number, top: number, width: number, height: number): void {
  for (let y = 0; y < Math.min(rows.length, height); y++) {
    const line = lines[top + y];
    if (!line) break;
    const row = rows[y];
    for (let x = 0; x < Math.min(row.chars.length, width); x++) {
      const cell = line[left + x];
      if (!cell) break;
      const a = row.attrs[x];
      const ch = row.chars[x];
      if (cell[0] !== a || cell[1] !== ch) {
        cell[0] = a;
        cell[1] = ch;
        line.dirty = true;
      }
    }
  }
}
