/**
 * The instance catalogue read from text of the test's making (src/ec2/catalog.ts): each way a
 * header or a row can be wrong, the "\r" and "," a line may end with, lookups before and after
 * every row was read, the current rows only, and the small helpers.
 */
import { describe, expect, it } from 'vitest';
import { catalogPath, parseCatalog, sizeOf, suggestTypes, type Row } from '../../../src/ec2/catalog.js';

const ROWS: Row[] = [
  ['a.large', 2, 4096, 'x86_64', 0, 1, 1, '0.10'],
  ['b.large', 2, 8192, 'arm64', null, 0, 1, '0.20'],
  ['c.large', 4, 8192, null, 1, 0, 0, null],
];

/** A catalogue in the shipped layout; `header` overrides fields of the header. */
function text(rows: Row[] = ROWS, header: Record<string, unknown> = {}): string {
  const h = { format: 2, region: 'us-east-1', pricesAsOf: '2026-07-20T00:00:00Z', sources: ['test source', 'second'], currentTypes: 2, ...header };
  return `${JSON.stringify(h, null, 1).replace(/\n\}$/, ',\n "types": [\n')}${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n}\n`;
}

const NOT = /^\/x\/cat\.json: not a shoji instance catalogue \(format 2, one type per line; see scripts\/derive-ec2-catalog\.mjs\)$/;

describe('an instance catalogue', () => {
  it('gives its header and every type, in file order', () => {
    const cat = parseCatalog(text(), '/x/cat.json');
    expect(cat.region).toBe('us-east-1');
    expect(cat.pricesAsOf).toBe('2026-07-20T00:00:00Z');
    expect(cat.sources).toEqual(['test source', 'second']);
    expect(cat.allRows()).toEqual(ROWS);
    expect(cat.names).toEqual(['a.large', 'b.large', 'c.large']);
  });

  it('finds a type by name, with its facts, before and after every row was read', () => {
    for (const readAllFirst of [false, true]) {
      const cat = parseCatalog(text(), '/x/cat.json');
      if (readAllFirst) cat.allRows();
      expect(cat.get('a.large')).toEqual({
        type: 'a.large',
        vcpu: 2,
        memoryMiB: 4096,
        arch: 'x86_64',
        gpus: 0,
        burstable: true,
        current: true,
        usdPerHour: '0.10',
      });
      expect(cat.get('c.large')).toEqual({
        type: 'c.large',
        vcpu: 4,
        memoryMiB: 8192,
        arch: null,
        gpus: 1,
        burstable: false,
        current: false,
        usdPerHour: null,
      });
      expect(cat.get('b.large')?.burstable).toBe(false);
      expect(cat.has('b.large')).toBe(true);
      expect(cat.has('large')).toBe(false);
      expect(cat.has('a.larg')).toBe(false);
      expect(cat.get('d.large')).toBeUndefined();
      expect(cat.get('d.large')).toBeUndefined(); // asked twice: remembered as absent
    }
  });

  it('gives only the current rows, in order', () => {
    expect([...parseCatalog(text(), '/x/cat.json').currentByPrice()].map((r) => r[0])).toEqual(['a.large', 'b.large']);
    expect([...parseCatalog(text(ROWS, { currentTypes: 0 }), '/x/cat.json').currentByPrice()]).toEqual([]);
    expect([...parseCatalog(text(ROWS, { currentTypes: 1 }), '/x/cat.json').currentByPrice()].map((r) => r[0])).toEqual(['a.large']);
  });

  it('reads lines that end with "\\r" and without a comma', () => {
    const crlf = text().replace(/\n/g, '\r\n');
    const cat = parseCatalog(crlf, '/x/cat.json');
    expect(cat.allRows()).toEqual(ROWS);
    expect(cat.get('b.large')?.usdPerHour).toBe('0.20');
  });

  it('refuses a header that is not the layout, or not format 2, or has no count of current types', () => {
    expect(() => parseCatalog('{"format": 2}', '/x/cat.json')).toThrow(NOT);
    // No types at all, though the header would read if a types list were added to it.
    expect(() => parseCatalog('{"format": 2, "currentTypes": 0,\nX', '/x/cat.json')).toThrow(NOT);
    expect(() => parseCatalog('{"format": 2, oops "types": [\n]}', '/x/cat.json')).toThrow(NOT);
    expect(() => parseCatalog(text(ROWS, { format: 1 }), '/x/cat.json')).toThrow(NOT);
    expect(() => parseCatalog(text(ROWS, { currentTypes: 1.5 }), '/x/cat.json')).toThrow(NOT);
    expect(() => parseCatalog(text(ROWS, { currentTypes: '2' }), '/x/cat.json')).toThrow(NOT);
    expect(() => parseCatalog('{"format": 2, "currentTypes": 0, "types": [', '/x/cat.json')).toThrow(NOT);
  });

  it('refuses a row that is not eight fields with a name first, naming its line', () => {
    const lineOf = (t: string, start: string) => t.split('\n').findIndex((l) => l.startsWith(start)) + 1;
    const seven = text().replace('["b.large",2,8192,"arm64",null,0,1,"0.20"]', '["b.large",2,8192,"arm64",null,0,1]');
    expect(() => parseCatalog(seven, '/x/cat.json').allRows()).toThrow(
      `/x/cat.json:${lineOf(seven, '["b.large"')}: not an instance type row: ["b.large",2,8192,"arm64",null,0,1]`,
    );
    const nameless = text().replace('["b.large"', '[7');
    expect(() => parseCatalog(nameless, '/x/cat.json').allRows()).toThrow(`/x/cat.json:${lineOf(nameless, '[7')}: not an instance type row: [7,`);
    const object = text().replace('["b.large",2,8192,"arm64",null,0,1,"0.20"]', '{"b.large":1}');
    expect(() => parseCatalog(object, '/x/cat.json').allRows()).toThrow(/:\d+: not an instance type row: \{"b\.large":1\}$/);
    const long = text().replace('["b.large"', `["${'b'.repeat(100)}"`);
    expect(() => parseCatalog(long.replace(/("b{100}",2,8192,"arm64",null,0,1,"0.20")/, '$1,9'), '/x/cat.json').allRows()).toThrow(
      new RegExp(`not an instance type row: \\["${'b'.repeat(58)}$`),
    );
  });

  it('ends at "]" and refuses a file cut before it', () => {
    const t = text();
    expect(() => parseCatalog(t.slice(0, t.indexOf('\n]') + 1), '/x/cat.json').allRows()).toThrow('/x/cat.json: ends before its types are closed (truncated?)');
    // The last row with no newline after it is still read, then the end is missing.
    expect(() => parseCatalog(t.slice(0, t.indexOf('\n]')), '/x/cat.json').allRows()).toThrow(/truncated/);
  });
});

describe('catalogue helpers', () => {
  it('the size part of a type name', () => {
    expect(sizeOf('m7i.large')).toBe('large');
    expect(sizeOf('u-24tb1.metal')).toBe('metal');
    expect(sizeOf('m7i')).toBe('');
    expect(sizeOf('.x')).toBe('x');
  });

  it('close names for a typo, from every type', () => {
    const cat = parseCatalog(text(), '/x/cat.json');
    expect(suggestTypes(cat, 'a.lage')).toContain('a.large');
  });

  it('the shipped file is in the package data folder', () => {
    expect(catalogPath()).toMatch(/\/data\/ec2-catalog\.json$/);
  });
});
