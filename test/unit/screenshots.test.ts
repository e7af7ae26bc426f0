/**
 * The README pictures' capture-to-HTML step (scripts/screenshots.mjs): tmux's escapes become
 * colours and bold, the text is escaped, DEC line drawing becomes box characters, and every
 * character that a fallback font might draw at another width keeps to its cell.
 */
import { describe, expect, it } from 'vitest';
import { captureToHtml, decGraphicsToUnicode, pinToCells } from '../../scripts/screenshots.mjs';

const ESC = '\u001b';

describe('decGraphicsToUnicode', () => {
  it('draws lqqk between shift-out and shift-in as a box corner and line', () => {
    expect(decGraphicsToUnicode('\u000elqqk\u000f lqqk')).toBe('┌──┐ lqqk');
  });

  it('keeps the graphics set across rows and escapes, and leaves an SGR alone', () => {
    const capture = `\u000e${ESC}[1m${ESC}[38;5;117mx${ESC}[0m\nm\u000fmem`;
    expect(decGraphicsToUnicode(capture)).toBe(`${ESC}[1m${ESC}[38;5;117m│${ESC}[0m\n└mem`);
  });

  it('knows ESC ( 0 and ESC ( B too', () => {
    expect(decGraphicsToUnicode(`${ESC}(0tqu${ESC}(Bq`)).toBe('├─┤q');
  });
});

describe('pinToCells', () => {
  it('boxes Braille and wide characters to one and two cells, not ASCII or box drawing', () => {
    expect(pinToCells('a&#x28C0;&#x2502;')).toBe('a<c>&#x28C0;</c>&#x2502;');
    expect(pinToCells('&#x1F600;')).toBe('<c class=w>&#x1F600;</c>');
    expect(pinToCells('&#60;')).toBe('&#60;');
  });
});

describe('captureToHtml', () => {
  it('turns 256-colour SGR into colours and bold, and escapes the text', () => {
    const { html } = captureToHtml(`${ESC}[1m${ESC}[38;5;117mCPU${ESC}[0m <b>&amp; ${ESC}[48;5;160mhot${ESC}[0m\n`, 20, 1);
    expect(html).toContain('<b><span style="color:#87d7ff">CPU</span></b>');
    expect(html).toContain('&lt;b&gt;&amp;amp;');
    expect(html).toContain('<span style="background-color:#d70000">hot</span>');
    expect(html).not.toContain('<b>&');
  });

  it('sizes the page to the pane: columns by the font advance, rows by the line height', () => {
    const small = captureToHtml('x\n', 10, 2);
    const large = captureToHtml('x\n', 120, 32);
    expect(large.width - small.width).toBe(Math.ceil(120 * 14 * (1233 / 2048)) - Math.ceil(10 * 14 * (1233 / 2048)));
    expect(large.height - small.height).toBe(30 * 17);
    // The capture's last newline does not become an empty row.
    expect(small.html).toContain('<pre>x</pre>');
  });
});
