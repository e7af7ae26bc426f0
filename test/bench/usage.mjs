#!/usr/bin/env node
// test/bench/usage.mjs — what the hourly usage record (src/ec2/usage/) costs:
//
//   1. a minute sample as a long-lived process takes it (takeSample, the ledger's record, then
//      the usage record: /proc/meminfo and power read, the open hour read and rewritten under its
//      lock, and at every 60th sample the hour folded into its month file), against a fixture
//      /proc in a mktemp folder, N samples a minute apart; the ledger's share is timed apart;
//   2. readUsageHours over 13 months of rows (9,500), warm in this process, and cold: a process
//      that loads the reader and reads the 13 months, against `node -e 0`.
//
// Usage: node test/bench/usage.mjs     Env: N=600 (samples), RUNS=20 (cold runs)
// The sources are bundled with esbuild into the temporary folder first, as shoji's own bundles are.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { common } from '../../scripts/esbuild-options.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.N ?? 600);
const RUNS = Number(process.env.RUNS ?? 20);
const work = mkdtempSync(join(tmpdir(), 'shoji-usage-bench-'));

try {
  // The entry: the functions measured, exported from one CommonJS bundle.
  writeFileSync(
    join(work, 'entry.ts'),
    `export { takeSample } from '${ROOT}/src/ec2/ledger/record.ts';
export { recordSample } from '${ROOT}/src/ec2/ledger/store.ts';
export { recordUsageSample } from '${ROOT}/src/ec2/usage/record.ts';
export { appendUsageHours, readUsageHours } from '${ROOT}/src/ec2/usage/store.ts';
`,
  );
  await build({ ...common, entryPoints: [join(work, 'entry.ts')], outfile: join(work, 'usage.cjs') });
  const { createRequire } = await import('node:module');
  const m = createRequire(import.meta.url)(join(work, 'usage.cjs'));

  // 1. Minute samples against a fixture /proc.
  const proc = join(work, 'proc');
  const sys = join(work, 'sys');
  const env = { SHOJI_STATE_DIR: join(work, 'state') };
  const write = (rel, text) => {
    mkdirSync(dirname(join(work, rel)), { recursive: true });
    writeFileSync(join(work, rel), text);
  };
  const BTIME = Date.parse('2026-11-01T00:00:00Z') / 1000;
  const cpus = Array.from({ length: 8 }, (_, i) => `cpu${i} 1 0 1 1 0 0 0 0 0 0\n`).join('');
  write('proc/sys/kernel/random/boot_id', '5f0c1c2e-8d5e-4a77-9a3b-1d2e3f405162\n');
  write('proc/meminfo', 'MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    9000000 kB\nBuffers: 1 kB\n');
  write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n',
  );
  write('sys/class/net/eth0/ifindex', '2\n');
  let usageNs = 0n;
  let ledgerNs = 0n;
  let folds = 0;
  for (let i = 0; i < N; i++) {
    const up = 600 + 60 * i;
    write('proc/uptime', `${up}.00 100.00\n`);
    write('proc/stat', `cpu  ${1000 + 3000 * i} 0 ${500 * i} ${100000 + 40000 * i} 10 0 0 0 0 0\n${cpus}intr 1\nbtime ${BTIME}\nprocesses 5\n`);
    write('proc/net/dev', `Inter-|\n face |\n  eth0: ${1000 * i} 5 0 0 0 0 0 0 ${5000 * i} 7 0 0 0 0 0 0\n`);
    const t0 = process.hrtime.bigint();
    const { sample, statText } = m.takeSample(proc, sys, [], BTIME + up);
    m.recordSample(env, sample);
    const t1 = process.hrtime.bigint();
    const out = m.recordUsageSample(env, proc, sys, sample, statText);
    const t2 = process.hrtime.bigint();
    if (out.status !== 'counted' && out.status !== 'counters') throw new Error(`sample ${i}: ${JSON.stringify(out)}`);
    if (out.completed) folds++;
    ledgerNs += t1 - t0;
    usageNs += t2 - t1;
  }
  const per = (ns) => (Number(ns) / N / 1e6).toFixed(3);
  console.log(`minute sample, ${N} samples (${folds} hours folded): ledger sample+record ${per(ledgerNs)} ms, usage record ${per(usageNs)} ms each`);

  // 2. 13 months of rows through readUsageHours.
  const rowsEnv = { SHOJI_STATE_DIR: join(work, 'rows') };
  const to = Date.parse('2026-12-01T00:00:00Z') / 1000;
  const from = to - 396 * 86_400;
  const rows = [];
  for (let h = from; h < to; h += 3600) {
    const busy = ((h / 3600) % 24) / 10;
    rows.push({
      hour: h,
      samples: 60,
      vcpus: 8,
      cpuMean: busy,
      cpuP95: busy * 1.5,
      cpuMax: busy * 2,
      memPeakBytes: 6_123_456_789,
      memTotalBytes: 16_384_000_000,
      txBytes: 123_456_789,
      watts: 23.456,
      wattsSource: 'rapl',
    });
  }
  m.appendUsageHours(rowsEnv, rows);
  let read = m.readUsageHours(rowsEnv, from, to);
  if (read.hours.length !== rows.length || read.problems.length > 0) throw new Error(`read back ${read.hours.length} of ${rows.length}: ${read.problems}`);
  const times = [];
  for (let i = 0; i < 30; i++) {
    const t0 = process.hrtime.bigint();
    read = m.readUsageHours(rowsEnv, from, to);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`readUsageHours, ${rows.length} rows over 13 months, warm: median ${times[15].toFixed(2)} ms, min ${times[0].toFixed(2)} ms`);

  // Each child prints its own CPU time (user + system, from its start) as it exits: on a shared,
  // loaded machine that moves far less than wall time does.
  const cpuAtExit = "process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))});";
  const script = `${cpuAtExit}const m=require(${JSON.stringify(join(work, 'usage.cjs'))});const r=m.readUsageHours(${JSON.stringify(rowsEnv)},${from},${to});if(r.hours.length!==${rows.length})process.exit(1);`;
  const cold = { read: [], bare: [], readCpu: [], bareCpu: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [key, args] of [
      ['bare', ['-e', cpuAtExit]],
      ['read', ['-e', script]],
    ]) {
      const t0 = process.hrtime.bigint();
      const cpu = Number(execFileSync(process.execPath, args, { encoding: 'utf8' }));
      cold[key].push(Number(process.hrtime.bigint() - t0) / 1e6);
      cold[`${key}Cpu`].push(cpu);
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const ratio = (a, b) => (median(a) / median(b)).toFixed(2);
  console.log(
    `cold process reading 13 months: wall median ${median(cold.read).toFixed(1)} ms against ${median(cold.bare).toFixed(1)} ms for an empty node (${ratio(cold.read, cold.bare)}x); ` +
      `CPU ${median(cold.readCpu).toFixed(1)} ms against ${median(cold.bareCpu).toFixed(1)} ms (${ratio(cold.readCpu, cold.bareCpu)}x)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
