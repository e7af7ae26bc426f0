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

  it('a baseline that is not a share of a vCPU is refused, naming the file', () => {
    const text = (baselines: unknown) =>
      `${JSON.stringify({ format: 2, region: 'us-east-1', pricesAsOf: '2026-07-20T00:00:00Z', sources: [], currentTypes: 0, burstableBaseline: baselines }).slice(0, -1)}, "types": [\n]\n}\n`;
    expect(() => parseCatalog(text({ 't3.nano': 5 }), '/x/cat.json')).toThrow(/^\/x\/cat\.json: burstableBaseline must map types to a share of a vCPU/);
    expect(() => parseCatalog(text({ 't3.nano': '0.05' }), '/x/cat.json')).toThrow(/burstableBaseline/);
    expect(parseCatalog(text({ 't3.nano': 0.05 }), '/x/cat.json').baselinePerVcpu('t3.nano')).toBe(0.05);
  });
});
