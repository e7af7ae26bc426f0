/**
 * History graphs and gauges drawn with characters, for plain blessed boxes.
 *
 * - braille: each cell holds 2 samples x 4 levels (U+2800 dots), the densest picture;
 * - block:   1 sample per cell, 8 levels per row (U+2581..U+2588);
 * - ascii:   1 sample per cell, 2 levels per row ('.' and '|'), for the ascii icon set and
 *            terminals without UTF-8.
 * Pure functions of numbers: tested without a terminal.
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

/**
 * An area graph of the newest samples (right-aligned), `width` cells by `height` rows, top row
 * first. null samples (no value yet) draw nothing; values are clamped to [0, max].
 */
export function areaGraph(values: readonly (number | null)[], width: number, height: number, max: number, charset: Charset): string[] {
  if (width <= 0 || height <= 0) return [];
  const { across, up } = resolution(charset);
  const slots = width * across;
  const recent = values.slice(-slots);
  const padded: (number | null)[] = [...Array(slots - recent.length).fill(null), ...recent];
  const levels = padded.map((v) => level(v, max, height * up));
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    const floor = (height - 1 - r) * up; // levels below this row
    let line = '';
    for (let c = 0; c < width; c++) {
      if (charset === 'braille') {
        let bits = 0;
        for (let k = 0; k < 2; k++) {
          const fill = Math.max(0, Math.min(4, levels[c * 2 + k] - floor));
          for (let d = 0; d < fill; d++) bits |= DOTS[k][3 - d];
        }
        // An empty cell is a space, not the blank braille pattern: a third of the bytes to send.
        line += bits === 0 ? ' ' : String.fromCharCode(0x2800 + bits);
      } else {
        const fill = Math.max(0, Math.min(up, levels[c] - floor));
        line += charset === 'block' ? BLOCKS[fill] : fill === 0 ? ' ' : fill === 1 ? '.' : '|';
      }
    }
    rows.push(line);
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
