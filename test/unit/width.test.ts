import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/width.js';

describe('display width', () => {
  it('counts ASCII as one cell each', () => expect(displayWidth('load 0.42')).toBe(9));
  it('counts CJK as two cells', () => expect(displayWidth('天気')).toBe(4));
  it('counts emoji with emoji presentation as two cells', () => expect(displayWidth('🔋')).toBe(2));
  it('counts combining marks as zero', () => expect(displayWidth('e\u0301')).toBe(1));
  it('counts ambiguous characters as one cell (tmux outside CJK locales)', () => {
    expect(displayWidth('↑')).toBe(1);
    expect(displayWidth('±')).toBe(1);
  });
  it('counts variation selectors and zero-width joiners as zero', () => {
    expect(displayWidth('✓\ufe0e')).toBe(1);
    expect(displayWidth('a\u200db')).toBe(2);
  });
  it('counts the shipped unicode icons as one cell each', () => {
    for (const glyph of ['▾', '▴', '⟳', '⇡', '✗']) expect(displayWidth(glyph)).toBe(1);
  });
});
