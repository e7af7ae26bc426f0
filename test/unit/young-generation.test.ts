/**
 * The dashboard's V8 flags (bin/launch.cjs sets them) keep V8's young generation small. Measured
 * in a fresh node process (a heap that has not grown yet), allocating as a busy start-up does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LAUNCH = join(__dirname, '..', '..', 'bin', 'launch.cjs');

/** The young generation's size in MiB after ~4 million objects, some kept a while, under a command's V8 flags (none: V8's defaults). */
function youngGenerationAfterWork(command?: string): number {
  const script = `
    const command = ${JSON.stringify(command ?? null)};
    if (command) require('node:v8').setFlagsFromString(require(${JSON.stringify(LAUNCH)}).V8_FLAGS[command].join(' '));
    let kept = [];
    for (let i = 0; i < 4e6; i++) {
      const o = { i, text: 'row ' + i };
      if (i % 10 === 0) kept.push(o);
      if (kept.length > 5e4) kept = [];
    }
    const young = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(young.space_size / 2 ** 20));
  `;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

describe('the dashboard', () => {
  it('keeps the young generation at its starting size, where V8 would grow it', () => {
    // Left alone it grows to 32 MiB (Node 20, 22) or 64-128 (Node 24); kept, 2 MiB, though one
    // run of Node 24 in a loaded CI had grown it to 7.75: a quarter is the bound, far from both.
    const grown = youngGenerationAfterWork();
    expect(grown).toBeGreaterThan(4);
    expect(youngGenerationAfterWork('dashboard')).toBeLessThanOrEqual(grown / 4);
  });
});
