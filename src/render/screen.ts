/**
 * GNU screen back end, for a `backtick` command's output. Measured with screen 4.09: in
 * backtick output, only \005 starts an escape (\005{= rw} sets colours); '%' is literal.
 * Stripping control characters from outside text therefore removes every way in. Padding does
 * not work there (\005= shows as one space): `shoji screen-conf` puts the sides in two
 * backticks and pads between them in the hardstatus string itself.
 * screen's string escapes know the eight basic colours (letters, capital = bright), so theme
 * colours map to the nearest of those.
 *
 * Widths: screen 4.09 counts a backtick's output byte by byte when it pads and truncates
 * (measured: 'AB⇡CD' ends two cells short of the edge, and so does 'é' one cell, '中' one,
 * an emoji two). So the right side is fitted counting bytes, as screen will, and icons that
 * are not ASCII are drawn with the ascii set's: they would leave a gap at the right edge.
 */
import { styleOf, type Colour, type Style } from '../core/theme.js';
import { asciiIcons, fitSegments, segmentLabel, separatorOf, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

const ESC = '\u0005';
const LETTERS = ['k', 'r', 'g', 'y', 'b', 'm', 'c', 'w'];
const NAMES: Record<string, number> = { black: 0, red: 1, green: 2, yellow: 3, blue: 4, magenta: 5, cyan: 6, white: 7 };

/** The 16-colour index (0-15) nearest to a theme colour, or null for the terminal default. */
export function nearestBasic(c: Colour | undefined): number | null {
  if (c === undefined || c === 'default') return null;
  if (typeof c === 'string') {
    const bright = /^bright/.test(c);
    const name = c.replace(/^bright/, '');
    if (Object.hasOwn(NAMES, name)) return NAMES[name] + (bright ? 8 : 0);
    const idx = /^colou?r(\d+)$/.exec(c);
    if (idx) return nearestBasic(Number(idx[1]));
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
    if (hex) return nearestRgb(parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16));
    return null;
  }
  if (c < 16) return c;
  if (c >= 232) {
    const v = 8 + (c - 232) * 10;
    return nearestRgb(v, v, v);
  }
  const i = c - 16;
  const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return nearestRgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
}

function nearestRgb(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  if (max < 64) return 0;
  const bright = max > 191;
  const bit = (v: number) => (v > max / 2 ? 1 : 0);
  const idx = bit(r) | (bit(g) << 1) | (bit(b) << 2);
  return idx + (bright ? 8 : 0);
}

function letter(c: Colour | undefined): string {
  const n = nearestBasic(c);
  if (n === null) return 'd';
  return n >= 8 ? LETTERS[n - 8].toUpperCase() : LETTERS[n];
}

export function screenStyle(style: Style, base: Style): string {
  const attrs = `${style.bold ? 'b' : ''}${style.underscore ? 'u' : ''}${style.reverse ? 'r' : ''}`;
  return `${ESC}{=${attrs} ${letter(style.bg ?? base.bg)}${letter(style.fg ?? base.fg)}}`;
}

export function escapeScreen(text: string): string {
  return stripControl(text);
}

/** A text's width as screen counts it: its UTF-8 bytes. */
export function screenWidth(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function renderScreen(segments: Segment[], given: RenderOptions): string {
  const opts: RenderOptions = { ...given, icons: asciiIcons(given.icons), measure: screenWidth };
  const { theme } = opts;
  const fitted = fitSegments(segments, opts).segments;
  if (fitted.length === 0) return '';
  const base = screenStyle({}, theme.base);
  return (
    fitted
      .map((seg) => `${screenStyle(styleOf(theme, seg.state), theme.base)}${escapeScreen(segmentLabel(seg, opts))}`)
      .join(`${base}${escapeScreen(separatorOf(opts))}`) + base
  );
}

/** Both sides in one backtick's line (`shoji stream --side both`): screen shows a space between. */
export function renderScreenLine(left: string, right: string): string {
  return `${left}${ESC}=${right}`;
}
