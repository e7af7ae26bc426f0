import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import trash from '../../../plugins/trash/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

describe('trash', () => {
  let tree: FixtureTree;
  let home: string;
  beforeEach(() => {
    tree = fixtureTree();
    home = join(tree.dir, 'home');
  });
  afterEach(() => tree.cleanup());

  /** An item as gio and trash-put leave it: the thing in files/, its .trashinfo in info/. */
  function trashed(trashDir: string, name: string, isFolder = false) {
    if (isFolder) tree.write(`${trashDir}/files/${name}/inside/deep.txt`, 'x');
    else tree.write(`${trashDir}/files/${name}`, 'contents');
    tree.write(`${trashDir}/info/${name}.trashinfo`, `[Trash Info]\nPath=/home/alice/${encodeURIComponent(name)}\nDeletionDate=2026-11-23T11:58:04\n`);
  }

  const run = async (env: NodeJS.ProcessEnv, options = {}) => trash.collect(moduleContext(trash, tree, options, env), undefined);

  it('counts the items in ~/.local/share/Trash/files, a deleted folder as one', async () => {
    trashed('home/.local/share/Trash', 'report.pdf');
    trashed('home/.local/share/Trash', 'old project', true);
    trashed('home/.local/share/Trash', 'notes.txt');
    const { reading, data } = await run({ HOME: home });
    expect(reading).toMatchObject({ text: '3', state: 'info', icon: 'trash' });
    expectDataAsDeclared(trash, data);
    expect(data).toEqual({ items: 3, folder: join(home, '.local/share/Trash') });
  });

  it('follows $XDG_DATA_HOME, and the folder option over both', async () => {
    trashed('home/.local/share/Trash', 'a');
    trashed('xdg/Trash', 'b');
    trashed('xdg/Trash', 'c');
    trashed('elsewhere', 'd');
    expect((await run({ HOME: home, XDG_DATA_HOME: join(tree.dir, 'xdg') })).data?.items).toBe(2);
    expect((await run({ HOME: home }, { folder: join(tree.dir, 'elsewhere') })).data?.items).toBe(1);
  });

  it('with size: adds files by their size and folders from directorysizes, never walking into one', async () => {
    trashed('home/.local/share/Trash', 'report.pdf'); // 'contents': 8 bytes
    trashed('home/.local/share/Trash', 'old project', true);
    trashed('home/.local/share/Trash', 'build', true);
    // As Nautilus keeps it (Trash specification 1.0): bytes, the .trashinfo's mtime, the name percent-encoded.
    tree.write('home/.local/share/Trash/directorysizes', '1048576 1763895484000 old%20project\n4096 1763895484000 gone\n');
    const { reading, data } = await run({ HOME: home }, { size: true });
    expectDataAsDeclared(trash, data);
    expect(data).toEqual({ items: 3, folder: join(home, '.local/share/Trash'), bytes: 1048576 + 8, unsized: 1 });
    expect(reading?.detail).toContainEqual({ label: 'Size', value: '1M and 1 folder(s) of unknown size' });
    expect((await run({ HOME: home })).data).not.toHaveProperty('bytes');
  });

  it('is quiet with an empty trash, and not available where there is none', async () => {
    const ctx = moduleContext(trash, tree, {}, { HOME: home });
    expect(await trash.available!(ctx)).toBe(false);
    mkdirSync(join(home, '.local/share/Trash/files'), { recursive: true });
    expect(await trash.available!(ctx)).toBe(true);
    const { reading, data } = await run({ HOME: home });
    expect(reading).toBeNull();
    expect(data?.items).toBe(0);
  });
});
