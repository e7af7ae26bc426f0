// A tmux capture with its colours (`capture-pane -e -p`) as an HTML page the size of the pane,
// for scripts/screenshots.sh to photograph with headless Chromium.
//
//   node scripts/screenshots.mjs CAPTURE.ansi OUT.html COLS ROWS   # prints "WIDTH,HEIGHT" in px
//
// The escapes become HTML through ansi-to-html (it knows the 16, 256 and 24-bit colour forms
// tmux writes, and escapes the text); this file picks the palette, the font and the size, and
// first turns the DEC line-drawing characters that tmux writes between shift-out and shift-in
// (a program drawing boxes through the terminal's ACS: lqqk for ┌──┐) into the Unicode
// characters the terminal would show, which ansi-to-html does not know.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Convert from 'ansi-to-html';
import { eastAsianWidth } from 'get-east-asian-width';

/** The terminal the pictures pretend to be: a dark one, like the default theme's bar. */
const BACKGROUND = '#1c1c1c';
const FOREGROUND = '#d0d0d0';
/** The 16 base colours as xterm draws them; 16-255 are ansi-to-html's, which are xterm's too. */
const BASE16 = [
  '#000000',
  '#cd0000',
  '#00cd00',
  '#cdcd00',
  '#0000ee',
  '#cd00cd',
  '#00cdcd',
  '#e5e5e5',
  '#7f7f7f',
  '#ff0000',
  '#00ff00',
  '#ffff00',
  '#5c5cff',
  '#ff00ff',
  '#00ffff',
  '#ffffff',
];

/** The DEC special graphics set (VT100), as xterm maps it to Unicode. */
const DEC_GRAPHICS = {
  '`': '◆',
  a: '▒',
  f: '°',
  g: '±',
  h: '␤',
  i: '␋',
  j: '┘',
  k: '┐',
  l: '┌',
  m: '└',
  n: '┼',
  o: '⎺',
  p: '⎻',
  q: '─',
  r: '⎼',
  s: '⎽',
  t: '├',
  u: '┤',
  v: '┴',
  w: '┬',
  x: '│',
  y: '≤',
  z: '≥',
  '{': 'π',
  '|': '≠',
  '}': '£',
  '~': '·',
};

/**
 * Line drawing in the capture as Unicode. tmux marks it with SO (\x0e) and SI (\x0f); a
 * program may also have used ESC ( 0 and ESC ( B. CSI sequences pass untouched (the `m` of
 * an SGR is not a corner).
 * @param {string} ansi
 * @returns {string}
 */
export function decGraphicsToUnicode(ansi) {
  let graphics = false;
  let out = '';
  for (const part of ansi.split(/(\x1b\[[0-9;:?]*[@-~]|\x0e|\x0f|\x1b\([0B])/)) {
    if (part === '\x0e' || part === '\x1b(0') graphics = true;
    else if (part === '\x0f' || part === '\x1b(B') graphics = false;
    else if (!graphics || part.startsWith('\x1b[')) out += part;
    else out += part.replace(/[`a-z{|}~]/g, (c) => DEC_GRAPHICS[/** @type {keyof typeof DEC_GRAPHICS} */ (c)] ?? c);
  }
  return out;
}

/**
 * Every character beyond ASCII but box drawing in a box of its cells' width (`<c>`, styled below). A glyph the
 * monospace font lacks (Braille, which the graphs draw with, is not in DejaVu Sans Mono) comes
 * from a proportional fallback font and would push the rest of its row out of the grid.
 * Run on ansi-to-html's output, whose tags are ASCII and which writes every character beyond
 * ASCII as a numeric entity (&#x2502;): so only text is touched.
 * @param {string} html
 * @returns {string}
 */
export function pinToCells(html) {
  return html.replace(/&#x([0-9a-f]+);|&#(\d+);|[^\x00-\x7f]/giu, (match, hex, dec) => {
    const code = hex ? Number.parseInt(hex, 16) : dec ? Number(dec) : (match.codePointAt(0) ?? 0);
    // ASCII, and box drawing and blocks (which the font has, and which show seams when boxed).
    if (code < 0x80 || (code >= 0x2500 && code <= 0x259f)) return match;
    return eastAsianWidth(code) === 2 ? `<c class=w>${match}</c>` : `<c>${match}</c>`;
  });
}

const FONT_PX = 14;
/** DejaVu Sans Mono's advance is 1233/2048 em; the page's width is cut to the pane's columns. */
const CELL_WIDTH = FONT_PX * (1233 / 2048);
const LINE_PX = 17;
const PAD_PX = 8;

/**
 * The page for a capture of `cols` x `rows` cells, and the window size that shows exactly it.
 * @param {string} ansi
 * @param {number} cols
 * @param {number} rows
 * @returns {{ html: string, width: number, height: number }}
 */
export function captureToHtml(ansi, cols, rows) {
  const convert = new Convert({
    fg: FOREGROUND,
    bg: BACKGROUND,
    colors: BASE16,
    escapeXML: true,
    newline: false,
  });
  // tmux ends the capture with a newline per row: drop the last, or the page grows a blank row.
  const body = pinToCells(convert.toHtml(decGraphicsToUnicode(ansi).replace(/\n$/, '')));
  const width = Math.ceil(cols * CELL_WIDTH) + 2 * PAD_PX;
  const height = rows * LINE_PX + 2 * PAD_PX;
  const html = `<!doctype html>
<meta charset="utf-8">
<title>shoji</title>
<style>
  html, body { margin: 0; background: ${BACKGROUND}; }
  pre {
    margin: 0; padding: ${PAD_PX}px; color: ${FOREGROUND};
    font: ${FONT_PX}px/${LINE_PX}px "DejaVu Sans Mono", monospace;
    font-variant-ligatures: none; white-space: pre;
  }
  c { display: inline-block; width: 1ch; height: ${LINE_PX}px; vertical-align: top; overflow: hidden; }
  c.w { width: 2ch; }
</style>
<pre>${body}</pre>
`;
  return { html, width, height };
}

function main() {
  const [input, output, cols, rows] = process.argv.slice(2);
  if (!input || !output || !Number(cols) || !Number(rows)) {
    console.error('usage: node scripts/screenshots.mjs CAPTURE.ansi OUT.html COLS ROWS');
    process.exit(2);
  }
  const page = captureToHtml(readFileSync(input, 'utf8'), Number(cols), Number(rows));
  writeFileSync(output, page.html);
  console.log(`${page.width},${page.height}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
