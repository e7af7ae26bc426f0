/**
 * reboot-required — Debian and Ubuntu's "a restart is required" flag.
 *
 * Options: docs/modules.md, generated from `options` below (npm run docs:modules).
 *
 * Shows "reboot" (state warning) while <root>/var/run/reboot-required (or <root>/run/...)
 * exists, left there by package scripts such as a new kernel's; hidden otherwise.
 * data: { since, packages }: the flag's mtime (epoch ms) and the packages named in
 * reboot-required.pkgs beside it, in order, without repeats. Detail lists them.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { defineModule } from '../../src/core/contract.js';
import { readText } from '../../src/core/read.js';
import { strftime } from '../../src/core/strftime.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';

/** What the reboot-required module publishes (docs/plugins.md), while a reboot is required. */
export interface RebootData {
  /** When the flag file was written (its mtime), in milliseconds since the Unix epoch. */
  since: number;
  /** Packages that asked for the reboot, in order, without repeats. */
  packages: string[];
}

const options = declareOptions({});
export type RebootRequiredOptions = OptionsOf<typeof options>;

export default defineModule<RebootRequiredOptions, RebootData>({
  id: 'reboot-required',
  description: 'a reboot is needed to finish package upgrades',
  options,
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
