/**
 * `shoji collect ID...`: run modules now, with their full timeouts, and save their readings for
 * `shoji status`. `shoji status` starts it in the background for slow modules (updates).
 */
import { loadApp } from '../app/app.js';
import { collectOneShot } from '../core/oneshot.js';
import { escapeControl } from '../render/sanitize.js';
import { UsageError, type CommandSpec } from './spec.js';

export const collectCommand: CommandSpec = {
  command: 'collect <ids..>',
  describe: 'Collect modules now and save their readings for `shoji status` (slow ones run here)',
  positionals: [],
  options: {},
  async run(args) {
    const ids = (args.ids as string[] | undefined) ?? args._;
    if (ids.length === 0) throw new UsageError('name the modules to collect (see shoji modules)');
    const app = await loadApp(process.env);
    const unknown = ids.filter((id) => !app.modules.all.has(id));
    if (unknown.length > 0) throw new UsageError(`unknown module: ${unknown.join(', ')}`);
    const modules = [...new Set(ids)].map((id) => app.modules.all.get(id)!);
    const { statuses, saveError } = await collectOneShot(modules, process.env, { inline: true });
    if (saveError) process.stderr.write(`shoji: ${escapeControl(saveError)}\n`);
    for (const id of ids) {
      const st = statuses.get(id)!;
      // What a module said, with its escapes shown: printed to a terminal, never run there.
      process.stdout.write(`${id}: ${escapeControl(st.error ? `FAILED: ${st.error}` : (st.reading?.text ?? '(nothing to show)'))}\n`);
    }
    return saveError ? 1 : 0;
  },
};
