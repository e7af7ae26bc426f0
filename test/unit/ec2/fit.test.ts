/**
 * Right-sizing's engine (src/ec2/fit.ts) over recorded-utilisation fixtures (fit-fixtures.ts),
 * as arrays, against the shipped catalogue and its us-east-1 prices: an idle box, a hot box, a
 * bursty box a t-type carries and one it does not, too little data, --arch any, and the
 * comparison with the type on EC2.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog, parseCatalog } from '../../../src/ec2/catalog.js';
import { bestFitOf, type FitAdvice, type FitAsk, type FitContext, type FitResult, rightSize } from '../../../src/ec2/fit.js';
import { observe } from '../../../src/ec2/fit-observe.js';
import { renderFitReport } from '../../../src/ec2/fit-report.js';
import { toPlain } from '../../../src/ec2/money.js';
import { quotePrice } from '../../../src/ec2/prices.js';
import { BURSTY_FITS, BURSTY_TOO_BUSY, HOT, hoursOf, IDLE, LAST_HOUR, twoWeeks } from './fit-fixtures.js';

const catalog = loadCatalog();
const ASK: FitAsk = { headroomPct: 20, arch: null };

function ctx(over: Partial<FitContext> = {}): FitContext {
  return { catalog, region: 'us-east-1', refreshed: null, hostArch: 'x86_64', current: null, ...over };
}

function advice(r: FitResult): FitAdvice {
  if (r.kind !== 'advice') throw new Error(`refused: ${r.why}`);
  return r;
}

const types = (r: FitAdvice, arch: string) => r.byArch.find((a) => a.arch === arch)!.fits.map((f) => f.type);

describe('what the host used', () => {
  it('p95 is the nearest rank of the hours’ p95s weighted by minutes; the mean is over minutes; the busiest day needs 12 hours', () => {
    // 23 quiet hours and one busy hour, then a day of hours at 1.0 with half the samples.
    const quiet = hoursOf({ ...IDLE, mean: 0.1, p95: 0.2 }, 23, LAST_HOUR - 25 * 3600);
    const busy = hoursOf({ ...IDLE, mean: 2, p95: 3, max: 4 }, 1, LAST_HOUR - 24 * 3600);
    const half = hoursOf({ ...IDLE, mean: 1, p95: 1, memPeakGiB: 5 }, 24, LAST_HOUR, 30);
    const o = observe([...half, ...busy, ...quiet])!;
    expect(o.rows).toBe(48);
    expect(o.hoursOfData).toBe(36);
    expect(o.from).toBe(LAST_HOUR - 47 * 3600);
    expect(o.to).toBe(LAST_HOUR + 3600);
    // 2,160 minutes; rank 2,052: the 1,380 quiet minutes, then 720 at 1.0 reach it.
    expect(o.cpuP95).toBe(1);
    expect(o.cpuMean).toBeCloseTo((23 * 60 * 0.1 + 60 * 2 + 24 * 30 * 1) / 2160, 10);
    // The 24 hours from the busy one: its 60 minutes at 2 and 23 half hours at 1.
    expect(o.busiestDayMean).toBeCloseTo((60 * 2 + 23 * 30) / (60 + 23 * 30), 10);
    expect(o.cpuMax).toBe(4);
    expect(o.memPeakBytes).toBe(5 * 2 ** 30);
  });

  it('p95 at the boundary: exactly 95% of the minutes at or below a value makes it the p95', () => {
    const quiet = hoursOf({ ...IDLE, p95: 0.1 }, 19, LAST_HOUR - 3600);
    const busy = hoursOf({ ...IDLE, p95: 0.8 }, 1, LAST_HOUR);
    expect(observe([...busy, ...quiet])!.cpuP95).toBe(0.1);
    // One quiet minute fewer, and the busy hour is in the top 5%.
    expect(observe([...busy, ...quiet.slice(1), ...hoursOf({ ...IDLE, p95: 0.1 }, 1, LAST_HOUR - 20 * 3600, 59)])!.cpuP95).toBe(0.8);
  });

  it('rows without samples are not data', () => {
    expect(observe(hoursOf(IDLE, 30, LAST_HOUR, 0))).toBeNull();
  });
});

describe('right-sizing the fixtures (20% headroom, us-east-1 catalogue prices)', () => {
  it('an idle box fits something tiny: a t-type with room to spare, Graviton beside it', () => {
    const r = advice(rightSize(twoWeeks(IDLE), ASK, ctx()));
    expect(types(r, 'x86_64')).toEqual(['t3a.small', 't3.small', 't2.small']);
    expect(types(r, 'arm64')).toEqual(['t4g.small', 't4g.medium', 'c6g.medium']);
    expect(r.byArch.map((a) => [a.arch, a.role])).toEqual([
      ['x86_64', 'host'],
      ['arm64', 'alternative'],
    ]);
    // The alternative is cheaper, but the best fit is of the host's architecture.
    expect(bestFitOf(r)).toMatchObject({ type: 't3a.small', arch: 'x86_64' });
    expect(toPlain(r.best!.usdPerMonth)).toBe('13.724'); // 0.0188 x 730
    const small = r.best!;
    expect(small.baselineVcpus).toBeCloseTo(0.4, 10);
    expect(small.cpuHeadroomPct).toBeCloseTo((2 / 0.12 - 1) * 100, 6);
    expect(small.memHeadroomPct).toBeCloseTo((2 / 1.3 - 1) * 100, 6);
    expect(r.notes).toEqual([]);
  });

  it('a hot box needs more than its 4 vCPUs, no burstable type sustains it, and the fit is said to be a lower bound', () => {
    const r = advice(rightSize(twoWeeks(HOT), ASK, ctx()));
    expect(r.needed.vcpus).toBeCloseTo(4.68, 10);
    expect(r.best).toMatchObject({ type: 'c6a.2xlarge', vcpu: 8, memoryMiB: 16384 });
    expect(types(r, 'arm64')[0]).toBe('c6g.2xlarge');
    for (const a of r.byArch) for (const f of a.fits) expect(f.baselineVcpus).toBeNull();
    expect(r.byArch.find((a) => a.arch === 'x86_64')!.burstableLeftOut).toEqual({ type: 't3a.2xlarge', baselineVcpus: 3.2 });
    expect(r.notes.join('\n')).toMatch(/busy on 97\.5% of its 4 vCPUs at the p95: .*lower bound/);
  });

  it('a bursty box whose busiest day averages under the baseline fits a t-type', () => {
    const r = advice(rightSize(twoWeeks(BURSTY_FITS), ASK, ctx()));
    expect(r.best!.type).toBe('t3a.medium');
    expect(r.best!.baselineVcpus).toBeCloseTo(0.4, 10);
    expect(r.byArch.every((a) => a.burstableLeftOut === null)).toBe(true);
  });

  it('the same bursts averaging over the baseline do not, though the p95 fits the same t-type', () => {
    const r = advice(rightSize(twoWeeks(BURSTY_TOO_BUSY), ASK, ctx()));
    expect(r.needed.vcpus).toBeCloseTo(1.8, 10); // fits t3a.medium's 2 vCPUs
    expect(r.needed.sustainedVcpus).toBeCloseTo(0.72, 10); // over its 0.4 (and t3a.large's 0.6)
    expect(types(r, 'x86_64')).toEqual(['c6a.large', 'c5a.large', 'c7i-flex.large']);
    expect(r.byArch.find((a) => a.arch === 'x86_64')!.burstableLeftOut).toEqual({ type: 't3a.medium', baselineVcpus: 0.4 });
    expect(r.byArch.find((a) => a.arch === 'arm64')!.burstableLeftOut).toEqual({ type: 't4g.medium', baselineVcpus: 0.4 });
  });

  it('headroom 0 lets the burstable type back in when the mean itself is within its baseline', () => {
    const r = advice(rightSize(twoWeeks({ ...BURSTY_TOO_BUSY, mean: 0.55 }), { headroomPct: 0, arch: null }, ctx()));
    expect(r.best!.type).toBe('t3a.large'); // 0.6 vCPUs of baseline
  });

  it('refuses less than a day of data, saying how much there is', () => {
    const r = rightSize(hoursOf(IDLE, 23, LAST_HOUR), ASK, ctx());
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.why).toMatch(/^only 23\.0 hours of data in the window: at least 24 are needed/);
    expect(bestFitOf(r)).toBeNull();
    // 24 rows of 59 minutes are 23.6 hours: still refused.
    expect(rightSize(hoursOf(IDLE, 24, LAST_HOUR, 59), ASK, ctx()).kind).toBe('refused');
    expect(rightSize(hoursOf(IDLE, 24, LAST_HOUR), ASK, ctx()).kind).toBe('advice');
    const none = rightSize([], ASK, ctx());
    expect(none.kind === 'refused' && none.why).toMatch(/^no usage has been recorded in the window/);
  });

  it('--arch any: the cheapest of both architectures is the best fit', () => {
    const r = advice(rightSize(twoWeeks(IDLE), { headroomPct: 20, arch: 'any' }, ctx()));
    expect(r.arch).toBeNull();
    expect(r.byArch.map((a) => a.role)).toEqual(['any', 'any']);
    expect(bestFitOf(r)).toMatchObject({ type: 't4g.small', arch: 'arm64' });
  });

  it('an arm64 host gets Graviton fits with x86 as the alternative', () => {
    const r = advice(rightSize(twoWeeks(IDLE), ASK, ctx({ hostArch: 'arm64' })));
    expect(r.byArch.map((a) => [a.arch, a.role])).toEqual([
      ['arm64', 'host'],
      ['x86_64', 'alternative'],
    ]);
    expect(r.best!.type).toBe('t4g.small');
  });

  it('on EC2: the instance against the best fit per month, and the saving', () => {
    const quote = quotePrice('m7i.xlarge', 'us-east-1', catalog, null)!;
    const r = advice(rightSize(twoWeeks(IDLE), ASK, ctx({ current: { type: 'm7i.xlarge', quote, onEc2: true } })));
    const c = r.current!;
    expect(c).toMatchObject({ type: 'm7i.xlarge', onEc2: true, carries: true, short: null });
    expect(toPlain(c.usdPerMonth)).toBe('147.168'); // 0.2016 x 730
    expect(toPlain(c.savingPerMonth!)).toBe('133.444'); // 147.168 - 13.724
    expect(c.savingPct).toBe(90.7);
  });

  it('on EC2 too small for the load: says what it lacks, and that the best fit costs more', () => {
    const quote = quotePrice('m7i.xlarge', 'us-east-1', catalog, null)!;
    const r = advice(rightSize(twoWeeks(HOT), ASK, ctx({ current: { type: 'm7i.xlarge', quote, onEc2: true } })));
    expect(r.current).toMatchObject({ carries: false, short: 'its 4 vCPUs are fewer than the 4.68 needed' });
    expect(Number(toPlain(r.current!.savingPerMonth!))).toBeLessThan(0);
  });

  it('nothing fits: the Prices line still says where the price of the type compared with came from', () => {
    const quote = quotePrice('m7i.xlarge', 'us-east-1', catalog, null)!;
    // More vCPUs at the p95 than any current type has.
    const huge = { ...HOT, vcpus: 2000, mean: 1500, p95: 1900, max: 2000 };
    const r = advice(rightSize(twoWeeks(huge), ASK, ctx({ current: { type: 'm7i.xlarge', quote, onEc2: false } })));
    expect(r.best).toBeNull();
    const out = renderFitReport(r, { window: '14d', problems: [] });
    expect(out).toMatch(/^Best fit {7}none: no current type carries it$/m);
    expect(out).toMatch(/^As given {7}m7i\.xlarge at ~\$147\.17 per month/m);
    expect(out).toMatch(/^Prices {9}shoji catalogue, us-east-1, as of 2026-07-20; Linux on demand; a month is 730 hours$/m);
  });

  it("a refusal's first line says its cause: nothing recorded, or too little", () => {
    const none = rightSize([], ASK, ctx());
    expect(none).toMatchObject({ kind: 'refused', cause: 'nothing-recorded' });
    expect(renderFitReport(none, { window: '14d', problems: [] })).toMatch(/^Right-sizing for EC2: no advice \(no usage recorded in the window\)$/m);
    const few = rightSize(hoursOf(IDLE, 5, LAST_HOUR), ASK, ctx());
    expect(few).toMatchObject({ kind: 'refused', cause: 'too-little' });
    expect(renderFitReport(few, { window: '14d', problems: [] })).toMatch(/^Right-sizing for EC2: no advice \(not enough data\)$/m);
  });

  it("a flex type counts only while the busiest day's mean with headroom is within its 40% baseline, marked flex", () => {
    const rows = [
      ['m9i-flex.large', 2, 8192, 'x86_64', 0, 0, 1, '0.05'],
      ['m9.large', 2, 8192, 'x86_64', 0, 0, 1, '0.1'],
    ];
    const header = {
      format: 2,
      region: 'us-east-1',
      pricesAsOf: '2026-07-20T00:00:00Z',
      sources: ['test'],
      currentTypes: 2,
      flexBaseline: { perVcpu: 0.4, families: ['m9i-flex'] },
    };
    const text = `${JSON.stringify(header).slice(0, -1)}, "types": [\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n}\n`;
    const small = parseCatalog(text, 'flex.json');
    // Averaging 0.6: 0.72 with headroom, within 2 × 40% = 0.80.
    const quiet = advice(rightSize(twoWeeks(BURSTY_TOO_BUSY), ASK, ctx({ catalog: small })));
    expect(quiet.best).toMatchObject({ type: 'm9i-flex.large', baselineKind: 'flex', baselineVcpus: 0.8 });
    const report = renderFitReport(quiet, { window: '14d', problems: [] });
    expect(report).toMatch(/^ {2}m9i-flex\.large +2 vCPU 8 GiB +flex, baseline 0\.80 vCPU +\$0\.05\/h/m);
    expect(report).toMatch(/^Needed .*a burstable or flex type's baseline must cover 0\.72 vCPUs/m);
    // Averaging 0.75: 0.90 with headroom is above it, though the p95 fits its 2 vCPUs.
    const busy = advice(rightSize(twoWeeks({ ...BURSTY_TOO_BUSY, mean: 0.75 }), ASK, ctx({ catalog: small })));
    expect(types(busy, 'x86_64')).toEqual(['m9.large']);
    expect(busy.byArch[0]).toMatchObject({ burstableLeftOut: null, flexLeftOut: { type: 'm9i-flex.large', baselineVcpus: 0.8 } });
    expect(renderFitReport(busy, { window: '14d', problems: [] })).toMatch(
      /^ {2}\(m9i-flex\.large and the other flex types left out: their baselines are below the busiest day's 0\.90 vCPUs with headroom; m9i-flex\.large's is 0\.80\)$/m,
    );
  });

  it('on EC2 as a flex type: a load above its baseline is not carried, though it fits its vCPUs', () => {
    const quote = quotePrice('m7i-flex.xlarge', 'us-east-1', catalog, null)!;
    // p95 3.0 (3.6 with headroom, within 4 vCPUs), but the busiest day's 2.0 (2.4) is above 4 × 40%.
    const load = { ...HOT, p95: 3, mean: 2, memPeakGiB: 8 };
    const r = advice(rightSize(twoWeeks(load), ASK, ctx({ current: { type: 'm7i-flex.xlarge', quote, onEc2: true } })));
    expect(r.current).toMatchObject({ carries: false, short: "its baseline, 1.60 vCPUs, is below the busiest day's 2.40 with headroom" });
    for (const a of r.byArch) for (const f of a.fits) expect(f.type).not.toMatch(/-flex\./);
  });

  it('never suggests an accelerated type, nor a burstable one whose baseline AWS does not publish, even when cheapest', () => {
    const rows = [
      ['t9.medium', 2, 4096, 'x86_64', 0, 1, 1, '0.001'],
      ['inf9.xlarge', 4, 16384, 'x86_64', 0, 0, 1, '0.002'],
      ['m9.large', 2, 8192, 'x86_64', 0, 0, 1, '0.1'],
    ];
    const header = { format: 2, region: 'us-east-1', pricesAsOf: '2026-07-20T00:00:00Z', sources: ['test'], currentTypes: 3, acceleratedFamilies: ['inf9'] };
    const text = `${JSON.stringify(header).slice(0, -1)}, "types": [\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n}\n`;
    const small = parseCatalog(text, 'small.json');
    const r = advice(rightSize(twoWeeks(IDLE), ASK, ctx({ catalog: small })));
    expect(types(r, 'x86_64')).toEqual(['m9.large']);
  });
});
