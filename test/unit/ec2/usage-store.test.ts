/**
 * The hourly usage store (src/ec2/usage/store.ts), on real files under a temp dir: rows written
 * through appendUsageHours read back through readUsageHours by hour range; a damaged row is
 * dropped alone and a damaged file skipped with a line saying so (never a throw), then set aside
 * by the next writer; old months are pruned; the folder is private and links are not followed.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetChecks } from '../../../src/core/trust.js';
import { appendUsageHours, monthFile, openHourFile, readUsageHours, usageDir } from '../../../src/ec2/usage/store.js';
import { type HourUsage, USAGE_RETENTION_DAYS } from '../../../src/ec2/usage/types.js';
import { parseMonth } from '../../../src/ec2/usage/validate.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

const NOV_1 = Date.parse('2026-11-01T00:00:00Z') / 1000;
const H = 3600;

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  env = { SHOJI_STATE_DIR: join(tree.dir, 'state') };
  forgetChecks();
});
afterEach(() => tree.cleanup());

function row(hour: number, over: Partial<HourUsage> = {}): HourUsage {
  return {
    hour,
    samples: 60,
    vcpus: 2,
    cpuMean: 0.25,
    cpuP95: 0.9,
    cpuMax: 1.5,
    memPeakBytes: 3 * 2 ** 30,
    memTotalBytes: 8 * 2 ** 30,
    txBytes: 12_345,
    ...over,
  };
}

const ALL = [0, 2 ** 40] as const;

describe('writing and reading rows', () => {
  it('rows read back oldest first, by the range of their start [from, to), across month files', () => {
    const rows = [row(NOV_1 + 5 * H), row(NOV_1 - H, { watts: 11.5, wattsSource: 'rapl' }), row(NOV_1), row(NOV_1 + H, { cpuMean: 1.75, cpuMax: 2 })];
    appendUsageHours(env, rows);
    expect(readdirSync(usageDir(env)).sort()).toEqual(['hours-2026-10.json', 'hours-2026-11.json']);
    expect(statSync(usageDir(env)).mode & 0o777).toBe(0o700);
    expect(statSync(monthFile(env, '2026-11')).mode & 0o777).toBe(0o600);
    expect(readUsageHours(env, ...ALL)).toEqual({ hours: [rows[1], rows[2], rows[3], rows[0]], problems: [] });
    expect(readUsageHours(env, NOV_1, NOV_1 + 5 * H).hours.map((h) => h.hour)).toEqual([NOV_1, NOV_1 + H]);
    expect(readUsageHours(env, NOV_1 - H, NOV_1).hours).toEqual([rows[1]]);
  });

  it('a row for an hour already stored replaces it; other rows of the month stay', () => {
    appendUsageHours(env, [row(NOV_1), row(NOV_1 + H)]);
    appendUsageHours(env, [row(NOV_1, { samples: 12 })]);
    expect(readUsageHours(env, ...ALL).hours.map((h) => [h.hour - NOV_1, h.samples])).toEqual([
      [0, 12],
      [H, 60],
    ]);
  });

  it('an invalid row is refused with its hour and what is wrong, and nothing is written', () => {
    expect(() => appendUsageHours(env, [row(NOV_1), row(NOV_1 + 60)])).toThrow(
      `usage row for hour ${NOV_1 + 60}: hour ${NOV_1 + 60} is not the start of a UTC hour`,
    );
    expect(() => appendUsageHours(env, [row(NOV_1, { cpuP95: 3 })])).toThrow(/cpuP95 3 is not 0 to the 2 vCPUs/);
    expect(() => appendUsageHours(env, [row(NOV_1, { watts: 5 })])).toThrow(/watts and wattsSource come together/);
    expect(existsSync(usageDir(env))).toBe(false);
  });

  it('nothing recorded yet: no rows and no problem', () => {
    expect(readUsageHours(env, ...ALL)).toEqual({ hours: [], problems: [] });
  });

  it(`months ending more than ${USAGE_RETENTION_DAYS} days before the newest row are removed; the rest are kept`, () => {
    // A row on the first of each month from 2025-07 to 2026-10, then November 2026's.
    const firsts = Array.from({ length: 16 }, (_, i) => Date.UTC(2025, 6 + i, 1) / 1000);
    appendUsageHours(
      env,
      firsts.map((t) => row(t)),
    );
    // 400 days before 2026-10-01 is 2025-08-27: July 2025 is gone at once.
    expect(readdirSync(usageDir(env)).filter((n) => n.startsWith('hours-'))).toHaveLength(15);
    appendUsageHours(env, [row(NOV_1)]);
    // 400 days before 2026-11-01 is 2025-09-27: July and August 2025 ended before it.
    const files = readdirSync(usageDir(env))
      .filter((n) => n.startsWith('hours-'))
      .sort();
    expect(files[0]).toBe('hours-2025-09.json');
    expect(files).toHaveLength(15);
  });

  it('a row from a clock that ran decades ahead does not make the history look old: the 14 newest month files are kept', () => {
    const firsts = Array.from({ length: 15 }, (_, i) => Date.UTC(2025, 8 + i, 1) / 1000); // 2025-09 .. 2026-11
    appendUsageHours(
      env,
      firsts.map((t) => row(t)),
    );
    appendUsageHours(env, [row(Date.UTC(2088, 11, 1) / 1000)]);
    const files = readdirSync(usageDir(env))
      .filter((n) => n.startsWith('hours-'))
      .sort();
    // The 2088 file and the 13 newest real months: only the two oldest went, not all fifteen.
    expect(files).toHaveLength(14);
    expect(files[0]).toBe('hours-2025-11.json');
    expect(files.at(-2)).toBe('hours-2026-11.json');
  });
});

describe('damage', () => {
  it('a bad row is dropped alone with a line naming the file and the row; the others are read', () => {
    appendUsageHours(env, [row(NOV_1), row(NOV_1 + H), row(NOV_1 + 2 * H)]);
    const path = monthFile(env, '2026-11');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = lines[2].replace('[1793494800,60,2,0.25', '[1793494800,60,2,-0.25'); // row 2's mean below zero
    writeFileSync(path, lines.join('\n'));
    const { hours, problems } = readUsageHours(env, ...ALL);
    expect(hours.map((h) => h.hour)).toEqual([NOV_1, NOV_1 + 2 * H]);
    expect(problems).toEqual([`${path}: 1 row(s) dropped (row 2: cpuMean -0.25 is not 0 to the 2 vCPUs)`]);
  });

  it('every kind of bad row is dropped, each with its reason, and the good ones kept', () => {
    appendUsageHours(env, [row(NOV_1)]);
    const path = monthFile(env, '2026-11');
    const good = [NOV_1 + H, 60, 2, 0.25, 0.9, 1.5, 3, 8, 12];
    const bad: [unknown[], string][] = [
      [[NOV_1 + 30, ...good.slice(1)], `hour ${NOV_1 + 30} is not the start of a UTC hour`],
      [[NOV_1 - H, ...good.slice(1)], `hour ${NOV_1 - H} is not in 2026-11`],
      [[...good.slice(0, 1), 61, ...good.slice(2)], 'samples 61 is not 1 to 60'],
      [[...good.slice(0, 1), 1.5, ...good.slice(2)], 'samples 1.5 is not 1 to 60'],
      [[...good.slice(0, 2), 0, ...good.slice(3)], 'vcpus 0 is not 1 to 8192'],
      [[...good.slice(0, 3), 2.5, 2.5, 2.5, ...good.slice(6)], 'cpuMean 2.5 is not 0 to the 2 vCPUs'],
      [[...good.slice(0, 3), 0.25, 1.6, 1.5, ...good.slice(6)], 'the CPU figures (mean 0.25, p95 1.6, max 1.5) are out of order'],
      [[...good.slice(0, 3), 1.6, 0.9, 1.5, ...good.slice(6)], 'the CPU figures (mean 1.6, p95 0.9, max 1.5) are out of order'],
      [[...good.slice(0, 3), 0.25, 0.9, '1.5', ...good.slice(6)], 'cpuMax 1.5 is not 0 to the 2 vCPUs'],
      [[...good.slice(0, 6), 9, 8, 12], 'memPeakBytes 9 is not 0 to memTotalBytes'],
      [[...good.slice(0, 7), 0, 12], 'memTotalBytes 0 is not a memory size'],
      [[...good.slice(0, 8), -1], 'txBytes -1 is not a byte count'],
      [[...good.slice(0, 8), 2 ** 60], `txBytes ${2 ** 60} is not a byte count`],
      [[...good, 5, 'mains'], 'wattsSource "mains" is not one of rapl, battery'],
      [[...good, -5, 'rapl'], 'watts -5 is not 0 to 100000'],
      [[...good, null, 'rapl'], 'watts null is not 0 to 100000'],
      [good.slice(0, 8), 'not a row of 9 or 11 fields'],
    ];
    const text = readFileSync(path, 'utf8').replace('\n]}', `,\n${bad.map(([r]) => JSON.stringify(r)).join(',\n')},\n${JSON.stringify(good)}\n]}`);
    writeFileSync(path, text);
    const { hours, problems } = readUsageHours(env, ...ALL);
    expect(hours.map((h) => h.hour)).toEqual([NOV_1, NOV_1 + H]);
    expect(problems).toEqual([`${path}: ${bad.length} row(s) dropped (row 2: ${bad[0][1]})`]);
    // Each reason, as the file's reader gives it.
    expect(parseMonth(text, '2026-11').dropped).toEqual(bad.map(([, why], i) => `row ${i + 2}: ${why}`));
  });

  it.each([
    ['not JSON', '{"format":1,"kind":"shoji-usage-hours","month":"2026-11","hours":[\n[1793', 'not JSON'],
    ['another format', '{"format":2,"kind":"shoji-usage-hours","month":"2026-11","hours":[]}', 'not a format-1 usage file'],
    ['another month', '{"format":1,"kind":"shoji-usage-hours","month":"2026-10","hours":[]}', 'it says it is for 2026-10, not 2026-11'],
  ])('a file that is %s is skipped with a line saying why, never a throw; the next writer sets it aside and starts afresh', (_what, text, why) => {
    appendUsageHours(env, [row(NOV_1 - H), row(NOV_1)]);
    const path = monthFile(env, '2026-11');
    writeFileSync(path, text);
    expect(readUsageHours(env, ...ALL)).toEqual({ hours: [row(NOV_1 - H)], problems: [`${path}: skipped: ${why}`] });
    appendUsageHours(env, [row(NOV_1 + H)]);
    expect(readFileSync(`${path}.corrupt`, 'utf8')).toBe(text);
    expect(readUsageHours(env, ...ALL)).toEqual({ hours: [row(NOV_1 - H), row(NOV_1 + H)], problems: [] });
  });

  it('a symlink in a month file place is not followed: its target is left alone, the link set aside', () => {
    mkdirSync(usageDir(env), { recursive: true, mode: 0o700 });
    const target = join(tree.dir, 'elsewhere.json');
    writeFileSync(target, 'precious');
    symlinkSync(target, monthFile(env, '2026-11'));
    expect(readUsageHours(env, ...ALL).problems).toEqual([`${monthFile(env, '2026-11')}: skipped: it is a symlink`]);
    appendUsageHours(env, [row(NOV_1)]);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readUsageHours(env, ...ALL)).toEqual({ hours: [row(NOV_1)], problems: [] });
  });

  it('a folder another user could write is refused: nothing read there, a line says why', () => {
    appendUsageHours(env, [row(NOV_1)]);
    chmodSync(usageDir(env), 0o777);
    forgetChecks();
    expect(readUsageHours(env, ...ALL)).toEqual({
      hours: [],
      problems: [`${usageDir(env)} is not a private folder of yours: the usage recorded in it is not read`],
    });
    expect(() => appendUsageHours(env, [row(NOV_1 + H)])).toThrow(/writable by others/);
  });

  it('a damaged open-hour file is a line too, and the completed rows are still read', () => {
    appendUsageHours(env, [row(NOV_1)]);
    writeFileSync(openHourFile(env), '{"format":1');
    expect(readUsageHours(env, ...ALL)).toEqual({ hours: [row(NOV_1)], problems: [`${openHourFile(env)}: skipped: not JSON`] });
  });
});
