/**
 * GNU screen back end, for a `backtick` command's output. Measured with screen 4.09: in
 * backtick output, only \005 starts an escape (\005{= rw} sets colours); '%' is literal.
 * Stripping control characters from outside text therefore removes every way in. Padding does
 * not work there (\005= shows as one space): `shoji screen-conf` puts the sides in two
 * backticks and pads between them in the hardstatus string itself.
 * screen's string escapes know the eight basic colours (letters, capital = bright), so theme
 * colours map to the nearest of those (render/palette.ts).
 *
 * Widths: screen 4.09 counts a backtick's output byte by byte when it pads and truncates
 * (measured: 'AB⇡CD' ends two cells short of the edge, and so does 'é' one cell, '中' one,
 * an emoji two). So the right side is fitted counting bytes, as screen will, and icons that
 * are not ASCII are drawn with the ascii set's: they would leave a gap at the right edge.
 */
import { styleOf, type Style } from '../core/theme.js';
import { screenColour } from './palette.js';
import { asciiIcons, fitSegments, segmentLabel, separatorOf, type RenderOptions, type Segment } from './segments.js';
import { stripControl } from './sanitize.js';

const ESC = '\u0005';

export function screenStyle(style: Style, base: Style): string {
  const attrs = `${style.bold ? 'b' : ''}${style.underscore ? 'u' : ''}${style.reverse ? 'r' : ''}`;
  return `${ESC}{=${attrs} ${screenColour(style.bg ?? base.bg)}${screenColour(style.fg ?? base.fg)}}`;
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
