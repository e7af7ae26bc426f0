/**
 * The screen renderer with outside text that did not go through the script parser (which
 * already drops byobu's \005{...} colour escapes): a hostname, an SSID, a plugin's reading.
 * Whatever the text holds, screen must get our own escapes only, and show the rest literally.
 */
import { describe, expect, it } from 'vitest';
import { loadIconSet, loadTheme } from '../../src/core/theme.js';
import { renderScreen } from '../../src/render/screen.js';
import type { Segment } from '../../src/render/segments.js';

const theme = loadTheme('default', '/nonexistent', {});
const icons = loadIconSet('ascii', {});

/** Our style escapes: \005{= attributes, a space, background and foreground letters}. */
const OUR_STYLE = /\u0005\{=[bur]* [kKrRgGyYbBmMcCwWd][kKrRgGyYbBmMcCwWd]\}/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** What screen shows of a rendered line: everything but our style escapes. */
const visible = (out: string) => out.replace(OUR_STYLE, '');

const render = (...texts: string[]) =>
  renderScreen(
    texts.map((text, i): Segment => ({ id: `m${i}`, text, state: 'info', priority: 10 })),
    { theme, icons },
  );

describe('screen renderer, raw outside text', () => {
  const hostile: [string, string, string][] = [
    ['an ANSI colour', '\u001b[31mred\u001b[0m', '[31mred[0m'],
    ['a C1 control sequence', '\u009b31mred', '31mred'],
    ['screen’s own escape', '\u0005{= rw}x\u0005{-}\u0005=y', '{= rw}x{-}=y'],
    ['a new line and a carriage return', 'one\ntwo\rthree', 'onetwothree'],
    ['a tab, a bell, a DEL and NUL', 'a\tb\u0007c\u007fd\u0000e', 'abcde'],
    ['percent escapes, shown as they are', '%H %{= rw} %` %= 100%', '%H %{= rw} %` %= 100%'],
    ['backticks and shell syntax, shown as they are', '`date` $(id) ; rm -rf ~', '`date` $(id) ; rm -rf ~'],
  ];

  for (const [what, text, shown] of hostile) {
    it(`${what}: only our escapes reach screen, the rest is shown literally`, () => {
      const out = render(text);
      expect(visible(out)).toBe(shown);
      expect(visible(out)).not.toMatch(CONTROL);
      // A style before the segment and the base style after it: nothing else.
      expect(out.match(/\u0005/g)).toHaveLength(2);
    });
  }

  it('several hostile segments: each keeps its own style, the separators stay ours', () => {
    const out = render('\u0005{+b}a', 'b\u001b]0;title\u0007', '%{-}c');
    expect(visible(out)).not.toMatch(CONTROL);
    // Two escapes per segment (its style; the base style before a separator or at the end).
    expect(out.match(/\u0005/g)).toHaveLength(6);
    for (const part of ['{+b}a', 'b]0;title', '%{-}c']) expect(visible(out)).toContain(part);
  });
});
