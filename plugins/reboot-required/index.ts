/**
 * reboot-required — Debian and Ubuntu's "a restart is required" flag.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "reboot" (state warning) while <root>/var/run/reboot-required (or <root>/run/...)
 * exists, left there by package scripts such as a new kernel's; hidden otherwise.
 * Detail lists the packages that asked for it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import { readText } from '../../src/core/read.js';
import { strftime } from '../../src/core/strftime.js';
import * as T from 'typebox';
import { type NoOptions, noOptions } from '../../src/core/options.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';

/** What the reboot-required module publishes. */
const data = declareData(
  () => ({
    since: T.Number({ unit: 'ms since the Unix epoch', description: 'When the flag file was written (its mtime)' }),
    packages: T.Array(T.String(), { description: 'Packages that asked for the reboot (reboot-required.pkgs), in order, without repeats' }),
  }),
  { description: 'Published while a reboot is required; nothing otherwise.' },
);
export type RebootData = DataOf<typeof data>;

export default defineModule<NoOptions, RebootData>({
  id: 'reboot-required',
  description: 'a reboot is needed to finish package upgrades',
  options: noOptions,
  data,
  metrics: declareMetrics(() => [
    { ...gauge('shoji_reboot_required', '1 while the system asks for a reboot, 0 when it does not', { read: () => 1 }), whenNothingPublished: 0 },
  ]),
  interval: 17,
  priority: 35,
  collect(ctx) {
    for (const dir of ['var/run', 'run']) {
      const flag = join(ctx.root, dir, 'reboot-required');
      const st = statSync(flag, { throwIfNoEntry: false });
      if (!st) continue;
      const since = st.mtimeMs;
      const pkgs = readText(`${flag}.pkgs`) ?? '';
      const packages = [
        ...new Set(
          pkgs
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== ''),
        ),
      ];
      return {
        reading: {
          text: 'reboot',
          state: 'warning',
          icon: 'reboot',
          detail: [
            { label: 'Reboot required since', value: strftime('%Y-%m-%d %H:%M', new Date(since)) },
            { label: 'Packages', value: packages.length > 0 ? packages.join(', ') : 'not named' },
          ],
        },
        data: { since: Math.round(since), packages },
      };
    }
    return { reading: null };
  },
});
