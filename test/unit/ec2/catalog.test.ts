/**
 * The catalogue is read line by line, only as far as a report needs: these check the shipped
 * file keeps the layout that relies on, that lookups find every row, and that the early stop
 * in cheapestFits gives exactly what a scan of every row gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogPath, loadCatalog, parseCatalog, type Row } from '../../../src/ec2/catalog.js';
import { cheapestFits, type Fit } from '../../../src/ec2/offhost.js';
import type { RefreshedPrices } from '../../../src/ec2/price-cache.js';

const shippedText = readFileSync(catalogPath(), 'utf8');

/** A catalogue file in the shipped layout with these rows (the first `current` are current). */
function catalogueText(rows: Row[], currentTypes: number): string {
  const header = { format: 2, region: 'us-east-1', pricesAsOf: '2026-07-20T00:00:00Z', sources: ['test'], currentTypes };
  return `${JSON.stringify(header, null, 1).replace(/\n\}$/, ',\n "types": [\n')}${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n}\n`;
}

/** The cheapest fits by brute force over every row: what the early stop must agree with. */
function bruteForce(rows: readonly Row[], fit: Fit, count: number): string[] {
  return rows
    .filter((r) => r[6] === 1 && r[7] !== null && (r[4] ?? 0) === 0)
    .filter((r) => (r[1] ?? 0) >= fit.vcpus && (r[2] ?? 0) >= fit.memoryMiB && (fit.arch === null || r[3] === fit.arch))
    .sort((a, b) => Number(a[7]) - Number(b[7]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map((r) => r[0]);
}

describe('the shipped catalogue', () => {
  const catalog = loadCatalog();
  const rows = catalog.allRows();
  const header = JSON.parse(shippedText) as { format: number; currentTypes: number; types: Row[] };

  it('is plain JSON, and the line-by-line reading gives the same rows', () => {
    expect(header.format).toBe(2);
    expect(rows).toEqual(header.types);
    expect(rows.length).toBeGreaterThan(1000);
  });

  it('lists every current type first, cheapest first (then by name)', () => {
    const current = rows.slice(0, header.currentTypes);
    expect(current.every((r) => r[6] === 1)).toBe(true);
    expect(rows.slice(header.currentTypes).some((r) => r[6] === 1)).toBe(false);
    for (let i = 1; i < current.length; i++) {
      const [a, b] = [current[i - 1], current[i]];
      const order = Number(a[7]) - Number(b[7]) || (a[0] < b[0] ? -1 : 1);
      expect(order, `${a[0]} before ${b[0]}`).toBeLessThan(0);
    }
    expect([...catalog.currentByPrice()]).toEqual(current);
  });

  it('finds every type by name, and nothing else', () => {
    const fresh = parseCatalog(shippedText, 'ec2-catalog.json'); // looked up before any full parse
    for (const r of [rows[0], rows[header.currentTypes], rows[rows.length - 1], ...rows.filter((_, i) => i % 97 === 0)]) {
      expect(fresh.get(r[0])?.type).toBe(r[0]);
      expect(fresh.get(r[0])?.usdPerHour).toBe(r[7]);
    }
    expect(fresh.has('m7i.large')).toBe(true);
    expect(fresh.has('m7i.larg')).toBe(false);
    expect(fresh.has('7i.large')).toBe(false);
    expect(fresh.names).toHaveLength(rows.length);
    expect(fresh.get('m7i.large')).toEqual(catalog.get('m7i.large'));
  });

  it('cheapest fits with the early stop are those of a scan of every row', () => {
    for (const vcpus of [1, 2, 4, 8, 16, 48, 96, 192]) {
      for (const gib of [0.5, 4, 15.5, 64, 384, 2048]) {
        for (const arch of ['x86_64', 'arm64', null] as const) {
          const fit = { vcpus, memoryMiB: Math.ceil(gib * 1024), arch };
          const got = cheapestFits(catalog, fit, 'us-east-1', null).map((c) => c.type.type);
          expect(got, JSON.stringify(fit)).toEqual(bruteForce(rows, fit, 3));
        }
      }
    }
  });
});

describe('a catalogue in another order', () => {
  const rows: Row[] = [
    ['c.large', 2, 4096, 'x86_64', 0, 0, 1, '0.30'],
    ['a.large', 2, 4096, 'x86_64', 0, 0, 1, '0.10'],
    ['b.large', 2, 4096, 'x86_64', 0, 0, 1, '0.20'],
    ['d.large', 2, 4096, 'x86_64', 0, 0, 1, '0.05'],
    ['e.large', 2, 4096, 'x86_64', 0, 0, 1, '0.40'],
    ['f.large', 2, 4096, 'x86_64', 0, 0, 1, '0.50'],
    ['g.large', 2, 4096, 'x86_64', 0, 0, 1, '0.60'],
    ['h.large', 2, 4096, 'x86_64', 0, 0, 1, '0.70'],
    ['i.large', 2, 4096, 'x86_64', 0, 0, 1, '0.80'],
    ['j.large', 2, 4096, 'x86_64', 0, 0, 1, '0.01'],
  ];
  const fit: Fit = { vcpus: 2, memoryMiB: 4096, arch: 'x86_64' };

  it('a hand-edited, unsorted catalogue still gives the cheapest (no early stop)', () => {
    const catalog = parseCatalog(catalogueText(rows, rows.length), 'edited.json');
    expect(cheapestFits(catalog, fit, 'us-east-1', null).map((c) => c.type.type)).toEqual(['j.large', 'd.large', 'a.large']);
  });

  it('refreshed prices reorder the types: every row is looked at', () => {
    const sorted = [...rows].sort((a, b) => Number(a[7]) - Number(b[7]));
    const catalog = parseCatalog(catalogueText(sorted, sorted.length), 'sorted.json');
    const refreshed: RefreshedPrices = {
      format: 1,
      region: 'eu-west-1',
      pricesAsOf: '2026-08-01T00:00:00Z',
      source: 'test',
      refreshedAt: '2026-08-02T00:00:00Z',
      prices: new Map([
        ['i.large', '0.001'],
        ['h.large', '0.002'],
      ]),
    };
    expect(cheapestFits(catalog, fit, 'eu-west-1', refreshed).map((c) => c.type.type)).toEqual(['i.large', 'h.large', 'j.large']);
  });
});

describe('line endings', () => {
  it('a copy with CRLF line endings reads the same', () => {
    const lf = parseCatalog(shippedText, 'lf.json');
    const crlf = parseCatalog(shippedText.replace(/\n/g, '\r\n'), 'crlf.json');
    expect(crlf.get('m7i.large')).toEqual(lf.get('m7i.large'));
    expect([...crlf.currentByPrice()].slice(0, 50)).toEqual([...lf.currentByPrice()].slice(0, 50));
    expect(crlf.allRows()).toEqual(lf.allRows());
  });
});

describe('a damaged catalogue gets an error naming the file and line', () => {
  const rows: Row[] = [
    ['a.large', 2, 4096, 'x86_64', 0, 0, 1, '0.10'],
    ['b.large', 2, 4096, 'x86_64', 0, 0, 1, '0.20'],
  ];
  const good = catalogueText(rows, 2);

  it('not the layout at all', () => {
    expect(() => parseCatalog('{"format": 1, "types": []}', '/x/cat.json')).toThrow(/^\/x\/cat\.json: not a shoji instance catalogue \(format 2/);
    expect(() => parseCatalog('[1, 2', '/x/cat.json')).toThrow(/not a shoji instance catalogue/);
  });

  it('a row that does not read', () => {
    const broken = good.replace('["b.large"', '["b.large" 7,');
    const catalog = parseCatalog(broken, '/x/cat.json');
    expect(catalog.get('a.large')?.vcpu).toBe(2);
    const line = broken.split('\n').findIndex((l) => l.startsWith('["b.large"')) + 1;
    expect(() => catalog.allRows()).toThrow(new RegExp(`^/x/cat\\.json:${line}: not an instance type row: \\["b\\.large" 7,`));
  });

  it('a truncated file', () => {
    const truncated = good.slice(0, good.indexOf('\n]'));
    expect(() => parseCatalog(truncated, '/x/cat.json').allRows()).toThrow(/^\/x\/cat\.json: ends before its types are closed \(truncated\?\)$/);
  });
});
