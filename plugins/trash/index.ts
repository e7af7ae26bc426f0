/**
 * trash — items in your desktop trash (the freedesktop.org Trash specification's home trash,
 * $XDG_DATA_HOME/Trash, by default ~/.local/share/Trash): byobu's `trash`.
 *
 * Options and data: docs/modules.md, generated from `options` and `data` below (npm run docs:modules).
 *
 * Shows "trash 3" (state info): the entries of Trash/files, each a file or folder deleted from a
 * file manager, `gio trash` or `trash-put`. Hidden at zero. One directory listing per collect:
 * never a walk into the folders deleted (a trashed source tree may hold millions of files).
 * With `size: true` it also adds up their size, still without a walk: a file's own size (one
 * lstat per item), and a folder's from Trash/directorysizes, the cache the specification (1.0)
 * has file managers keep ("bytes mtime name" lines); a folder not in it is counted in
 * `unsized`, not guessed. Not available where there is no trash folder.
 */
import { lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as T from 'typebox';
import { defineModule, type ModuleContext } from '../../src/core/contract.js';
import { type DataOf, declareData } from '../../src/core/data.js';
import { declareMetrics, gauge } from '../../src/core/metrics.js';
import { declareOptions, type OptionsOf } from '../../src/core/options.js';
import { listDir, readText } from '../../src/core/read.js';
import { formatBytes } from '../../src/core/units.js';

const options = declareOptions({
  folder: T.String({ default: '', description: 'the trash folder (holding files/ and info/); empty: $XDG_DATA_HOME/Trash, by default ~/.local/share/Trash' }),
  size: T.Boolean({
    default: false,
    description: "also add up the items' size: an lstat per item, and folders from the trash's directorysizes cache (no walk)",
  }),
});
export type TrashOptions = OptionsOf<typeof options>;

/** What the trash module publishes. */
const data = declareData(
  () => ({
    items: T.Integer({ unit: 'items', description: 'Files and folders in the trash (top-level entries of Trash/files)' }),
    folder: T.String({ description: 'The trash folder read' }),
    bytes: T.Optional(
      T.Integer({ unit: 'bytes', description: "With `size`: the files' sizes and the folders' from directorysizes (folders not in it left out)" }),
    ),
    unsized: T.Optional(T.Integer({ unit: 'items', description: 'With `size`: folders left out of `bytes`, not in directorysizes' })),
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

/** Folder sizes from Trash/directorysizes: "bytes mtime percent-encoded-name" per line. */
function directorySizes(folder: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (readText(join(folder, 'directorysizes')) ?? '').split('\n')) {
    const m = /^(\d+) \d+ (.+)$/.exec(line);
    if (!m) continue;
    try {
      out.set(decodeURIComponent(m[2]), Number(m[1]));
    } catch {
      // a name that is not percent-encoding: not a line of the cache
    }
  }
  return out;
}

/** The items' bytes, without walking into folders; those the cache lacks counted apart. */
function trashSize(folder: string, items: string[]): { bytes: number; unsized: number } {
  let sizes: Map<string, number> | undefined;
  let bytes = 0;
  let unsized = 0;
  for (const item of items) {
    const st = lstatSync(join(folder, 'files', item), { throwIfNoEntry: false });
    if (!st) continue;
    if (!st.isDirectory()) {
      bytes += st.size;
      continue;
    }
    sizes ??= directorySizes(folder);
    const cached = sizes.get(item);
    if (cached === undefined) unsized++;
    else bytes += cached;
  }
  return { bytes, unsized };
}

export default defineModule<TrashOptions, TrashData>({
  id: 'trash',
  description: 'items in your desktop trash (~/.local/share/Trash)',
  options,
  data,
  metrics: declareMetrics(() => [gauge('shoji_trash_items', 'items'), gauge('shoji_trash_size_bytes', 'bytes')]),
  interval: 13,
  priority: 25,
  icons: { trash: 'trash ' },
  available: (ctx) => listDir(trashFolder(ctx)).includes('files'),
  collect(ctx) {
    const folder = trashFolder(ctx);
    const names = listDir(join(folder, 'files'));
    const items = names.length;
    const size = ctx.options.size ? trashSize(folder, names) : undefined;
    const published: TrashData = { items, folder, ...(size ? { bytes: size.bytes, unsized: size.unsized } : {}) };
    if (items === 0) return { reading: null, data: published };
    return {
      reading: {
        text: String(items),
        state: 'info',
        icon: 'trash',
        detail: [
          { label: 'Items', value: String(items) },
          ...(size ? [{ label: 'Size', value: `${formatBytes(size.bytes)}${size.unsized > 0 ? ` and ${size.unsized} folder(s) of unknown size` : ''}` }] : []),
          { label: 'Folder', value: join(folder, 'files') },
          { label: 'To empty it', value: 'gio trash --empty (or trash-empty)' },
        ],
      },
      data: published,
    };
  },
});
