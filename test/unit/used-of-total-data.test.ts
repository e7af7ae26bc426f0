/**
 * The shared pieces memory and swap (src/core/used-of-total.ts) and every module's data
 * declaration (src/core/data.ts) are built from: what a cgroup limit does to the reading and its
 * detail, and which objects of a data declaration are closed to undeclared fields.
 */
import * as T from 'typebox';
import { describe, expect, it } from 'vitest';
import { declareData } from '../../src/core/data.js';
import { usedOfTotalReading } from '../../src/core/used-of-total.js';

const GiB = 1024 ** 3;
const look = { icon: 'memory', compact: false, warning: 80, critical: 90 };

describe('usedOfTotalReading', () => {
  it("shows the host's use, with one detail line, when there is no smaller limit", () => {
    const { reading, figures } = usedOfTotalReading({ total: 8 * GiB, used: 2 * GiB }, null, look);
    expect(figures).toEqual({ total: 8 * GiB, used: 2 * GiB, ratio: 0.25, cgroup: false });
    expect(reading).toMatchObject({ text: '2G/8G 25%', short: '25%', state: 'good', icon: 'memory' });
    expect(reading.detail).toEqual([{ label: 'Used', value: '2G/8G (25.0%)' }]);
  });

  it("under a smaller cgroup limit, shows the group's use of it, the host's figures going to the detail", () => {
    const group = { limit: 1 * GiB, used: 2 * GiB, source: 'memory.max', dir: '/sys/fs/cgroup/app' };
    const { reading, figures } = usedOfTotalReading({ total: 8 * GiB, used: 3 * GiB }, group, look);
    // A group over its limit (reclaim lags) counts as full, never above it.
    expect(figures).toEqual({ total: 1 * GiB, used: 1 * GiB, ratio: 1, cgroup: true });
    expect(reading).toMatchObject({ text: '1G/1G 100%', state: 'critical' });
    expect(reading.detail).toEqual([
      { label: 'Used', value: '1G/1G (100.0%) of the cgroup limit' },
      { label: 'Host', value: '3G used of 8G' },
      { label: 'Limit', value: '1G (memory.max)' },
      { label: 'Group', value: '/sys/fs/cgroup/app' },
    ]);
  });

  it('compact shows the percentage alone', () => {
    expect(usedOfTotalReading({ total: 4 * GiB, used: 3 * GiB }, null, { ...look, compact: true }).reading.text).toBe('75%');
  });
});

describe('declareData', () => {
  // Built inside each test (as the docs and tests read it), not when the file loads.
  const schemaOf = () =>
    declareData(
      () => ({
        row: T.Object({ a: T.Number() }),
        maybe: T.Union([T.Object({ b: T.Number() }), T.Null()]),
        rows: T.Array(T.Object({ c: T.Number() })),
        open: T.Object({ d: T.Number() }, { additionalProperties: true }),
        numbers: T.Array(T.Number()),
        byName: T.Record(T.String(), T.Number()),
      }),
      { description: 'test data' },
    ).schema as unknown as Record<string, any>;

  it('closes the data and every object inside it, in unions and lists too', () => {
    const schema = schemaOf();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.description).toBe('test data');
    expect(schema.properties.row.additionalProperties).toBe(false);
    expect(schema.properties.maybe.anyOf[0].additionalProperties).toBe(false);
    expect(schema.properties.rows.items.additionalProperties).toBe(false);
  });

  it('leaves an object the declaration opens, and what is not an object, as declared', () => {
    const schema = schemaOf();
    expect(schema.properties.open.additionalProperties).toBe(true);
    expect(schema.properties.numbers.items).not.toHaveProperty('additionalProperties');
    expect(schema.properties.maybe.anyOf[1]).not.toHaveProperty('additionalProperties');
    expect(schema.properties.numbers).not.toHaveProperty('additionalProperties');
    // A map by name declares no fields: closing it would refuse every entry.
    expect(schema.properties.byName.type).toBe('object');
    expect(schema.properties.byName).not.toHaveProperty('additionalProperties');
  });
});
