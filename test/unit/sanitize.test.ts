/**
 * src/render/sanitize.ts at the edges of each range: what is removed from the status line
 * (stripControl) and what is shown escaped in messages (escapeControl), character by character.
 */
import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlLines, stripControl } from '../../src/render/sanitize.js';

describe('stripControl', () => {
  it('removes C0, DEL and C1 controls and the bidirectional overrides and isolates, and only those', () => {
    expect(stripControl('\u0000a\u001fb\u007fc\u0080d\u009fe')).toBe('abcde');
    // A process named to read right-to-left would make its row show a neighbour's text.
    expect(stripControl('a\u202ab\u202ec\u2066d\u2069e')).toBe('abcde');
    // The neighbours of each range stay.
    expect(stripControl(' ~\u00a0é中\u2029\u202f\u2065\u206a\u{1f600}')).toBe(' ~\u00a0é中\u2029\u202f\u2065\u206a\u{1f600}');
    expect(stripControl('\u001b[31mred\u001b[0m\n')).toBe('[31mred[0m');
  });
});

describe('escapeControl', () => {
  it('shows newline, tab and carriage return by their usual escapes', () => {
    expect(escapeControl('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
  });

  it('shows other controls as \\xNN, two hex digits', () => {
    expect(escapeControl('\u0000\u0001\u001b\u001f\u007f\u0080\u009b\u009f')).toBe('\\x00\\x01\\x1b\\x1f\\x7f\\x80\\x9b\\x9f');
  });

  it('shows the bidirectional overrides and isolates as \\uNNNN', () => {
    expect(escapeControl('\u202a\u202e\u2066\u2069')).toBe('\\u202a\\u202e\\u2066\\u2069');
  });

  it('leaves everything else alone, including the neighbours of each range', () => {
    const plain = ' ~\u00a0é中\u2029\u202f\u2065\u206a\u{1f600} %#`$';
    expect(escapeControl(plain)).toBe(plain);
    expect(escapeControl('')).toBe('');
  });

  it('escapeControlLines keeps the newlines between lines and escapes the rest', () => {
    expect(escapeControlLines('one\u001b[31m\ntwo\r\n\tthree')).toBe('one\\x1b[31m\ntwo\\r\n\\tthree');
  });
});
