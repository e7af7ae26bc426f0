/**
 * The hourly usage record with real processes: four recorders (as the tmux daemon, the exporter,
 * the dashboard and a screen stream would be) sampling the same host in the same minutes, a few
 * seconds apart, as fast as they can. Whatever the interleaving: no file is damaged, each hour has
 * one row of at most 60 samples, every figure is the host's true rate (no difference taken across
 * two processes' stale counters), and the bytes sent add up to exactly the host's counter over
 * the time the figures cover (nothing counted twice, nothing lost).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { common } from '../../scripts/esbuild-options.mjs';
import { forgetChecks } from '../../src/core/trust.js';
import { openHourFile, readUsageHours } from '../../src/ec2/usage/store.js';
import { ROOT } from '../helpers/cli.js';

const T0 = Date.parse('2026-11-10T10:00:00Z') / 1000;
const SAMPLES = 150; // two and a half hours
const PROCESSES = 4;
const OFFSET_S = 7;
/** The writer's host sends this many bytes a second (ec2-usage-writer.ts). */
const TX_PER_S = 1000;

let scratch: string;
let writer: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'shoji-usage-it-'));
  writer = join(scratch, 'writer.cjs');
  await build({ ...common, entryPoints: [join(ROOT, 'test/integration/ec2-usage-writer.ts')], outfile: writer });
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function runWriter(state: string, offset: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [writer, state, String(T0), String(offset), String(SAMPLES)], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim().split('\n')),
    );
  });
}

it('four processes sampling the same minutes: one row an hour, true figures, every byte sent counted once', { timeout: 90_000 }, async () => {
  const state = join(scratch, 'state');
  const env = { SHOJI_STATE_DIR: state };
  forgetChecks();
  const outputs = await Promise.all(Array.from({ length: PROCESSES }, (_, p) => runWriter(state, p * OFFSET_S)));
  for (const lines of outputs) {
    expect(lines).toHaveLength(SAMPLES);
    for (const line of lines) expect(line).toMatch(/^\d+ (counted|counters|recent|older)$/);
  }
  const counted = outputs.flat().filter((l) => l.endsWith(' counted')).length;
  expect(counted).toBeGreaterThan(0);
  expect(counted).toBeLessThanOrEqual(SAMPLES); // one per minute at most, across all four

  // Hours 10 and 11 are complete; hour 12 is still open (and over by the real clock: folded by the reader).
  const { hours, problems } = readUsageHours(env, 0, 2 ** 40);
  expect(problems).toEqual([]);
  expect(hours.map((h) => h.hour)).toEqual([T0, T0 + 3600, T0 + 7200]);
  for (const h of hours) {
    expect(h.samples).toBeGreaterThan(0);
    expect(h.samples).toBeLessThanOrEqual(60);
    expect([h.cpuMean, h.cpuP95, h.cpuMax]).toEqual([0.75, 0.75, 0.75]);
  }
  // Bytes sent: the figures cover, without overlap or gap (each process takes every minute in
  // turn, so the latest counters are never more than about a minute and a half behind), from the first counters kept (some
  // process's first sample, T0 + a multiple of the offset) to the latest.
  const open = JSON.parse(readFileSync(openHourFile(env), 'utf8'));
  const sent = hours.reduce((sum, h) => sum + h.txBytes, 0);
  const firstAt = open.last.at - sent / TX_PER_S;
  expect(firstAt - T0).toBeGreaterThanOrEqual(0);
  expect(firstAt - T0).toBeLessThan(PROCESSES * OFFSET_S);
  expect((firstAt - T0) % OFFSET_S).toBe(0);
});
