/**
 * apport — crash reports waiting in <root>/var/crash (apport's *.crash files on Ubuntu; also
 * whatever else writes *.crash there): byobu's `apport`, which shows "{!}" while any exist.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "{!} 2" (state warning): the count of *.crash files, whoever owns them (a report is
 * readable by the user who crashed and by root only, but its name can be listed by all, and it
 * waits either way). Hidden at zero. One directory listing per collect, no file read.
 * Detail: each report, and the commands that file or clear them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { type NoOptions, noOptions } from '../../src/core/options.js';
import { withoutControl } from '../../src/core/outside-text.js';

/** What the apport module publishes. */
const data = declareData(
  () => ({
    reports: T.Integer({ unit: 'reports', description: 'Crash reports (*.crash) waiting in /var/crash' }),
    files: T.Array(T.String(), { description: 'Their names, sorted (control characters removed)' }),
  }),
  { description: 'Published at every collect where /var/crash exists, also at zero.' },
);
export type ApportData = DataOf<typeof data>;

/** The *.crash regular files in `dir`, from the listing's own types (no stat per file). */
function crashReports(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.crash'))
      .map((e) => e.name)
      .sort();
  } catch {
    return []; // gone, or not listable
  }
}

export default defineModule<NoOptions, ApportData>({
  id: 'apport',
  description: 'pending crash reports in /var/crash',
  options: noOptions,
  data,
  metrics: declareMetrics(() => [gauge('shoji_crash_reports', 'reports')]),
  interval: 31,
  priority: 35,
  icons: { apport: '{!} ' },
  available: (ctx) => statSync(join(ctx.root, 'var/crash'), { throwIfNoEntry: false })?.isDirectory() === true,
  collect(ctx) {
    const dir = join(ctx.root, 'var/crash');
    const files = crashReports(dir).map(withoutControl);
    const published: ApportData = { reports: files.length, files };
    if (files.length === 0) return { reading: null, data: published };
    return {
      reading: {
        text: String(files.length),
        state: 'warning',
        icon: 'apport',
        detail: [
          ...files.map((f) => ({ label: 'Crash report', value: join(dir, f) })),
          { label: 'To file them', value: `apport-cli ${join(dir, '<name>.crash')}` },
          { label: 'To clear them', value: `sudo rm ${join(dir, '*.crash')}` },
        ],
      },
      data: published,
    };
  },
});
