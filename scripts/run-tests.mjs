// Runs the whole vitest suite and ends with one plain summary line, "N passed, N failed",
// which CI reads; the exit code is vitest's. Each failed test is named on a "failed:" line just
// above it, so the tail of a long log (all CI keeps of a run) still says which test failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'shoji-vitest-'));
const report = join(dir, 'report.json');
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let summary = 'vitest did not write a report';
const failures = [];
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + (r.numTodoTests ?? 0)} skipped`;
  for (const file of r.testResults ?? []) {
    const where = file.name.startsWith(process.cwd()) ? file.name.slice(process.cwd().length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const test of failed) {
      const after = Number.isFinite(test.duration) ? ` (after ${(test.duration / 1000).toFixed(1)} s)` : '';
      failures.push(`failed: ${where} > ${test.fullName}${after}: ${firstLine(test.failureMessages?.[0])}`);
    }
    // A file that failed before any test ran (an import error, a hook) has no failed test to name.
    if (failed.length === 0 && file.status === 'failed') failures.push(`failed: ${where}: ${firstLine(file.message)}`);
  }
} catch {
  // keep the message above
}
rmSync(dir, { recursive: true, force: true });
console.log(['', ...failures, summary].join('\n'));
process.exit(run.status ?? 1);

function firstLine(text) {
  const line = String(text ?? '').split('\n', 1)[0];
  // vitest's report keeps only a placeholder for a test that timed out; the log above has the rest.
  if (line === 'Error: STACK_TRACE_ERROR') return 'no message in the report (a time-out, most likely: the log has it)';
  return line.slice(0, 300);
}
