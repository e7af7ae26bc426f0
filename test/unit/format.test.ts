/**
 * Format strings (src/core/format*.ts): the parser's errors, every spec on every unit, optional
 * parts, escapes and missing values, each placeholder checked against a real module's data
 * declaration (memory's, battery's, network's), and the reading a status shows from them.
 */
import { describe, expect, it } from 'vitest';
import battery from '../../plugins/battery/index.js';
import memory from '../../plugins/memory/index.js';
import network from '../../plugins/network/index.js';
import type { Reading } from '../../src/core/contract.js';
import { nextHistory, shownReading } from '../../src/core/format-apply.js';
import { fieldAt, placeholderNames, templateProblems } from '../../src/core/format-fields.js';
import { fillTemplate } from '../../src/core/format-render.js';
import { compileFormat, FormatError, parseFormat, type Template } from '../../src/core/format.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { newStatus, recordOutcome, Scheduler } from '../../src/core/scheduler.js';
import { resolved } from '../helpers/resolved.js';

const GiB = 1024 ** 3;
const MEMORY = { total: 23.5 * GiB, used: 2.1 * GiB, available: 21.4 * GiB, ratio: 0.0894, cgroup: false };

/** The template filled from memory's data, with memory's units. */
function memoryText(format: string, data: unknown = MEMORY, history?: Record<string, number[]>, ascii = false): string {
  const t = parseFormat(format);
  return fillTemplate(t, { data, fieldOf: (p) => unitOf(memory.data!, p.path), history, ascii });
}
function unitOf(decl: NonNullable<typeof memory.data>, path: (string | number)[]) {
  const info = fieldAt(decl, path);
  return typeof info === 'string' ? undefined : info;
}

describe('parseFormat: what it refuses, and where', () => {
  it.each([
    ['M {used', 2, /"\{" is not closed/],
    ['M used}', 6, /"\}" without "\{"/],
    ['[ swap {used}', 0, /"\[" is not closed/],
    ['swap]', 4, /"\]" without "\["/],
    ['a \\n b', 2, /escapes only/],
    ['{}', 0, /needs a field name/],
    ['{used-2}', 0, /not a field name/],
    ['{0}', 0, /not a field name/],
    ['{used:x}', 0, /is not a spec/],
    ['{used:.1q}', 0, /is not a spec/],
    ['{used:>6.1%%}', 0, /is not a spec/],
    ['{used:spark0}', 0, /1 to 60 samples/],
    ['{used:spark61}', 0, /1 to 60 samples/],
    ['{used:999}', 0, /width is at most 200/],
    ['{used:.9}', 0, /precision is at most 6/],
  ])('%j: at %i, %s', (text, at, why) => {
    const t = compileFormat(text);
    expect(t).toBeInstanceOf(FormatError);
    expect((t as FormatError).at).toBe(at);
    expect((t as FormatError).message).toMatch(why);
  });

  it('refuses a template longer than 2000 characters', () => {
    expect(() => parseFormat('x'.repeat(2001))).toThrow(/at most 2000/);
  });

  it('parses each spec: alignment, width, precision, kind, sparkline', () => {
    const specs = (parseFormat('{a:<6}{a:^7.2}{a:>8.1%}{a:.0K}{a:spark}{a:spark12}{b.0.c}') as Template).placeholders.map((p) => [p.name, p.spec, p.path]);
    expect(specs).toEqual([
      ['a', { align: '<', width: 6 }, ['a']],
      ['a', { align: '^', width: 7, precision: 2 }, ['a']],
      ['a', { align: '>', width: 8, precision: 1, kind: '%' }, ['a']],
      ['a', { precision: 0, kind: 'K' }, ['a']],
      ['a', { spark: 8 }, ['a']],
      ['a', { spark: 12 }, ['a']],
      ['b.0.c', {}, ['b', 0, 'c']],
    ]);
  });

  it('parses once per text: the same template object each time', () => {
    expect(compileFormat('M {used}')).toBe(compileFormat('M {used}'));
  });
});

describe('fillTemplate on memory data', () => {
  it.each([
    // Each field as its unit reads on the line today: bytes like "2.1G", a ratio as a percent.
    ['M {used}/{total} {ratio}', 'M 2.1G/23.5G 9%'],
    ['{available}', '21.4G'],
    ['{cgroup}', 'false'],
    // Precision, width and alignment.
    ['{ratio:.1}', '8.9%'],
    ['{ratio:.2%}', '8.94%'],
    ['[{ratio:>6}]', '    9%'],
    ['[{ratio:<6}]', '9%    '],
    ['[{ratio:^6}]', '  9%  '],
    ['{used:>3}', '2.1G'], // a width narrower than the text does not cut it
    // Units: scaled bytes with a precision, a fixed unit, a plain number.
    ['{used:.2b}', '2.10G'],
    ['{used:M}', '2150.4M'],
    ['{used:.0G}', '2G'],
    ['{used:B}', `${Math.round(2.1 * GiB)}B`],
    ['{used:n}', String(Math.round(2.1 * GiB))], // whole from 100 up
    ['{ratio:n}', '0.09'],
    ['{ratio:.3n}', '0.089'],
    // Escapes are the literal characters.
    ['\\{used\\} \\[x\\] \\\\', '{used} [x] \\'],
    // Optional parts: kept with a value, gone without; nested ones on their own.
    ['M {used}[ of {total}]', 'M 2.1G of 23.5G'],
  ])('%j -> %j', (format, text) => {
    expect(memoryText(format)).toBe(text);
  });

  it('a placeholder with no value: "--" outside an optional part, the part gone inside one', () => {
    const partial = { ...MEMORY, used: null, total: undefined };
    expect(memoryText('M {used}/{total}', partial)).toBe('M --/--');
    expect(memoryText('M {ratio}[ {used} used][ of {total}]', partial)).toBe('M 9%');
    expect(memoryText('[a[ {used}] {ratio}]', partial)).toBe('a 9%');
    expect(memoryText('[a[ {ratio}] {used}]', partial)).toBe('');
    expect(memoryText('[{used:>6}]|{used:>6}', partial)).toBe('|    --');
    expect(memoryText('{used}', null)).toBe('--');
  });

  it('other units: seconds as a duration, bytes/s as a rate, % (0–100) as a percent', () => {
    const fill = (decl: NonNullable<typeof memory.data>, format: string, data: unknown) =>
      fillTemplate(parseFormat(format), { data, fieldOf: (p) => unitOf(decl, p.path), ascii: false });
    const bat = { percent: 65.4, status: 'discharging', seconds: 7800, batteries: [{ name: 'BAT0', percent: 65.4, status: 'Discharging' }] };
    expect(fill(battery.data!, '{percent} {seconds} {status}[ {batteries.0.name}][ {batteries.1.name}]', bat)).toBe('65% 2h 10m discharging BAT0');
    expect(fill(battery.data!, '{percent:.1} {seconds:n}s {batteries.0.percent:%}', bat)).toBe('65.4% 7800s 65%');
    const net = { rx: 1536, tx: 0, interfaces: ['eth0', 'wlan0'], perInterface: [{ name: 'eth0', rx: 1536, tx: 0, rxTotalBytes: 10, txTotalBytes: 5 }] };
    expect(fill(network.data!, '{interfaces} {rx} {tx:>7} {rx:.2K} {perInterface.0.name}', net)).toBe('eth0, wlan0 1.5K/s    0B/s 1.50K/s eth0');
  });

  it('sparklines: the history on 0–1 for a ratio, ASCII under a locale that is not UTF-8, the newest width only', () => {
    const history = { ratio: [0, 0.25, 0.5, 0.75, 1] };
    expect(memoryText('{ratio:spark}', MEMORY, history)).toBe('▁▃▅▇█');
    expect(memoryText('{ratio:spark}', MEMORY, history, true)).toBe('_,=*#');
    expect(memoryText('{ratio:spark3}', MEMORY, history)).toBe('▅▇█');
    // No history yet: the value it has.
    expect(memoryText('{ratio:spark}', MEMORY)).toBe('▁');
    // No value now: none to show, as any placeholder.
    expect(memoryText('[cpu {ratio:spark}]', { ...MEMORY, ratio: null }, history)).toBe('');
  });
});

describe('templateProblems: placeholders against the data declaration', () => {
  const problems = (decl: NonNullable<typeof memory.data>, format: string) => templateProblems(parseFormat(format), decl).map((p) => p.message);

  it('accepts every field the module declares', () => {
    for (const name of placeholderNames(memory.data!)) expect(problems(memory.data!, `{${name}}`)).toEqual([]);
    // A list of rows offers its rows' fields by index, never the list itself.
    const names = placeholderNames(battery.data!);
    expect(names).toEqual(expect.arrayContaining(['percent', 'status', 'seconds', 'batteries.N.name', 'batteries.N.percent']));
    expect(names).not.toContain('batteries');
  });

  it.each([
    ['{usd}', /the module has no field "usd" \(fields: total, used, available, ratio, cgroup\)/],
    ['{used.x}', /"used" has no field "x"|used has no field/],
    ['{used:spark}', null],
    ['{cgroup:spark}', /a sparkline needs a number; "cgroup" is text/],
    ['{cgroup:.1}', /"cgroup" is text: only a width and an alignment apply/],
  ])('memory %j', (format, why) => {
    const found = problems(memory.data!, format);
    if (why === null) expect(found).toEqual([]);
    else expect(found.join('\n')).toMatch(why);
  });

  it.each([
    ['{batteries}', /"batteries" is a list of rows: name a row's field \(batteries\.0\.name\)/],
    ['{batteries.name}', /batteries is a list: name a row by its index \(batteries\.0\.name\)/],
    ['{batteries.0}', /is a group of fields/],
    ['{batteries.0.nosuch}', /batteries\.0 has no field "nosuch"/],
    ['{percent.0}', /percent is not a list/],
    ['{batteries.0.percent:spark}', null],
  ])('battery %j', (format, why) => {
    const found = problems(battery.data!, format);
    if (why === null) expect(found).toEqual([]);
    else expect(found.join('\n')).toMatch(why);
  });

  it('checks nothing for a module that declares no data (a user plugin may not)', () => {
    expect(templateProblems(parseFormat('{anything} {at.all:spark}'), undefined)).toEqual([]);
  });
});

describe('shownReading and nextHistory: a module with formats', () => {
  const own: Reading = { text: '2.1G/23.5G 9%', short: '9%', state: 'good', icon: 'memory' };

  it('replaces text and short and nothing else; a null reading stays null; no format, the reading as it was', () => {
    const mod = { def: memory, format: 'M {used}', format_short: '{ratio}' };
    expect(shownReading(mod, own, MEMORY, undefined, false)).toEqual({ ...own, text: 'M 2.1G', short: '9%' });
    expect(shownReading({ def: memory, format: 'M {used}' }, own, MEMORY, undefined, false)).toEqual({ ...own, text: 'M 2.1G' });
    expect(shownReading({ def: memory, format_short: 'm' }, own, MEMORY, undefined, false)).toEqual({ ...own, short: 'm' });
    expect(shownReading(mod, null, MEMORY, undefined, false)).toBeNull();
    expect(shownReading({ def: memory }, own, MEMORY, undefined, false)).toBe(own);
  });

  it('strips control characters from text that came from outside, and cuts at 512 cells', () => {
    const mod = { def: network, format: '{interfaces}' };
    const shown = shownReading(mod, own, { interfaces: ['eth\u001b[31m0'] }, undefined, false);
    expect(shown?.text).toBe('eth[31m0');
    expect(shownReading(mod, own, { interfaces: ['x'.repeat(600)] }, undefined, false)?.text).toHaveLength(512);
  });

  it('keeps a ring only for fields a sparkline draws, as long as the widest one', () => {
    const mod = { def: memory, format: '{ratio:spark3} {used}', format_short: '{ratio:spark2}' };
    let h = nextHistory(mod, MEMORY, undefined);
    expect(h).toEqual({ ratio: [0.0894] });
    for (const r of [0.1, 0.2, 0.3]) h = nextHistory(mod, { ...MEMORY, ratio: r }, h);
    expect(h).toEqual({ ratio: [0.1, 0.2, 0.3] });
    // No number this time: the ring is kept as it was.
    expect(nextHistory(mod, { ...MEMORY, ratio: null }, h)).toEqual({ ratio: [0.1, 0.2, 0.3] });
    expect(nextHistory({ def: memory, format: '{used}' }, MEMORY, undefined)).toBeUndefined();
  });
});

describe('a status recorded with formats, and a config reload that changes them', () => {
  const own: Reading = { text: '2.1G/23.5G 9%', short: '9%', state: 'good', icon: 'memory' };
  const withFormat = (modules: Record<string, Record<string, unknown>>) => resolved(memory, { ...DEFAULT_CONFIG, modules });

  it("records the shown reading, keeps the module's own beside it, and a reload shows the new format or the module's own again", () => {
    const status = newStatus('memory');
    recordOutcome(
      status,
      { ok: true, collected: { reading: own, data: MEMORY }, durationMs: 1 },
      { mod: withFormat({ memory: { format: 'M {used}' } }), env: { LANG: 'C.UTF-8' } },
    );
    expect(status.reading?.text).toBe('M 2.1G');
    expect(status.moduleReading).toEqual(own);
    const env = { LANG: 'C.UTF-8' };
    const reloaded = (modules: Record<string, Record<string, unknown>>) =>
      new Scheduler([withFormat(modules)], env, new Map([['memory', status]])).statuses().get('memory')!;
    expect(reloaded({ memory: { format: '{ratio} used' } }).reading?.text).toBe('9% used');
    const plain = reloaded({});
    expect(plain.reading).toEqual(own);
    expect(plain.moduleReading).toBeUndefined();
  });

  it("each new collect shows the module's new reading: its state, and null when it has nothing to say", () => {
    const status = newStatus('memory');
    const shown = { mod: withFormat({ memory: { format: 'M {used}' } }), env: { LANG: 'C.UTF-8' } };
    const collect = (reading: Reading | null) => recordOutcome(status, { ok: true, collected: { reading, data: MEMORY }, durationMs: 1 }, shown);
    collect(own);
    collect({ ...own, state: 'critical' });
    expect(status.reading).toMatchObject({ text: 'M 2.1G', state: 'critical' });
    expect(status.moduleReading).toMatchObject({ state: 'critical' });
    collect(null);
    expect(status.reading).toBeNull();
  });
});
