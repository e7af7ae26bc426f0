/**
 * The reading boundary (src/core/reading-check.ts) at each of its limits and with the exact
 * reason a user sees on the failed segment: a limit is tested at the limit and one past it.
 */
import { describe, expect, it } from 'vitest';
import { collectedProblem, jsonDataProblem, MAX_TEXT_CELLS, readingProblem } from '../../src/core/reading-check.js';

const ok = { text: 'x', state: 'idle' };

/** A value nested `levels` lists deep: nest(0) is a number, nest(2) is [[1]]. */
function nest(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

describe('readingProblem', () => {
  it('accepts a plain reading, one with every optional key, and a null-prototype object', () => {
    expect(readingProblem(ok)).toBeNull();
    expect(readingProblem({ ...ok, short: 's', icon: 'network-rx', pending: false, detail: [{ label: 'a', value: 'b' }], data: { n: 1 } })).toBeNull();
    expect(readingProblem(Object.assign(Object.create(null), ok))).toBeNull();
  });

  it('says what the reading was when it is not a plain object', () => {
    expect(readingProblem(null)).toBe('the reading must be an object or null, not null');
    expect(readingProblem([])).toBe('the reading must be an object or null, not a list');
    expect(readingProblem('hi')).toBe('the reading must be an object or null, not a string of 2 characters');
    expect(readingProblem(7)).toBe('the reading must be an object or null, not a number');
    expect(readingProblem(new Date(0))).toBe('the reading must be an object or null, not an object');
    expect(readingProblem(new Map())).toBe('the reading must be an object or null, not an object');
  });

  it('text: required, text only, at most 512 cells (wide characters count twice)', () => {
    expect(readingProblem({ state: 'idle' })).toBe('text must be text, not a undefined');
    expect(readingProblem({ text: Infinity, state: 'idle' })).toBe('text must be text, not Infinity');
    expect(readingProblem({ text: true, state: 'idle' })).toBe('text must be text, not a boolean');
    expect(readingProblem({ text: '天'.repeat(MAX_TEXT_CELLS / 2), state: 'idle' })).toBeNull();
    expect(readingProblem({ text: '天'.repeat(MAX_TEXT_CELLS / 2 + 1), state: 'idle' })).toBe('text is longer than 512 cells');
    expect(readingProblem({ text: 'x'.repeat(MAX_TEXT_CELLS + 1), state: 'idle' })).toBe('text is longer than 512 cells');
  });

  it('text: more than four code units per cell is refused before measuring, even at no width', () => {
    expect(readingProblem({ text: '\u0301'.repeat(MAX_TEXT_CELLS * 4), state: 'idle' })).toBeNull();
    expect(readingProblem({ text: '\u0301'.repeat(MAX_TEXT_CELLS * 4 + 1), state: 'idle' })).toBe('text is longer than 512 cells');
  });

  it('short: optional, but text when given', () => {
    expect(readingProblem({ ...ok, short: 5 })).toBe('short must be text, not a number');
    expect(readingProblem({ ...ok, short: 'y'.repeat(MAX_TEXT_CELLS + 1) })).toBe('short is longer than 512 cells');
  });

  it('state: one of the five, quoted (and cut at 40 characters) when a string', () => {
    for (const state of ['idle', 'info', 'good', 'warning', 'critical']) expect(readingProblem({ text: 'x', state })).toBeNull();
    const all = 'state must be one of idle, info, good, warning, critical, not ';
    expect(readingProblem({ text: 'x', state: 'failed' })).toBe(`${all}"failed"`);
    expect(readingProblem({ text: 'x', state: 'w'.repeat(50) })).toBe(`${all}"${'w'.repeat(40)}"`);
    expect(readingProblem({ text: 'x', state: 3 })).toBe(`${all}a number`);
    expect(readingProblem({ text: 'x' })).toBe(`${all}a undefined`);
  });

  it('icon: a lower-case name of 1 to 40 characters, never a prototype name', () => {
    const why = (icon: string) => `icon must be an icon name such as "cpu", not ${JSON.stringify(icon.slice(0, 40))}`;
    for (const icon of ['cpu', 'network-rx', 'a', '9_x', 'a'.repeat(40)]) expect(readingProblem({ ...ok, icon })).toBeNull();
    for (const icon of ['Cpu', '-x', '_x', '', 'a'.repeat(41), 'cpu ', ' cpu', 'a/b']) expect(readingProblem({ ...ok, icon })).toBe(why(icon));
    for (const icon of ['constructor', 'prototype', '__proto__', 'hasownproperty', 'tostring', 'valueof']) {
      expect(readingProblem({ ...ok, icon })).toBe(why(icon));
    }
    expect(readingProblem({ ...ok, icon: 'i'.repeat(60) })).toBe(why('i'.repeat(40)));
    expect(readingProblem({ ...ok, icon: 5 })).toBe('icon must be an icon name such as "cpu", not a number');
  });

  it('pending: true or false only', () => {
    expect(readingProblem({ ...ok, pending: true })).toBeNull();
    expect(readingProblem({ ...ok, pending: 'yes' })).toBe('pending must be true or false, not a string of 3 characters');
  });

  it('detail: a list of at most 64 {label, value} lines of text', () => {
    const line = { label: 'l', value: 'v' };
    expect(readingProblem({ ...ok, detail: Array(64).fill(line) })).toBeNull();
    expect(readingProblem({ ...ok, detail: Array(65).fill(line) })).toBe('detail has 65 lines (at most 64)');
    expect(readingProblem({ ...ok, detail: { a: 1 } })).toBe('detail must be a list of {label, value}, not an object');
    expect(readingProblem({ ...ok, detail: [line, null] })).toBe('detail[1] must be {label, value}, not null');
    expect(readingProblem({ ...ok, detail: [line, { value: 'v' }] })).toBe('detail[1].label must be text, not a undefined');
    expect(readingProblem({ ...ok, detail: [line, { label: 'l', value: 2 }] })).toBe('detail[1].value must be text, not a number');
    expect(readingProblem({ ...ok, detail: [{ label: 'l' }] })).toBe('detail[0].value must be text, not a undefined');
  });

  it('reports the first problem, in the order text, short, state, icon, pending, detail, data', () => {
    expect(readingProblem({ text: 1, short: 1, state: 'x' })).toBe('text must be text, not a number');
    expect(readingProblem({ text: 'x', short: 1, state: 'x' })).toBe('short must be text, not a number');
    expect(readingProblem({ text: 'x', state: 'x', icon: 'X' })).toMatch(/^state /);
    expect(readingProblem({ ...ok, icon: 'X', pending: 1 })).toMatch(/^icon /);
    expect(readingProblem({ ...ok, pending: 1, detail: 1 })).toMatch(/^pending /);
    expect(readingProblem({ ...ok, detail: 1, data: { n: NaN } })).toMatch(/^detail /);
    expect(readingProblem({ ...ok, data: { n: NaN } })).toBe('data.n is NaN, not a number');
  });
});

describe('jsonDataProblem', () => {
  it('keeps finite numbers, text, booleans, null, lists and plain objects; leaves undefined out', () => {
    expect(jsonDataProblem('data', { a: [1, 'x', true, false, null, undefined, { b: -0.5 }] })).toBeNull();
    expect(jsonDataProblem('data', Object.assign(Object.create(null), { a: 1 }))).toBeNull();
  });

  it('names the path to what cannot be kept', () => {
    expect(jsonDataProblem('data', { list: [1, Infinity] })).toBe('data.list[1] is Infinity, not a number');
    expect(jsonDataProblem('data', { list: [1, -Infinity] })).toBe('data.list[1] is -Infinity, not a number');
    expect(jsonDataProblem('memo', { at: new Date(0) })).toBe('memo.at is an object, which cannot be kept');
    expect(jsonDataProblem('memo', { n: 1n })).toBe('memo.n is a bigint, which cannot be kept');
    expect(jsonDataProblem('data', [{ s: Symbol('s') }])).toBe('data[0].s is a symbol, which cannot be kept');
  });

  it('strings up to 64 KiB', () => {
    expect(jsonDataProblem('data', { s: 'x'.repeat(64 * 1024) })).toBeNull();
    expect(jsonDataProblem('data', { s: 'x'.repeat(64 * 1024 + 1) })).toBe('data.s is longer than 65536 characters');
  });

  it('nesting up to 8 levels', () => {
    expect(jsonDataProblem('data', nest(8))).toBeNull();
    expect(jsonDataProblem('data', nest(9))).toBe('data nests deeper than 8 levels');
  });

  it('up to 10000 values, the container counted', () => {
    expect(jsonDataProblem('data', Array(9999).fill(0))).toBeNull();
    expect(jsonDataProblem('data', Array(10_000).fill(0))).toBe('data holds more than 10000 values');
    // Values in nested containers count too, each container once, and the count runs across siblings.
    expect(jsonDataProblem('data', { a: Array(5000).fill(0), b: Array(4997).fill(0) })).toBeNull();
    expect(jsonDataProblem('data', { a: Array(5000).fill(0), b: Array(4998).fill(0) })).toBe('data holds more than 10000 values');
  });

  it('stops at the first problem in a list or an object', () => {
    expect(jsonDataProblem('data', [NaN, Infinity])).toBe('data[0] is NaN, not a number');
    expect(jsonDataProblem('data', { a: NaN, b: Infinity })).toBe('data.a is NaN, not a number');
  });
});

describe('collectedProblem', () => {
  it('needs an object with a reading key', () => {
    expect(collectedProblem({})).toBe('collect returned no { reading } object');
    expect(collectedProblem([])).toBe('collect returned no { reading } object');
    expect(collectedProblem(null)).toBe('collect returned no { reading } object');
    expect(collectedProblem({ reading: undefined })).toBe('the reading must be an object or null, not a undefined');
  });

  it('checks the reading unless it is null, then the memo if there is one', () => {
    expect(collectedProblem({ reading: null })).toBeNull();
    expect(collectedProblem({ reading: ok, memo: { n: 1 } })).toBeNull();
    expect(collectedProblem({ reading: { text: 1, state: 'idle' }, memo: { n: NaN } })).toBe('text must be text, not a number');
    expect(collectedProblem({ reading: null, memo: { n: NaN } })).toBe('memo.n is NaN, not a number');
    expect(collectedProblem({ reading: ok, memo: null })).toBeNull();
    expect(collectedProblem({ reading: ok, memo: { n: NaN } })).toBe('memo.n is NaN, not a number');
  });
});
