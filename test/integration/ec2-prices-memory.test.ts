/**
 * A refresh streams the offer file: the real, built `ec2-cost --refresh-prices` in a child
 * process downloads a generated offer file of tens of MB from a Price List on loopback, and its
 * peak resident memory (VmHWM, read by the child itself as it exits) is compared with the same
 * refresh of a file of a few hundred KB: what the large file costs more must be far below its
 * size (a reader that held the file would need more than its size; the bound is half of it,
 * where a streaming read measured about a tenth). Nothing here is timed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireBuild, ROOT } from '../helpers/cli.js';
import { offerPath, type PriceServer, priceServer, REGION_INDEX, regionIndex, writeOfferFile } from './ec2-prices-fixtures.js';

/** Instance types in the large file: 108 products each, about 1.8 KB a product with its terms. */
const TYPES = 840;
const SMALL_TYPES = 2;
const EC2_COST = join(ROOT, 'bin', 'ec2-cost');

let work: string;
let server: PriceServer;
let size: number;
let smallServer: PriceServer;

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), 'shoji-prices-memory-'));
  size = writeOfferFile(join(work, 'offer.json'), 'eu-west-1', TYPES);
  server = await priceServer();
  server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['eu-west-1']) });
  server.answers.set(offerPath('eu-west-1'), { kind: 'file', file: join(work, 'offer.json') });
  writeOfferFile(join(work, 'small.json'), 'eu-west-1', SMALL_TYPES);
  smallServer = await priceServer();
  smallServer.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['eu-west-1']) });
  smallServer.answers.set(offerPath('eu-west-1'), { kind: 'file', file: join(work, 'small.json') });
  // Loaded before ec2-cost: the process's own peak resident memory, written as it exits.
  writeFileSync(
    join(work, 'peak.cjs'),
    `process.on('exit', () => {
  const fs = require('node:fs');
  const kb = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1];
  fs.writeFileSync(process.env.PEAK_FILE, kb);
});\n`,
  );
});
afterAll(async () => {
  await server?.close();
  await smallServer?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Run `ec2-cost --refresh-prices download` against `endpoint`; its peak RSS in bytes and how long it took. */
async function refreshPeak(endpoint: string, cache: string): Promise<{ peak: number; seconds: number; prices: number }> {
  const started = Date.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    // The young generation pinned to 16 MB: V8 sizes it by version (Node 24's let a refresh of
    // this file peak at 220 MiB, of which the part above the small file's was garbage a
    // collection frees: it finished under --max-old-space-size=40 as well), and the test is about
    // what the refresh keeps, not about the collector's slack.
    const v8 = ['--max-semi-space-size=16'];
    const child = spawn(process.execPath, [...v8, '--require', join(work, 'peak.cjs'), EC2_COST, '--refresh-prices', 'download', '--region', 'eu-west-1'], {
      env: {
        PATH: process.env.PATH,
        HOME: work,
        LANG: 'C.UTF-8',
        SHOJI_CACHE_DIR: cache,
        SHOJI_PRICING_ENDPOINT: endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
        PEAK_FILE: join(work, 'peak'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.on('exit', (c) => resolve({ code: c, stderr: err }));
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const prices = Object.keys(JSON.parse(readFileSync(join(cache, 'ec2', 'prices-eu-west-1.json'), 'utf8')).prices).length;
  return { peak: Number(readFileSync(join(work, 'peak'), 'utf8')) * 1024, seconds: (Date.now() - started) / 1000, prices };
}

it('a refresh of a 160 MB file runs in memory well under its size', { timeout: 600_000 }, async () => {
  expect(size).toBeGreaterThan(150e6);
  const small = await refreshPeak(smallServer.url, join(work, 'cache-small'));
  const large = await refreshPeak(server.url, join(work, 'cache'));
  expect([small.prices, large.prices]).toEqual([SMALL_TYPES, TYPES]);
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  // For the record (docs/ec2-cost.md's figures), not a pass/fail criterion.
  console.log(
    `refresh of ${(size / 1e6).toFixed(1)} MB: peak RSS ${mib(large.peak)} MiB in ${large.seconds.toFixed(1)} s (a ${SMALL_TYPES}-type file: ${mib(small.peak)} MiB)`,
  );
  expect(large.peak - small.peak).toBeLessThan(size / 2);
});
