/**
 * docs/metrics.md is what the declarations say now (src/exporter/metrics-doc.ts), and
 * scripts/modules-doc.mjs, which writes it, refuses a stale copy with --check and rewrites it
 * without: so the metric list in the docs cannot drift from what the exporter serves.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../../src/app/builtins.js';
import type { MetricFamily } from '../../../src/core/metrics.js';
import { OWN_FAMILIES } from '../../../src/exporter/exposition.js';
import { metricsDoc } from '../../../src/exporter/metrics-doc.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const written = () => readFileSync(join(ROOT, 'docs', 'metrics.md'), 'utf8');

describe('docs/metrics.md', () => {
  it('is what the declarations say now', () => {
    expect(written(), 'docs/metrics.md is out of date: run `npm run docs:modules`').toBe(metricsDoc(BUILTIN_MODULES));
  });

  it("lists every family shoji serves, each with its type and labels, under its module's heading", () => {
    const text = written();
    for (const f of OWN_FAMILIES) expect(text).toMatch(new RegExp(`\\| \`${f.name}\` +\\| ${f.type} `));
    for (const m of BUILTIN_MODULES) {
      for (const f of (m.metrics?.families ?? []) as MetricFamily[]) {
        const section = text.slice(text.indexOf(`### ${m.id}\n`));
        const labels = (f.labels ?? []).map((l) => `\`${l}\``).join(', ');
        expect(section, f.name).toMatch(new RegExp(`^\\| \`${f.name}\` +\\| ${f.type} +\\| ${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\|`, 'm'));
      }
    }
  });
});

describe('scripts/modules-doc.mjs', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'scripts', 'modules-doc.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

  it('--check exits 1 naming a stale metrics.md, 0 once the script has rewritten it', () => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-docs-'));
    for (const name of ['modules.md', 'metrics.md']) copyFileSync(join(ROOT, 'docs', name), join(dir, name));
    expect(run('--check', '--docs', dir).status).toBe(0);
    writeFileSync(join(dir, 'metrics.md'), written().replace('`shoji_load1`', '`shoji_load_1m`'));
    const stale = run('--check', '--docs', dir);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toBe(`${join(dir, 'metrics.md')} is out of date with plugins/: run \`npm run docs:modules\`\n`);
    expect(run('--docs', dir).status).toBe(0);
    expect(readFileSync(join(dir, 'metrics.md'), 'utf8')).toBe(written());
    expect(run('--check', '--docs', dir).status).toBe(0);
  });
});
