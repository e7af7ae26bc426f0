/**
 * The lock between processes (src/core/lock.ts) under real contention: eight processes take one
 * lock again and again, and often leave it behind as a dead holder would, so that they race to
 * take it over. Never two holders at once, and nothing of the takeovers is left behind.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { common } from '../../scripts/esbuild-options.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
let scratch: string;
let taker: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'shoji-lock-race-'));
  taker = join(scratch, 'taker.cjs');
  await build({ ...common, entryPoints: [join(ROOT, 'test/integration/core-lock-taker.ts')], outfile: taker });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('takers racing', () => {
  it('eight processes taking, releasing and abandoning one lock: one holder at a time, no file of a takeover left', async () => {
    const folder = join(scratch, 'locks');
    mkdirSync(folder, { mode: 0o700 });
    const lock = join(folder, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const ROUNDS = 150;
    const lines = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<string[]>((res) =>
            execFile(process.execPath, [taker, lock, join(scratch, 'marker'), String(ROUNDS), String(dead)], { timeout: 120_000 }, (err, out, errOut) => {
              expect(err, errOut).toBeNull();
              expect(errOut).toBe('');
              res(out.trim().split('\n'));
            }),
          ),
      ),
    );
    const all = lines.flat();
    expect(all).toHaveLength(8 * ROUNDS);
    expect(all.filter((l) => l === 'overlap')).toEqual([]);
    expect(all.filter((l) => l === 'held').length).toBeGreaterThan(0);
    expect(readdirSync(folder).filter((n) => n !== 'x.lock')).toEqual([]);
    // About ten seconds on two loaded cores; the takers' own limit (120 s) ends a stall first.
  }, 150_000);
});
