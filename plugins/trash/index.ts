/**
 * trash — items in your desktop trash (the freedesktop.org Trash specification's home trash,
 * $XDG_DATA_HOME/Trash, by default ~/.local/share/Trash): byobu's `trash`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "trash 3" (state info): the entries of Trash/files, each a file or folder deleted from a
 * file manager, `gio trash` or `trash-put`. Hidden at zero. One directory listing per collect:
 * never a walk into the folders deleted (a trashed source tree may hold millions of files), so
 * no size is given. Not available where there is no trash folder.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule, type ModuleContext } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir } from '../../src/core/read.js';

const options = declareOptions({
  folder: T.String({ default: '', description: 'the trash folder (holding files/ and info/); empty: $XDG_DATA_HOME/Trash, by default ~/.local/share/Trash' }),
});
export type TrashOptions = OptionsOf<typeof options>;

/** What the trash module publishes. */
const data = declareData(
  () => ({
    items: T.Integer({ unit: 'items', description: 'Files and folders in the trash (top-level entries of Trash/files)' }),
    folder: T.String({ description: 'The trash folder read' }),
  }),
  { description: 'Published at every collect where the trash folder exists, also at zero.' },
);
export type TrashData = DataOf<typeof data>;

/** The home trash as the specification places it. */
function trashFolder(ctx: ModuleContext<TrashOptions>): string {
  if (ctx.options.folder !== '') return ctx.options.folder;
  const dataHome = ctx.env.XDG_DATA_HOME || join(ctx.env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'Trash');
}

export default defineModule<TrashOptions, TrashData>({
  id: 'trash',
  description: 'items in your desktop trash (~/.local/share/Trash)',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_trash_items', 'items')]),
  interval: 13,
  priority: 25,
  icons: { trash: 'trash ' },
  available: (ctx) => listDir(trashFolder(ctx)).includes('files'),
  collect(ctx) {
    const folder = trashFolder(ctx);
    const items = listDir(join(folder, 'files')).length;
    const published: TrashData = { items, folder };
    if (items === 0) return { reading: null, data: published };
    return {
      reading: {
        text: String(items),
        state: 'info',
        icon: 'trash',
        detail: [
          { label: 'Items', value: String(items) },
          { label: 'Folder', value: join(folder, 'files') },
          { label: 'To empty it', value: 'gio trash --empty (or trash-empty)' },
        ],
      },
      data: published,
    };
  },
});
