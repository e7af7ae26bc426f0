#!/usr/bin/env node
// test/bench/procs.mjs — what one list of the dashboard's process table costs, on this host:
//
//   1. the direct reader (/proc): CPU time per list, the median of RUNS rounds of 100 lists, after
//      50 to warm up (the user and command line are not read: only rows on screen ask for them);
//   2. with SI=1, the list through systeminformation (SHOJI_BACKEND=systeminformation, as macOS
//      and the BSDs get it): wall time per list, the median of 10, 600 ms apart (its own cache
//      answers within 500 ms).
//
// Usage: node test/bench/procs.mjs     Env: RUNS=15, SI=1
// The sources are bundled with esbuild into a temporary folder first, as shoji's own bundles are;
// the same options work on a tree from before the host interface (git worktree add DIR COMMIT,
// then node DIR/test/bench/procs.mjs after copying this file there), to compare.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.RUNS ?? 15);
const work = mkdtempSync(join(tmpdir(), 'shoji-procs-bench-'));

const measure = `
const { ProcSampler } = require(${JSON.stringify(join(work, 'procs.cjs'))});
const opts = (env) => ({ env, procRoot: '/proc', sysRoot: '/sys', root: '/', now: () => performance.now() });
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
(async () => {
  const direct = new ProcSampler(opts({}));
  for (let i = 0; i < 50; i++) direct.sample();
  const cpu = [];
  for (let r = 0; r < ${RUNS}; r++) {
    const t = process.cpuUsage();
    for (let i = 0; i < 100; i++) direct.sample();
    const u = process.cpuUsage(t);
    cpu.push((u.user + u.system) / 100 / 1000);
  }
  console.log('direct (/proc): ' + direct.sample().length + ' processes, ' + median(cpu).toFixed(3) + ' ms of CPU per list (median of ${RUNS} x 100)');
  if (!process.env.SI) return;
  const si = new ProcSampler(opts({ SHOJI_BACKEND: 'systeminformation' }));
  await si.sample();
  const wall = [];
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 600));
    const t = performance.now();
    await si.sample();
    wall.push(performance.now() - t);
  }
  console.log('systeminformation (ps): ' + median(wall).toFixed(0) + ' ms wall per list (median of 10)');
})();
`;

try {
  await build({
    entryPoints: [join(ROOT, 'src/dashboard/procs.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: join(work, 'procs.cjs'),
    logLevel: 'error',
  });
  // One bundle, systeminformation inside: the import() of its reader is not split off here, which
  // costs the direct reader nothing (it is never called).
  writeFileSync(join(work, 'measure.cjs'), measure);
  process.stdout.write(execFileSync(process.execPath, [join(work, 'measure.cjs')]));
} finally {
  rmSync(work, { recursive: true, force: true });
}
