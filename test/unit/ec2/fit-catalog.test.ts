/**
 * The shipped catalogue's facts right-sizing depends on: every burstable type has its baseline
 * CPU share from AWS's credit table (with the table among the sources), only the T families are
 * burstable, and accelerated families are marked.
 */
import { describe, expect, it } from 'vitest';
import { familyOf, loadCatalog, parseCatalog } from '../../../src/ec2/catalog.js';

const catalog = loadCatalog();
const rows = catalog.allRows();

describe('burstable baselines', () => {
  it('every current burstable type has a baseline share per vCPU; the one without is t1.micro, previous generation', () => {
    const burstable = rows.filter((r) => r[5] === 1);
    expect(burstable.length).toBeGreaterThanOrEqual(28);
    const without = burstable.filter((r) => catalog.baselinePerVcpu(r[0]) === null).map((r) => [r[0], r[6]]);
    expect(without).toEqual([['t1.micro', 0]]);
    for (const r of burstable.filter((b) => b[6] === 1)) expect(familyOf(r[0])).toMatch(/^t[234][ag]?$/);
  });

  it("AWS's published shares (credits an hour / vCPUs / 60), and the table named among the sources", () => {
    expect(catalog.baselinePerVcpu('t3.nano')).toBe(0.05);
    expect(catalog.baselinePerVcpu('t3a.medium')).toBe(0.2);
    expect(catalog.baselinePerVcpu('t4g.large')).toBe(0.3);
    expect(catalog.baselinePerVcpu('t4g.2xlarge')).toBe(0.4);
    expect(catalog.baselinePerVcpu('t2.xlarge')).toBe(0.225);
    expect(catalog.baselinePerVcpu('t2.2xlarge')).toBe(0.17);
    expect(catalog.baselinePerVcpu('m7i.large')).toBeNull();
    expect(catalog.baselinePerVcpu('constructor')).toBeNull();
    expect(catalog.sources.join('\n')).toContain('https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html');
  });

  it('Trainium types are not burstable (the research copy says they are), and are accelerated', () => {
    expect(catalog.get('trn1.2xlarge')?.burstable).toBe(false);
    for (const t of ['trn1.2xlarge', 'inf2.xlarge', 'g5.xlarge', 'p5.48xlarge', 'g6f.large']) expect(catalog.isAccelerated(t), t).toBe(true);
    for (const t of ['m7i.large', 't4g.small', 'c7g.medium']) expect(catalog.isAccelerated(t), t).toBe(false);
  });

  it("flex types have AWS's one flex baseline, 40% per vCPU, by a rule over every -flex family, with its source", () => {
    const flex = rows.filter((r) => r[6] === 1 && familyOf(r[0]).endsWith('-flex'));
    expect(new Set(flex.map((r) => familyOf(r[0])))).toEqual(new Set(['c7i-flex', 'c8i-flex', 'm7i-flex', 'm8i-flex', 'r8i-flex']));
    for (const r of flex) {
      expect(catalog.baselinePerVcpu(r[0]), r[0]).toBe(0.4);
      expect(catalog.baselineKind(r[0]), r[0]).toBe('flex');
      expect(r[5], `${r[0]} is not burstable`).toBe(0);
    }
    // Only they and the T types have a baseline.
    const withBaseline = rows.filter((r) => catalog.baselineKind(r[0]) !== null);
    expect(withBaseline.filter((r) => !familyOf(r[0]).endsWith('-flex') && r[5] !== 1)).toEqual([]);
    expect(catalog.baselineKind('t3.small')).toBe('burstable');
    expect(catalog.baselineKind('m7i.large')).toBeNull();
    expect(catalog.sources.join('\n')).toContain('https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html#instance-performance');
    expect(catalog.sources.join('\n')).toContain('a baseline CPU performance of 40 percent');
  });

  it('a flex rule that is not a share of a vCPU with family names is refused, naming the file', () => {
    const text = (flex: unknown) =>
      `${JSON.stringify({ format: 2, region: 'us-east-1', pricesAsOf: '2026-07-20T00:00:00Z', sources: [], currentTypes: 0, flexBaseline: flex }).slice(0, -1)}, "types": [\n]\n}\n`;
    expect(() => parseCatalog(text({ perVcpu: 40, families: ['m7i-flex'] }), '/x/cat.json')).toThrow(/^\/x\/cat\.json: flexBaseline must be/);
    expect(() => parseCatalog(text({ perVcpu: 0.4, families: 'm7i-flex' }), '/x/cat.json')).toThrow(/flexBaseline/);
    expect(() => parseCatalog(text(null), '/x/cat.json')).toThrow(/flexBaseline/);
    const ok = parseCatalog(text({ perVcpu: 0.4, families: ['m7i-flex'] }), '/x/cat.json');
    expect([ok.baselinePerVcpu('m7i-flex.xlarge'), ok.baselineKind('m7i-flex.xlarge'), ok.baselinePerVcpu('m7i.xlarge')]).toEqual([0.4, 'flex', null]);
  });

  it('a baseline that is not a share of a vCPU is refused, naming the file', () => {
    const text = (baselines: unknown) =>
      `${JSON.stringify({ format: 2, region: 'us-east-1', pricesAsOf: '2026-07-20T00:00:00Z', sources: [], currentTypes: 0, burstableBaseline: baselines }).slice(0, -1)}, "types": [\n]\n}\n`;
    expect(() => parseCatalog(text({ 't3.nano': 5 }), '/x/cat.json')).toThrow(/^\/x\/cat\.json: burstableBaseline must map types to a share of a vCPU/);
    expect(() => parseCatalog(text({ 't3.nano': '0.05' }), '/x/cat.json')).toThrow(/burstableBaseline/);
    expect(parseCatalog(text({ 't3.nano': 0.05 }), '/x/cat.json').baselinePerVcpu('t3.nano')).toBe(0.05);
  });
});
