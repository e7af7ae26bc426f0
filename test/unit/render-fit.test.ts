/**
 * fitSegments: how a side is made to fit a width, powerline style. Lowest priority first, the
 * rightmost first among equals: short texts before drops; then room left over is given back,
 * highest priority first (a dropped segment that fits again returns, a shortened one gets its
 * full text). Widths here: one space between segments, no icons, so a side's width is easy to
 * count by hand.
 */
import { describe, expect, it } from 'vitest';
import { loadIconSet, loadTheme } from '../../src/core/theme.js';
import { colourLevel } from '../../src/render/colour-level.js';
import { asciiIcons, fitSegments, segmentLabel, sideWidth, type Segment } from '../../src/render/segments.js';

const theme = { ...loadTheme('default', '/nonexistent', {}), separator: ' ' };
const icons = loadIconSet('ascii', {});
const opts = (maxWidth?: number) => ({ theme, icons, maxWidth });
const seg = (id: string, text: string, priority: number, short?: string): Segment => ({ id, text, short, state: 'idle', priority });
/** What is left, as "id:text". */
const fitLine = (segments: Segment[], maxWidth?: number) => {
  const f = fitSegments(segments, opts(maxWidth));
  return { left: f.segments.map((s) => `${s.id}:${s.text}`), dropped: f.dropped.map((d) => d.id) };
};

describe('fitSegments', () => {
  const line = [seg('a', 'aaaa', 50, 'a'), seg('b', 'bbbb', 10, 'b'), seg('c', 'cccc', 90, 'c')]; // 14 cells

  it('no limit, or a limit of 0, keeps everything as it is', () => {
    expect(fitLine(line)).toEqual({ left: ['a:aaaa', 'b:bbbb', 'c:cccc'], dropped: [] });
    expect(fitLine(line, 0)).toEqual({ left: ['a:aaaa', 'b:bbbb', 'c:cccc'], dropped: [] });
    expect(fitLine(line, -5)).toEqual({ left: ['a:aaaa', 'b:bbbb', 'c:cccc'], dropped: [] });
  });

  it('a side exactly as wide as the limit is left alone', () => {
    expect(sideWidth(line, opts())).toBe(14);
    expect(fitLine(line, 14)).toEqual({ left: ['a:aaaa', 'b:bbbb', 'c:cccc'], dropped: [] });
  });

  it('one cell too wide: only the lowest priority takes its short text', () => {
    expect(fitLine(line, 13)).toEqual({ left: ['a:aaaa', 'b:b', 'c:cccc'], dropped: [] });
  });

  it('shortens in priority order, as far as needed and no further', () => {
    expect(fitLine(line, 11)).toEqual({ left: ['a:aaaa', 'b:b', 'c:cccc'], dropped: [] });
    expect(fitLine(line, 10)).toEqual({ left: ['a:a', 'b:b', 'c:cccc'], dropped: [] });
    expect(fitLine(line, 8)).toEqual({ left: ['a:a', 'b:b', 'c:cccc'], dropped: [] });
    expect(fitLine(line, 5)).toEqual({ left: ['a:a', 'b:b', 'c:c'], dropped: [] });
  });

  it('then drops, lowest priority first, and says why', () => {
    const f = fitSegments(line, opts(3));
    expect(f.segments.map((s) => `${s.id}:${s.text}`)).toEqual(['a:a', 'c:c']);
    expect(f.dropped).toEqual([{ id: 'b', why: 'line wider than 3 cells; dropped at priority 10' }]);
    expect(fitLine(line, 1)).toEqual({ left: ['c:c'], dropped: ['b', 'a'] });
  });

  it('among equal priorities, the rightmost goes first', () => {
    const equal = [seg('x', 'xxxx', 20, 'x'), seg('y', 'yyyy', 20, 'y'), seg('z', 'zzzz', 20, 'z')];
    expect(fitLine(equal, 13)).toEqual({ left: ['x:xxxx', 'y:yyyy', 'z:z'], dropped: [] });
    expect(fitLine(equal, 3)).toEqual({ left: ['x:x', 'y:y'], dropped: ['z'] });
  });

  it('a segment without a different short text is never "shortened"', () => {
    const same = [seg('a', 'aaaa', 50), seg('b', 'bbbb', 10, 'bbbb'), seg('c', 'cc', 90)];
    expect(fitLine(same, 10)).toEqual({ left: ['a:aaaa', 'c:cc'], dropped: ['b'] });
  });

  it('gives back the room a drop left: a lower-priority segment that fits comes back', () => {
    // Dropping 'wide' (priority 20) frees 11 cells; 'small' (priority 10) was dropped before it
    // but fits in what is left.
    const withWide = [seg('keep', 'kkkk', 90), seg('wide', 'wwwwwwwwww', 20), seg('small', 'ss', 10)];
    expect(fitLine(withWide, 8)).toEqual({ left: ['keep:kkkk', 'small:ss'], dropped: ['wide'] });
  });

  it('gives shortened texts their full form back, highest priority first, when there is room', () => {
    // 'c' is dropped and 'a b' is 3 cells: room for both in full at 7, for 'a' (priority 50)
    // only at 6, for neither at 4.
    const three = [seg('a', 'aaa', 50, 'a'), seg('b', 'bbb', 40, 'b'), seg('c', 'cccccccc', 10)];
    expect(fitLine(three, 7)).toEqual({ left: ['a:aaa', 'b:bbb'], dropped: ['c'] });
    expect(fitLine(three, 6)).toEqual({ left: ['a:aaa', 'b:b'], dropped: ['c'] });
    expect(fitLine(three, 4)).toEqual({ left: ['a:a', 'b:b'], dropped: ['c'] });
  });

  it('never changes the segments it was given', () => {
    const before = JSON.stringify(line);
    fitSegments(line, opts(3));
    expect(JSON.stringify(line)).toBe(before);
  });
});

describe('ASCII icons (non-UTF-8 locales, GNU screen)', () => {
  const fancy = { ...icons, name: 'fancy', icons: { cpu: '\u2699 ', load: 'ld ', weird: '\u2603 ' } };

  it("glyphs that are not ASCII become the ascii set's, or nothing when it has none", () => {
    const out = asciiIcons(fancy).icons;
    expect(out.cpu).toBe(icons.icons.cpu);
    expect(out.load).toBe('ld ');
    expect(out.weird).toBe('');
  });

  it('a set that is all ASCII is used as it is', () => {
    expect(asciiIcons(icons).icons).toEqual(icons.icons);
    expect(asciiIcons({ ...icons, icons: { a: 'x', b: '' } }).icons).toEqual({ a: 'x', b: '' });
  });

  it('segmentLabel with ascii: ASCII icon and text', () => {
    const s: Segment = { id: 'cpu', text: 'caf\u00e9 \u2191', state: 'idle', priority: 1, icon: 'cpu' };
    const label = segmentLabel(s, { icons: fancy, ascii: true });
    expect(label.startsWith(icons.icons.cpu)).toBe(true);
    expect(label).toMatch(/^[\x20-\x7e]*$/);
    expect(segmentLabel(s, { icons: fancy })).toBe('\u2699 caf\u00e9 \u2191');
  });
});

describe('colourLevel', () => {
  it('NO_COLOR (set and not empty) and TERM=dumb mean no colour, whatever else is set', () => {
    expect(colourLevel({ NO_COLOR: '1', COLORTERM: 'truecolor', TERM: 'xterm-256color' })).toBe(0);
    expect(colourLevel({ TERM: 'dumb', COLORTERM: 'truecolor' })).toBe(0);
    expect(colourLevel({ NO_COLOR: '', TERM: 'xterm-256color' })).toBe(2);
  });
  it('24-bit from COLORTERM, 256 from TERM, else the basic 16', () => {
    expect(colourLevel({ COLORTERM: 'truecolor', TERM: 'xterm' })).toBe(3);
    expect(colourLevel({ COLORTERM: '24BIT' })).toBe(3);
    expect(colourLevel({ TERM: 'screen-256color' })).toBe(2);
    expect(colourLevel({ TERM: 'xterm', COLORTERM: 'yes' })).toBe(1);
    expect(colourLevel({})).toBe(1);
  });
});
