#!/usr/bin/env node
// test/bench/refresh-memory.mjs — what `ec2-cost --refresh-prices` costs on an offer file the
// size of a real one: peak resident memory (VmHWM, written by the process as it exits), wall and
// CPU time. The offer files are generated in the real layout by the tests' fixtures
// (test/integration/ec2-prices-fixtures.ts: every type in the variants a real file has, only one
// in 108 the Linux on-demand price shoji keeps) and served from a Price List on loopback, as in
// test/integration/ec2-prices-memory.test.ts (which checks the bound; this only measures). A file
// of SMALL types gives the floor: Node, the bundle and the readers, with nearly nothing to read.
//
// The time is extrapolated to a real region's offer file (REAL_MB, 600 MB by default: eu-west-1's
// and us-east-1's are 500-700 MB) by the CPU seconds each MB adds between the two files; the memory is not,
// as a streaming read keeps only the prices (one per instance type, about as many as a real region
// has at the default TYPES) and does not grow with the file.
//
// Usage: node test/bench/refresh-memory.mjs     Env: TYPES=840 SMALL=2 REAL_MB=600 WORK=/tmp/shoji-bench-refresh
// `npm run build` first (it runs dist/ec2-cost.cjs through bin/ec2-cost).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { common } from '../../scripts/esbuild-options.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES = Number(process.env.TYPES ?? 840);
const SMALL = Number(process.env.SMALL ?? 2);
const REAL_MB = Number(process.env.REAL_MB ?? 600);
const WORK = process.env.WORK ?? '/tmp/shoji-bench-refresh';
const EC2_COST = join(ROOT, 'bin', 'ec2-cost');
if (!existsSync(join(ROOT, 'dist', 'ec2-cost.cjs'))) throw new Error('npm run build first');

rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });
const fixtures = join(WORK, 'fixtures.cjs');
await build({ ...common, entryPoints: [join(ROOT, 'test/integration/ec2-prices-fixtures.ts')], outfile: fixtures });
const { createRequire } = await import('node:module');
const { offerPath, priceServer, REGION_INDEX, regionIndex, writeOfferFile } = createRequire(import.meta.url)(fixtures);

// The process's own peak resident memory and CPU time, written as it exits.
writeFileSync(
  join(WORK, 'peak.cjs'),
  `process.on('exit', () => {
  const fs = require('node:fs');
  const kb = Number(/VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  const u = process.cpuUsage();
  fs.writeFileSync(process.env.PEAK_FILE, JSON.stringify({ kb, cpuS: (u.user + u.system) / 1e6 }));
});\n`,
);

async function measure(types) {
  const file = join(WORK, `offer-${types}.json`);
  const t0 = Date.now();
  const bytes = writeOfferFile(file, 'eu-west-1', types);
  const generatedS = (Date.now() - t0) / 1000;
  const server = await priceServer();
  server.answers.set(REGION_INDEX, { kind: 'text', body: regionIndex(['eu-west-1']) });
  server.answers.set(offerPath('eu-west-1'), { kind: 'file', file });
  const cache = join(WORK, `cache-${types}`);
  const peakFile = join(WORK, `peak-${types}.json`);
  const started = process.hrtime.bigint();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', join(WORK, 'peak.cjs'), EC2_COST, '--refresh-prices', '--region', 'eu-west-1'], {
      env: {
        PATH: process.env.PATH,
        HOME: WORK,
        LANG: 'C.UTF-8',
        SHOJI_CACHE_DIR: cache,
        SHOJI_PRICING_ENDPOINT: server.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        PEAK_FILE: peakFile,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', resolve);
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  await server.close();
  rmSync(file, { force: true });
  if (code !== 0) throw new Error(`ec2-cost --refresh-prices exited ${code}`);
  const prices = Object.keys(JSON.parse(readFileSync(join(cache, 'ec2', 'prices-eu-west-1.json'), 'utf8')).prices).length;
  const { kb, cpuS } = JSON.parse(readFileSync(peakFile, 'utf8'));
  return { types, bytes, prices, peakMiB: kb / 1024, wallS, cpuS, generatedS };
}

const small = await measure(SMALL);
const large = await measure(TYPES);
const mb = (b) => b / 1e6;
const row = (r) =>
  `| ${r.types} | ${mb(r.bytes).toFixed(1)} | ${r.prices} | ${r.peakMiB.toFixed(1)} | ${r.wallS.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${(mb(r.bytes) / r.wallS).toFixed(1)} |`;
// The CPU each MB adds (the start-up, the small file's, paid once).
const cpuPerMb = (large.cpuS - small.cpuS) / (mb(large.bytes) - mb(small.bytes));
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`# ec2-cost --refresh-prices, peak memory and time (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)

node ${process.version} | ${(await import('node:os')).cpus().length} cpus | load ${load}

| types | offer file MB | prices kept | peak RSS MiB | wall s | CPU s | MB/s (wall) |
|---|---|---|---|---|---|---|
${row(small)}
${row(large)}

- what the large file costs above the floor: ${(large.peakMiB - small.peakMiB).toFixed(1)} MiB for ${mb(large.bytes).toFixed(0)} MB read;
- a real offer file of ${REAL_MB} MB at ${cpuPerMb.toFixed(3)} CPU s per MB: about ${(small.cpuS + cpuPerMb * REAL_MB).toFixed(0)} CPU s (plus the download), in about ${large.peakMiB.toFixed(0)} MiB.

Rerun: node test/bench/refresh-memory.mjs (TYPES=${TYPES} SMALL=${SMALL} REAL_MB=${REAL_MB}).`);
