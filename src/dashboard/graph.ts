/**
 * History graphs and gauges drawn with characters, for plain blessed boxes.
 *
 * - braille: each cell holds 2 samples x 4 levels (U+2800 dots), the densest picture;
 * - block:   1 sample per cell, 8 levels per row (U+2581..U+2588);
 * - ascii:   1 sample per cell, 2 levels per row ('.' and '|'), for the ascii icon set and
 *            terminals without UTF-8.
 * Pure functions of numbers: tested without a terminal.
 *
 * A graph grows up from its bottom edge, or down from its top edge: two directions of one
 * quantity (receive and send, read and write) drawn as one picture about a shared axis, the
 * first above it and the second hanging below, told apart by where they are, not by colour.
 */

export type Charset = 'braille' | 'block' | 'ascii';

/** Braille dot bits by [column][row from the top]. */
const DOTS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];
const BLOCKS = ' ▁▂▃▄▅▆▇█';
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** Samples per cell across, and levels per cell up. */
export function resolution(charset: Charset): { across: number; up: number } {
  if (charset === 'braille') return { across: 2, up: 4 };
  if (charset === 'block') return { across: 1, up: 8 };
  return { across: 1, up: 2 };
}

/** How many levels of `steps` a value reaches; anything above zero shows at least one. */
function level(v: number | null, max: number, steps: number): number {
  if (v === null || !Number.isFinite(v) || v <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(steps, Math.round((v / max) * steps)));
}

/** Where a graph's bars start: its bottom edge ('up') or its top edge ('down'). */
export type Direction = 'up' | 'down';

/** Block and ASCII cells filled from the top, for graphs that hang down (no upper-eighth blocks exist). */
const HANGING_BLOCKS = [' ', '▔', '▔', '▔', '▀', '▀', '▀', '▀', '█'];

/**
 * An area graph of the newest samples (right-aligned), `width` cells by `height` rows, top row
 * first. null samples (no value yet) draw nothing; values are clamped to [0, max]. 'down'
 * draws the bars from the top row downwards, a mirror of 'up'.
 */
export function areaGraph(
  values: readonly (number | null)[],
  width: number,
  height: number,
  max: number,
  charset: Charset,
  direction: Direction = 'up',
): string[] {
  if (width <= 0 || height <= 0) return [];
  const { across, up } = resolution(charset);
  const slots = width * across;
  const recent = values.slice(-slots);
  const padded: (number | null)[] = [...Array(slots - recent.length).fill(null), ...recent];
  const levels = padded.map((v) => level(v, max, height * up));
  const rows: string[] = [];
  // Each row's characters as codes, made into one string at its end: the graphs are drawn again
  // every frame, and adding a character at a time made a string per cell.
  const codes: number[] = new Array(width);
  for (let r = 0; r < height; r++) {
    const down = direction === 'down';
    // Levels between this row and the edge the bars start from.
    const floor = (down ? r : height - 1 - r) * up;
    for (let c = 0; c < width; c++) {
      if (charset === 'braille') {
        let bits = 0;
        for (let k = 0; k < 2; k++) {
          const fill = Math.max(0, Math.min(4, levels[c * 2 + k] - floor));
          for (let d = 0; d < fill; d++) bits |= DOTS[k][down ? d : 3 - d];
        }
        // An empty cell is a space, not the blank braille pattern: a third of the bytes to send.
        codes[c] = bits === 0 ? 0x20 : 0x2800 + bits;
      } else {
        const fill = Math.max(0, Math.min(up, levels[c] - floor));
        if (charset === 'block') codes[c] = (down ? HANGING_BLOCKS[fill] : BLOCKS[fill]).charCodeAt(0);
        else codes[c] = (fill === 0 ? ' ' : fill === 2 ? '|' : down ? "'" : '.').charCodeAt(0);
      }
    }
    rows.push(String.fromCharCode(...codes));
  }
  return rows;
}

/** A horizontal gauge: the filled part and the empty part, `width` cells together. */
export function gauge(ratio: number, width: number, charset: Charset): [string, string] {
  if (width <= 0) return ['', ''];
  const r = Number.isFinite(ratio) ? Math.max(0, Math.min(1, ratio)) : 0;
  if (charset === 'ascii') {
    const n = Math.round(r * width);
    return ['|'.repeat(n), '.'.repeat(width - n)];
  }
  const eighths = Math.round(r * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8];
  const filled = '█'.repeat(full) + part;
  const empty = charset === 'braille' ? '⣀' : '·';
  return [filled, empty.repeat(width - full - (part ? 1 : 0))];
}

/** The glyph of each part of a stacked bar, in order: distinct shapes, so that no colour is needed. */
export function stackGlyphs(charset: Charset): { parts: string[]; empty: string } {
  if (charset === 'ascii') return { parts: ['|', ':'], empty: '.' };
  return { parts: ['█', '░'], empty: charset === 'braille' ? '⣀' : '·' };
}

/**
 * A bar of consecutive parts (ratios of the whole, at most two: see stackGlyphs), `width` cells
 * in all: each part's cells, then the empty rest. Edges are rounded on the running total, so
 * the parts never add up to more than the width; a part above zero gets at least one cell.
 */
export function stackedBar(ratios: readonly number[], width: number, charset: Charset): { parts: string[]; empty: string } {
  const glyphs = stackGlyphs(charset);
  if (width <= 0) return { parts: ratios.map(() => ''), empty: '' };
  let edge = 0;
  let total = 0;
  const parts = ratios.map((ratio, i) => {
    const r = Number.isFinite(ratio) ? Math.max(0, ratio) : 0;
    total = Math.min(1, total + r);
    const next = Math.max(Math.round(total * width), r > 0 ? Math.min(width, edge + 1) : edge);
    const cells = Math.max(0, next - edge);
    edge += cells;
    return glyphs.parts[Math.min(i, glyphs.parts.length - 1)].repeat(cells);
  });
  return { parts, empty: glyphs.empty.repeat(width - edge) };
}
